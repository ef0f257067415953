import { describe, expect, it } from 'vitest';
import {
  MAX_PENDING_PER_GRANT,
  PendingElicitations,
  type FormElicitation,
  type SendToClient,
} from '../../src/mcp/form-elicitation.js';
import { confirmDestructive } from '../../src/mcp/tools/confirm-destructive.js';
import type { ToolContext } from '../../src/mcp/tools/tool-definition.js';

const FORM: FormElicitation = {
  message: 'Go ahead?',
  requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } } },
};

/** Records what was sent; `ids` are the elicitation request ids in order. */
function recorder(): { send: SendToClient; ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    send: (message) => {
      ids.push(message.id);
      return Promise.resolve();
    },
  };
}

describe('PendingElicitations (MCP 2025-11-25 client/elicitation)', () => {
  it('settles a call with the answer POSTed under the same grant only', async () => {
    const pending = new PendingElicitations();
    const { send, ids } = recorder();
    const answer = pending.ask('g:1', FORM, '2025-11-25', send);
    const id = ids[0];
    expect(pending.deliver('g:2', { jsonrpc: '2.0', id, result: { action: 'accept' } })).toBe(
      false,
    );
    expect(pending.deliver('g:1', { jsonrpc: '2.0', id: 'other', result: {} })).toBe(false);
    expect(pending.deliver('g:1', { jsonrpc: '2.0', id, method: 'x' })).toBe(false);
    expect(
      pending.deliver('g:1', {
        jsonrpc: '2.0',
        id,
        result: { action: 'accept', content: { confirm: true } },
      }),
    ).toBe(true);
    await expect(answer).resolves.toEqual({ action: 'accept', content: { confirm: true } });
    expect(pending.size).toBe(0);
    // Settled once: a replayed answer finds nobody waiting.
    expect(pending.deliver('g:1', { jsonrpc: '2.0', id, result: { action: 'decline' } })).toBe(
      false,
    );
  });

  it('reads a JSON-RPC error or an unknown action as no answer (unavailable)', async () => {
    const pending = new PendingElicitations();
    const { send, ids } = recorder();
    const errored = pending.ask('g:1', FORM, '2025-11-25', send);
    pending.deliver('g:1', { jsonrpc: '2.0', id: ids[0], error: { code: -32601, message: 'no' } });
    await expect(errored).resolves.toEqual({ action: 'unavailable' });
    const odd = pending.ask('g:1', FORM, '2025-11-25', send);
    pending.deliver('g:1', { jsonrpc: '2.0', id: ids[1], result: { action: 'maybe' } });
    await expect(odd).resolves.toEqual({ action: 'unavailable' });
  });

  it('gives up after its timeout and when the call stream goes away', async () => {
    const pending = new PendingElicitations(20);
    const { send } = recorder();
    await expect(pending.ask('g:1', FORM, '2025-11-25', send)).resolves.toEqual({
      action: 'timeout',
    });
    const gone = new AbortController();
    const waiting = pending.ask('g:1', FORM, '2025-11-25', send, gone.signal);
    gone.abort();
    await expect(waiting).resolves.toEqual({ action: 'busy' });
    expect(pending.size).toBe(0);
  });

  it('holds at most MAX_PENDING_PER_GRANT calls of one grant, reserved before sending', async () => {
    const pending = new PendingElicitations(60_000);
    const { send, ids } = recorder();
    const waiting = Array.from({ length: MAX_PENDING_PER_GRANT + 3 }, () =>
      pending.ask('g:1', FORM, '2025-11-25', send),
    );
    expect(pending.size).toBe(MAX_PENDING_PER_GRANT);
    for (const extra of waiting.slice(MAX_PENDING_PER_GRANT)) {
      await expect(extra).resolves.toEqual({ action: 'busy' });
    }
    // Another grant still has room.
    void pending.ask('g:2', FORM, '2025-11-25', send);
    expect(pending.size).toBe(MAX_PENDING_PER_GRANT + 1);
    for (const id of ids) {
      pending.deliver('g:1', { jsonrpc: '2.0', id, result: { action: 'cancel' } });
      pending.deliver('g:2', { jsonrpc: '2.0', id, result: { action: 'cancel' } });
    }
    expect(pending.size).toBe(0);
  });

  it('sends mode "form" only from 2025-11-25 on, and a failed send is unavailable', async () => {
    const pending = new PendingElicitations();
    const sent: Record<string, unknown>[] = [];
    const send: SendToClient = (message) => {
      sent.push(message.params);
      return Promise.reject(new Error('stream closed'));
    };
    await expect(pending.ask('g:1', FORM, '2025-11-25', send)).resolves.toEqual({
      action: 'unavailable',
    });
    await pending.ask('g:1', FORM, '2025-06-18', send);
    expect(sent[0]).toEqual({ mode: 'form', ...FORM });
    expect(sent[1]).toEqual({ ...FORM });
    expect(pending.size).toBe(0);
  });
});

