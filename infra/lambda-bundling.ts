/**
 * How each Lambda function is bundled: one esbuild configuration, shared by
 * the CDK app (NodejsFunction, local esbuild, no Docker), the bundle
 * hygiene test and the bundle benchmark, so all three measure the same thing.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { GatewayFunction } from './routes.js';

/** The repository root (this file is in `infra/`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Each function's entry module; each exports `handler`. */
export const LAMBDA_ENTRIES: Readonly<Record<GatewayFunction, string>> = {
  oauth: path.join(REPO_ROOT, 'src/entry/lambda-oauth.ts'),
  mcp: path.join(REPO_ROOT, 'src/entry/lambda-mcp.ts'),
};

/** The Node.js major version of the Lambda runtime (`nodejs22.x`). */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * Native modules: not bundled (a `.node` binary cannot be), but installed
 * next to the bundle for the function's platform (see {@link nodejsBundling}).
 * argon2 hashes passwords at login; the MCP function loads it too (the
 * shared app imports it) but never calls it.
 */
export const NATIVE_MODULES: readonly string[] = ['@node-rs/argon2'];

/**
 * An ESM bundle of CommonJS dependencies calls `require` for Node built-ins
 * (`crypto`, `stream`); ESM has no `require`, so the bundle makes one.
 */
export const ESM_REQUIRE_BANNER =
  "import{createRequire as __jmgCreateRequire}from'node:module';const require=__jmgCreateRequire(import.meta.url);";

/**
 * The esbuild options of a function's bundle, for direct esbuild builds
 * (the same choices {@link nodejsBundling} gives NodejsFunction).
 * @see https://esbuild.github.io/api/#build
 */
export function esbuildOptions(fn: GatewayFunction, outfile: string): BuildOptions {
  return {
    entryPoints: [LAMBDA_ENTRIES[fn]],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_NODE_TARGET,
    minify: true,
    // ESM builds first: smaller, and tree-shaken.
    mainFields: ['module', 'main'],
    external: [...NATIVE_MODULES],
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
    logLevel: 'warning',
  };
}

/** Lambda's CPU: the native modules installed next to the bundle must match it. */
export type LambdaCpu = 'arm64' | 'x64';

/**
 * The same build for `NodejsFunction`, bundled by the local esbuild (never
 * Docker). `@node-rs/argon2` is installed into the asset by `npm ci` with
 * npm's `os`/`cpu`/`libc` settings of the function, so a deploy from an
 * x64 laptop still ships the linux-arm64 binary. The AWS SDK is bundled,
 * not taken from the runtime, so the deployed code runs the versions tested.
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda_nodejs-readme.html
 * @see https://docs.npmjs.com/cli/v11/using-npm/config#cpu
 */
export function nodejsBundling(cpu: LambdaCpu): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: LAMBDA_NODE_TARGET,
    minify: true,
    sourceMap: false,
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    bundleAwsSDK: true,
    externalModules: [...NATIVE_MODULES],
    nodeModules: [...NATIVE_MODULES],
    environment: {
      npm_config_os: 'linux',
      npm_config_cpu: cpu,
      npm_config_libc: 'glibc',
      // After the first download the npm cache serves it, so synth works offline.
      npm_config_prefer_offline: 'true',
    },
  };
}
