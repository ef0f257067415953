/**
 * Who exists in the sandbox and what each person may do: accounts, groups
 * and project-role memberships, as a Jira site admin would set them up.
 *
 * Seeded accounts (fixed): Alice (site admin, member of every group and of
 * the Administrators, Developers and Users roles in every project) and Bob
 * (DEMO only: Developers and Users; no access to OPS). Tests add more with
 * `addUser`. Accounts live in memory, per sandbox instance: they are not in
 * the SQLite file, so a reopened file has only the seeded accounts again.
 *
 * Every account's API token is `sandbox-token-<name>`, a documented demo
 * value that only ever unlocks this local sandbox.
 */
import { createHash } from 'node:crypto';
import { ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID, PROJECTS, findProject } from './catalog.js';

/** Jira's default project roles, with their classic ids. */
export const PROJECT_ROLES = [
  { id: '10000', name: 'Users' },
  { id: '10001', name: 'Developers' },
  { id: '10002', name: 'Administrators' },
] as const;

export type ProjectRoleName = (typeof PROJECT_ROLES)[number]['name'];

export interface GroupDef {
  name: string;
  /** Jira Cloud identifies groups by a stable id; names may change. */
  groupId: string;
}

/** The groups every sandbox has. `jira-software-users` holds every account. */
export const SEEDED_GROUPS: readonly GroupDef[] = [
  { name: 'site-admins', groupId: '5e1c6f3a-8a4e-4f6e-9c55-0d2c3f7a9b01' },
  { name: 'jira-administrators', groupId: '5e1c6f3a-8a4e-4f6e-9c55-0d2c3f7a9b02' },
  { name: 'jira-software-users', groupId: '5e1c6f3a-8a4e-4f6e-9c55-0d2c3f7a9b10' },
];

export const EVERYONE_GROUP = 'jira-software-users';

/** Groups whose members hold Jira's global ADMINISTER permission. */
export const ADMIN_GROUPS: readonly string[] = ['site-admins', 'jira-administrators'];

export interface SandboxUser {
  accountId: string;
  /** Short login name; the API token is `sandbox-token-<name>`. */
  name: string;
  displayName: string;
  emailAddress: string;
  /** The API token for Basic auth (`email:apiToken`). Demo-only; never a real secret. */
  apiToken: string;
  timeZone: string;
  locale: string;
  /** Group names, always including `jira-software-users`. */
  groups: readonly string[];
  /** Roles by project key. Any role grants Browse, Create, Assignable and Add Comments there. */
  projectRoles: Readonly<Record<string, readonly ProjectRoleName[]>>;
}

/** What a test says about an account to add. */
export interface NewSandboxUser {
  /** Lowercase letters, digits, `.`, `_` or `-`; unique. The token becomes `sandbox-token-<name>`. */
  name: string;
  /** Default: the name, capitalised. */
  displayName?: string;
  /** Default: `<name>@example.com`. Unique (case-insensitive). */
  email?: string;
  /**
   * Projects the account may browse: a key (roles Users and Developers) or
   * a key with the roles to hold there. Default: none.
   */
  projects?: readonly (string | { key: string; roles: readonly ProjectRoleName[] })[];
  /** Extra groups; unknown names create the group. `site-admins` makes a site admin. */
  groups?: readonly string[];
  timeZone?: string;
}

/** The documented API token of the sandbox account called `name`. */
export function sandboxToken(name: string): string {
  return `sandbox-token-${name}`;
}

const ALL_ROLES: readonly ProjectRoleName[] = ['Administrators', 'Developers', 'Users'];
const MEMBER_ROLES: readonly ProjectRoleName[] = ['Developers', 'Users'];

export const ALICE: SandboxUser = {
  accountId: ALICE_ACCOUNT_ID,
  name: 'alice',
  displayName: 'Alice Admin',
  emailAddress: 'alice@example.com',
  apiToken: sandboxToken('alice'),
  timeZone: 'UTC',
  locale: 'en_US',
  groups: SEEDED_GROUPS.map((group) => group.name),
  projectRoles: Object.fromEntries(PROJECTS.map((project) => [project.key, ALL_ROLES])),
};

