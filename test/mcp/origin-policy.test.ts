import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../../src/mcp/origin-policy.js';

describe('Origin policy for /mcp (MCP 2025-11-25 transports, DNS rebinding)', () => {
  it('allows the public origin and configured origins, nothing else', () => {
    const policy = createOriginPolicy({
      publicUrl: 'https://gw.example',
      allowedOrigins: ['https://inspector.example:8443'],
    });
    expect(policy.allows('https://gw.example')).toBe(true);
    expect(policy.allows('https://inspector.example:8443')).toBe(true);
    expect(policy.allows('https://evil.example')).toBe(false);
    expect(policy.allows('http://gw.example')).toBe(false);
    expect(policy.allows('http://localhost:6274')).toBe(false);
    expect(policy.allows('null')).toBe(false);
  });

  it('allows any loopback origin when the gateway itself runs on loopback', () => {
    const policy = createOriginPolicy({ publicUrl: 'http://localhost:8080', allowedOrigins: [] });
    expect(policy.allows('http://localhost:6274')).toBe(true);
    expect(policy.allows('http://127.0.0.1:3000')).toBe(true);
    expect(policy.allows('http://[::1]:5173')).toBe(true);
    expect(policy.allows('http://localhost.evil.example')).toBe(false);
    expect(policy.allows('https://evil.example')).toBe(false);
  });
});