describe('confirmDestructive (MCP 2025-11-25 client/elicitation, form mode)', () => {
  const context = (elicitForm?: ToolContext['elicitForm']): ToolContext =>
    ({ ...(elicitForm === undefined ? {} : { elicitForm }) }) as ToolContext;
  const request = { summary: 'Delete the link DEMO-1 blocks DEMO-2', confirm: true };

  it('falls back to the confirm argument when the form could not be shown', async () => {
    const unavailable = context(() => Promise.resolve({ action: 'unavailable' }));
    await expect(confirmDestructive(unavailable, request)).resolves.toBeUndefined();
    await expect(
      confirmDestructive(unavailable, { ...request, confirm: undefined }),
    ).rejects.toMatchObject({ code: 'confirmation_required' });
  });

  it('refuses when nobody answered in time, even with confirm: true', async () => {
    await expect(
      confirmDestructive(
        context(() => Promise.resolve({ action: 'timeout' })),
        request,
      ),
    ).rejects.toMatchObject({
      code: 'confirmation_required',
      message:
        'Nobody answered the confirmation request in time: Delete the link DEMO-1 blocks DEMO-2. Nothing was changed. Ask the person whether to go ahead before calling again.',
    });
  });

  it('does not fall back to confirm: true when the grant already holds MAX_PENDING_PER_GRANT forms', async () => {
    const pending = new PendingElicitations(60_000);
    const { send, ids } = recorder();
    const elicitForm: ToolContext['elicitForm'] = (form) =>
      pending.ask('g:1', form, '2025-11-25', send);
    // A model filling the grant's table with waiting confirmations...
    const waiting = Array.from({ length: MAX_PENDING_PER_GRANT }, () =>
      confirmDestructive(context(elicitForm), request).catch((error: unknown) => error),
    );
    // ...cannot get one more destructive call through with `confirm: true`.
    await expect(confirmDestructive(context(elicitForm), request)).rejects.toMatchObject({
      code: 'confirmation_required',
      message:
        'The confirmation request could not be shown now: Delete the link DEMO-1 blocks DEMO-2. Nothing was changed. Finish or cancel the other confirmations first, then call again.',
    });
    for (const id of ids) {
      pending.deliver('g:1', { jsonrpc: '2.0', id, result: { action: 'cancel' } });
    }
    for (const outcome of await Promise.all(waiting)) {
      expect(outcome).toMatchObject({ code: 'confirmation_declined' });
    }
  });

  it('does not fall back to confirm: true when the call stream went away before the answer', async () => {
    const pending = new PendingElicitations(60_000);
    const { send } = recorder();
    const gone = new AbortController();
    const elicitForm: ToolContext['elicitForm'] = (form) =>
      pending.ask('g:1', form, '2025-11-25', send, gone.signal);
    const outcome = confirmDestructive(context(elicitForm), request);
    gone.abort();
    await expect(outcome).rejects.toMatchObject({ code: 'confirmation_required' });
    expect(pending.size).toBe(0);
  });

  it('without elicitation, proceeds only with confirm: true', async () => {
    await expect(confirmDestructive(context(), request)).resolves.toBeUndefined();
    await expect(
      confirmDestructive(context(), { ...request, confirm: false }),
    ).rejects.toMatchObject({ code: 'confirmation_required' });
  });
});
