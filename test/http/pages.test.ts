import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  renderConsentPage,
  renderErrorPage,
  renderLoginPage,
} from '../../src/http/pages/index.js';
import type { ConsentPageInput, LoginPageInput } from '../../src/http/pages/index.js';
import { PALETTE } from '../../src/http/pages/layout.js';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../../src/oauth/scopes.js';

const HOSTILE = `"'><script>alert(1)</script><img src=https://evil.example/x onerror=alert(2)>\`&amp;`;

interface Tag {
  name: string;
  attrs: Record<string, string>;
}

/** Start tags with their attributes. Valid only because every value is quoted and escaped. */
function tags(html: string): Tag[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((m) => {
    const attrs: Record<string, string> = {};
    for (const a of (m[2] ?? '').matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) {
      attrs[a[1] ?? ''] = a[2] ?? '';
    }
    return { name: (m[1] ?? '').toLowerCase(), attrs };
  });
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

function inputs(html: string, name: string): Tag[] {
  return tags(html).filter((t) => t.name === 'input' && t.attrs.name === name);
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function expectCommonShape(html: string, nonce: string): void {
  expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  expect(html.trimEnd().endsWith('</html>')).toBe(true);
  const all = tags(html);
  expect(all.some((t) => t.name === 'meta' && t.attrs.name === 'viewport')).toBe(true);
  expect(only(all.filter((t) => t.name === 'style')).attrs.nonce).toBe(escapeHtml(nonce));
  // Nothing the CSP would block and nothing that loads from elsewhere.
  expect(all.filter((t) => t.name === 'script')).toEqual([]);
  expect(
    all.filter((t) => 'style' in t.attrs || Object.keys(t.attrs).some((k) => k.startsWith('on'))),
  ).toEqual([]);
  for (const tag of all) {
    for (const key of ['src', 'href', 'action', 'formaction'] as const) {
      const value = tag.attrs[key];
      if (value !== undefined) expect(value).toMatch(/^(\/(?![/\\])[^\s\\]*|data:,)$/);
    }
  }
  expect(html).not.toMatch(/url\(/);
  expect(html).not.toMatch(/https?:\/\//);
}

/** Every visible control has a unique id and a `<label for>` naming it. */
function expectLabelsBound(html: string): void {
  const all = tags(html);
  const controls = all.filter(
    (t) =>
      (t.name === 'input' && t.attrs.type !== 'hidden') ||
      t.name === 'select' ||
      t.name === 'textarea',
  );
  expect(controls.length).toBeGreaterThan(0);
  const ids = controls.map((t) => t.attrs.id);
  expect(new Set(ids).size).toBe(ids.length);
  const labelled = new Set(all.filter((t) => t.name === 'label').map((t) => t.attrs.for));
  for (const id of ids) {
    expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(labelled.has(id)).toBe(true);
  }
}

/** The sequence of element names: escaping must keep it whatever the input. */
function structure(html: string): string[] {
  return tags(html).map((t) => t.name);
}

describe('escapeHtml', () => {
  it('escapes every character that can end text or a quoted attribute', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it.each([
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '</title><script>x</script>',
    '&lt;already escaped&gt;',
  ])('makes %j inert and round-trips it', (value) => {
    const escaped = escapeHtml(value);
    expect(escaped).not.toMatch(/[<>"'`]/);
    expect(unescapeHtml(escaped)).toBe(value);
  });

  it('leaves other text, including non-ASCII, unchanged', () => {
    expect(escapeHtml('Zoë’s app — 日本 ✓ a=b;c')).toBe('Zoë’s app — 日本 ✓ a=b;c');
  });
});

const LOGIN: LoginPageInput = {
  nonce: 'bm9uY2Utdmx1ZQ==',
  csrfToken: 'csrf_abcdefghijklmnopqrstuvwxyz0123456789ABCD',
  action: '/authorize/login',
  requestId: 'response_type=code&client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb',
  clientName: 'Amazon Q Developer',
  redirectHost: '127.0.0.1:33418',
};

describe('renderLoginPage (draft-ietf-oauth-v2-1-13 §4.1.1)', () => {
  it('renders a complete, self-contained document under the CSP nonce', () => {
    const html = renderLoginPage(LOGIN);
    expectCommonShape(html, LOGIN.nonce);
    expect(html).toContain('<title>Sign in · Jira MCP Gateway</title>');
    expect(html).toContain('<strong>Amazon Q Developer</strong>');
    expect(html).toContain('<strong>127.0.0.1:33418</strong>');
  });

  it('posts username, password, csrf_token and request to the action', () => {
    const html = renderLoginPage(LOGIN);
    const form = only(tags(html).filter((t) => t.name === 'form'));
    expect(form.attrs).toEqual({ method: 'post', action: '/authorize/login' });
    expect(only(inputs(html, 'username')).attrs).toMatchObject({
      id: 'username',
      type: 'text',
      autocomplete: 'username',
      required: '',
      value: '',
    });
    expect(only(inputs(html, 'password')).attrs).toMatchObject({
      id: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: '',
    });
    expect(only(inputs(html, 'csrf_token')).attrs).toEqual({
      type: 'hidden',
      name: 'csrf_token',
      value: LOGIN.csrfToken,
    });
    const request = only(inputs(html, 'request')).attrs;
    expect(request.type).toBe('hidden');
    expect(unescapeHtml(request.value ?? '')).toBe(LOGIN.requestId);
    expect(only(tags(html).filter((t) => t.name === 'button')).attrs.type).toBe('submit');
  });

  it('binds a label to every input', () => {
    expectLabelsBound(renderLoginPage(LOGIN));
  });

  it('shows an error as an alert tied to the inputs, and keeps the username', () => {
    const html = renderLoginPage({
      ...LOGIN,
      error: 'Wrong username or password.',
      username: 'alice',
    });
    const alert = only(tags(html).filter((t) => t.attrs.role === 'alert'));
    expect(alert.attrs.id).toBe('login-error');
    expect(html).toContain('>Wrong username or password.</div>');
    expect(only(inputs(html, 'username')).attrs).toMatchObject({
      value: 'alice',
      'aria-invalid': 'true',
      'aria-describedby': 'login-error',
    });
    expect(only(inputs(html, 'password')).attrs['aria-describedby']).toBe('login-error');
  });

  it('shows no alert and no aria-invalid without an error', () => {
    const html = renderLoginPage(LOGIN);
    expect(html).not.toContain('role="alert"');
    expect(html).not.toContain('aria-invalid');
  });

  it('escapes hostile values in every field without changing the page structure', () => {
    const benign = renderLoginPage({ ...LOGIN, error: 'e', username: 'u' });
    const hostile = renderLoginPage({
      nonce: HOSTILE,
      csrfToken: HOSTILE,
      action: '/authorize/login',
      requestId: HOSTILE,
      clientName: HOSTILE,
      redirectHost: HOSTILE,
      error: HOSTILE,
      username: HOSTILE,
    });
    expect(structure(hostile)).toEqual(structure(benign));
    expect(hostile).not.toContain('<script>');
    expect(hostile).not.toContain('<img');
    expect(unescapeHtml(only(inputs(hostile, 'username')).attrs.value ?? '')).toBe(HOSTILE);
    expect(unescapeHtml(only(inputs(hostile, 'request')).attrs.value ?? '')).toBe(HOSTILE);
  });

  it.each([
    'https://evil.example/login',
    '//evil.example/login',
    '/\\evil.example/login',
    'javascript:alert(1)',
    'authorize/login',
    '/authorize/login x',
    '',
  ])('refuses the form action %j, which would post elsewhere', (action) => {
    expect(() => renderLoginPage({ ...LOGIN, action })).toThrow(
      new RangeError('form action must be a path on this origin'),
    );
  });
});

const CONSENT: ConsentPageInput = {
  nonce: 'Y29uc2VudC1ub25jZQ==',
  csrfToken: 'csrf_abcdefghijklmnopqrstuvwxyz0123456789ABCD',
  action: '/authorize/consent',
  requestId: 'response_type=code&client_id=abc&scope=jira%3Aread+jira%3Awrite',
  clientName: 'Cursor',
  clientUri: 'https://cursor.example/about?x=1',
  redirectHost: 'cursor.example',
  username: 'alice',
  scopes: [
    { scope: SCOPES.read, description: SCOPE_DESCRIPTIONS['jira:read'], checked: true },
    { scope: SCOPES.write, description: SCOPE_DESCRIPTIONS['jira:write'], checked: true },
  ],
  accessTokenLifetime: '1 hour',
  refreshLifetime: '90 days',
};

describe('renderConsentPage (draft-ietf-oauth-v2-1-13 §4.1.2, RFC 6819 §4.4.1.4)', () => {
  it('renders a complete, self-contained document under the CSP nonce', () => {
    const html = renderConsentPage(CONSENT);
    expectCommonShape(html, CONSENT.nonce);
    expect(html).toContain('<title>Allow Cursor? · Jira MCP Gateway</title>');
    expect(html).toContain('<h1>Allow “Cursor” to use your Jira?</h1>');
  });

  it('says who is signed in, where the app returns to and for how long', () => {
    const html = renderConsentPage(CONSENT);
    expect(html).toContain('Signed in as <strong>alice</strong>');
    expect(html).toContain('<dt>Returns to</dt><dd><strong>cursor.example</strong></dd>');
    expect(html).toContain('lasts 1 hour');
    expect(html).toContain('for up to 90 days');
  });

  it('describes each scope in plain words from SCOPE_DESCRIPTIONS', () => {
    const html = renderConsentPage(CONSENT);
    expect(html).toContain(escapeHtml(SCOPE_DESCRIPTIONS['jira:read']));
    expect(html).toContain(escapeHtml(SCOPE_DESCRIPTIONS['jira:write']));
  });

  it('posts csrf_token, request, the ticked scopes and a deny or approve decision', () => {
    const html = renderConsentPage(CONSENT);
    expect(only(tags(html).filter((t) => t.name === 'form')).attrs).toEqual({
      method: 'post',
      action: '/authorize/consent',
    });
    expect(only(inputs(html, 'csrf_token')).attrs.value).toBe(CONSENT.csrfToken);
    expect(unescapeHtml(only(inputs(html, 'request')).attrs.value ?? '')).toBe(CONSENT.requestId);
    expect(inputs(html, 'scope').map((t) => t.attrs)).toEqual([
      { type: 'checkbox', id: 'scope-0', name: 'scope', value: 'jira:read', checked: '' },
      { type: 'checkbox', id: 'scope-1', name: 'scope', value: 'jira:write', checked: '' },
    ]);
    // Deny first: it is the button Enter would press.
    expect(
      tags(html)
        .filter((t) => t.name === 'button')
        .map((t) => t.attrs),
    ).toEqual([
      { type: 'submit', name: 'decision', value: 'deny', class: 'secondary' },
      { type: 'submit', name: 'decision', value: 'approve', class: 'primary' },
    ]);
  });

  it('leaves an unchecked scope unticked and a required one locked but still submitted', () => {
    const html = renderConsentPage({
      ...CONSENT,
      scopes: [
        { scope: SCOPES.read, description: 'read', checked: true, required: true },
        { scope: SCOPES.write, description: 'write', checked: false },
      ],
    });
    const checkboxes = tags(html).filter((t) => t.name === 'input' && t.attrs.type === 'checkbox');
    expect(checkboxes.map((t) => t.attrs)).toEqual([
      {
        type: 'checkbox',
        id: 'scope-0',
        checked: '',
        disabled: '',
        'aria-describedby': 'scope-0-required',
      },
      { type: 'checkbox', id: 'scope-1', name: 'scope', value: 'jira:write' },
    ]);
    expect(inputs(html, 'scope').map((t) => t.attrs)).toEqual([
      { type: 'hidden', name: 'scope', value: 'jira:read' },
      { type: 'checkbox', id: 'scope-1', name: 'scope', value: 'jira:write' },
    ]);
    expect(html).toContain('<span class="tag" id="scope-0-required">Always included</span>');
  });

  it('binds a label to every checkbox', () => {
    expectLabelsBound(renderConsentPage(CONSENT));
    expectLabelsBound(
      renderConsentPage({
        ...CONSENT,
        scopes: [{ scope: SCOPES.read, description: 'read', checked: true, required: true }],
      }),
    );
  });

  it('says the name is self-declared unless the client is verified', () => {
    const unverified = renderConsentPage(CONSENT);
    expect(unverified).toContain('<span class="tag">(not verified)</span>');
    expect(unverified).toContain('The application chose this name itself');
    const verified = renderConsentPage({ ...CONSENT, clientVerified: true });
    expect(verified).not.toContain('not verified');
    expect(verified).not.toContain('chose this name itself');
  });

  it('shows the claimed website as text (its host), never as a link', () => {
    const html = renderConsentPage(CONSENT);
    expect(html).toContain('<dt>Says its site is</dt><dd>cursor.example</dd>');
    // The one link is ours: the person's own account page.
    expect(
      tags(html)
        .filter((t) => t.name === 'a')
        .map((t) => t.attrs.href),
    ).toEqual(['/account']);
    for (const clientUri of ['javascript:alert(1)', 'not a url', 'data:text/html,hi']) {
      expect(renderConsentPage({ ...CONSENT, clientUri })).not.toContain('Says its site is');
    }
    expect(renderConsentPage({ ...CONSENT, clientUri: undefined })).not.toContain(
      'Says its site is',
    );
  });

  it('escapes hostile values in every field without changing the page structure', () => {
    const benign = renderConsentPage(CONSENT);
    const hostile = renderConsentPage({
      nonce: HOSTILE,
      csrfToken: HOSTILE,
      action: '/authorize/consent',
      requestId: HOSTILE,
      clientName: HOSTILE,
      clientUri: `https://x.example/${HOSTILE}`,
      redirectHost: HOSTILE,
      username: HOSTILE,
      scopes: [
        { scope: HOSTILE, description: HOSTILE, checked: true },
        { scope: HOSTILE, description: HOSTILE, checked: true },
      ],
      accessTokenLifetime: HOSTILE,
      refreshLifetime: HOSTILE,
    });
    expect(structure(hostile)).toEqual(structure(benign));
    expect(hostile).not.toContain('<script>');
    expect(hostile).not.toContain('<img');
    expect(unescapeHtml(inputs(hostile, 'scope')[0]?.attrs.value ?? '')).toBe(HOSTILE);
  });

  it('refuses a form action on another origin', () => {
    expect(() => renderConsentPage({ ...CONSENT, action: 'https://evil.example/consent' })).toThrow(
      RangeError,
    );
  });
});

describe('renderErrorPage (RFC 6749 §4.1.2.1)', () => {
  it('renders the title, the message and the request reference', () => {
    const html = renderErrorPage({
      nonce: 'ZXJyb3Itbm9uY2U=',
      title: 'Unknown application',
      message: 'This sign-in link names an application this server does not know.',
      requestId: 'req_123',
    });
    expectCommonShape(html, 'ZXJyb3Itbm9uY2U=');
    expect(html).toContain('<title>Unknown application · Jira MCP Gateway</title>');
    expect(html).toContain('<h1>Unknown application</h1>');
    expect(html).toContain(
      '<p>This sign-in link names an application this server does not know.</p>',
    );
    expect(html).toContain('quote reference <code>req_123</code>');
    expect(tags(html).filter((t) => t.name === 'form' || t.name === 'a')).toEqual([]);
  });

  it('replaces the default advice with a hint saying what to do, escaped', () => {
    const html = renderErrorPage({
      nonce: 'bm9uY2U=',
      title: 'Application could not be checked',
      message: 'The document was refused.',
      hint: 'Ask your administrator to set CLIENT_METADATA_DOCUMENTS=false <now>.',
    });
    expect(html).toContain(
      '<p>Ask your administrator to set CLIENT_METADATA_DOCUMENTS=false &lt;now&gt;.</p>',
    );
    expect(html).not.toContain('You can close this page');
  });

  it('omits the reference when there is no request id', () => {
    const html = renderErrorPage({ nonce: 'n', title: 'Oops', message: 'm', requestId: undefined });
    expect(html).not.toContain('reference');
  });

  it('escapes hostile values without changing the page structure', () => {
    const benign = renderErrorPage({ nonce: 'n', title: 't', message: 'm', requestId: 'r' });
    const hostile = renderErrorPage({
      nonce: HOSTILE,
      title: HOSTILE,
      message: HOSTILE,
      requestId: HOSTILE,
    });
    expect(structure(hostile)).toEqual(structure(benign));
    expect(hostile).not.toContain('<script>');
  });
});

/** WCAG 2.2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('page styles (WCAG 2.2 AA)', () => {
  it.each(Object.entries(PALETTE))('gives %s text at least 4.5:1 and controls 3:1', (_mode, p) => {
    const text: [string, string][] = [
      [p.text, p.card],
      [p.text, p.page],
      [p.muted, p.card],
      [p.onAccent, p.accent],
      [p.errorText, p.errorBg],
      [p.noteText, p.noteBg],
    ];
    for (const [fg, bg] of text) expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
    const nonText: [string, string][] = [
      [p.focus, p.card],
      [p.focus, p.page],
      [p.border, p.card],
      [p.accent, p.card],
    ];
    for (const [fg, bg] of nonText) expect(contrast(fg, bg)).toBeGreaterThanOrEqual(3);
  });

  it('shows a focus outline and fits a 360 px screen', () => {
    const html = renderErrorPage({ nonce: 'n', title: 't', message: 'm' });
    expect(html).toMatch(/:focus-visible\{outline:3px solid var\(--focus\)/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('max-width:30rem');
    // No fixed width that could force horizontal scrolling on a narrow phone.
    for (const m of html.matchAll(/(?:^|[;{])(?:min-)?width:(\d+)px/g)) {
      expect(Number(m[1])).toBeLessThanOrEqual(360);
    }
  });
});
