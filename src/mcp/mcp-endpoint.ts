/**
 * `/mcp` as a web-standard `Request -> Response` function: origin check,
 * bearer authentication, method and protocol-version gates, body limit,
 * scope step-up, then the SDK's stateless Streamable HTTP transport.
 * Framework-free, so the Hono routes and a Lambda entry can both use it.
 */
import {
  isJsonContentType,
  readRequestBody,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import type { JiraLinkRequiredReason } from '../jira/person/personal-jira.js';
import { ALL_SCOPES, formatScopes, type Scope } from '../oauth/scopes.js';
import { PERSONAL_ACCESS_TOKEN_CLIENT_ID, type GrantRepository } from '../storage/ports.js';
import { bearerChallenge, readBearerToken } from './bearer-challenge.js';
import { jiraAccountDetail, needsPersonalLink } from './caller-jira.js';
import {
  JSON_RPC_ERROR,
  jsonRpcErrorResponse,
  mcpCorsHeaders,
  mcpPreflightResponse,
  withHeaders,
} from './http-responses.js';
import { batchRefusal } from './json-rpc-batch.js';
import { initializeParamsRefusal } from './initialize-params.js';
import {
  linkRequiredElicitation,
  linkRequiredForPersonalToken,
  linkRequiredUnauthorized,
} from './jira-link-required.js';
import { messageShapeRefusal } from './json-rpc-shape.js';
import { createOriginPolicy } from './origin-policy.js';
import { protectedResourceMetadataUrl } from './protected-resource-metadata.js';
import {
  auditActor,
  callerJiraOf,
  createMcpServer,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallerJiraState,
  type FormElicitationFor,
  type HandledToolCalls,
  type McpServerDeps,
} from './server.js';
import { peekToolCalls, type PeekedToolCall } from './tool-call-peek.js';
import {
  TokenVerifierUnavailableError,
  type TokenVerifier,
  type VerifiedToken,
} from './token-verifier.js';
import { availableTools } from './tools/catalog.js';
import { keyOf, UrlElicitationSupport } from './url-elicitation.js';
import { PendingElicitations } from './form-elicitation.js';
import { streamThenFinish } from './stream-then-finish.js';
import { CONFIRM_FIELD } from './tools/confirm-destructive.js';

/** Largest POST body `/mcp` reads; a tool call is a few kilobytes. */
export const MAX_MCP_BODY_BYTES = 1024 * 1024;

export interface McpEndpointDeps extends McpServerDeps {
  config: McpServerDeps['config'] & {
    /** Where clients reach `/mcp` (MCP_PUBLIC_URL, else the issuer). */
    mcpPublicUrl: string;
    resource: string;
    allowedOrigins: string[];
    /** CONFIRM_BY_ELICITATION; absent: false (destructive calls need `confirm: true`). */
    confirmByElicitation?: boolean;
  };
  /** How long a destructive call waits for the person's form answer (tests shorten it). */
  elicitationTimeoutMs?: number;
  verifier: TokenVerifier;
  /**
   * Per-person modes: revokes the grant of a caller without a working Jira
   * link, so the client's refresh fails and it starts a new authorization
   * (which links the account). Absent: the 401 alone.
   */
  grants?: Pick<GrantRepository, 'revoke'>;
  /**
   * Absolute URL of the gateway page that links the signed-in person's Jira
   * account; offered as a URL-mode elicitation to clients that declared it.
   */
  jiraLinkUrl?: string;
}

const defaultLog = (line: object): void => {
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

/**
 * Builds the `/mcp` handler. Order of checks, and why:
 * 1. `Origin` not allowed → 403, before anything else (DNS rebinding).
 * 2. `OPTIONS` → CORS preflight (browsers send no token on preflights).
 * 3. No usable bearer token → 401 with the discovery challenge; a presented
 *    but unusable one adds `error="invalid_token"`. This comes before the
 *    method check so that any probe (GET, HEAD, POST) discovers the
 *    authorization server. A verifier outage → 503, not 401.
 * 4. Anything but POST → 405 `Allow: POST` (stateless: no SSE stream to GET,
 *    no session to DELETE).
 * 5. Unsupported `MCP-Protocol-Version` → 400; non-JSON → 415; body over
 *    1 MiB → 413; unparsable JSON → 400; a batch from a 2025-06-18+ client,
 *    an empty batch or one over `MAX_JSON_RPC_BATCH` → 400 -32600; valid
 *    JSON that is no JSON-RPC message → 400 -32600; an `initialize` without
 *    the params the protocol requires → 400 -32602 (the SDK would answer
 *    -32603 with its schema dump).
 * 6. A `tools/call` of an enabled tool the token's scopes do not cover →
 *    403 `insufficient_scope` naming the scopes to request.
 * 7. Per-person Jira (JIRA_AUTH ≠ service): a `tools/call` from a person
 *    without a working link (before running, or found while running) → a
 *    -32042 URL-mode elicitation of the link page when this client declared
 *    `elicitation.url` in its `initialize`, else the calling grant is revoked
 *    and the answer is 401 `invalid_token`: the client's refresh fails, it
 *    authorizes again, and /authorize links the account before consent.
 * 8. The SDK serves the request with a per-request server (JSON responses),
 *    except a single `tools/call` of a tool with the `confirm` field from a
 *    client that declared form elicitation (CONFIRM_BY_ELICITATION): that
 *    one is answered as an SSE stream, on which the tool may send an
 *    `elicitation/create`; the server closes when the stream ends. A POST
 *    holding only the answers to such elicitations, from the same grant,
 *    goes to the waiting calls and gets 202 (src/mcp/form-elicitation.ts).
 * @see MCP 2025-11-25 transports (Streamable HTTP); MCP 2025-11-25 authorization; MCP 2025-11-25 client/elicitation; RFC 6750 §3.1; RFC 9728 §5.1
 */
export function createMcpEndpoint(deps: McpEndpointDeps): (request: Request) => Promise<Response> {
  const { config, verifier, clock } = deps;
  const log = deps.log ?? defaultLog;
  // The MCP server's own origin, which may differ from the issuer's.
  const originPolicy = createOriginPolicy({
    publicUrl: config.mcpPublicUrl,
    allowedOrigins: config.allowedOrigins,
  });
  const resourceMetadata = protectedResourceMetadataUrl(config.mcpPublicUrl);
  const callerJira = callerJiraOf(deps);
  const elicitation = new UrlElicitationSupport();
  const pendingForms = new PendingElicitations(deps.elicitationTimeoutMs);

  /**
   * Whether this single call may ask the person through a form: a tool
   * with the `confirm` field (confirm-destructive.ts), a client that
   * declared form elicitation to this process, and the setting on.
   */
  function asksByForm(
    token: VerifiedToken,
    calls: PeekedToolCall[],
    single: boolean,
    version: string | null,
  ): boolean {
    const call = calls[0];
    if (config.confirmByElicitation !== true || !single || call === undefined) return false;
    const tool = availableTools(config).find((t) => t.name === call.name);
    return (
      tool !== undefined &&
      tool.inputSchema.shape.confirm === CONFIRM_FIELD &&
      elicitation.supportsForm(token, version, clock.now())
    );
  }

  const unauthorized = (invalidToken: boolean): Response =>
    jsonRpcErrorResponse(
      401,
      JSON_RPC_ERROR.serverError,
      invalidToken
        ? 'Unauthorized: the access token is invalid, expired, revoked or not issued for this server.'
        : 'Unauthorized: send an OAuth access token as "Authorization: Bearer <token>".',
      {
        headers: {
          'www-authenticate': bearerChallenge({
            ...(invalidToken
              ? {
                  error: 'invalid_token' as const,
                  errorDescription: 'The access token is not valid for this resource',
                }
              : {}),
            scopes: ALL_SCOPES,
            resourceMetadata,
          }),
        },
      },
    );

  async function audit(
    token: VerifiedToken,
    call: PeekedToolCall,
    error: string,
    state: CallerJiraState = {},
  ): Promise<void> {
    const tool = availableTools(config).find((t) => t.name === call.name);
    // The caller chose `call.name`: only a catalog name may become a label.
    deps.metrics?.toolCall(tool === undefined ? 'unknown' : tool.name, error);
    await deps.audit.record({
      type: AUDIT_EVENT.toolCalled,
      outcome: 'failure',
      ...auditActor(token),
      detail: {
        tool: call.name,
        issueKey: tool?.issueKeyOf(call.arguments) ?? null,
        durationMs: 0,
        error,
        ...jiraAccountDetail(callerJira.mode, state.actor),
      },
    });
  }

  /**
   * Who the calls act as in Jira. Service mode: the shared account, or
   * unknown while Jira cannot say (the call itself reports that failure).
   */
  async function callerActor(token: VerifiedToken): Promise<CallerJiraState['actor']> {
    if (needsPersonalLink(callerJira.mode)) return callerJira.actorFor(token.userId);
    try {
      return await callerJira.actorFor(token.userId);
    } catch (error) {
      log({
        level: 'warn',
        msg: 'shared Jira account unknown',
        error: error instanceof Error ? error.name : 'unknown',
      });
      return undefined;
    }
  }

  /** The answer to tool calls of a person without a working Jira link (step 7). */
  async function linkRequired(
    token: VerifiedToken,
    calls: PeekedToolCall[],
    single: boolean,
    version: string | null,
    reason: JiraLinkRequiredReason | undefined,
  ): Promise<Response> {
    const first = calls[0];
    if (
      single &&
      first !== undefined &&
      deps.jiraLinkUrl !== undefined &&
      elicitation.supports(token, version, clock.now())
    ) {
      return linkRequiredElicitation(first.id, reason, deps.jiraLinkUrl);
    }
    // A personal access token cannot authorize again: it keeps its grant and
    // the person links on the gateway's page.
    if (token.clientId === PERSONAL_ACCESS_TOKEN_CLIENT_ID) {
      return linkRequiredForPersonalToken(reason, deps.jiraLinkUrl);
    }
    // Without this the client's refresh would succeed and its retry meet the
    // same 401: real clients refresh before they re-authorize.
    if (deps.grants !== undefined && token.grantId !== undefined) {
      const revoked = await deps.grants.revoke(token.grantId, clock.now(), 'jira link required');
      if (revoked) {
        await deps.audit.record({
          type: AUDIT_EVENT.grantRevoked,
          outcome: 'success',
          ...auditActor(token),
          detail: { reason: 'jira_link_required', link: reason ?? 'missing' },
        });
      }
    }
    return linkRequiredUnauthorized(reason, resourceMetadata);
  }

  /** The step-up answer for calls to enabled tools the token's scopes do not cover. */
  async function scopeChallenge(
    token: VerifiedToken,
    calls: PeekedToolCall[],
    single: boolean,
  ): Promise<Response | undefined> {
    const tools = availableTools(config);
    const denied = calls.flatMap((call) => {
      const tool = tools.find((t) => t.name === call.name);
      return tool !== undefined && !token.scopes.includes(tool.scope) ? [{ call, tool }] : [];
    });
    const first = denied[0];
    if (first === undefined) return undefined;
    for (const { call } of denied) await audit(token, call, 'insufficient_scope');
    // The spec's recommended approach: ask for the scopes already held plus
    // the missing ones, so a client that replaces its scope set on step-up
    // does not lose what it had.
    const scopes: Scope[] = [...token.scopes, ...denied.map((d) => d.tool.scope)];
    const description = `${first.tool.name} needs the ${first.tool.scope} scope`;
    return jsonRpcErrorResponse(
      403,
      JSON_RPC_ERROR.serverError,
      `Forbidden: ${description}; authorize again with scope "${formatScopes(scopes)}".`,
      {
        id: single ? first.call.id : null,
        headers: {
          'www-authenticate': bearerChallenge({
            error: 'insufficient_scope',
            errorDescription: description,
            scopes,
            resourceMetadata,
          }),
        },
      },
    );
  }

  async function serve(request: Request, token: VerifiedToken): Promise<Response> {
    if (request.method !== 'POST') {
      return jsonRpcErrorResponse(
        405,
        JSON_RPC_ERROR.serverError,
        'Method not allowed: this server is stateless and only answers POST.',
        { headers: { allow: 'POST' } },
      );
    }
    const version = request.headers.get('mcp-protocol-version');
    if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return jsonRpcErrorResponse(
        400,
        JSON_RPC_ERROR.serverError,
        `Bad Request: Unsupported protocol version: ${version.slice(0, 40)} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
      );
    }
    if (!isJsonContentType(request.headers.get('content-type'))) {
      return jsonRpcErrorResponse(
        415,
        JSON_RPC_ERROR.serverError,
        'Unsupported Media Type: Content-Type must be application/json',
      );
    }
    let body;
    try {
      body = await readRequestBody(request, MAX_MCP_BODY_BYTES);
    } catch (error) {
      // The bytes come from the client: one that hangs up mid-body is its
      // fault (RFC 9112 §8), worth a debug line, never a 500 with a stack.
      log({
        level: 'debug',
        msg: 'request body aborted by the client',
        error: error instanceof Error ? error.name : 'unknown',
      });
      return jsonRpcErrorResponse(
        400,
        JSON_RPC_ERROR.invalidRequest,
        'Invalid Request: the request body was not received in full',
      );
    }
    if (body.tooLarge) {
      return jsonRpcErrorResponse(
        413,
        JSON_RPC_ERROR.serverError,
        `Payload Too Large: the body exceeds ${MAX_MCP_BODY_BYTES} bytes`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch {
      return jsonRpcErrorResponse(400, JSON_RPC_ERROR.parseError, 'Parse error: Invalid JSON');
    }
    // Before peeking at tool calls, so a refused batch audits and runs nothing.
    const refusal = batchRefusal(parsed, version) ?? messageShapeRefusal(parsed);
    if (refusal !== undefined) {
      return jsonRpcErrorResponse(400, JSON_RPC_ERROR.invalidRequest, refusal);
    }
    const badInitialize = initializeParamsRefusal(parsed);
    if (badInitialize !== undefined) {
      return jsonRpcErrorResponse(400, JSON_RPC_ERROR.invalidParams, badInitialize.message, {
        id: badInitialize.id,
      });
    }
    // The person's answer to a form a waiting call of this grant sent.
    if (pendingForms.deliver(keyOf(token), parsed)) return new Response(null, { status: 202 });
    elicitation.observe(token, parsed, clock.now());
    const calls = peekToolCalls(parsed);
    const single = !Array.isArray(parsed);
    const challenge = await scopeChallenge(token, calls, single);
    if (challenge !== undefined) return challenge;

    const state: CallerJiraState = {};
    if (calls.length > 0) {
      state.actor = await callerActor(token);
      if (needsPersonalLink(callerJira.mode) && state.actor === undefined) {
        for (const call of calls) await audit(token, call, 'jira_link_required');
        return linkRequired(token, calls, single, version, undefined);
      }
    }

    const handled: HandledToolCalls = new Set();
    // A call that may ask the person answers on an SSE stream, so the
    // elicitation can travel before the result (step 8).
    const byForm = asksByForm(token, calls, single, version);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: !byForm,
    });
    const streamGone = new AbortController();
    const formFor: FormElicitationFor | undefined =
      byForm && version !== null
        ? (callId) => (form) =>
            pendingForms.ask(
              keyOf(token),
              form,
              version,
              (message) => transport.send(message, { relatedRequestId: callId }),
              streamGone.signal,
            )
        : undefined;
    const server = createMcpServer(token, deps, handled, state, formFor);
    // Calls the SDK refused before a handler ran (unknown tool, invalid
    // arguments) still belong in the audit trail.
    const auditUnhandled = async (): Promise<void> => {
      for (const call of calls) {
        if (handled.has(call.id)) continue;
        const known = availableTools(config).some((t) => t.name === call.name);
        await audit(token, call, known ? 'invalid_arguments' : 'unknown_tool', state);
      }
    };
    let streaming = false;
    try {
      await server.connect(transport);
      const response = await transport.handleRequest(request, { parsedBody: parsed });
      if (byForm && response.headers.get('content-type') === 'text/event-stream') {
        streaming = true;
        return streamThenFinish(response, async () => {
          streamGone.abort();
          try {
            await auditUnhandled();
            // The status is sent already; the tool result told the model, and
            // this revokes the grant (or not) as the JSON path would.
            if (state.linkRequired !== undefined) {
              const answer = await linkRequired(token, calls, single, version, state.linkRequired);
              await answer.body?.cancel();
            }
          } catch (error) {
            log({
              level: 'error',
              msg: 'finishing a streamed tool call failed',
              error: error instanceof Error ? error.name : 'unknown',
            });
          } finally {
            await server.close();
          }
        });
      }
      await auditUnhandled();
      if (state.linkRequired !== undefined) {
        // The SDK's answer (an error result) is dropped: the client must re-link, not retry.
        await response.body?.cancel();
        return await linkRequired(token, calls, single, version, state.linkRequired);
      }
      return response;
    } finally {
      if (!streaming) await server.close();
    }
  }

  return async function handleMcpRequest(request: Request): Promise<Response> {
    const origin = request.headers.get('origin');
    if (origin !== null && !originPolicy.allows(origin)) {
      return jsonRpcErrorResponse(
        403,
        JSON_RPC_ERROR.serverError,
        'Forbidden: requests from this Origin are not allowed.',
      );
    }
    const common: Record<string, string> = {
      'cache-control': 'no-store',
      vary: 'Origin',
      ...(origin === null ? {} : mcpCorsHeaders(origin)),
    };
    if (request.method === 'OPTIONS' && origin !== null) {
      return withHeaders(mcpPreflightResponse(origin), { vary: 'Origin' });
    }
    try {
      const bearer = readBearerToken(request.headers.get('authorization') ?? undefined);
      if (bearer === undefined) return withHeaders(unauthorized(false), common);
      let token: VerifiedToken | undefined;
      try {
        token = await verifier.verify(bearer);
      } catch (error) {
        if (!(error instanceof TokenVerifierUnavailableError)) throw error;
        log({ level: 'warn', msg: 'token verification unavailable', reason: error.message });
        return withHeaders(
          jsonRpcErrorResponse(
            503,
            JSON_RPC_ERROR.serverError,
            'Service Unavailable: the authorization server cannot be reached; retry shortly.',
            { headers: { 'retry-after': '5' } },
          ),
          common,
        );
      }
      // The verifier promises both, but the price of trusting a faulty one is too high.
      if (
        token === undefined ||
        token.resource !== config.resource ||
        token.expiresAt <= clock.now()
      ) {
        return withHeaders(unauthorized(true), common);
      }
      return withHeaders(await serve(request, token), common);
    } catch (error) {
      log({
        level: 'error',
        msg: 'mcp request failed',
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
      });
      return withHeaders(
        jsonRpcErrorResponse(500, JSON_RPC_ERROR.internalError, 'Internal error'),
        common,
      );
    }
  };
}
