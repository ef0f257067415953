/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance
 * 0.1.13) against the gateway running as a real process. The suite cannot
 * send a token, so a loopback proxy adds `Authorization: Bearer <token>`,
 * the token obtained through the real flow (registration, login, consent,
 * code + PKCE). Every server scenario runs; the result of each must be
 * exactly the one docs/conformance.md records, with its reason.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { authorizeWithPkce, readTokens, register, tokenRequest } from './helpers-habits.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFORMANCE_CLI = path.join(
  ROOT,
  'node_modules/@modelcontextprotocol/conformance/dist/index.js',
);
const CONFORMANCE_DOC = path.join(ROOT, 'docs/conformance.md');

type Outcome = 'pass' | 'fail' | 'warning';

/**
 * The scenario table of docs/conformance.md: rows of
 * `| \`scenario\` | suite | pass/fail/warning | why |`.
 */
function documentedOutcomes(): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  for (const line of readFileSync(CONFORMANCE_DOC, 'utf8').split('\n')) {
    const row = /^\|\s*`([a-z0-9-]+)`\s*\|\s*(active|pending)\s*\|\s*(pass|fail|warning)\s*\|/.exec(
      line,
    );
    if (row?.[1] !== undefined && row[3] !== undefined) outcomes.set(row[1], row[3] as Outcome);
  }
  return outcomes;
}

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
}

/** A scenario fails on any FAILURE, warns on any WARNING, and passes only with a SUCCESS. */
function outcomeOf(checks: Check[]): Outcome | 'empty' {
  if (checks.some((c) => c.status === 'FAILURE')) return 'fail';
  if (checks.some((c) => c.status === 'WARNING')) return 'warning';
  return checks.some((c) => c.status === 'SUCCESS') ? 'pass' : 'empty';
}

function runCli(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONFORMANCE_CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`conformance ${args.join(' ')} ran over ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A loopback proxy to `target` that adds the bearer token. Everything else,
 * `Origin` and `Host` included, passes through as the suite sent it, so the
 * DNS-rebinding scenario still tests the gateway's own Origin check.
 */
async function startBearerProxy(
  target: string,
  accessToken: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: upstream.pathname,
        method: req.method,
        headers: { ...req.headers, authorization: `Bearer ${accessToken}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('MCP conformance suite 0.1.13 (server scenarios) against `serve`', () => {
  let gw: GatewayProcess;
  let proxy: { url: string; close(): Promise<void> };
  let outDir: string;

  beforeAll(async () => {
    gw = await startGatewayProcess();
    outDir = mkdtempSync(path.join(tmpdir(), 'jmg-conformance-'));
    const redirectUri = 'http://127.0.0.1:47011/callback';
    const client = await register(gw, {
      client_name: 'MCP conformance suite',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
    });
    const { code, verifier } = await authorizeWithPkce(gw, {
      client_id: client.client_id,
      redirect_uri: redirectUri,
    });
    const tokens = await readTokens(
      await tokenRequest(gw, {
        grant_type: 'authorization_code',
        client_id: client.client_id,
        code,
        code_verifier: verifier,
        redirect_uri: redirectUri,
      }),
    );
    proxy = await startBearerProxy(`${gw.url}/mcp`, tokens.access_token);
  });
  afterAll(async () => {
    await proxy.close();
    await gw.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('is version 0.1.13, whose authorization scenarios all test clients, not servers', async () => {
    const version = await runCli(['--version'], 15_000);
    expect(version.stdout.trim()).toBe('0.1.13');
    const listed = await runCli(['list', '--server'], 15_000);
    expect(listed.code).toBe(0);
    const scenarios = [...listed.stdout.matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1] ?? '');
    expect(scenarios.filter((s) => s.startsWith('auth'))).toEqual([]);
    // The suite's own list and the documented table name the same scenarios.
    expect([...scenarios].sort()).toEqual([...documentedOutcomes().keys()].sort());
  });

  it('gives every server scenario exactly the result docs/conformance.md records', async () => {
    const documented = documentedOutcomes();
    const baseline = path.join(outDir, 'expected-failures.yml');
    const expectedFailures = [...documented]
      .filter(([, outcome]) => outcome !== 'pass')
      .map(([name]) => name);
    writeFileSync(baseline, `server:\n${expectedFailures.map((name) => `  - ${name}\n`).join('')}`);

    const run = await runCli(
      [
        'server',
        '--url',
        proxy.url,
        '--suite',
        'all',
        '-o',
        path.join(outDir, 'results'),
        '--expected-failures',
        baseline,
      ],
      80_000,
    );

    const actual = new Map<string, Outcome | 'empty'>();
    for (const dir of readdirSync(path.join(outDir, 'results'))) {
      const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(dir)?.[1];
      if (scenario === undefined) continue;
      const checks = JSON.parse(
        readFileSync(path.join(outDir, 'results', dir, 'checks.json'), 'utf8'),
      ) as Check[];
      actual.set(scenario, outcomeOf(checks));
    }
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(documented));
    // The suite's own baseline check agrees: no unexpected failure, no stale entry.
    expect(run.stdout).toContain('Baseline check passed');
    expect(run.code).toBe(0);
  });
});
