/**
 * `audit verify`: walks the hash chain from its anchor to its end and proves
 * that no event in between was altered, removed, inserted or reordered.
 * @see docs/security.md#audit-chain
 */
import type { AuditChainState, AuditRepository } from '../storage/ports.js';
import { chainHash } from './audit-chain.js';

/** Events read per page while verifying. */
const PAGE = 1000;

export type AuditVerifyResult =
  | {
      ok: true;
      /** Events checked, and the range of `seq` they cover (empty trail: none). */
      checked: number;
      firstSeq?: number;
      lastSeq?: number;
      /** The hash of the newest event (or of the anchor when none remain). */
      headHash: string;
      state: AuditChainState;
    }
  | {
      ok: false;
      /** The first position where the chain is broken. */
      seq: number;
      problem: 'altered' | 'missing' | 'unexpected' | 'relinked' | 'truncated' | 'not_found';
      message: string;
      checked: number;
    };

/** A head recorded elsewhere (the server log, an earlier `audit verify`) to check against. */
export interface ExpectedHead {
  seq: number;
  hash: string;
}

/**
 * Verifies the chain: positions run from `anchor.seq + 1` without a gap,
 * each event links to the hash of the one before (the anchor's for the
 * first), each hash is recomputed from the event, and the last event is the
 * head the store recorded apart (when it keeps one). With `expect`, the
 * event at that position must still carry that hash (or be covered by the
 * anchor), which also detects a chain rewritten from some point on by
 * someone who recomputed the hashes.
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
export async function verifyAuditChain(
  repo: AuditRepository,
  expect?: ExpectedHead,
): Promise<AuditVerifyResult> {
  const state = await repo.chainState();
  let prevSeq = state.anchor.seq;
  let prevHash = state.anchor.hash;
  let checked = 0;
  let firstSeq: number | undefined;
  let expectSeen = expect === undefined || expect.seq <= state.anchor.seq;
  if (expect !== undefined && expect.seq === state.anchor.seq && expect.hash !== prevHash) {
    return broken(expect.seq, 'relinked', 'the anchor does not carry the expected hash', 0);
  }
  // Events appended while this runs are checked too: after each pass the
  // recorded head is read again, and the walk goes on until it reaches it.
  let head: AuditChainState['head'];
  for (let pass = 0; ; pass += 1) {
    const before = prevSeq;
    for (;;) {
      const page = await repo.chain(prevSeq, PAGE);
      for (const entry of page) {
        const want = prevSeq + 1;
        if (entry.seq !== want) {
          return broken(
            want,
            'missing',
            `event ${want} is missing (next is ${entry.seq})`,
            checked,
          );
        }
        if (entry.prevHash !== prevHash) {
          return broken(
            entry.seq,
            'relinked',
            `event ${entry.seq} does not link to event ${prevSeq}`,
            checked,
          );
        }
        if (chainHash(entry.prevHash, entry.seq, entry.event) !== entry.hash) {
          return broken(entry.seq, 'altered', `event ${entry.seq} was altered`, checked);
        }
        if (expect !== undefined && entry.seq === expect.seq) {
          if (entry.hash !== expect.hash) {
            return broken(
              entry.seq,
              'relinked',
              `event ${entry.seq} does not carry the expected hash (the chain was rewritten)`,
              checked,
            );
          }
          expectSeen = true;
        }
        firstSeq ??= entry.seq;
        prevSeq = entry.seq;
        prevHash = entry.hash;
        checked += 1;
      }
      if (page.length < PAGE) break;
    }
    head = (await repo.chainState()).head;
    if (head === undefined || head.seq <= prevSeq || (pass > 0 && prevSeq === before)) break;
  }
  if (head !== undefined) {
    if (head.seq > prevSeq) {
      return broken(
        prevSeq + 1,
        'truncated',
        `events ${prevSeq + 1} to ${head.seq} were removed from the end`,
        checked,
      );
    }
    if (head.seq < prevSeq && head.mayLag !== true) {
      return broken(
        head.seq + 1,
        'unexpected',
        `event ${head.seq + 1} is past the recorded head`,
        checked,
      );
    }
    if (head.seq === prevSeq && head.hash !== prevHash) {
      return broken(prevSeq, 'altered', `event ${prevSeq} is not the recorded head`, checked);
    }
  }
  if (!expectSeen && expect !== undefined) {
    return broken(
      expect.seq,
      'not_found',
      `event ${expect.seq} is not in the chain (it ends at ${prevSeq})`,
      checked,
    );
  }
  return {
    ok: true,
    checked,
    headHash: prevHash,
    state,
    ...(firstSeq === undefined ? {} : { firstSeq, lastSeq: prevSeq }),
  };
}

function broken(
  seq: number,
  problem: Extract<AuditVerifyResult, { ok: false }>['problem'],
  message: string,
  checked: number,
): AuditVerifyResult {
  return { ok: false, seq, problem, message, checked };
}
