/**
 * The stack tests' fixture and typed views of a synthesized template.
 * Bundling through NodejsFunction runs `npm ci` for the native argon2 module
 * (a registry download), which a test must not do; so the functions' code is
 * prebuilt once per file by esbuild with the CDK app's own options
 * (`infra/lambda-bundling.ts`) and handed to the stack as `Code.fromAsset`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { build } from 'esbuild';
import { GatewayStack, type GatewayStackProps } from '../../infra/gateway-stack.js';
import { esbuildOptions, REPO_ROOT } from '../../infra/lambda-bundling.js';

export interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
}

export interface Statement {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface StackFixture {
  /** A temp dir holding the prebuilt bundles and every synth's output. */
  dir: string;
  /** Synthesizes the stack with the prebuilt code (the first synth takes seconds). */
  synth(props?: Omit<GatewayStackProps, 'code'>): Template;
  close(): void;
}

/** Builds both functions' bundles with esbuild, once. */
export async function prebuildStackFixture(): Promise<StackFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-cdk-'));
  await Promise.all(
    (['oauth', 'mcp'] as const).map(async (fn) => {
      mkdirSync(path.join(dir, fn));
      await build({
        ...esbuildOptions(fn, path.join(dir, fn, 'index.mjs')),
        absWorkingDir: REPO_ROOT,
        metafile: false,
      });
    }),
  );
  let synths = 0;
  return {
    dir,
    synth(props = {}) {
      synths += 1;
      const app = new App({ outdir: path.join(dir, `out-${synths}`) });
      // A Code instance belongs to one stack.
      const code = {
        oauth: Code.fromAsset(path.join(dir, 'oauth')),
        mcp: Code.fromAsset(path.join(dir, 'mcp')),
      };
      return Template.fromStack(new GatewayStack(app, 'Gateway', { ...props, code }));
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every resource of `type`, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/** The logical id of the one resource of `type` whose properties match. */
export function logicalId(
  template: Template,
  type: string,
  match: (props: Record<string, unknown>) => boolean,
): string {
  const found = Object.entries(resourcesOf(template, type)).filter(([, r]) => match(r.Properties));
  if (found.length !== 1 || found[0] === undefined) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0][0];
}

/** The statements of every inline policy attached to the role `roleId`. */
export function statementsOf(template: Template, roleId: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
