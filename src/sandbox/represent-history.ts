/**
 * Issue history and attachments as REST v3 returns them. Change items leave
 * out null values: Atlassian's OpenAPI types `from`/`to`/… as plain
 * strings (real Jira sends `null`; the gateway's client accepts both).
 */
import type { ChangeItem, ChangelogRecord } from './changelog.js';
import type { AttachmentRecord } from './history-store.js';
import { formatJiraDateTime } from './jira-time.js';
import { userJson, type Json } from './represent-common.js';
import { userOrNull, type UserContext } from './represent-activity.js';

/** @see Jira Cloud REST v3 `ChangeDetails` */
export function changeItemJson(item: ChangeItem): Json {
  const json: Json = { field: item.field, fieldtype: item.fieldtype };
  if (item.fieldId !== undefined) json['fieldId'] = item.fieldId;
  for (const key of ['from', 'fromString', 'to', 'toString'] as const) {
    const value = item[key];
    if (value !== null) json[key] = value;
  }
  return json;
}

/** @see Jira Cloud REST v3 `Changelog` */
export function changelogJson(ctx: UserContext, entry: ChangelogRecord): Json {
  const author = userOrNull(ctx, entry.authorId);
  return {
    id: String(entry.id),
    ...(author === null ? {} : { author }),
    created: formatJiraDateTime(entry.created),
    items: entry.items.map(changeItemJson),
  };
}

/** The attachment's download URL on the site (never a media-host URL). */
export function attachmentContentUrl(base: string, attachment: AttachmentRecord): string {
  return `${base}/rest/api/3/attachment/content/${attachment.id}`;
}

/**
 * An attachment as the issue's `attachment` field lists it.
 * @see Jira Cloud REST v3 `Attachment` (IssueBean fields.attachment)
 */
export function attachmentJson(ctx: UserContext, attachment: AttachmentRecord): Json {
  const author = userOrNull(ctx, attachment.authorId);
  return {
    self: `${ctx.base}/rest/api/3/attachment/${attachment.id}`,
    id: String(attachment.id),
    filename: attachment.filename,
    ...(author === null ? {} : { author }),
    created: formatJiraDateTime(attachment.created),
    size: attachment.content.byteLength,
    mimeType: attachment.mimeType,
    content: attachmentContentUrl(ctx.base, attachment),
    ...(attachment.mimeType.startsWith('image/')
      ? { thumbnail: `${ctx.base}/rest/api/3/attachment/thumbnail/${attachment.id}` }
      : {}),
  };
}

/**
 * GET /attachment/{id}: the same facts, with the numeric id and the full `User` author.
 * @see Jira Cloud REST v3 `AttachmentMetadata`
 */
export function attachmentMetadataJson(ctx: UserContext, attachment: AttachmentRecord): Json {
  const user = ctx.directory.findUser(attachment.authorId);
  return {
    id: attachment.id,
    self: `${ctx.base}/rest/api/3/attachment/${attachment.id}`,
    filename: attachment.filename,
    ...(user === undefined ? {} : { author: userJson(ctx.base, user) }),
    created: formatJiraDateTime(attachment.created),
    size: attachment.content.byteLength,
    mimeType: attachment.mimeType,
    properties: {},
    content: attachmentContentUrl(ctx.base, attachment),
    ...(attachment.mimeType.startsWith('image/')
      ? { thumbnail: `${ctx.base}/rest/api/3/attachment/thumbnail/${attachment.id}` }
      : {}),
  };
}
