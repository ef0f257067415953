/**
 * Which IP addresses a server-side fetch may connect to. Used to stop a
 * client-supplied URL (a Client ID Metadata Document) from making this
 * server reach its own loopback, the cloud metadata service or a private
 * network (SSRF).
 */
import { isIPv4, isIPv6 } from 'node:net';

type Range = readonly [base: readonly number[], prefixLength: number];

/** IPv4 ranges that are not globally reachable unicast. */
const BLOCKED_IPV4: readonly Range[] = [
  [[0, 0, 0, 0], 8], // "this network", includes the unspecified address
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // carrier-grade NAT (RFC 6598)
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local, includes cloud metadata 169.254.169.254
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // deprecated 6to4 relay anycast
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, includes broadcast
];

/** IPv6 ranges (as 16-bit groups) that are not globally reachable unicast. */
const BLOCKED_IPV6: readonly Range[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 96], // unspecified, loopback, deprecated IPv4-compatible
  [[0, 0, 0, 0, 0xffff, 0, 0, 0], 96], // IPv4-translated (SIIT)
  [[0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48], // local-use NAT64 (RFC 8215)
  [[0x100, 0, 0, 0, 0, 0, 0, 0], 64], // discard-only
  [[0x2001, 0, 0, 0, 0, 0, 0, 0], 23], // IETF protocol assignments, includes Teredo
  [[0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32], // documentation
  [[0x2002, 0, 0, 0, 0, 0, 0, 0], 16], // 6to4: tunnels to an arbitrary IPv4 address
  [[0xfc00, 0, 0, 0, 0, 0, 0, 0], 7], // unique local
  [[0xfe80, 0, 0, 0, 0, 0, 0, 0], 10], // link-local
  [[0xfec0, 0, 0, 0, 0, 0, 0, 0], 10], // deprecated site-local
  [[0xff00, 0, 0, 0, 0, 0, 0, 0], 8], // multicast
];

const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0xffff];
const NAT64_PREFIX = [0x64, 0xff9b, 0, 0, 0, 0];

/**
 * True only for a globally reachable unicast address. Private, loopback,
 * link-local, multicast, unspecified, CGNAT, documentation and reserved
 * ranges are refused, and so are IPv6 forms that embed such an IPv4 address
 * (IPv4-mapped `::ffff:127.0.0.1`, NAT64 `64:ff9b::a00:1`). Anything that is
 * not an IP address at all is refused too.
 * @see RFC 6890 §2.2
 * @see draft-ietf-oauth-client-id-metadata-document-00 §6
 */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return isPublicIPv4(address.split('.').map(Number));
  const withoutZone = address.split('%')[0] ?? '';
  if (!isIPv6(withoutZone)) return false;
  const groups = parseIPv6(withoutZone);
  if (groups === undefined) return false;
  const embedded = embeddedIPv4(groups);
  if (embedded !== undefined) return isPublicIPv4(embedded);
  return !BLOCKED_IPV6.some(([base, length]) => inRange(groups, base, length, 16));
}

function isPublicIPv4(octets: readonly number[]): boolean {
  return !BLOCKED_IPV4.some(([base, length]) => inRange(octets, base, length, 8));
}

/**
 * The IPv4 address an IPv4-mapped (`::ffff:0:0/96`) or NAT64
 * (`64:ff9b::/96`) IPv6 address stands for; the connection really goes there.
 */
function embeddedIPv4(groups: readonly number[]): number[] | undefined {
  const hasPrefix = (prefix: readonly number[]): boolean =>
    prefix.every((group, i) => groups[i] === group);
  if (!hasPrefix(IPV4_MAPPED_PREFIX) && !hasPrefix(NAT64_PREFIX)) return undefined;
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

function inRange(
  value: readonly number[],
  base: readonly number[],
  prefixLength: number,
  bitsPerPart: number,
): boolean {
  let remaining = prefixLength;
  for (let i = 0; remaining > 0; i += 1) {
    const bits = Math.min(bitsPerPart, remaining);
    const shift = bitsPerPart - bits;
    if ((value[i] ?? 0) >> shift !== (base[i] ?? 0) >> shift) return false;
    remaining -= bits;
  }
  return true;
}

/** Eight 16-bit groups of a textual IPv6 address (already checked by `isIPv6`). */
function parseIPv6(text: string): number[] | undefined {
  let source = text;
  const lastColon = source.lastIndexOf(':');
  const tail = source.slice(lastColon + 1);
  if (tail.includes('.')) {
    const octets = tail.split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    source = `${source.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = source.split('::');
  if (halves.length > 2) return undefined;
  const parse = (half: string | undefined): number[] =>
    half === undefined || half === '' ? [] : half.split(':').map((g) => parseInt(g, 16));
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  return groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff) ? undefined : groups;
}
