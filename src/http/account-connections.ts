/**
 * What "Connected applications" on `/account` lists: the person's live
 * grants (OAuth consents and personal access tokens) with what the page
 * says about each. Read from storage only: a metadata-document client is
 * never fetched to render the page.
 */
import { SCOPE_DESCRIPTIONS, isScope } from '../oauth/scopes.js';
import type { ClientRecord, GrantRecord, Storage } from '../storage/ports.js';

/** One row of the list, ready to render (unescaped text). */
export interface Connection {
  grantId: string;
  kind: 'oauth' | 'personal';
  /** The client's name (or id), or the name a person gave a personal access token. */
  name: string;
  /** True only for a client an operator registered (`client add`); other names are self-chosen. */
  verified: boolean;
  /** Hosts the client returns to (its registered redirect URIs); empty when unknown or personal. */
  returnsTo: string[];
  scopes: { scope: string; description: string }[];
  connectedAt: number;
  lastUsedAt?: number;
  expiresAt: number;
}

function redirectHosts(client: ClientRecord | undefined, clientId: string): string[] {
  const uris = client?.redirectUris ?? [];
  const hosts = uris.map((uri) => {
    try {
      const url = new URL(uri);
      return url.host === '' ? `${url.protocol}//` : url.host;
    } catch {
      return uri;
    }
  });
  // A metadata-document client that is not stored: its id is the https URL we can vouch for.
  if (hosts.length === 0 && /^https:\/\//.test(clientId)) return [new URL(clientId).host];
  return [...new Set(hosts)];
}

function toConnection(grant: GrantRecord, client: ClientRecord | undefined): Connection {
  const personal = grant.kind === 'personal';
  const connection: Connection = {
    grantId: grant.id,
    kind: personal ? 'personal' : 'oauth',
    name: personal
      ? (grant.label ?? 'Personal access token')
      : (client?.clientName ?? grant.clientId),
    // A person named their own token; only operator-registered clients are vouched for.
    verified: personal || client?.source === 'cli',
    returnsTo: personal ? [] : redirectHosts(client, grant.clientId),
    scopes: grant.scopes.map((scope) => ({
      scope,
      description: isScope(scope) ? SCOPE_DESCRIPTIONS[scope] : scope,
    })),
    connectedAt: grant.createdAt,
    expiresAt: grant.expiresAt,
  };
  if (grant.lastUsedAt !== undefined) connection.lastUsedAt = grant.lastUsedAt;
  return connection;
}

/**
 * The person's grants that can still be used at `now` (unrevoked,
 * unexpired), newest first, each with its client read from storage.
 * @see RFC 7009 §1 (a user's view of the grants they gave)
 */
export async function listConnections(
  storage: Pick<Storage, 'grants' | 'clients'>,
  userId: string,
  now: number,
): Promise<Connection[]> {
  const grants = (await storage.grants.listByUser(userId)).filter(
    (grant) => grant.userId === userId && grant.revokedAt === undefined && grant.expiresAt > now,
  );
  const clientIds = [
    ...new Set(grants.filter((g) => g.kind !== 'personal').map((g) => g.clientId)),
  ];
  const clients = new Map<string, ClientRecord | undefined>(
    await Promise.all(clientIds.map(async (id) => [id, await storage.clients.get(id)] as const)),
  );
  return grants
    .map((grant) => toConnection(grant, clients.get(grant.clientId)))
    .sort((a, b) => b.connectedAt - a.connectedAt || (a.grantId < b.grantId ? 1 : -1));
}
