/**
 * Fixed, non-secret values both sides of every comparison share, so the
 * gateway and oidc-provider are asked exactly the same questions.
 */
import { s256 } from '../../src/oauth/pkce.js';

/** The redirect URI of the benchmark's public client (loopback, never contacted). */
export const REDIRECT_URI = 'http://127.0.0.1:45999/callback';

/**
 * The PKCE verifier every pre-minted code is bound to. One fixed value is
 * fine: the server still hashes it and compares on every redemption.
 */
export const CODE_VERIFIER = 'bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
export const CODE_CHALLENGE = s256(CODE_VERIFIER);

/** Scopes granted to every benchmark token (the gateway's whole scope set). */
export const SCOPE = 'jira:read jira:write';

/** The account that logs in during the dance (scenario 4). */
export const BENCH_USERNAME = 'bench';

/** The issue every `tools/call jira_get_issue` asks for (seeded in the sandbox). */
export const ISSUE_KEY = 'DEMO-1';

/** oidc-provider's static clients: the public client and the introspecting resource server. */
export const OIDC_PUBLIC_CLIENT = 'bench-public';
export const OIDC_RESOURCE_SERVER = 'bench-rs';