export const BOB: SandboxUser = {
  accountId: BOB_ACCOUNT_ID,
  name: 'bob',
  displayName: 'Bob Builder',
  emailAddress: 'bob@example.com',
  apiToken: sandboxToken('bob'),
  timeZone: 'UTC',
  locale: 'en_US',
  groups: [EVERYONE_GROUP],
  projectRoles: { DEMO: MEMBER_ROLES },
};

/** The seeded accounts, in this order in every new sandbox. */
export const SANDBOX_USERS: readonly SandboxUser[] = [ALICE, BOB];

// A uuid-shaped id derived from a name, so added accounts and groups get
// the same ids in every run (reproducible responses).
function derivedUuid(kind: string, name: string): string {
  const hex = createHash('sha256').update(`${kind}:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The sandbox's accounts and groups; one per sandbox instance. */
export class SandboxDirectory {
  /** Every account, seeded first; `addUser` appends. The array is live. */
  readonly users: SandboxUser[];
  readonly #groups: GroupDef[] = [...SEEDED_GROUPS];

  constructor(initial: readonly SandboxUser[] = SANDBOX_USERS) {
    this.users = [...initial];
  }

  /** The account with this e-mail address (case-insensitive), if any. */
  findUserByEmail(email: string): SandboxUser | undefined {
    const wanted = email.toLowerCase();
    return this.users.find((user) => user.emailAddress.toLowerCase() === wanted);
  }

  /** The account with this account id, if any. */
  findUser(accountId: string): SandboxUser | undefined {
    return this.users.find((user) => user.accountId === accountId);
  }

  /** The group with this name (case-insensitive) or group id, if any. */
  findGroup(nameOrId: string): GroupDef | undefined {
    const wanted = nameOrId.toLowerCase();
    return this.#groups.find((g) => g.groupId === nameOrId || g.name.toLowerCase() === wanted);
  }

  /**
   * Adds an account with the given project access and groups, and returns
   * it (token `sandbox-token-<name>`). Throws on an invalid or taken name or
   * e-mail, or an unknown project key.
   */
  addUser(spec: NewSandboxUser): SandboxUser {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(spec.name)) {
      throw new Error(`sandbox user name '${spec.name}' is not valid`);
    }
    const email = spec.email ?? `${spec.name}@example.com`;
    if (this.users.some((user) => user.name === spec.name)) {
      throw new Error(`sandbox user '${spec.name}' already exists`);
    }
    if (this.findUserByEmail(email) !== undefined) {
      throw new Error(`sandbox user with e-mail '${email}' already exists`);
    }
    const projectRoles: Record<string, readonly ProjectRoleName[]> = {};
    for (const entry of spec.projects ?? []) {
      const key = typeof entry === 'string' ? entry : entry.key;
      const project = findProject(key);
      if (project === undefined) throw new Error(`sandbox has no project '${key}'`);
      projectRoles[project.key] = typeof entry === 'string' ? MEMBER_ROLES : [...entry.roles];
    }
    const groups = [EVERYONE_GROUP];
    for (const name of spec.groups ?? []) {
      const group = this.findGroup(name) ?? this.#createGroup(name);
      if (!groups.includes(group.name)) groups.push(group.name);
    }
    const user: SandboxUser = {
      accountId: `712020:${derivedUuid('user', spec.name)}`,
      name: spec.name,
      displayName: spec.displayName ?? spec.name.charAt(0).toUpperCase() + spec.name.slice(1),
      emailAddress: email,
      apiToken: sandboxToken(spec.name),
      timeZone: spec.timeZone ?? 'UTC',
      locale: 'en_US',
      groups,
      projectRoles,
    };
    this.users.push(user);
    return user;
  }

  #createGroup(name: string): GroupDef {
    const group = { name, groupId: derivedUuid('group', name) };
    this.#groups.push(group);
    return group;
  }
}
