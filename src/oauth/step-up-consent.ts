/**
 * Step-up consent: a client that already holds a live grant from this
 * person comes back to `/authorize` asking for more (typically after `/mcp`
 * answered `403 insufficient_scope` for a write tool, MCP 2025-11-25
 * authorization, "Scope Challenge Handling"). The consent page then shows
 * what it already has as already allowed and asks only about what is new.
 *
 * What the new grant carries: the union of the scopes the client already
 * holds from this person (live grants to this client for this resource) and
 * the new ones the person approved now. Why the union:
 * - nothing is gained without consent: the old scopes were approved by this
 *   person for this very client and stay usable through the old grant anyway;
 * - clients differ in what they ask for on a step-up: the SDK 1.x client
 *   asks for the challenge's `scope` (ours names old and new, as MCP
 *   2025-11-25 recommends), SEP-2350 clients add what they asked for before,
 *   and a client that asks only for the missing `jira:write` would otherwise
 *   get a write-only token and lose every read tool;
 * - RFC 6749 §3.3 lets the server issue another scope than requested, and
 *   the token response's `scope` always says what was issued.
 * The person sees exactly what the token will carry: the already-allowed
 * list and the new scopes they tick. Nothing else is added. The earlier
 * grant stays as it is (the client may still use it elsewhere; the person
 * can revoke it on `/account`). A request for nothing new (a client signing
 * in again, or asking for less) is no step-up: the ordinary page, no union.
 */
import type { GrantRecord } from '../storage/ports.js';
import type { OAuthContext } from './context.js';
import { ALL_SCOPES, type Scope } from './scopes.js';

/** How the consent page presents a request. */
export interface ConsentPlan {
  /** Step-up only: every scope the client already holds from this person (shown as already allowed, kept). */
  alreadyGranted: Scope[];
  /** Requested scopes to ask about. All requested scopes unless `stepUp`. */
  toApprove: Scope[];
  /** The client holds some of what it asks for and asks for more. */
  stepUp: boolean;
}

/** Whether an OAuth grant of `clientId` can still back tokens for `resource` at `now`. */
function isLiveConsent(grant: GrantRecord, clientId: string, resource: string, now: number) {
  return (
    grant.kind !== 'personal' &&
    grant.clientId === clientId &&
    grant.resource === resource &&
    grant.revokedAt === undefined &&
    grant.expiresAt > now
  );
}

/**
 * The scopes of the person's live (unrevoked, unexpired) grants to this
 * client for this resource, in canonical order.
 * @see RFC 6749 §3.3; MCP 2025-11-25 authorization (Scope Challenge Handling)
 */
export async function liveGrantedScopes(
  ctx: Pick<OAuthContext, 'storage' | 'clock' | 'resource'>,
  userId: string,
  clientId: string,
): Promise<Scope[]> {
  const now = ctx.clock.now();
  const held = new Set<Scope>();
  for (const grant of await ctx.storage.grants.listByUser(userId)) {
    if (isLiveConsent(grant, clientId, ctx.resource, now)) {
      for (const scope of grant.scopes) held.add(scope);
    }
  }
  return ALL_SCOPES.filter((s) => held.has(s));
}

/**
 * Splits a request into what the client already holds and what is new. It
 * is a step-up when the client holds a live grant and asks for at least one
 * scope beyond it; a request for nothing new (a client signing in again)
 * gets the ordinary page, where the person may still narrow it.
 * @see MCP 2025-11-25 authorization (Step-Up Authorization Flow)
 */
export function planConsent(requested: readonly Scope[], granted: readonly Scope[]): ConsentPlan {
  const fresh = requested.filter((s) => !granted.includes(s));
  const stepUp = granted.length > 0 && fresh.length > 0;
  return stepUp
    ? { alreadyGranted: [...granted], toApprove: fresh, stepUp }
    : { alreadyGranted: [], toApprove: [...requested], stepUp };
}

/** What the person's decision grants. */
export interface ConsentApproval {
  /** The new grant's scopes, canonical order; empty when nothing was approved. */
  scopes: Scope[];
  /**
   * A step-up whose new scopes were all unticked: "Allow" would only
   * re-issue what the client has, which sends it straight back here, so it
   * is answered as a denial, and the client keeps its earlier grant.
   */
  nothingNew: boolean;
}

/**
 * The scopes a consent form grants. Ordinary page: the requested scopes
 * the person left ticked. Step-up: what the client already holds (from
 * storage, never from the form) plus the new scopes the person ticked.
 * A ticked value the client did not request never counts.
 * @see RFC 6749 §3.3, §4.1.2.1; MCP 2025-11-25 authorization (Step-Up Authorization Flow)
 */
export function approvedScopes(
  plan: ConsentPlan,
  requested: readonly Scope[],
  chosen: ReadonlySet<string>,
): ConsentApproval {
  if (!plan.stepUp) {
    return { scopes: requested.filter((s) => chosen.has(s)), nothingNew: false };
  }
  const added = plan.toApprove.filter((s) => chosen.has(s));
  if (added.length === 0) return { scopes: [], nothingNew: true };
  const scopes = ALL_SCOPES.filter((s) => plan.alreadyGranted.includes(s) || added.includes(s));
  return { scopes, nothingNew: false };
}
