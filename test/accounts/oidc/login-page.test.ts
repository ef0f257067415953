/**
 * The sign-in page's provider button: a link to the start path on this
 * origin carrying the pending request, every value escaped, and the
 * password form only when LOCAL_LOGIN allows it.
 */
import { describe, expect, it } from 'vitest';
import { renderLoginPage } from '../../../src/http/pages/index.js';

const HOSTILE = `"'><script>alert(1)</script>&`;
const BASE = {
  nonce: 'n0nce',
  csrfToken: 'csrf',
  action: '/authorize/login',
  requestId: `client_id=c&redirect_uri=${encodeURIComponent('http://127.0.0.1/cb')}&x="><`,
  clientName: 'Client',
  redirectHost: '127.0.0.1',
};

describe('login page: Sign in with the OpenID provider (OpenID Connect Core 1.0 §3.1.2.1)', () => {
  it('links to the start path with the request, escaping the provider name and the request', () => {
    const html = renderLoginPage({
      ...BASE,
      oidc: { startPath: '/login/oidc/start', providerName: HOSTILE },
      localLogin: false,
    });
    const link = /<a class="button primary" href="([^"]*)">Sign in with ([^<]*)<\/a>/.exec(html);
    expect(link?.[2]).toBe('&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;');
    const href = (link?.[1] ?? '').replace(/&amp;/g, '&');
    expect(href.startsWith('/login/oidc/start?request=')).toBe(true);
    expect(new URLSearchParams(href.split('?')[1]).get('request')).toBe(BASE.requestId);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('type="password"');
    expect(html).not.toContain('or with a local account');
  });

  it('offers both, with the password form after the provider, when LOCAL_LOGIN is true', () => {
    const html = renderLoginPage({
      ...BASE,
      oidc: { startPath: '/login/oidc/start', providerName: 'Acme SSO' },
      localLogin: true,
    });
    expect(html.indexOf('Sign in with Acme SSO')).toBeLessThan(html.indexOf('type="password"'));
    expect(html).toContain('or with a local account');
  });

  it('refuses a start path that leaves this origin', () => {
    expect(() =>
      renderLoginPage({ ...BASE, oidc: { startPath: '//evil.example/x', providerName: 'X' } }),
    ).toThrow('form action must be a path on this origin');
  });
});
