/**
 * Attachment tools: read one (`jira_get_attachment`, scope `jira:read`)
 * and attach a file (`jira_add_attachment`, scope `jira:write`). Reading
 * names the issue, so the allow-list applies (the content endpoint alone
 * names no issue); images come back as MCP image content, text as text,
 * anything else as metadata and a link. ATTACHMENT_MAX_BYTES caps both.
 */
import { z } from 'zod';
import type { JiraAttachment } from '../../jira/schemas-history.js';
import { SCOPES } from '../../oauth/scopes.js';
import { ADDING_ANNOTATIONS, ISSUE_KEY_INPUT, READ_ANNOTATIONS } from './common-schemas.js';
import {
  attachmentKind,
  decodeBase64,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  fenceFor,
  fileNameProblem,
  guessMimeType,
  safeLink,
} from './attachment-file.js';
import { PERSON_SCHEMA, personText, toPerson } from './format.js';
import { defineTool, ToolUsageError, type JiraTool } from './tool-definition.js';

const ATTACHMENT_VIEW_SCHEMA = z.object({
  id: z.string(),
  filename: z.string(),
  mimeType: z.string().nullable(),
  size: z.number().nullable(),
  created: z.string().nullable(),
  author: PERSON_SCHEMA.nullable(),
});

function toView(a: JiraAttachment): z.infer<typeof ATTACHMENT_VIEW_SCHEMA> {
  return {
    id: a.id,
    filename: a.filename,
    mimeType: a.mimeType ?? null,
    size: a.size ?? null,
    created: a.created ?? null,
    author: toPerson(a.author),
  };
}

/**
 * Downloads one process holds at once. Each may hold ATTACHMENT_MAX_BYTES
 * (and a third more once base64-encoded), so the bound on memory is this
 * times the cap, whatever the number of parallel calls.
 */
export const MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT = 4;
let downloadsInFlight = 0;

/**
 * Runs `download` in one of the process's download slots, reserved before
 * it starts; with none free the call is refused at once (the model may
 * retry), never queued without bound.
 */
export async function withDownloadSlot<T>(download: () => Promise<T>): Promise<T> {
  if (downloadsInFlight >= MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT) {
    throw new ToolUsageError(
      'busy',
      `The gateway is already reading ${MAX_ATTACHMENT_DOWNLOADS_IN_FLIGHT} attachments; try again in a moment.`,
    );
  }
  downloadsInFlight += 1;
  try {
    return await download();
  } finally {
    downloadsInFlight -= 1;
  }
}

function listing(attachments: readonly JiraAttachment[]): string {
  return attachments.map((a) => `${a.id} "${a.filename}"`).join('; ') || '(none)';
}

const getAttachment = defineTool({
  name: 'jira_get_attachment',
  scope: SCOPES.read,
  title: 'Read a Jira attachment',
  description:
    'Reads a file attached to an issue. Arguments: issueKey ("DEMO-12"); attachmentId ("10001") or fileName ("screenshot.png") as jira_get_issue lists them. ' +
    'Images (PNG, JPEG, GIF, WebP) come back as images, text files (text/*, JSON, XML, CSV, Markdown) as text, other files as metadata and a link. Files above the size limit come back as a link.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    attachmentId: z
      .string()
      .trim()
      .regex(/^\d{1,18}$/, 'a numeric attachment id')
      .optional()
      .describe('The attachment id (numeric).'),
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .optional()
      .describe('The file name, when the id is not known; the newest file of that name is read.'),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    attachment: ATTACHMENT_VIEW_SCHEMA,
    delivered: z
      .enum(['image', 'text', 'link'])
      .describe(
        'image: sent as MCP image content; text: in `text`; link: only metadata and `link`.',
      ),
    text: z.string().nullable(),
    truncated: z.boolean().describe('True when only the first ATTACHMENT_MAX_BYTES are shown.'),
    link: z.string().nullable().describe("The file's download URL on the Jira site."),
    note: z.string().nullable(),
  }),
  annotations: READ_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    if ((input.attachmentId === undefined) === (input.fileName === undefined)) {
      throw new ToolUsageError(
        'invalid_arguments',
        'Give exactly one of attachmentId or fileName.',
      );
    }
    const maxBytes = context.attachmentMaxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
    const found = await context.jira.getIssueAttachments(input.issueKey);
    const byName = found.attachments.filter((a) => a.filename === input.fileName);
    const attachment =
      input.attachmentId !== undefined
        ? found.attachments.find((a) => a.id === input.attachmentId)
        : byName.at(-1);
    if (attachment === undefined) {
      throw new ToolUsageError(
        'invalid_arguments',
        `${found.key} has no attachment ${input.attachmentId ?? `named "${input.fileName ?? ''}"`}. Its attachments: ${listing(found.attachments)}.`,
      );
    }
    const view = toView(attachment);
    const link = safeLink(attachment.content);
    const kind = attachmentKind(attachment.mimeType);
    const header = `**${attachment.filename}** on ${found.key} (${view.mimeType ?? 'unknown type'}, ${view.size ?? '?'} bytes, added ${view.created ?? 'at an unknown time'} by ${personText(view.author, 'unknown')})`;
    const base = { issueKey: found.key, attachment: view, link };
    const asLink = (note: string | null) => ({
      markdown: [header, note, link === null ? null : `Download: ${link}`]
        .filter((l): l is string => l !== null)
        .join('\n\n'),
      structured: { ...base, delivered: 'link' as const, text: null, truncated: false, note },
      issueKey: found.key,
    });
    if (kind === 'link') return asLink('This file type is not shown inline.');
    if ((attachment.size ?? 0) > maxBytes) {
      return asLink(
        `The file is larger than the ${maxBytes}-byte limit, so it is not shown inline.`,
      );
    }
    const download = await withDownloadSlot(() =>
      context.jira.downloadAttachment(found.key, attachment.id, maxBytes),
    );
    if (kind === 'image') {
      if (download.truncated) {
        return asLink(
          `The image is larger than the ${maxBytes}-byte limit, so it is not shown inline.`,
        );
      }
      const mimeType = (attachment.mimeType ?? 'image/png').split(';')[0]?.trim() ?? 'image/png';
      return {
        markdown: `${header}\n\nThe image follows.`,
        structured: {
          ...base,
          delivered: 'image' as const,
          text: null,
          truncated: false,
          note: null,
        },
        images: [{ data: Buffer.from(download.bytes).toString('base64'), mimeType }],
        issueKey: found.key,
      };
    }
    const text = new TextDecoder('utf-8', { fatal: false }).decode(download.bytes);
    const note = download.truncated
      ? `Only the first ${maxBytes} bytes are shown (ATTACHMENT_MAX_BYTES).`
      : null;
    const fence = fenceFor(text);
    return {
      markdown: [header, note, `${fence}\n${text}\n${fence}`]
        .filter((l): l is string => l !== null)
        .join('\n\n'),
      structured: {
        ...base,
        delivered: 'text' as const,
        text,
        truncated: download.truncated,
        note,
      },
      issueKey: found.key,
    };
  },
});

