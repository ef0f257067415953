/**
 * Attachments with real bytes: metadata, download, upload, delete. Like
 * Jira Cloud, a download (`/attachment/content/{id}`) answers 303 to a
 * media host; the sandbox's media host is `/sandbox-media/…` on the
 * `mediaBaseUrl` origin (default: the site's own), outside `/rest`, so it
 * takes no Jira credential, only the short-lived signed token in the URL.
 * `?redirect=false` serves the bytes directly, as Jira does.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ChangeItem } from '../changelog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import type { AttachmentRecord } from '../history-store.js';
import { jiraError } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import { attachmentJson, attachmentMetadataJson } from '../represent-history.js';
import { actingContext, withIssue } from './issue-route.js';

/** Jira Cloud's default per-file limit. */
export const SANDBOX_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** How long a media URL from a 303 stays valid. */
const MEDIA_TOKEN_TTL_MS = 60_000;
export const MEDIA_PATH = '/sandbox-media/file';

export interface AttachmentRouteOptions {
  /** Origin of the media host in 303s; the request's site origin when absent. */
  mediaBaseUrl?: string;
}

function attachmentNotFound(c: Context, id: string): Response {
  return jiraError(c, 404, [`The attachment with id '${id}' does not exist.`]);
}

/** The attachment's Jira item for history: added (to) or removed (from). */
export function attachmentChangeItem(
  attachment: AttachmentRecord,
  direction: 'added' | 'removed',
): ChangeItem {
  const id = String(attachment.id);
  return direction === 'added'
    ? {
        field: 'Attachment',
        fieldtype: 'jira',
        fieldId: 'attachment',
        from: null,
        fromString: null,
        to: id,
        toString: attachment.filename,
      }
    : {
        field: 'Attachment',
        fieldtype: 'jira',
        fieldId: 'attachment',
        from: id,
        fromString: attachment.filename,
        to: null,
        toString: null,
      };
}

function binaryResponse(attachment: AttachmentRecord): Response {
  return new Response(attachment.content, {
    status: 200,
    headers: {
      'Content-Type': attachment.mimeType,
      'Content-Length': String(attachment.content.byteLength),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
      'Cache-Control': 'private, no-store',
    },
  });
}

/**
 * Routes under /rest/api/3: GET/DELETE /attachment/{id},
 * GET /attachment/content/{id}, POST /issue/{issueIdOrKey}/attachments.
 */
