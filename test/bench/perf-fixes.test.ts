/**
 * The two request-path changes the benchmark led to (see BENCHMARKS.md,
 * "Authorization benchmarks"), over a real socket where they matter:
 * bodies with a Content-Length are read in one call (readLimitedText), and
 * X-Request-Id is set on the response's own headers (requestContext).
 * Limits and headers must be exactly what they were.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FORM_BYTES, readForm, readLimitedText } from '../../src/http/body.js';
import { createLogger } from '../../src/http/logger.js';
import { errorHandler, requestContext, securityHeaders } from '../../src/http/middleware.js';
import type { GatewayEnv } from '../../src/http/types.js';
import { OAuthError } from '../../src/oauth/errors.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('request bodies and X-Request-Id over @hono/node-server (RFC 6749 §3.2 form bodies)', () => {
  let server: ServerType;
  let origin: string;

  beforeAll(async () => {
    const logger = createLogger('silent');
    const app = new Hono<GatewayEnv>();
    app.use(
      '*',
      requestContext(logger, () => '127.0.0.1', 0),
    );
    app.use('*', securityHeaders(false));
    app.onError(errorHandler(logger));
    app.post('/form', async (c) => c.json(Object.fromEntries(await readForm(c.req.raw))));
    server = await new Promise<ServerType>((resolve) => {
      const created = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
        resolve(created);
      });
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  it('parses a form sent with Content-Length and answers with a request id and security headers', async () => {
    const body = 'grant_type=refresh_token&refresh_token=abc%2Bdef&client_id=cli_1';
    const response = await fetch(`${origin}/form`, { method: 'POST', headers: FORM, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'abc+def',
      client_id: 'cli_1',
    });
    expect(response.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('refuses a declared Content-Length over the limit with 413 invalid_request', async () => {
    const body = `a=${'x'.repeat(MAX_FORM_BYTES)}`;
    const response = await fetch(`${origin}/form`, { method: 'POST', headers: FORM, body });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    expect(response.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('refuses a chunked body (no Content-Length) over the limit with 413 invalid_request', async () => {
    const chunk = new TextEncoder().encode(`a=${'x'.repeat(4096)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${origin}/form`, {
      method: 'POST',
      headers: FORM,
      body: stream,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('parses a chunked body within the limit', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('token=t1&'));
        controller.enqueue(new TextEncoder().encode('token_type_hint=access_token'));
        controller.close();
      },
    });
    const response = await fetch(`${origin}/form`, {
      method: 'POST',
      headers: FORM,
      body: stream,
      duplex: 'half',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ token: 't1', token_type_hint: 'access_token' });
  });
});

describe('readLimitedText where framing is not enforced (in-process Request)', () => {
  it('rejects a body longer than the limit even when its Content-Length claims less', async () => {
    const request = new Request('https://gateway.test/token', {
      method: 'POST',
      headers: { 'content-length': '10' },
      body: 'x'.repeat(100),
    });
    const read = readLimitedText(request, 50, 'invalid_request');
    await expect(read).rejects.toBeInstanceOf(OAuthError);
    await expect(read).rejects.toMatchObject({ code: 'invalid_request', status: 413 });
  });

  it('returns the whole body when it is within the limit', async () => {
    const request = new Request('https://gateway.test/token', {
      method: 'POST',
      headers: { 'content-length': '5' },
      body: 'héllo',
    });
    expect(await readLimitedText(request, 50, 'invalid_request')).toBe('héllo');
  });
});
