import { describe, expect, it } from 'vitest';
import { ipBucket } from '../../src/accounts/ip-bucket.js';

describe('ipBucket (RFC 4291 address forms)', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['::ffff:c633:6404', '198.51.100.4'],
    ['64:ff9b::198.51.100.4', '64:ff9b:0:0::/64'],
    ['', 'unknown'],
    ['not-an-ip', 'unknown'],
    ['999.1.1.1', 'unknown'],
  ])('maps %j to %j', (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });

  it('puts two addresses of one /64 in one bucket and of two /64s in two', () => {
    expect(ipBucket('2001:db8:aa:bb::1')).toBe(ipBucket('2001:db8:aa:bb:ffff:ffff:ffff:ffff'));
    expect(ipBucket('2001:db8:aa:bb::1')).not.toBe(ipBucket('2001:db8:aa:bc::1'));
  });
});
