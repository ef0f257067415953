/**
 * The scopes this gateway grants, defined in one place.
 * Read lets a client see Jira data; write lets it change Jira.
 */
export const SCOPES = {
  read: 'jira:read',
  write: 'jira:write',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

export const ALL_SCOPES: readonly Scope[] = [SCOPES.read, SCOPES.write];

/** Scopes granted to a request that names none. */
export const DEFAULT_SCOPES: readonly Scope[] = [SCOPES.read, SCOPES.write];

/** What each scope lets an app do, in the words the consent page shows. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  'jira:read': 'Read Jira data you can see: projects, issues, comments, transitions and users.',
  'jira:write':
    'Change Jira for you: create and edit issues, comment, transition, assign, log work and link issues.',
};

export function isScope(value: string): value is Scope {
  return (ALL_SCOPES as readonly string[]).includes(value);
}

/**
 * Parses a space-separated `scope` parameter. Scopes this server does not
 * define (`openid`, `offline_access`, …) are ignored, not errors, because
 * real clients send them. No scope at all means the default set.
 * @see RFC 6749 §3.3
 */
export function parseRequestedScopes(scope: string | undefined | null): Scope[] {
  if (scope === undefined || scope === null || scope.trim() === '') {
    return [...DEFAULT_SCOPES];
  }
  const known = new Set(scope.split(' ').filter(isScope));
  if (known.size === 0) {
    return [...DEFAULT_SCOPES];
  }
  return ALL_SCOPES.filter((s) => known.has(s));
}

/** Canonical, ordered, space-separated form. */
export function formatScopes(scopes: readonly Scope[]): string {
  return ALL_SCOPES.filter((s) => scopes.includes(s)).join(' ');
}

/** Parses a stored scope string back; unknown values are dropped. */
export function parseStoredScopes(value: string): Scope[] {
  const set = new Set(value.split(' ').filter(isScope));
  return ALL_SCOPES.filter((s) => set.has(s));
}
