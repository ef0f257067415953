import { describe, expect, it } from 'vitest';
import { renderJiraAccountSection } from '../../src/http/jira-account-section.js';
import { renderConsentPage } from '../../src/http/pages/consent-page.js';
import {
  renderJiraLinkStartPage,
  renderJiraTokenPage,
} from '../../src/http/pages/jira-link-pages.js';

const HOSTILE = `"'><script>alert(1)</script>`;
const ESCAPED = '&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;';

function consent(jira: Parameters<typeof renderConsentPage>[0]['jira']): string {
  return renderConsentPage({
    nonce: 'n',
    csrfToken: 'c',
    action: '/authorize/consent',
    requestId: 'r',
    clientName: 'App',
    redirectHost: '127.0.0.1',
    username: 'alice',
    scopes: [],
    accessTokenLifetime: '1 hour',
    refreshLifetime: '90 days',
    jira,
  });
}

describe('Jira lines of the pages (escaping, never more than the mode gives)', () => {
  it('escapes the account name, e-mail and site on the consent page', () => {
    const html = consent({
      shared: false,
      account: { displayName: HOSTILE, email: HOSTILE, siteUrl: HOSTILE },
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain(
      `Actions in Jira will be made as <strong>${ESCAPED}</strong> (${ESCAPED}) on <strong>${ESCAPED}</strong>.`,
    );
  });

  it('says "shared" in service mode, with or without the account, and says nothing without a Jira line', () => {
    expect(
      consent({ shared: true, account: { displayName: 'Svc', siteUrl: 'https://a.example' } }),
    ).toContain(
      'Actions in Jira will be made by the shared account <strong>Svc</strong> on <strong>https://a.example</strong>; every person using this gateway acts as that account.',
    );
    expect(consent({ shared: true })).toContain(
      "Actions in Jira will be made by this gateway's shared Jira account; every person using this gateway acts as that account.",
    );
    expect(consent(undefined)).not.toContain('id="jira-account"');
  });

  it('escapes the token form and never pre-fills the token', () => {
    const html = renderJiraTokenPage({
      nonce: 'n',
      csrfToken: 'c',
      action: '/jira/token',
      returnTo: HOSTILE,
      siteUrl: HOSTILE,
      username: HOSTILE,
      email: HOSTILE,
      error: HOSTILE,
    });
    expect(html).not.toContain('<script>');
    expect(html).toMatch(
      /<input type="password" id="api_token" name="api_token" autocomplete="off" required maxlength="4096" aria-describedby="token-error">/,
    );
  });

  it('links only to an http(s) Atlassian URL', () => {
    expect(() =>
      renderJiraLinkStartPage({ nonce: 'n', authorizeUrl: 'javascript:alert(1)', username: 'a' }),
    ).toThrow('http(s)');
    const html = renderJiraLinkStartPage({
      nonce: 'n',
      authorizeUrl: 'https://auth.atlassian.com/authorize?a=1&b="2"',
      username: HOSTILE,
    });
    expect(html).toContain('href="https://auth.atlassian.com/authorize?a=1&amp;b=%222%22"');
    expect(html).not.toContain('<script>');
  });

  it('shows a broken link as not working on /account, with the way to mend it', () => {
    const actor = {
      mode: 'atlassian-oauth' as const,
      accountId: 'acc-1',
      displayName: 'Bob',
      email: 'bob@example.com',
      siteUrl: 'https://acme.atlassian.net',
    };
    const html = renderJiraAccountSection(
      'atlassian-oauth',
      {
        status: 'broken',
        actor,
        linkedAt: Date.UTC(2026, 0, 1),
        brokenAt: Date.UTC(2026, 1, 2, 3, 4),
      },
      { csrfToken: 'c' },
    );
    expect(html).toContain(
      '<dd id="jira-link-status"><strong>Not working</strong> since 2026-02-02 03:04 UTC: Jira refused the stored access. Re-link to use your assistants again.</dd>',
    );
    expect(html).toContain('>Re-link</a>');
    expect(html).toContain('action="/jira/unlink"');
    const token = renderJiraAccountSection(
      'personal-token',
      { status: 'none' },
      { csrfToken: 'c' },
      'https://acme.atlassian.net',
    );
    expect(token).toContain('action="/jira/token"');
    expect(token).toContain('name="api_token"');
    expect(token).not.toContain('/jira/unlink');
  });
});
