/**
 * `serve` with TLS_CERT and TLS_KEY: the gateway itself speaks HTTPS (no
 * proxy in front), its issuer and endpoints are https, and a client that
 * trusts the test CA, and only such a client, can read its metadata.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { newPkce } from '../helpers/oauth-client.js';
import { SuiteResources } from '../helpers/suite-resources.js';
import { createTestCertificate } from '../helpers/tls.js';

interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with node:https, trusting `ca` (undefined: only the default roots). */
function httpsRequest(
  url: string,
  ca: string | undefined,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, ...(ca === undefined ? {} : { ca }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('serve with TLS_CERT/TLS_KEY (RFC 8414 §2 https issuer; RFC 6265bis __Host- cookies)', () => {
  const resources = new SuiteResources();
  let gw: GatewayProcess;
  let ca: string;
  let publicUrl: string;

  beforeAll(async () => {
    const [tls, dir, port] = await Promise.all([
      createTestCertificate(),
      resources.track(mkdtemp(path.join(tmpdir(), 'tls-e2e-')), (created) =>
        rm(created, { recursive: true, force: true }),
      ),
      freePort(),
    ]);
    ca = tls.cert;
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    await Promise.all([
      writeFile(certFile, tls.cert),
      writeFile(keyFile, tls.key, { mode: 0o600 }),
    ]);
    publicUrl = `https://127.0.0.1:${port}`;
    gw = await resources.track(
      startGatewayProcess({
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        TLS_CERT: certFile,
        TLS_KEY: keyFile,
      }),
      (started) => started.stop(),
    );
  });

  afterAll(() => resources.stopAll());

  it('listens with https and announces the https issuer and MCP endpoint', () => {
    expect(gw.url).toBe(publicUrl);
    expect(gw.stdout()).toContain(`listening on ${publicUrl} (role: all)`);
    expect(gw.stdout()).toContain(`issuer (PUBLIC_URL): ${publicUrl}`);
    expect(gw.stdout()).toContain(`MCP endpoint:        ${publicUrl}/mcp`);
  });

  it('serves authorization server metadata over https to a client trusting the test CA', async () => {
    const answer = await httpsRequest(`${publicUrl}/.well-known/oauth-authorization-server`, ca);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const metadata = JSON.parse(answer.body) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: publicUrl,
      authorization_endpoint: `${publicUrl}/authorize`,
      token_endpoint: `${publicUrl}/token`,
      registration_endpoint: `${publicUrl}/register`,
    });
  });

  it('serves protected resource metadata and the /mcp challenge with https URLs', async () => {
    const prm = await httpsRequest(`${publicUrl}/.well-known/oauth-protected-resource/mcp`, ca);
    expect(prm.status).toBe(200);
    expect(JSON.parse(prm.body)).toMatchObject({
      resource: `${publicUrl}/mcp`,
      authorization_servers: [publicUrl],
    });
    const mcp = await httpsRequest(`${publicUrl}/mcp`, ca, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(mcp.status).toBe(401);
    expect(mcp.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="${publicUrl}/.well-known/oauth-protected-resource/mcp", scope="jira:read jira:write"`,
    );
  });

  it('gives the sign-in page __Host- cookies that are Secure', async () => {
    const registered = await httpsRequest(`${publicUrl}/register`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: ['http://127.0.0.1:53682/callback'],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(registered.status).toBe(201);
    const { client_id: clientId } = JSON.parse(registered.body) as { client_id: string };
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:53682/callback',
      response_type: 'code',
      code_challenge: newPkce().challenge,
      code_challenge_method: 'S256',
    });
    const page = await httpsRequest(`${publicUrl}/authorize?${query.toString()}`, ca);
    expect(page.status).toBe(200);
    const cookie = page.headers['set-cookie']?.find((line) => line.startsWith('__Host-jmg_csrf='));
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).toMatch(/; Secure(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('is refused by a client that does not trust the test CA', async () => {
    await expect(
      httpsRequest(`${publicUrl}/.well-known/oauth-authorization-server`, undefined),
    ).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    await expect(
      fetch(`${publicUrl.replace('https:', 'http:')}/.well-known/oauth-authorization-server`),
    ).rejects.toThrow('fetch failed');
  });
});
