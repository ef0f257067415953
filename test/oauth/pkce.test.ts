import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/oauth/errors.js';
import { checkCodeChallenge, s256, verifyCodeVerifier } from '../../src/oauth/pkce.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof OAuthError) return error.code;
    throw error;
  }
  return 'none';
}

describe('PKCE (RFC 7636)', () => {
  it('computes S256 as in RFC 7636 Appendix B', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('accepts only S256 challenges of the right shape', () => {
    const challenge = s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(checkCodeChallenge(challenge, 'S256')).toBe(challenge);
    expect(code(() => checkCodeChallenge(challenge, 'plain'))).toBe('invalid_request');
    expect(code(() => checkCodeChallenge(challenge, undefined))).toBe('invalid_request');
    expect(code(() => checkCodeChallenge(undefined, 'S256'))).toBe('invalid_request');
    expect(code(() => checkCodeChallenge('short', 'S256'))).toBe('invalid_request');
  });

  it('verifies the verifier and refuses a wrong, short or missing one', () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = s256(verifier);
    expect(
      code(() => {
        verifyCodeVerifier(verifier, challenge);
      }),
    ).toBe('none');
    expect(
      code(() => {
        verifyCodeVerifier('x'.repeat(43), challenge);
      }),
    ).toBe('invalid_grant');
    expect(
      code(() => {
        verifyCodeVerifier('x'.repeat(42), challenge);
      }),
    ).toBe('invalid_request');
    expect(
      code(() => {
        verifyCodeVerifier('x'.repeat(129), challenge);
      }),
    ).toBe('invalid_request');
    expect(
      code(() => {
        verifyCodeVerifier(undefined, challenge);
      }),
    ).toBe('invalid_request');
  });
});
