/**
 * A minimal cookie-keeping user agent for driving the login and consent
 * pages over HTTP without a real browser (the browser suite uses Chromium).
 * It never follows redirects: tests look at each hop.
 */
export class PageAgent {
  readonly #cookies = new Map<string, string>();

  constructor(
    private readonly send: typeof fetch,
    private readonly origin: string,
  ) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) {
      headers.set('cookie', [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const response = await this.send(new URL(url, this.origin).toString(), {
      ...init,
      headers,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair === undefined || eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  get(url: string): Promise<Response> {
    return this.request(url);
  }

  /** Posts a form as our own page would (same-origin). */
  post(
    url: string,
    fields: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    return this.request(new URL(url, this.origin).toString(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.origin,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      body: body.toString(),
    });
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The value of a hidden or text input by name, read from a page. */
export function inputValue(html: string, name: string): string {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  const value = tag === undefined ? undefined : /value="([^"]*)"/.exec(tag)?.[1];
  if (value === undefined) throw new Error(`no input named ${name} in page`);
  return unescapeHtml(value);
}

/**
 * Runs the person's part of the flow: open the authorization URL, sign in,
 * approve (optionally with fewer scopes). Returns the final redirect URL.
 */
export async function signInAndConsent(
  agent: PageAgent,
  authorizationUrl: string,
  credentials: { username: string; password: string },
  options: { scopes?: string[]; decision?: 'approve' | 'deny' } = {},
): Promise<URL> {
  const loginPage = await agent.get(authorizationUrl);
  if (loginPage.status !== 200) {
    throw new Error(`authorize answered ${loginPage.status}: ${await loginPage.text()}`);
  }
  const loginHtml = await loginPage.text();
  const loggedIn = await agent.post('/authorize/login', {
    username: credentials.username,
    password: credentials.password,
    csrf_token: inputValue(loginHtml, 'csrf_token'),
    request: inputValue(loginHtml, 'request'),
  });
  if (loggedIn.status !== 303) throw new Error(`login answered ${loggedIn.status}`);
  const consentPage = await agent.get(loggedIn.headers.get('location') ?? '');
  const consentHtml = await consentPage.text();
  const offered = [...consentHtml.matchAll(/name="scope"[^>]*value="([^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
  const decided = await agent.post('/authorize/consent', {
    csrf_token: inputValue(consentHtml, 'csrf_token'),
    request: inputValue(consentHtml, 'request'),
    scope: options.scopes ?? offered,
    decision: options.decision ?? 'approve',
  });
  if (decided.status !== 303)
    throw new Error(`consent answered ${decided.status}: ${await decided.text()}`);
  return new URL(decided.headers.get('location') ?? '');
}
