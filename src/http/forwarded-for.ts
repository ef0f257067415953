/**
 * The client address behind trusted proxies, from `X-Forwarded-For`.
 *
 * Each proxy appends the address it received the request from, so the list
 * reads `client, proxy1, proxy2` and only its right end is trustworthy: the
 * client writes anything it likes on the left. With `hops` proxies in front
 * of the gateway, the entry the outermost trusted proxy added, the `hops`-th
 * from the right, is the client.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** More entries than any real chain of proxies has; the rest is not read. */
const MAX_ENTRIES = 64;

/**
 * The address `hops` trusted proxies vouch for, or undefined when the header
 * cannot say (absent, fewer than `hops` entries, or that entry is not an IP
 * address): the caller then uses the peer address, never an entry the client
 * could have written. `hops` 0 ignores the header.
 * @see RFC 7239 §5.2 (the same rule for `Forwarded: for=`)
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#security_and_privacy_concerns
 */
export function forwardedClientIp(header: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || header === undefined) return undefined;
  // Only the right end matters, so a huge header costs no more than a short one.
  const tail = header.slice(-MAX_ENTRIES * 48);
  const entries = tail.split(',');
  const entry =
    entries.length > hops || tail.length === header.length ? entries.at(-hops) : undefined;
  return entry === undefined ? undefined : parseAddress(entry.trim());
}

/**
 * An IP address from one entry: bare IPv4 or IPv6, or with a port as some
 * proxies write it (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
 */
function parseAddress(entry: string): string | undefined {
  // A zone index only means something on the host that wrote it.
  if (entry.includes('%')) return undefined;
  if (isIPv4(entry) || isIPv6(entry)) return entry.toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry);
  if (bracketed?.[1] !== undefined && isIPv6(bracketed[1])) return bracketed[1].toLowerCase();
  const withPort = /^([\d.]+):\d{1,5}$/.exec(entry);
  if (withPort?.[1] !== undefined && isIPv4(withPort[1])) return withPort[1];
  return undefined;
}