const addAttachment = defineTool({
  name: 'jira_add_attachment',
  scope: SCOPES.write,
  title: 'Attach a file to a Jira issue',
  description:
    'Attaches a file to an issue. Arguments: issueKey ("DEMO-12"); fileName — a plain name like "notes.md" (no folders); content — the file as text, or as base64 with encoding "base64" (for images and other binary files); ' +
    'mimeType (optional, guessed from the file name). Files above the size limit are refused. Each call adds another attachment.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    fileName: z.string().trim().min(1).max(255).describe('A plain file name, e.g. "notes.md".'),
    content: z.string().describe('The file content: text, or base64 when encoding is "base64".'),
    encoding: z
      .enum(['text', 'base64'])
      .default('text')
      .describe('"text" (UTF-8, the default) or "base64".'),
    mimeType: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][\w.+-]*\/[\w.+-]+$/, 'a MIME type such as text/plain')
      .optional()
      .describe('The MIME type, e.g. "image/png"; guessed from the file name when absent.'),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    attachments: z.array(ATTACHMENT_VIEW_SCHEMA),
  }),
  annotations: ADDING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const problem = fileNameProblem(input.fileName);
    if (problem !== undefined) throw new ToolUsageError('invalid_arguments', problem);
    const bytes =
      input.encoding === 'base64'
        ? decodeBase64(input.content)
        : new TextEncoder().encode(input.content);
    if (bytes === undefined) {
      throw new ToolUsageError(
        'invalid_arguments',
        'content is not valid base64 (A–Z, a–z, 0–9, +, /, with = padding); send text with encoding "text".',
      );
    }
    const maxBytes = context.attachmentMaxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
    if (bytes.byteLength > maxBytes) {
      throw new ToolUsageError(
        'invalid_arguments',
        `The file is ${bytes.byteLength} bytes; the limit is ${maxBytes} bytes (ATTACHMENT_MAX_BYTES).`,
      );
    }
    const mimeType = input.mimeType ?? guessMimeType(input.fileName, input.encoding);
    const created = await context.jira.addAttachment(input.issueKey, {
      fileName: input.fileName,
      mimeType,
      bytes,
    });
    const views = created.map(toView);
    return {
      markdown: `Attached to ${input.issueKey}: ${views.map((v) => `**${v.filename}** (id ${v.id}, ${v.size ?? bytes.byteLength} bytes, ${v.mimeType ?? mimeType})`).join(', ')}.`,
      structured: { issueKey: input.issueKey, attachments: views },
      issueKey: input.issueKey,
    };
  },
});

/** The attachments toolset. */
export const ATTACHMENT_TOOLS: readonly JiraTool[] = [getAttachment, addAttachment];
