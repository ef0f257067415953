/**
 * Step-up consent at /authorize: a client holding a read-only grant comes
 * back for `jira:write` (what /mcp's 403 insufficient_scope asks for); the
 * consent page says it asks for more access than it has, shows what it
 * already has as allowed, offers only the new scope, and the new token has
 * old and new scopes and nothing else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import type { PageAgent } from '../helpers/browser.js';
import { inputValue } from '../helpers/browser.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  redeem,
  registerClient,
  signedInAgent,
  type Pkce,
} from '../helpers/oauth-client.js';

const STEP_UP_SENTENCE = 'This application is asking for more access than it has.';

interface Checkbox {
  value: string;
  checked: boolean;
  disabled: boolean;
}

/** The scope checkboxes a person can see (name="scope" or the locked, required one). */
function checkboxes(html: string): Checkbox[] {
  return [...html.matchAll(/<input type="checkbox"[^>]*>/g)].map((m) => {
    const tag = m[0];
    const id = /id="([^"]+)"/.exec(tag)?.[1] ?? '';
    const value =
      /value="([^"]+)"/.exec(tag)?.[1] ??
      new RegExp(`<label for="${id}">[^<]*<code>([^<]+)</code>`).exec(html)?.[1] ??
      '';
    return { value, checked: / checked/.test(tag), disabled: / disabled/.test(tag) };
  });
}

/** The hidden `scope` inputs the page submits on its own. */
function hiddenScopes(html: string): string[] {
  return [...html.matchAll(/<input type="hidden" name="scope" value="([^"]+)">/g)].map(
    (m) => m[1] ?? '',
  );
}

/** The `<ul class="granted">` items' scopes: what the page lists as already allowed. */
function alreadyAllowed(html: string): string[] {
  const list = /<ul class="granted">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1] ?? '');
}