export function attachmentRoutes(
  deps: SandboxDeps,
  options: AttachmentRouteOptions = {},
): Hono<SandboxEnv> {
  const { store, clock } = deps;
  const app = new Hono<SandboxEnv>();

  /** The attachment if it exists and the caller may browse its issue. */
  const visibleAttachment = (c: Context<SandboxEnv>): AttachmentRecord | undefined => {
    const id = c.req.param('id') ?? '';
    if (!/^\d{1,15}$/.test(id)) return undefined;
    const attachment = store.history.getAttachment(Number(id));
    const issue = attachment === undefined ? undefined : store.getIssueById(attachment.issueId);
    if (issue === undefined || !canBrowseProject(c.get('user'), issue.projectKey)) return undefined;
    return attachment;
  };

  /** @see Jira Cloud REST v3 GET /rest/api/3/attachment/{id} */
  app.get('/attachment/:id', (c) => {
    const attachment = visibleAttachment(c);
    if (attachment === undefined) return attachmentNotFound(c, c.req.param('id'));
    return c.json(attachmentMetadataJson(actingContext(c, deps), attachment));
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/attachment/content/{id} */
  app.get('/attachment/content/:id', (c) => {
    const attachment = visibleAttachment(c);
    if (attachment === undefined) return attachmentNotFound(c, c.req.param('id'));
    if (c.req.query('redirect') === 'false') return binaryResponse(attachment);
    const media = options.mediaBaseUrl ?? c.get('base');
    const token = mediaToken(attachment.id, clock.now() + MEDIA_TOKEN_TTL_MS);
    const location = `${media}${MEDIA_PATH}/${attachment.id}/binary?token=${token}&name=${encodeURIComponent(attachment.filename)}`;
    return c.body(null, 303, { Location: location });
  });

  /** @see Jira Cloud REST v3 DELETE /rest/api/3/attachment/{id} */
  app.delete('/attachment/:id', (c) => {
    const attachment = visibleAttachment(c);
    if (attachment === undefined) return attachmentNotFound(c, c.req.param('id'));
    const now = clock.now();
    store.transaction(() => {
      store.history.deleteAttachment(attachment.id);
      store.updateIssue(attachment.issueId, { updated: now });
      store.recordChange(
        attachment.issueId,
        c.get('user').accountId,
        [attachmentChangeItem(attachment, 'removed')],
        now,
      );
    });
    return c.body(null, 204);
  });

  /**
   * multipart/form-data, one or more parts named `file`; needs
   * `X-Atlassian-Token: no-check` (Jira's XSRF guard). Answers the array
   * of created attachments.
   * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/attachments
   */
  app.post(
    '/issue/:issueIdOrKey/attachments',
    bodyLimit({
      // Room for the multipart framing around one file at the limit.
      maxSize: SANDBOX_ATTACHMENT_MAX_BYTES + 64 * 1024,
      onError: (c) =>
        jiraError(c, 413, [
          `The attachment exceeds the maximum size of ${SANDBOX_ATTACHMENT_MAX_BYTES} bytes.`,
        ]),
    }),
    withIssue(store, async (c, issue) => {
      if (c.req.header('x-atlassian-token')?.toLowerCase() !== 'no-check') {
        return jiraError(c, 403, ['XSRF check failed']);
      }
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
        return jiraError(c, 415, [
          'The request must be multipart/form-data with a part named file.',
        ]);
      }
      let files: File[];
      try {
        const body = await c.req.parseBody({ all: true });
        const parts = body['file'];
        files = (Array.isArray(parts) ? parts : parts === undefined ? [] : [parts]).filter(
          (part): part is File => part instanceof File,
        );
      } catch {
        return jiraError(c, 400, ['The multipart body could not be read.']);
      }
      if (files.length === 0) return jiraError(c, 400, ['No file part named file was sent.']);
      for (const file of files) {
        if (file.size > SANDBOX_ATTACHMENT_MAX_BYTES) {
          return jiraError(c, 413, [
            `The attachment exceeds the maximum size of ${SANDBOX_ATTACHMENT_MAX_BYTES} bytes.`,
          ]);
        }
      }
      const uploads = await Promise.all(
        files.map(async (file) => ({
          filename: file.name === '' ? 'file' : file.name,
          mimeType: file.type === '' ? 'application/octet-stream' : (file.type.split(';')[0] ?? ''),
          content: new Uint8Array(await file.arrayBuffer()),
        })),
      );
      const now = clock.now();
      const author = c.get('user').accountId;
      const created = store.transaction(() => {
        const records = uploads.map((upload) =>
          store.history.insertAttachment({
            ...upload,
            issueId: issue.id,
            authorId: author,
            created: now,
          }),
        );
        store.updateIssue(issue.id, { updated: now });
        store.recordChange(
          issue.id,
          author,
          records.map((record) => attachmentChangeItem(record, 'added')),
          now,
        );
        return records;
      });
      const ctx = actingContext(c, deps);
      return c.json(
        created.map((record) => attachmentJson(ctx, record)),
        200,
      );
    }),
  );

  return app;
}

// One key per process: media URLs die with the sandbox, as Atlassian's expire.
const MEDIA_KEY = randomBytes(32);

function mac(id: number, expires: number): string {
  return createHmac('sha256', MEDIA_KEY).update(`${id}.${expires}`).digest('base64url');
}

function mediaToken(id: number, expires: number): string {
  return `${expires}.${mac(id, expires)}`;
}

/**
 * The media host: `GET /sandbox-media/file/{id}/binary?token=…` serves the
 * bytes when the token is this attachment's and unexpired. No Jira
 * credential is asked for (or wanted): the signed URL is the credential.
 * @see Jira Cloud REST v3 GET /rest/api/3/attachment/content/{id} (303 See Other)
 */
export function mediaRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get(`${MEDIA_PATH}/:id/binary`, (c) => {
    const id = Number(c.req.param('id'));
    const [expires, signature] = (c.req.query('token') ?? '').split('.');
    const expected = Number.isInteger(id) && expires !== undefined ? mac(id, Number(expires)) : '';
    const valid =
      signature !== undefined &&
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) &&
      Number(expires) >= deps.clock.now();
    const attachment = valid ? deps.store.history.getAttachment(id) : undefined;
    if (attachment === undefined) {
      return c.json({ error: 'The media token is invalid or expired.' }, 401);
    }
    return binaryResponse(attachment);
  });
  return app;
}
