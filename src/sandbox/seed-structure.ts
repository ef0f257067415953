/**
 * Demo project structure: DEMO's versions ("1.0" released, "1.1" not yet)
 * and components ("API", "Web"), which demo issues carry them, and one web
 * link. Loaded once, when DEMO has neither versions nor components, so a
 * database seeded before versions existed gets them on its next start.
 * Watchers need no seed: the store adds reporter and assignee to each issue.
 */
import type { Clock } from '../clock.js';
import { ALICE_ACCOUNT_ID } from './catalog.js';
import type { SandboxStore } from './store.js';
import type { VersionField } from './structure-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const VERSION_FIELDS: readonly VersionField[] = ['fixVersions', 'versions'];

/** `yyyy-mm-dd` of an instant, in UTC. */
function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

interface IssueStructure {
  ref: string;
  versions?: Partial<Record<VersionField, readonly string[]>>;
  components?: readonly string[];
}

/** Which demo issues carry which versions (by name) and components (by name). */
const DEMO_STRUCTURE: readonly IssueStructure[] = [
  { ref: 'DEMO-3', versions: { fixVersions: ['1.1'] }, components: ['API', 'Web'] },
  { ref: 'DEMO-4', versions: { fixVersions: ['1.0'] }, components: ['API'] },
  { ref: 'DEMO-5', versions: { fixVersions: ['1.1'] }, components: ['Web'] },
  {
    ref: 'DEMO-6',
    versions: { fixVersions: ['1.1'], versions: ['1.0'] },
    components: ['Web'],
  },
  { ref: 'DEMO-7', versions: { fixVersions: ['1.0'] } },
  { ref: 'DEMO-8', versions: { versions: ['1.0'] }, components: ['API'] },
];

/**
 * Loads DEMO's versions, components, their use on demo issues and a web
 * link on DEMO-3, unless DEMO already has versions or components.
 * @see Jira Cloud REST v3 `Version`, `ProjectComponent`, `RemoteIssueLink`
 */
export function seedStructureIfEmpty(store: SandboxStore, clock: Clock): void {
  const { structure, collaboration } = store;
  if (structure.listVersions('DEMO').length > 0 || structure.listComponents('DEMO').length > 0) {
    return;
  }
  const now = clock.now();
  store.transaction(() => {
    const versions = new Map(
      [
        structure.insertVersion({
          projectKey: 'DEMO',
          name: '1.0',
          description: 'First release of the new checkout.',
          startDate: day(now - 60 * DAY_MS),
          releaseDate: day(now - 14 * DAY_MS),
          released: true,
          archived: false,
        }),
        structure.insertVersion({
          projectKey: 'DEMO',
          name: '1.1',
          description: 'Saved cards and the Safari fixes.',
          startDate: day(now - 13 * DAY_MS),
          releaseDate: day(now + 30 * DAY_MS),
          released: false,
          archived: false,
        }),
      ].map((v) => [v.name, v.id]),
    );
    const components = new Map(
      [
        structure.insertComponent({
          projectKey: 'DEMO',
          name: 'API',
          description: 'Payment and order APIs.',
          leadAccountId: ALICE_ACCOUNT_ID,
        }),
        structure.insertComponent({
          projectKey: 'DEMO',
          name: 'Web',
          description: 'The storefront web app.',
          leadAccountId: null,
        }),
      ].map((c) => [c.name, c.id]),
    );
    const ids = (names: readonly string[], by: Map<string, number>): number[] =>
      names.map((name) => {
        const id = by.get(name);
        if (id === undefined) throw new Error(`demo structure names unknown ${name}`);
        return id;
      });
    for (const entry of DEMO_STRUCTURE) {
      const issue = store.getIssue(entry.ref);
      if (issue === undefined) continue;
      for (const field of VERSION_FIELDS) {
        const names = entry.versions?.[field];
        if (names !== undefined) structure.setIssueVersions(issue.id, field, ids(names, versions));
      }
      structure.setIssueComponents(issue.id, ids(entry.components ?? [], components));
    }
    const docs = store.getIssue('DEMO-3');
    if (docs !== undefined) {
      collaboration.upsertRemoteLink({
        issueId: docs.id,
        globalId: null,
        relationship: 'links to',
        object: {
          url: 'https://docs.example.com/payments/saved-cards',
          title: 'Saved cards: payment provider guide',
          summary: 'How the provider stores and charges saved cards.',
        },
        application: null,
        created: now,
      });
    }
  });
}