describe('step-up consent at /authorize (MCP 2025-11-25 authorization, Scope Challenge Handling)', () => {
  let gw: TestGateway;
  let clientId: string;
  let agent: PageAgent;

  beforeEach(async () => {
    gw = await createTestGateway();
    clientId = (await registerClient(gw)).client_id;
    agent = await signedInAgent(gw, clientId);
  });
  afterEach(async () => gw.close());

  const urlFor = (pkce: Pkce, scope: string, client = clientId): string =>
    authorizeUrl({
      client_id: client,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      scope,
      state: 'st',
    });

  /** Shows the consent page for `scope` and posts it with `chosen` (default: what the page ticks). */
  async function consent(
    scope: string,
    options: { chosen?: string[]; decision?: string; client?: string } = {},
  ): Promise<{ html: string; location: URL; pkce: Pkce }> {
    const pkce = newPkce();
    const page = await agent.get(urlFor(pkce, scope, options.client));
    expect(page.status).toBe(200);
    const html = await page.text();
    const ticked = checkboxes(html)
      .filter((b) => b.checked && !b.disabled)
      .map((b) => b.value);
    const posted = await agent.post('/authorize/consent', {
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
      scope: [...hiddenScopes(html), ...(options.chosen ?? ticked)],
      decision: options.decision ?? 'approve',
    });
    expect(posted.status).toBe(303);
    return { html, location: new URL(posted.headers.get('location') ?? ''), pkce };
  }

  async function tokenScope(location: URL, pkce: Pkce): Promise<string> {
    const response = await redeem(
      gw,
      clientId,
      location.searchParams.get('code') ?? '',
      pkce.verifier,
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { scope: string }).scope;
  }

  async function readOnlyGrant(): Promise<void> {
    const first = await consent('jira:read jira:write', { chosen: [] });
    expect(first.html).not.toContain(STEP_UP_SENTENCE);
    expect(await tokenScope(first.location, first.pkce)).toBe('jira:read');
  }

  it('asks only for jira:write, shows jira:read as already allowed, and says it is asking for more', async () => {
    await readOnlyGrant();
    const { html, location, pkce } = await consent('jira:read jira:write');
    expect(html).toContain(STEP_UP_SENTENCE);
    expect(html).toContain('<h1>Allow “Test client” more access to your Jira?</h1>');
    expect(html).toContain('<legend>It is asking to also</legend>');
    expect(alreadyAllowed(html)).toEqual(['jira:read']);
    // jira:read is no choice any more: the only checkbox is the new scope.
    expect(checkboxes(html)).toEqual([{ value: 'jira:write', checked: true, disabled: false }]);
    expect(await tokenScope(location, pkce)).toBe('jira:read jira:write');
    const granted = (await gw.storage.audit.tail(10)).find(
      (e) => e.type === AUDIT_EVENT.consentGranted && e.detail?.stepUp === true,
    );
    expect(granted?.detail).toMatchObject({ scope: 'jira:read jira:write', stepUp: true });
  });

  it('keeps what the client holds when it asks only for the missing jira:write (union, see step-up-consent.ts)', async () => {
    await readOnlyGrant();
    const { html, location, pkce } = await consent('jira:write');
    expect(html).toContain(STEP_UP_SENTENCE);
    expect(alreadyAllowed(html)).toEqual(['jira:read']);
    expect(checkboxes(html)).toEqual([{ value: 'jira:write', checked: true, disabled: false }]);
    expect(await tokenScope(location, pkce)).toBe('jira:read jira:write');
  });

  it('answers access_denied when the person unticks every new scope, and the earlier grant keeps working', async () => {
    await readOnlyGrant();
    const { location } = await consent('jira:read jira:write', { chosen: [] });
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('no new scope was approved');
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('state')).toBe('st');
    const grants = await gw.storage.grants.listByUser(
      (await gw.storage.users.getByUsername('alice'))?.id ?? '',
    );
    expect(grants.filter((g) => g.revokedAt === undefined).map((g) => g.scopes)).toEqual([
      ['jira:read'],
    ]);
  });

  it('never grants from the form what the client did not request, even in a step-up', async () => {
    await readOnlyGrant();
    const { location, pkce } = await consent('jira:read', {
      chosen: ['jira:write', 'jira:admin'],
    });
    // Nothing new requested: no step-up, and the forged jira:write does not count.
    expect(await tokenScope(location, pkce)).toBe('jira:read');
  });

  it('shows the ordinary page when the earlier grant was revoked, expired, or is another client’s', async () => {
    await readOnlyGrant();
    const other = (await registerClient(gw, { client_name: 'Other client' })).client_id;
    const otherPage = await agent.get(urlFor(newPkce(), 'jira:read jira:write', other));
    const otherHtml = await otherPage.text();
    expect(otherHtml).not.toContain(STEP_UP_SENTENCE);
    expect(checkboxes(otherHtml).map((b) => b.value)).toEqual(['jira:read', 'jira:write']);

    gw.clock.advance(gw.config.grantTtlSeconds * 1000);
    const expiredPage = await (await agent.get(urlFor(newPkce(), 'jira:read jira:write'))).text();
    expect(expiredPage).not.toContain(STEP_UP_SENTENCE);
  });

  it('shows the ordinary page after the earlier grant is revoked', async () => {
    await readOnlyGrant();
    const alice = await gw.storage.users.getByUsername('alice');
    for (const grant of await gw.storage.grants.listByUser(alice?.id ?? '')) {
      await gw.storage.grants.revoke(grant.id, gw.clock.now(), 'user_revoked');
    }
    const html = await (await agent.get(urlFor(newPkce(), 'jira:read jira:write'))).text();
    expect(html).not.toContain(STEP_UP_SENTENCE);
    expect(alreadyAllowed(html)).toEqual([]);
    expect(checkboxes(html).map((b) => b.value)).toEqual(['jira:read', 'jira:write']);
  });

  it('decides the step-up from storage at the POST: a grant revoked after the page was shown adds nothing', async () => {
    await readOnlyGrant();
    const pkce = newPkce();
    const html = await (await agent.get(urlFor(pkce, 'jira:write'))).text();
    expect(html).toContain(STEP_UP_SENTENCE);
    const alice = await gw.storage.users.getByUsername('alice');
    for (const grant of await gw.storage.grants.listByUser(alice?.id ?? '')) {
      await gw.storage.grants.revoke(grant.id, gw.clock.now(), 'user_revoked');
    }
    const posted = await agent.post('/authorize/consent', {
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
      scope: [...hiddenScopes(html), 'jira:write'],
      decision: 'approve',
    });
    expect(await tokenScope(new URL(posted.headers.get('location') ?? ''), pkce)).toBe(
      'jira:write',
    );
  });
});
