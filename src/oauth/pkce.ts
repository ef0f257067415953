import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto/hash.js';
import { OAuthError } from './errors.js';

/** RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** A S256 challenge is the base64url SHA-256 of the verifier: exactly 43 characters. */
const S256_CHALLENGE_PATTERN = /^[A-Za-z0-9\-_]{43}$/;

/**
 * Checks the PKCE parameters of an authorization request. Only S256 is
 * accepted: `plain` offers no protection if the request is observed, and
 * OAuth 2.1 lets servers refuse it.
 * @see RFC 7636 §4.3, §4.4.1; draft-ietf-oauth-v2-1-13 §4.1.1
 * @throws OAuthError invalid_request
 */
export function checkCodeChallenge(
  challenge: string | undefined,
  method: string | undefined,
): string {
  if (challenge === undefined || challenge === '') {
    throw new OAuthError('invalid_request', 'code_challenge is required (PKCE with S256)');
  }
  if (method !== 'S256') {
    throw new OAuthError(
      'invalid_request',
      method === undefined || method === ''
        ? 'code_challenge_method is required and must be S256'
        : 'code_challenge_method must be S256',
    );
  }
  if (!S256_CHALLENGE_PATTERN.test(challenge)) {
    throw new OAuthError('invalid_request', 'code_challenge is not a valid S256 challenge');
  }
  return challenge;
}

/** The S256 transform: BASE64URL(SHA256(ASCII(code_verifier))). @see RFC 7636 §4.2 */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Verifies a `code_verifier` against the stored challenge in constant time.
 * @see RFC 7636 §4.6
 * @throws OAuthError invalid_request (missing or malformed), invalid_grant (mismatch)
 */
export function verifyCodeVerifier(verifier: string | undefined, challenge: string): void {
  if (verifier === undefined || verifier === '') {
    throw new OAuthError('invalid_request', 'code_verifier is required');
  }
  if (!VERIFIER_PATTERN.test(verifier)) {
    throw new OAuthError('invalid_request', 'code_verifier must be 43-128 unreserved characters');
  }
  if (!constantTimeEqual(s256(verifier), challenge)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
}
