/**
 * The unit a per-IP limit counts: one IPv4 address, or one IPv6 /64.
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The counting key for a client address. An IPv6 host usually controls a
 * whole /64 (RFC 4291 §2.5.1 interface identifiers), so counting single
 * addresses would let it rotate past any limit; IPv4-mapped IPv6 addresses
 * count as their IPv4 address. Anything else (no address known) shares one
 * bucket rather than escaping the limit.
 * @see RFC 4291 §2.2 (text representation), §2.5.5.2 (IPv4-mapped)
 */
export function ipBucket(ip: string): string {
  const address = ip.trim().replace(/%.*$/, '');
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const groups = expandIPv6(address.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** Eight 16-bit groups of a valid IPv6 address (checked by the caller). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    const hex = (x: number | undefined, y: number | undefined): string =>
      (((x ?? 0) << 8) | (y ?? 0)).toString(16);
    text = `${text.slice(0, dotted.index)}${hex(a, b)}:${hex(c, d)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => parseInt(g, 16));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
