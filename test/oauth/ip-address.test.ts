import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/oauth/ip-address.js';

describe('SSRF address policy (RFC 6890, draft-ietf-oauth-client-id-metadata-document §6)', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '172.15.255.255',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['unspecified IPv4', '0.0.0.0'],
    ['"this network"', '0.1.2.3'],
    ['loopback', '127.0.0.1'],
    ['loopback, anywhere in 127/8', '127.255.0.9'],
    ['private 10/8', '10.20.30.40'],
    ['private 172.16/12', '172.16.0.1'],
    ['private 172.16/12 upper end', '172.31.255.255'],
    ['private 192.168/16', '192.168.1.1'],
    ['CGNAT 100.64/10', '100.64.0.1'],
    ['CGNAT upper end', '100.127.255.254'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['IETF protocol assignments', '192.0.0.8'],
    ['documentation', '203.0.113.5'],
    ['benchmarking', '198.18.0.1'],
    ['multicast', '224.0.0.251'],
    ['reserved', '240.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['unspecified IPv6', '::'],
    ['IPv6 loopback', '::1'],
    ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex', '::ffff:7f00:1'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-mapped metadata service', '::ffff:169.254.169.254'],
    ['IPv4-translated loopback', '::ffff:0:7f00:1'],
    ['IPv4-compatible loopback', '::127.0.0.1'],
    ['NAT64 of a private address', '64:ff9b::a00:1'],
    ['local-use NAT64', '64:ff9b:1::1'],
    ['unique local', 'fd12:3456::1'],
    ['link-local', 'fe80::1'],
    ['link-local with a zone', 'fe80::1%eth0'],
    ['site-local', 'fec0::1'],
    ['multicast', 'ff02::1'],
    ['documentation', '2001:db8::1'],
    ['Teredo', '2001:0:4136:e378::1'],
    ['6to4', '2002:7f00:1::1'],
    ['a host name', 'localhost'],
    ['IPv4 shorthand', '127.1'],
    ['garbage', 'not-an-ip'],
  ])('refuses %s (%s)', (_why, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});
