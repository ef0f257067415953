/**
 * The site's field list (GET /rest/api/3/field), cached per Jira site with
 * a TTL and a bound on the number of sites, so a custom field shows by its
 * name without a call per tool call. The key is the site's API root
 * (`JiraApi.siteKey`): in the per-person modes each person's client names
 * its own site, so one site's fields never answer for another. Field ids
 * and names are site-wide in Jira, so people on one site share an entry.
 */
import type { JiraFieldDetails } from '../../jira/schemas-fields.js';
import { TtlLruCache } from '../ttl-lru-cache.js';
import type { JiraApi } from './confined-jira.js';

/** How long a site's field list is trusted: new custom fields show up within this time. */
export const FIELD_LIST_TTL_MS = 10 * 60_000;
/** Sites whose field lists are kept at once (per-person OAuth can reach many sites). */
export const FIELD_LIST_MAX_SITES = 100;

/** A site's fields, looked up by id or by name (case-insensitive). */
export class FieldIndex {
  readonly fields: readonly JiraFieldDetails[];
  readonly #byId = new Map<string, JiraFieldDetails>();
  readonly #byName = new Map<string, JiraFieldDetails[]>();

  constructor(fields: readonly JiraFieldDetails[]) {
    this.fields = fields;
    for (const field of fields) {
      this.#byId.set(field.id, field);
      const name = field.name.toLowerCase();
      // Appends in place: copying per field would be quadratic in a shared name.
      const same = this.#byName.get(name);
      if (same === undefined) this.#byName.set(name, [field]);
      else same.push(field);
    }
  }

  /** The field with this id. */
  byId(id: string): JiraFieldDetails | undefined {
    return this.#byId.get(id);
  }

  /** Fields with this id, or else with this name (several when the name is ambiguous). */
  find(idOrName: string): JiraFieldDetails[] {
    const byId = this.#byId.get(idOrName);
    if (byId !== undefined) return [byId];
    return this.#byName.get(idOrName.trim().toLowerCase()) ?? [];
  }

  /** The field's display name, or the id itself when the site does not list it. */
  nameOf(id: string): string {
    return this.#byId.get(id)?.name ?? id;
  }
}

export interface FieldCatalogOptions {
  ttlMs?: number;
  maxSites?: number;
  /** Milliseconds since the epoch; injected so tests move time without sleeping. */
  now?: () => number;
}

/**
 * Per-site cache of field lists. Concurrent calls for one site share one
 * request; a failed request is not cached.
 * @see Jira Cloud platform REST API v3, getFields
 */
export class FieldCatalog {
  readonly #cache: TtlLruCache<Promise<FieldIndex>>;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: FieldCatalogOptions = {}) {
    this.#cache = new TtlLruCache(options.maxSites ?? FIELD_LIST_MAX_SITES);
    this.#ttlMs = options.ttlMs ?? FIELD_LIST_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The field index of the site `jira` talks to, as `viewer` sees it, from
   * the cache or from Jira. `viewer` undefined: the shared account's view;
   * null: a view that must not be shared (not cached).
   */
  async indexFor(jira: JiraApi, viewer?: string | null): Promise<FieldIndex> {
    if (viewer === null) return new FieldIndex(await jira.listFields());
    const site = `${await jira.siteKey()}\n${viewer ?? ''}`;
    const now = this.#now();
    const cached = this.#cache.get(site, now);
    if (cached !== undefined) return cached;
    const loading = jira.listFields().then((fields) => new FieldIndex(fields));
    this.#cache.set(site, loading, now + this.#ttlMs);
    try {
      return await loading;
    } catch (error) {
      this.#cache.delete(site);
      throw error;
    }
  }

  /** Sites currently cached (for tests of the bound). */
  get size(): number {
    return this.#cache.size;
  }
}

/** The process-wide catalog tools use unless their context brings another. */
export const SHARED_FIELD_CATALOG = new FieldCatalog();

/**
 * The field index for one tool call. Jira lists the fields of the projects
 * the caller can see, so when each person acts as themselves (JIRA_AUTH not
 * `service`) the list is cached per person: nobody sees field names only
 * another person's projects have. A person-mode call whose account is not
 * known is not cached at all.
 * @see Jira Cloud platform REST API v3, getFields
 */
export function fieldIndexFor(context: {
  jira: JiraApi;
  fieldCatalog?: FieldCatalog | undefined;
  jiraAccount?: { mode: string; actor?: { accountId: string } | undefined } | undefined;
}): Promise<FieldIndex> {
  const account = context.jiraAccount;
  const viewer =
    account === undefined || account.mode === 'service'
      ? undefined
      : (account.actor?.accountId ?? null);
  return (context.fieldCatalog ?? SHARED_FIELD_CATALOG).indexFor(context.jira, viewer);
}
