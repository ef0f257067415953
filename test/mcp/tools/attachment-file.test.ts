import { describe, expect, it } from 'vitest';
import { fenceFor } from '../../../src/mcp/tools/attachment-file.js';

describe('fenceFor (CommonMark §4.5 fenced code blocks)', () => {
  it('is longer than the longest backtick run, at least three', () => {
    expect(fenceFor('plain')).toBe('```');
    expect(fenceFor('a ```` b ` c')).toBe('`````');
  });

  it('handles a text attachment with more backtick runs than a call takes arguments', () => {
    // 300 000 runs: Math.max(...runs) throws RangeError (maximum call stack size).
    expect(fenceFor('`a'.repeat(300_000) + '``````')).toBe('```````');
  });
});
