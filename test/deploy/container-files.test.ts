/**
 * The container files as far as this machine can check them without a
 * registry or a container runtime (docs/deploy.md says what else was and
 * was not verified): the build context the Dockerfile expects, the runtime
 * stage's user and health check, and compose.yaml's gateway + PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const ignoreRules = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** Docker's rule: the last matching pattern wins; a pattern also matches a path's parents. */
function admitted(file: string): boolean {
  const parts = file.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const rule of ignoreRules) {
    const negated = rule.startsWith('!');
    const pattern = path.posix.normalize(negated ? rule.slice(1) : rule).replace(/\/$/, '');
    if (prefixes.some((p) => path.matchesGlob(p, pattern))) included = negated;
  }
  return included;
}

/** The Dockerfile's instructions, continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const stages = instructions.reduce<string[][]>((all, line) => {
  if (line.startsWith('FROM ')) all.push([line]);
  else all.at(-1)?.push(line);
  return all;
}, []);

describe('Dockerfile and .dockerignore (issue 14: container image)', () => {
  it('copies from the build context only paths that exist and .dockerignore admits', () => {
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.sort()).toStrictEqual(
      [
        'LICENSE',
        'package-lock.json',
        'package-lock.json',
        'package.json',
        'package.json',
        'package.json',
        'src',
        'tsconfig.build.json',
        'tsconfig.json',
      ].sort(),
    );
    for (const source of sources) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
      expect(admitted(source), source).toBe(true);
    }
    expect(admitted('src/entry/node.ts')).toBe(true);
  });

  it('keeps tests, data, secrets and build output out of the build context', () => {
    for (const file of [
      'test/e2e/serve.test.ts',
      'data/gateway.db',
      'data/master.key',
      '.env',
      'src/.env',
      'node_modules/pg/package.json',
      'dist/entry/node.js',
      'bench/run.ts',
      'infra/app.ts',
      'test-artifacts/x.png',
      '.git/config',
    ]) {
      expect(admitted(file), file).toBe(false);
    }
  });

  it('is multi-stage: the runtime stage has production dependencies only, runs as a non-root user, checks /healthz without curl', () => {
    expect(stages.map((s) => s[0])).toStrictEqual([
      'FROM ${NODE_IMAGE} AS build',
      'FROM ${NODE_IMAGE} AS deps',
      'FROM ${NODE_IMAGE} AS runtime',
    ]);
    const [, deps, runtime] = stages;
    expect(deps?.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    const copies = runtime?.filter((l) => l.startsWith('COPY ')) ?? [];
    expect(copies).toStrictEqual([
      'COPY --from=deps /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
      'COPY package.json LICENSE ./',
    ]);
    expect(runtime?.filter((l) => l.startsWith('RUN npm'))).toStrictEqual([]);
    expect(runtime?.filter((l) => l.startsWith('USER '))).toStrictEqual(['USER node']);
    const healthcheck = runtime?.find((l) => l.startsWith('HEALTHCHECK ')) ?? '';
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).toContain('CMD ["node", "-e"');
    expect(healthcheck).not.toMatch(/curl|wget/);
    expect(runtime).toContain('ENTRYPOINT ["node", "dist/entry/node.js"]');
    expect(runtime).toContain('CMD ["serve"]');
    expect(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')).toContain(
      '"outDir": "dist"',
    );
  });
});

describe('compose.yaml (gateway + PostgreSQL)', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8')) as {
    services: Record<
      string,
      {
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        stop_grace_period?: string;
        healthcheck?: unknown;
        read_only?: boolean;
        build?: string;
      }
    >;
  };

  it('runs the gateway built here on STORAGE=postgres against the postgres service, once it is healthy', () => {
    const gateway = compose.services.gateway;
    const postgres = compose.services.postgres;
    expect(gateway?.build).toBe('.');
    expect(gateway?.environment?.STORAGE).toBe('postgres');
    expect(gateway?.environment?.DATABASE_URL).toMatch(
      /^postgres:\/\/gateway:.*@postgres:5432\/gateway/,
    );
    expect(gateway?.depends_on).toStrictEqual({ postgres: { condition: 'service_healthy' } });
    expect(postgres?.healthcheck).toBeDefined();
    expect(gateway?.read_only).toBe(true);
  });

  it('gives in-flight requests their SHUTDOWN_TIMEOUT_SECONDS before the runtime kills the container', () => {
    const gateway = compose.services.gateway;
    const env = gateway?.environment ?? {};
    const config = loadConfig({
      SHUTDOWN_TIMEOUT_SECONDS: env.SHUTDOWN_TIMEOUT_SECONDS,
      METRICS: env.METRICS,
    });
    const grace = Number(/^(\d+)s$/.exec(gateway?.stop_grace_period ?? '')?.[1]);
    expect(grace).toBeGreaterThan(config.shutdownTimeoutSeconds);
    expect(config.metrics.enabled).toBe(true);
  });

  it('every POSTGRES_PASSWORD its recipes make fits the DATABASE_URL it is pasted into', () => {
    // The password goes into the URL's userinfo unescaped: a `/`, `?` or `#`
    // (base64 output has `/`) would end the authority and stop the start.
    const composeText = readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
    const deployText = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
    const recipes = [
      ...composeText.matchAll(/POSTGRES_PASSWORD=\$\((openssl rand -\w+ \d+)\)/g),
      ...composeText.matchAll(/set POSTGRES_PASSWORD \(e\.g\. (openssl rand -\w+ \d+)[;)]/g),
      ...deployText.matchAll(/POSTGRES_PASSWORD=\$\((openssl rand -\w+ \d+)\)/g),
    ].map((m) => m[1] ?? '');
    expect(recipes).toHaveLength(3);
    const template = compose.services.gateway?.environment?.DATABASE_URL ?? '';
    for (const recipe of recipes) {
      // 40 draws: a recipe that yields a `/` a third of the time cannot pass by luck.
      for (let i = 0; i < 40; i += 1) {
        const password = execFileSync('sh', ['-c', recipe], { encoding: 'utf8' }).trim();
        const url = template.replace('${POSTGRES_PASSWORD}', password);
        const config = loadConfig({
          STORAGE: 'postgres',
          DATABASE_URL: url,
          MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
        });
        const parsed = new URL(config.postgres?.url ?? '');
        expect(decodeURIComponent(parsed.password)).toBe(password);
        expect(parsed.host).toBe('postgres:5432');
      }
    }
  });
});
