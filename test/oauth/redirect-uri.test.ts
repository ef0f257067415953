import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/oauth/errors.js';
import {
  isAllowedRedirectScheme,
  matchRedirectUri,
  validateRedirectUriForRegistration,
} from '../../src/oauth/redirect-uri.js';

function rejection(uri: string): OAuthError {
  try {
    validateRedirectUriForRegistration(uri);
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(uri)} to be rejected`);
}

describe('redirect URI registration policy (RFC 6749 §3.1.2, RFC 8252 §7)', () => {
  it.each([
    'https://app.example.com/callback',
    'https://app.example.com:8443/oauth/cb?tenant=1',
    'http://127.0.0.1/callback',
    'http://127.0.0.1:33418/',
    'http://127.0.0.1:49152',
    'http://[::1]:8080/cb',
    'http://localhost:8787/callback',
    'cursor://anysphere.cursor-mcp/oauth/callback',
    'vscode://vscode.github-authentication/did-authenticate',
    'com.example.app:/oauth2redirect',
  ])('accepts %s and returns it unchanged', (uri) => {
    expect(validateRedirectUriForRegistration(uri)).toBe(uri);
  });

  it.each([
    ['', 'is empty'],
    [`https://app.example.com/${'a'.repeat(2000)}`, 'longer than 2000 characters'],
    ['https://app.example.com/cb#section', 'has a fragment'],
    ['https://app.example.com/cb#', 'has a fragment'],
    ['https://*.example.com/cb', 'wildcard'],
    ['https://app.example.com/*', 'wildcard'],
    ['https://user:pass@app.example.com/cb', 'has userinfo'],
    ['https://app.example.com@evil.example/cb', 'has userinfo'],
    ['http://localhost@evil.example/', 'has userinfo'],
    ['http://app.example.com/cb', 'uses http'],
    ['http://127.0.0.1.evil.example/cb', 'uses http'],
    ['http://127.1/cb', 'uses http'],
    ['http://0x7f.0.0.1/cb', 'uses http'],
    ['/callback', 'is not an absolute URI'],
    ['app.example.com/callback', 'is not an absolute URI'],
    ['//app.example.com/callback', 'is not an absolute URI'],
    ['1app:/cb', 'is not an absolute URI'],
    ['https://app.example.com/c b', 'whitespace, control or non-ASCII'],
    ['https://app.example.com/cb\n', 'whitespace, control or non-ASCII'],
    ['https://app.example.com/cb\u0000', 'whitespace, control or non-ASCII'],
    ['https://exämple.com/cb', 'whitespace, control or non-ASCII'],
    ['https://app.example.com/cb/../admin', 'path segments'],
    ['https://app.example.com/cb/%2E%2e/admin', 'path segments'],
    ['https://app.example.com/./cb', 'path segments'],
    ['https:///cb', 'has no host'],
    ['https:app.example.com/cb', 'has no host'],
    ['http://127.0.0.1:99999/cb', 'malformed authority'],
    ['http://127.0.0.1:80a/cb', 'malformed authority'],
  ])('rejects %j (%s)', (uri, reason) => {
    const error = rejection(uri);
    expect(error.code).toBe('invalid_redirect_uri');
    expect(error.status).toBe(400);
    expect(error.message).toContain(reason);
  });

  it('names the offending URI in the error description', () => {
    const error = rejection('https://app.example.com/cb#frag');
    expect(error.message).toBe('redirect_uri "https://app.example.com/cb#frag" has a fragment');
  });

  it('shortens a very long URI in the error description', () => {
    const error = rejection(`https://app.example.com/${'x'.repeat(3000)}`);
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('redirect URI schemes: an allow-list (RFC 8252 §7.1, RFC 9700 §4.1)', () => {
  it.each([
    ['https', 'https://app.example.com/cb'],
    ['loopback http', 'http://127.0.0.1:8080/cb'],
    ['a reverse-domain private-use scheme without authority', 'com.example.app:/oauth2redirect'],
    ['a reverse-domain private-use scheme with authority', 'com.example.app://callback'],
    ['a reverse-domain scheme with digits and hyphens', 'io.my-app2.ios:/cb'],
    ['a reverse-domain scheme in capitals (schemes are case-insensitive)', 'Com.Example.App:/cb'],
    ['Cursor', 'cursor://anysphere.cursor-mcp/oauth/callback'],
    ['VS Code', 'vscode://vscode.github-authentication/did-authenticate'],
    ['VS Code Insiders', 'vscode-insiders://vscode.github-authentication/did-authenticate'],
    ['Windsurf', 'windsurf://codeium.windsurf/oauth/callback'],
  ])('accepts %s: %s', (_what, uri) => {
    expect(validateRedirectUriForRegistration(uri)).toBe(uri);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'vbscript:msgbox(1)',
    'about:blank',
    'blob:https://app.example.com/uuid',
    'filesystem:https://app.example.com/temporary/x',
    'ws://localhost/cb',
    'wss://app.example.com/cb',
    'ftp://app.example.com/cb',
    'view-source:https://app.example.com/',
    'intent://scan/#Intent;scheme=zxing;end',
    'intent://app.example.com/cb',
    'jar:https://app.example.com/x.jar!/',
    'mailto:victim@example.com',
    'sms:+15555550100',
    'tel:+15555550100',
    'ms-msdt:/id',
    'search-ms:query=x',
    'myapp://callback',
    'claude://callback',
    'urn:ietf:wg:oauth:2.0:oob',
    'com.:/cb',
    'com..example:/cb',
    'com.example-:/cb',
    'com.-example:/cb',
    'com+example.app:/cb',
  ])('refuses %s with invalid_redirect_uri naming what is allowed', (uri) => {
    const error = rejection(uri);
    expect(error.code).toBe('invalid_redirect_uri');
    expect(error.status).toBe(400);
    const scheme = (uri.split(':')[0] ?? '').toLowerCase();
    expect(error.message).toContain(`uses the scheme "${scheme}:", which is not allowed`);
    expect(error.message).toContain('reverse-domain form such as com.example.app (RFC 8252 §7.1)');
  });

  it.each([
    ['https', true],
    ['http', true],
    ['com.example.app', true],
    ['cursor', true],
    ['vscode', true],
    ['vscode-insiders', true],
    ['windsurf', true],
    ['javascript', false],
    ['intent', false],
    ['jar', false],
    ['mailto', false],
    ['sms', false],
    ['tel', false],
    ['data', false],
    ['file', false],
    ['myapp', false],
  ])('isAllowedRedirectScheme(%j) is %s', (scheme, allowed) => {
    expect(isAllowedRedirectScheme(scheme)).toBe(allowed);
  });
});

describe('redirect URI matching (RFC 6749 §3.1.2.3, OAuth 2.1 §2.3.1, RFC 8252 §7.3)', () => {
  it('returns the requested URI when it equals a registered one', () => {
    const registered = ['https://app.example.com/cb', 'https://app.example.com/other'];
    expect(matchRedirectUri(registered, 'https://app.example.com/other')).toBe(
      'https://app.example.com/other',
    );
  });

  it('matches Amazon Q: a loopback URI with an ephemeral port and no path', () => {
    expect(matchRedirectUri(['http://127.0.0.1:7777'], 'http://127.0.0.1:49152')).toBe(
      'http://127.0.0.1:49152',
    );
    expect(matchRedirectUri(['http://127.0.0.1/'], 'http://127.0.0.1:49152')).toBe(
      'http://127.0.0.1:49152',
    );
  });

  it('matches VS Code: registered with and without a port, used on another port', () => {
    const registered = [
      'http://127.0.0.1/',
      'http://127.0.0.1:33418/',
      'https://vscode.dev/redirect',
    ];
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234/')).toBe('http://127.0.0.1:51234/');
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234')).toBe('http://127.0.0.1:51234');
    expect(matchRedirectUri(registered, 'https://vscode.dev/redirect')).toBe(
      'https://vscode.dev/redirect',
    );
  });

  it('matches Cursor: private-use, https and localhost callbacks from one registration', () => {
    const registered = [
      'cursor://anysphere.cursor-mcp/oauth/callback',
      'https://cursor.com/oauth/callback',
      'http://localhost:8787/callback',
    ];
    for (const uri of registered) validateRedirectUriForRegistration(uri);
    expect(matchRedirectUri(registered, 'cursor://anysphere.cursor-mcp/oauth/callback')).toBe(
      'cursor://anysphere.cursor-mcp/oauth/callback',
    );
    expect(matchRedirectUri(registered, 'https://cursor.com/oauth/callback')).toBe(
      'https://cursor.com/oauth/callback',
    );
    expect(matchRedirectUri(registered, 'http://localhost:53100/callback')).toBe(
      'http://localhost:53100/callback',
    );
    expect(
      matchRedirectUri(registered, 'cursor://anysphere.cursor-mcp/oauth/callback/'),
    ).toBeUndefined();
    expect(matchRedirectUri(registered, 'https://cursor.com:8443/oauth/callback')).toBeUndefined();
  });

  it('matches Claude Code: a loopback callback on a new ephemeral port', () => {
    expect(
      matchRedirectUri(['http://localhost:54545/callback'], 'http://localhost:61234/callback'),
    ).toBe('http://localhost:61234/callback');
  });

  it('matches IPv6 loopback with any port', () => {
    expect(matchRedirectUri(['http://[::1]/cb'], 'http://[::1]:40000/cb')).toBe(
      'http://[::1]:40000/cb',
    );
  });

  it.each([
    [
      'a host that only starts like a loopback IP',
      'http://127.0.0.1/',
      'http://127.0.0.1.evil.com/',
    ],
    ['userinfo that looks like localhost', 'http://localhost/', 'http://localhost@evil.com/'],
    ['dot segments', 'https://good.example/cb', 'https://good.example/cb/../x'],
    ['a query the registered URI lacks', 'https://good.example/cb', 'https://good.example/cb?x=1'],
    ['a path in another case', 'https://good.example/cb', 'https://good.example/CB'],
    [
      'a trailing slash on a non-loopback URI',
      'https://good.example/cb',
      'https://good.example/cb/',
    ],
    ['a port on a non-loopback URI', 'https://good.example/cb', 'https://good.example:8443/cb'],
    ['a port on https loopback', 'https://127.0.0.1/cb', 'https://127.0.0.1:5000/cb'],
    ['a loopback query change', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000/cb?x=1'],
    ['a loopback path case change', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000/CB'],
    ['a loopback trailing slash', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000/cb/'],
    ['another loopback host', 'http://127.0.0.1/cb', 'http://localhost:5000/cb'],
    ['IPv6 for an IPv4 registration', 'http://127.0.0.1/cb', 'http://[::1]:5000/cb'],
    ['a loopback fragment', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000/cb#x'],
    ['a non-numeric port', 'http://127.0.0.1/cb', 'http://127.0.0.1:abc/cb'],
    ['an out-of-range port', 'http://127.0.0.1/cb', 'http://127.0.0.1:70000/cb'],
    ['loopback dot segments', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000/x/../cb'],
    ['a backslash authority trick', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000\\@evil.com/cb'],
    ['trailing whitespace', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000/cb '],
    ['IPv4 shorthand', 'http://127.0.0.1/cb', 'http://127.1:5000/cb'],
    ['a scheme change', 'http://127.0.0.1/cb', 'https://127.0.0.1/cb'],
  ])('does not match %s', (_why, registered, requested) => {
    expect(matchRedirectUri([registered], requested)).toBeUndefined();
  });

  it('matches nothing when nothing is registered', () => {
    expect(matchRedirectUri([], 'http://127.0.0.1:5000/cb')).toBeUndefined();
  });
});
