/**
 * Client faults in form posts are 4xx, never 500s: raw control characters in
 * the login and consent forms (and in the authorization request they carry),
 * and a client that closes the connection before its body has arrived.
 */
import { serve, type ServerType } from '@hono/node-server';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeGateway } from '../../src/entry/compose.js';
import { createLogger } from '../../src/http/logger.js';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  registerClient,
  signedInAgent,
} from '../helpers/oauth-client.js';

const CONTROLS = [
  ['CR LF', '\r\n'],
  ['CR', '\r'],
  ['LF', '\n'],
  ['NUL', '\0'],
] as const;

describe('POST /authorize/login and /authorize/consent: control characters (client faults, 400)', () => {
  let gw: TestGateway;
  let clientId: string;

  beforeEach(async () => {
    gw = await createTestGateway();
    clientId = (await registerClient(gw)).client_id;
  });

  afterEach(async () => {
    await gw.close();
  });

  function url(): string {
    return authorizeUrl({
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: newPkce().challenge,
      code_challenge_method: 'S256',
      state: 'st',
    });
  }

  /** The hidden fields of the page `agent` gets for a fresh request. */
  async function pageFields(agent: PageAgent): Promise<{ csrf_token: string; request: string }> {
    const html = await (await agent.get(url())).text();
    return { csrf_token: inputValue(html, 'csrf_token'), request: inputValue(html, 'request') };
  }

  async function expectRefusedPage(response: Response): Promise<void> {
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('This form was altered.');
  }

  it.each(CONTROLS)(
    'refuses a %s in the consent form’s request field with a 400 page, signed in or not',
    async (_name, control) => {
      const signedIn = await signedInAgent(gw, clientId);
      const fields = await pageFields(signedIn);
      await expectRefusedPage(
        await signedIn.post('/authorize/consent', {
          ...fields,
          request: `${fields.request}&x=a${control}b`,
          scope: 'jira:read',
          decision: 'approve',
        }),
      );
      const anonymous = new PageAgent(gw.fetch, TEST_ISSUER);
      const anonymousFields = await pageFields(anonymous);
      await expectRefusedPage(
        await anonymous.post('/authorize/consent', {
          ...anonymousFields,
          request: `${control}${anonymousFields.request}`,
          decision: 'approve',
        }),
      );
    },
  );

  it.each(CONTROLS)(
    'refuses a %s in the login form’s request field with a 400 page, before any password check',
    async (_name, control) => {
      const agent = new PageAgent(gw.fetch, TEST_ISSUER);
      const fields = await pageFields(agent);
      await expectRefusedPage(
        await agent.post('/authorize/login', {
          ...fields,
          request: `${fields.request}${control}`,
          ...TEST_USER,
        }),
      );
      expect(agent.cookie('session')).toBeUndefined();
      expect((await gw.audit.tail(100)).filter((e) => e.type.startsWith('login.'))).toEqual([]);
    },
  );

  it('refuses a request field that is not a serialized query (raw space, quote, non-ASCII)', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const fields = await pageFields(agent);
    for (const extra of [' ', '"', 'é', '<']) {
      await expectRefusedPage(
        await agent.post('/authorize/login', {
          ...fields,
          request: `${fields.request}&state=${extra}`,
          ...TEST_USER,
        }),
      );
    }
  });

  it('still accepts percent-encoded controls inside the request, and never puts them raw in Location', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const fields = await pageFields(agent);
    const response = await agent.post('/authorize/login', {
      ...fields,
      request: `${fields.request}&x=%0D%0ASet-Cookie%3A%20a%3Db%00`,
      ...TEST_USER,
    });
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/authorize\?/);
    expect(location).toContain('x=%0D%0ASet-Cookie%3A+a%3Db%00');
    expect(response.headers.get('set-cookie')).not.toContain('a=b');
  });

  it.each(CONTROLS)(
    'refuses a raw %s anywhere in a page form’s body with 400 invalid_request',
    async (_name, control) => {
      const agent = new PageAgent(gw.fetch, TEST_ISSUER);
      const fields = await pageFields(agent);
      const body = `${new URLSearchParams({ ...fields, ...TEST_USER }).toString()}&note=a${control}b`;
      for (const path of ['/authorize/login', '/authorize/consent']) {
        const response = await agent.request(path, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            origin: TEST_ISSUER,
            'sec-fetch-site': 'same-origin',
          },
          body,
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toStrictEqual({
          error: 'invalid_request',
          error_description: 'the form contains a raw control character',
        });
      }
      expect(agent.cookie('session')).toBeUndefined();
    },
  );
});

describe('a request body the client abandons (client fault, RFC 9112 §8)', () => {
  let gw: TestGateway;
  let server: ServerType;
  let port: number;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    gw = await createTestGateway();
    const app = composeGateway({
      config: gw.config,
      storage: gw.storage,
      audit: gw.audit,
      clock: gw.clock,
      logger: createLogger('debug', (line) =>
        lines.push(JSON.parse(line) as Record<string, unknown>),
      ),
      peerAddress: () => '127.0.0.1',
    });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
        resolve(s);
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    await gw.close();
  });

  /** Sends the head and part of a body over a raw socket, then drops the connection. */
  async function abandon(path: string, headers: string, partialBody: string): Promise<void> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const written = new Promise<void>((resolve) => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}\r\n\r\n${partialBody}`,
        () => {
          resolve();
        },
      );
    });
    await written;
    // Let the server start reading the body before the client goes away.
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
  }

  /** Waits for the access-log line of the request to `path` (a hang guard, not a timing). */
  async function requestLine(path: string, from: number): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i += 1) {
      const line = lines.slice(from).find((l) => l.msg === 'request' && l.path === path);
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no request line for ${path}`);
  }

  it.each([
    [
      '/authorize/login',
      'application/x-www-form-urlencoded',
      'Content-Length: 1000',
      'username=al',
    ],
    ['/token', 'application/x-www-form-urlencoded', 'Content-Length: 1000', 'grant_type=auth'],
    ['/register', 'application/json', 'Content-Length: 1000', '{"redirect_uris":'],
    ['/token', 'application/x-www-form-urlencoded', 'Transfer-Encoding: chunked', '5\r\ngrant\r\n'],
  ])(
    'logs an abandoned body at %s (%s, %s) as a 400 with one debug line, no error and no stack',
    async (path, type, framing, partial) => {
      const from = lines.length;
      await abandon(
        path,
        `Content-Type: ${type}\r\n${framing}\r\nOrigin: ${TEST_ISSUER}\r\nSec-Fetch-Site: same-origin`,
        partial,
      );
      const line = await requestLine(path, from);
      expect(line).toMatchObject({ level: 'info', method: 'POST', path, status: 400 });
      const own = lines.slice(from).filter((l) => l.requestId === line.requestId);
      expect(own.map((l) => [l.level, l.msg])).toStrictEqual([
        ['debug', 'request body aborted by the client'],
        ['info', 'request'],
      ]);
      expect(lines.slice(from).filter((l) => l.level === 'error' || 'stack' in l)).toEqual([]);
    },
  );
});
