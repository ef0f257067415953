/**
 * The messages between the benchmark process and a server under test it
 * started (Node's IPC channel, so no benchmark control traffic goes over
 * the HTTP port being measured).
 */
import { z } from 'zod';

/** What a pool of pre-minted credentials is for. */
export const MINT_KINDS = ['refresh', 'code', 'access'] as const;
export type MintKind = (typeof MINT_KINDS)[number];

export const PARENT_MESSAGE = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('mint'),
    id: z.number().int(),
    kind: z.enum(MINT_KINDS),
    count: z.number().int().positive(),
  }),
  /** The token-check timings since the last such request (then forgotten). */
  z.object({ type: z.literal('check-timings'), id: z.number().int() }),
  /** The V8 heap after a full garbage collection (needs --expose-gc). */
  z.object({ type: z.literal('heap'), id: z.number().int() }),
]);
export type ParentMessage = z.infer<typeof PARENT_MESSAGE>;

export const CHILD_MESSAGE = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.url() }),
  z.object({ type: z.literal('minted'), id: z.number().int(), values: z.array(z.string()) }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
  z.object({
    type: z.literal('timings'),
    id: z.number().int(),
    /** Milliseconds each `verify()` took, in the order they finished. */
    durations: z.array(z.number()),
  }),
  z.object({
    type: z.literal('heap'),
    id: z.number().int(),
    /** Whether a full collection ran first (the process has `gc`). */
    collected: z.boolean(),
    heapUsedMiB: z.number(),
    externalMiB: z.number(),
    rssMiB: z.number(),
  }),
]);
export type ChildMessage = z.infer<typeof CHILD_MESSAGE>;

/** Sends one message to the parent; a server started without IPC has no one to tell. */
export function tellParent(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Answers the parent's `check-timings` requests with what `take` returns
 * (and the parent's `mint` requests, if `mint` is given).
 */
export function answerTimingRequests(take: () => number[]): void {
  process.on('message', (raw: unknown) => {
    const parsed = PARENT_MESSAGE.safeParse(raw);
    if (!parsed.success || parsed.data.type !== 'check-timings') return;
    tellParent({ type: 'timings', id: parsed.data.id, durations: take() });
  });
}

/**
 * Answers the parent's `mint` requests with `mint` (the server's own way of
 * creating credentials without the HTTP endpoint under test).
 */
export function answerMintRequests(
  mint: (kind: MintKind, count: number) => Promise<string[]>,
): void {
  process.on('message', (raw: unknown) => {
    const parsed = PARENT_MESSAGE.safeParse(raw);
    if (!parsed.success || parsed.data.type !== 'mint') return;
    const { id, kind, count } = parsed.data;
    mint(kind, count).then(
      (values) => {
        tellParent({ type: 'minted', id, values });
      },
      (error: unknown) => {
        tellParent({
          type: 'failed',
          id,
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  });
}

/**
 * Answers the parent's `heap` requests: a full garbage collection when the
 * process was started with --expose-gc, then `process.memoryUsage()`. A
 * heap that is larger after collection at the end of a load than at its
 * start is retained memory, not garbage the collector has not reached yet.
 */
export function answerHeapRequests(): void {
  process.on('message', (raw: unknown) => {
    const parsed = PARENT_MESSAGE.safeParse(raw);
    if (!parsed.success || parsed.data.type !== 'heap') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const usage = process.memoryUsage();
    const mib = (bytes: number): number => bytes / 2 ** 20;
    tellParent({
      type: 'heap',
      id: parsed.data.id,
      collected: gc !== undefined,
      heapUsedMiB: mib(usage.heapUsed),
      externalMiB: mib(usage.external),
      rssMiB: mib(usage.rss),
    });
  });
}
