/**
 * What may be shown of a DATABASE_URL: never the user name or password,
 * which live in the same string.
 */

/**
 * `PostgreSQL host:port/database (sslmode=…)` for the start-up banner and
 * error messages; the credentials in the URL are left out.
 * @see https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING
 */
export function describeDatabaseUrl(url: string): string {
  if (!URL.canParse(url)) return 'PostgreSQL (DATABASE_URL)';
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get('sslmode');
  const database = decodeURIComponent(parsed.pathname.slice(1));
  return `PostgreSQL ${parsed.host}/${database}${sslmode === null ? '' : ` (sslmode=${sslmode})`}`;
}
