import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/**
 * Cookie names and attributes for the authorization pages. Over https the
 * `__Host-` prefix pins them to this exact origin (no Domain, Path=/,
 * Secure), so a sibling subdomain cannot plant one.
 */
export interface CookieJar {
  get(c: Context, name: CookieName): string | undefined;
  set(c: Context, name: CookieName, value: string, maxAgeSeconds: number): void;
  clear(c: Context, name: CookieName): void;
}

/** `oidc`: a sign-in at the OpenID provider in flight (see oidc-routes.ts). */
export type CookieName = 'session' | 'csrf' | 'oidc';

export function createCookieJar(https: boolean): CookieJar {
  const fullName = (name: CookieName): string => (https ? `__Host-jmg_${name}` : `jmg_${name}`);
  return {
    get: (c, name) => getCookie(c, fullName(name)),
    set: (c, name, value, maxAgeSeconds) => {
      setCookie(c, fullName(name), value, {
        path: '/',
        httpOnly: true,
        secure: https,
        // Lax lets the session ride the top-level navigation from the client to
        // /authorize, and the sign-in cookie the one back from the OpenID
        // provider; the CSRF cookie only ever needs to come back from our own forms.
        sameSite: name === 'csrf' ? 'Strict' : 'Lax',
        maxAge: maxAgeSeconds,
      });
    },
    clear: (c, name) => {
      deleteCookie(c, fullName(name), { path: '/', secure: https });
    },
  };
}
