/**
 * jira_get_attachment holds at most MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT
 * downloads in memory per process, reserved before each starts, so parallel
 * calls cannot multiply ATTACHMENT_MAX_BYTES without bound. Jira stands in
 * as a client whose downloads wait until the test releases them.
 */
import { describe, expect, it } from 'vitest';
import type { JiraApi } from '../../../src/mcp/tools/confined-jira.js';
import {
  ATTACHMENT_TOOLS,
  MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT,
} from '../../../src/mcp/tools/attachment-tools.js';
import { createProjectAllowList } from '../../../src/mcp/tools/project-allow-list.js';
import { ToolUsageError, type ToolContext } from '../../../src/mcp/tools/tool-definition.js';

function heldDownloads(): { jira: JiraApi; started: () => number; release: () => void } {
  let started = 0;
  const waiting: (() => void)[] = [];
  const jira = {
    getIssueAttachments: (key: string) =>
      Promise.resolve({
        id: '10001',
        key,
        projectKey: 'DEMO',
        attachments: [{ id: '20001', filename: 'notes.txt', mimeType: 'text/plain', size: 5 }],
      }),
    downloadAttachment: () => {
      started += 1;
      return new Promise((resolve) => {
        waiting.push(() => {
          resolve({ bytes: new TextEncoder().encode('hello'), truncated: false });
        });
      });
    },
  } as unknown as JiraApi;
  return {
    jira,
    started: () => started,
    release: () => {
      for (const go of waiting.splice(0)) go();
    },
  };
}

describe('jira_get_attachment download slots', () => {
  it(`refuses a call beyond ${MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT} downloads in flight with "busy", then frees the slots`, async () => {
    const tool = ATTACHMENT_TOOLS.find((t) => t.name === 'jira_get_attachment');
    if (tool === undefined) throw new Error('jira_get_attachment is not defined');
    const held = heldDownloads();
    const context: ToolContext = {
      jira: held.jira,
      projects: createProjectAllowList([]),
      caller: { userId: 'u', username: 'alice', clientId: 'c', scopes: ['jira:read'] },
      readOnly: false,
    };
    const call = (): Promise<unknown> =>
      tool.execute({ issueKey: 'DEMO-1', attachmentId: '20001' }, context);

    const running = Array.from({ length: MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT }, call);
    await expect.poll(held.started).toBe(MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT);
    const refused = await call().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ToolUsageError);
    expect((refused as ToolUsageError).code).toBe('busy');
    expect(held.started()).toBe(MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT);

    held.release();
    await Promise.all(running);
    const again = call();
    await expect.poll(held.started).toBe(MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT + 1);
    held.release();
    await expect(again).resolves.toMatchObject({
      structured: { delivered: 'text', text: 'hello' },
    });
  });
});
