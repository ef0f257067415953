/**
 * Form-mode elicitation over the stateless `/mcp` endpoint. A tool call
 * that must ask the person (confirm-destructive.ts) sends `elicitation/create`
 * on the SSE stream of its own `tools/call` POST; the client answers with a
 * separate POST carrying the JSON-RPC response. No session exists, so this
 * process keeps the waiting calls here, keyed by an unguessable request id
 * and bound to the grant that made the call, and the endpoint hands each
 * response POST to its waiting call. Bounded in count and in time; a
 * response that reaches another process (a replica without affinity, a
 * Lambda) finds nobody waiting and the call falls back to `confirm: true`.
 */
import { randomUUID } from 'node:crypto';

/** A primitive form field (the spec allows only flat objects of these). */
export interface FormField {
  type: 'boolean' | 'string' | 'number' | 'integer';
  title?: string;
  description?: string;
  default?: boolean | string | number;
}

/** What a tool asks the person. */
export interface FormElicitation {
  message: string;
  requestedSchema: { type: 'object'; properties: Record<string, FormField>; required?: string[] };
}

/**
 * The person's answer, or why there is none: `unavailable` when the client
 * answered with an error or the request could not be sent, `busy` when the
 * form could not be asked or awaited although the client supports it (no
 * room in the table, the call's stream gone), `timeout` when nobody
 * answered in time. Only `unavailable` may fall back to the `confirm`
 * argument: a model could otherwise fill the table (or drop the stream) to
 * skip the form.
 */
export type FormElicitationResult =
  | { action: 'accept'; content: Record<string, unknown> }
  | { action: 'decline' | 'cancel' }
  | { action: 'unavailable' | 'busy' | 'timeout' };

/** Sends one JSON-RPC request to the client on the calling request's stream. */
export type SendToClient = (message: {
  jsonrpc: '2.0';
  id: string;
  method: 'elicitation/create';
  params: Record<string, unknown>;
}) => Promise<void>;

/** Waiting calls this process holds at most (each a closure and a timer). */
export const MAX_PENDING_ELICITATIONS = 1000;
/** Waiting calls one grant may hold at once. */
export const MAX_PENDING_PER_GRANT = 5;
/** How long a call waits for the person; the SSE stream stays open meanwhile. */
export const DEFAULT_ELICITATION_TIMEOUT_MS = 5 * 60 * 1000;
/** Ids this module mints, so a response is recognised before any lookup. */
const ID_PREFIX = 'jmg-elicit-';

interface Pending {
  grantKey: string;
  settle(result: FormElicitationResult): void;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON-RPC response's answer, read strictly (anything odd counts as no answer). */
function resultOf(message: Record<string, unknown>): FormElicitationResult {
  if (!isObject(message.result)) return { action: 'unavailable' };
  const { action, content } = message.result;
  if (action === 'accept') return { action, content: isObject(content) ? content : {} };
  if (action === 'decline' || action === 'cancel') return { action };
  return { action: 'unavailable' };
}

/**
 * The calls of this process waiting for a form answer.
 * @see MCP 2025-11-25 client/elicitation (Form Mode); MCP 2025-11-25 basic/transports (Sending Messages to the Server)
 */
export class PendingElicitations {
  readonly #pending = new Map<string, Pending>();
  readonly #perGrant = new Map<string, number>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number = DEFAULT_ELICITATION_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Sends `request` through `send` and waits for the person's answer, the
   * timeout, or `signal` (the call's stream closed). Never throws: a full
   * table or a closed stream is `busy`, a failed send `unavailable`.
   */
  async ask(
    grantKey: string,
    request: FormElicitation,
    protocolVersion: string,
    send: SendToClient,
    signal?: AbortSignal,
  ): Promise<FormElicitationResult> {
    const held = this.#perGrant.get(grantKey) ?? 0;
    if (this.#pending.size >= MAX_PENDING_ELICITATIONS || held >= MAX_PENDING_PER_GRANT) {
      return { action: 'busy' };
    }
    if (signal?.aborted === true) return { action: 'busy' };
    const id = `${ID_PREFIX}${randomUUID()}`;
    let settle: (result: FormElicitationResult) => void = () => undefined;
    const answered = new Promise<FormElicitationResult>((resolve) => {
      settle = resolve;
    });
    const timer = setTimeout(() => {
      finish({ action: 'timeout' });
    }, this.#timeoutMs);
    const onAbort = (): void => {
      finish({ action: 'busy' });
    };
    const finish = (result: FormElicitationResult): void => {
      if (!this.#pending.delete(id)) return;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const left = (this.#perGrant.get(grantKey) ?? 1) - 1;
      if (left === 0) this.#perGrant.delete(grantKey);
      else this.#perGrant.set(grantKey, left);
      settle(result);
    };
    // Reserved before sending, so the limits hold however many calls race here.
    this.#pending.set(id, { grantKey, settle: finish });
    this.#perGrant.set(grantKey, held + 1);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await send({
        jsonrpc: '2.0',
        id,
        method: 'elicitation/create',
        // 2025-06-18 has no modes; its clients reject an unknown `mode`.
        params: protocolVersion === '2025-06-18' ? { ...request } : { mode: 'form', ...request },
      });
    } catch {
      finish({ action: 'unavailable' });
    }
    return answered;
  }

  /**
   * Hands a POSTed JSON-RPC response to its waiting call. True when `body`
   * (a message or a batch) held only responses to calls this process holds
   * for `grantKey`; the endpoint then answers 202. A response for another
   * grant is not delivered (its id is secret, but a leaked one must not let
   * another client answer for the person).
   */
  deliver(grantKey: string, body: unknown): boolean {
    const messages: readonly unknown[] = Array.isArray(body) ? body : [body];
    if (messages.length === 0) return false;
    const waiting: { pending: Pending; message: Record<string, unknown> }[] = [];
    for (const message of messages) {
      if (!isObject(message) || 'method' in message) return false;
      if (typeof message.id !== 'string' || !message.id.startsWith(ID_PREFIX)) return false;
      const pending = this.#pending.get(message.id);
      if (pending === undefined || pending.grantKey !== grantKey) return false;
      waiting.push({ pending, message });
    }
    for (const { pending, message } of waiting) pending.settle(resultOf(message));
    return true;
  }
}
