import { AccountError, normalizeUsername, UserService } from '../accounts/users.js';
import { OidcClientSecretStore } from '../accounts/oidc/client-secret-store.js';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { hashSecret } from '../crypto/hash.js';
import { SecretDecryptError } from '../crypto/local-cipher.js';
import { randomId, randomToken } from '../crypto/random.js';
import { JiraCredentialStore } from '../jira/credentials.js';
import { SharedJiraAccountStore } from '../jira/shared-account.js';
import type { GrantRecord } from '../storage/ports.js';
import { parseCommand, UsageError } from './args.js';
import { configFor, PROGRAM, type CliIo } from './io.js';
import { AUDIT_COMMANDS } from './audit-commands.js';
import { CLI_ORIGIN, date, table, type AdminCommand } from './command-kit.js';
import { openLocalRuntime, type LocalRuntime } from './runtime.js';
import { USER_SET_PASSWORD } from './user-password-command.js';
import { CLIENT_ADD } from './client-add-command.js';
import { ATLASSIAN_SET_CLIENT_SECRET } from './atlassian-secret-command.js';
import { JIRA_SET_CREDENTIALS } from './jira-credentials-command.js';

function grantState(grant: GrantRecord, now: number): string {
  if (grant.revokedAt !== undefined) return `revoked (${grant.revokedReason ?? 'no reason'})`;
  return grant.expiresAt <= now ? 'expired' : 'active';
}

async function setDisabled(
  rt: LocalRuntime,
  name: string,
  disabled: boolean,
  io: CliIo,
): Promise<number> {
  // Names are folded at creation, so `Alice` must find `alice`.
  const username = normalizeUsername(name);
  const user = await rt.storage.users.getByUsername(username);
  if (user === undefined || !(await rt.storage.users.setDisabled(username, disabled))) {
    io.stderr(`${PROGRAM}: no user named ${username}\n`);
    return 1;
  }
  if (disabled) {
    // A disabled user's existing grants stop working at once, and their sessions end.
    const now = rt.clock.now();
    for (const grant of await rt.storage.grants.listByUser(user.id)) {
      if (grant.revokedAt === undefined)
        await rt.storage.grants.revoke(grant.id, now, 'user disabled');
    }
    await rt.storage.sessions.deleteByUser(user.id);
  }
  await rt.audit.record({
    type: disabled ? AUDIT_EVENT.userDisabled : AUDIT_EVENT.userEnabled,
    outcome: 'success',
    userId: user.id,
    username,
    ...CLI_ORIGIN,
  });
  io.stdout(`${disabled ? 'Disabled' : 'Enabled'} user ${username}.\n`);
  return 0;
}

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  {
    name: 'user add',
    usage: 'user add <name> --password-stdin',
    summary: 'create a local user; the password is read from standard input',
    options: { 'password-stdin': { type: 'boolean' } },
    arity: 1,
    async run(rt, [name], values, io) {
      if (values['password-stdin'] !== true)
        throw new UsageError(
          '--password-stdin is required (passwords are never taken as arguments)',
        );
      const password = (await io.readStdin()).replace(/\r?\n$/, '');
      try {
        const user = await new UserService(rt.storage.users, rt.clock).create(name ?? '', password);
        await rt.audit.record({
          type: AUDIT_EVENT.userCreated,
          outcome: 'success',
          userId: user.id,
          username: user.username,
          ...CLI_ORIGIN,
        });
        io.stdout(`Created user ${user.username}.\n`);
        return 0;
      } catch (error) {
        if (error instanceof AccountError) {
          io.stderr(`${PROGRAM}: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
    },
  },
  USER_SET_PASSWORD,
  {
    name: 'user list',
    usage: 'user list',
    summary: 'list users and where each signs in (local, or the OpenID provider)',
    options: {},
    arity: 0,
    async run(rt, _args, _values, io) {
      const users = await rt.storage.users.list();
      io.stdout(
        table([
          ['USERNAME', 'STATE', 'SIGN-IN', 'EMAIL', 'CREATED'],
          ...users.map((u) => [
            u.username,
            u.disabled ? 'disabled' : 'active',
            u.identity === undefined ? 'local' : u.identity.issuer,
            u.email ?? '-',
            date(u.createdAt),
          ]),
        ]),
      );
      return 0;
    },
  },
  {
    name: 'user disable',
    usage: 'user disable <name>',
    summary: 'disable a user and revoke all of their grants',
    options: {},
    arity: 1,
    run: (rt, [name], _values, io) => setDisabled(rt, name ?? '', true, io),
  },
  {
    name: 'user enable',
    usage: 'user enable <name>',
    summary: 'enable a disabled user',
    options: {},
    arity: 1,
    run: (rt, [name], _values, io) => setDisabled(rt, name ?? '', false, io),
  },
  {
    name: 'client list',
    usage: 'client list',
    summary: 'list registered clients and resource-server credentials',
    options: {},
    arity: 0,
    async run(rt, _args, _values, io) {
      const clients = await rt.storage.clients.list();
      io.stdout(
        table([
          ['CLIENT ID', 'KIND', 'NAME', 'AUTH', 'SOURCE', 'CREATED', 'REDIRECT URIS'],
          ...clients.map((c) => [
            c.clientId,
            c.kind,
            c.clientName ?? '-',
            c.tokenEndpointAuthMethod,
            c.source,
            date(c.createdAt),
            c.redirectUris.join(' '),
          ]),
        ]),
      );
      return 0;
    },
  },
  CLIENT_ADD,
  {
    name: 'client delete',
    usage: 'client delete <id>',
    summary: 'delete a client and revoke all of its grants',
    options: {},
    arity: 1,
    async run(rt, [id], _values, io) {
      if (!(await rt.storage.clients.delete(id ?? '', rt.clock.now()))) {
        io.stderr(`${PROGRAM}: no client with id ${id ?? ''}\n`);
        return 1;
      }
      await rt.audit.record({
        type: AUDIT_EVENT.clientDeleted,
        outcome: 'success',
        clientId: id ?? '',
        ...CLI_ORIGIN,
      });
      io.stdout(`Deleted client ${id ?? ''} and revoked its grants.\n`);
      return 0;
    },
  },
  {
    name: 'client add-resource-server',
    usage: 'client add-resource-server <name>',
    summary: 'create a credential a separate MCP server uses for /introspect',
    options: {},
    arity: 1,
    async run(rt, [name], _values, io) {
      const secret = randomToken();
      const clientId = randomId('rs');
      await rt.storage.clients.create({
        clientId,
        kind: 'resource_server',
        secretHash: hashSecret(secret),
        clientName: name ?? '',
        redirectUris: [],
        grantTypes: [],
        responseTypes: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        source: 'cli',
        createdAt: rt.clock.now(),
      });
      await rt.audit.record({
        type: AUDIT_EVENT.clientRegistered,
        outcome: 'success',
        clientId,
        ...CLI_ORIGIN,
        detail: { kind: 'resource_server' },
      });
      io.stdout(
        `INTROSPECTION_CLIENT_ID=${clientId}\nINTROSPECTION_CLIENT_SECRET=${secret}\n(The secret is shown only now; it is stored hashed.)\n`,
      );
      return 0;
    },
  },
  {
    name: 'grant list',
    usage: 'grant list [--user <name>]',
    summary: 'list grants (consents that tokens belong to)',
    options: { user: { type: 'string' } },
    arity: 0,
    async run(rt, _args, values, io) {
      let grants: GrantRecord[];
      if (typeof values.user === 'string') {
        const user = await rt.storage.users.getByUsername(normalizeUsername(values.user));
        if (user === undefined) {
          io.stderr(`${PROGRAM}: no user named ${values.user}\n`);
          return 1;
        }
        grants = await rt.storage.grants.listByUser(user.id);
      } else {
        grants = await rt.storage.grants.listAll();
      }
      const names = new Map((await rt.storage.users.list()).map((u) => [u.id, u.username]));
      const now = rt.clock.now();
      io.stdout(
        table([
          ['GRANT ID', 'USER', 'CLIENT', 'SCOPES', 'STATE', 'CREATED', 'EXPIRES'],
          ...grants.map((g) => [
            g.id,
            names.get(g.userId) ?? g.userId,
            g.clientId,
            g.scopes.join(' '),
            grantState(g, now),
            date(g.createdAt),
            date(g.expiresAt),
          ]),
        ]),
      );
      return 0;
    },
  },
  {
    name: 'grant revoke',
    usage: 'grant revoke <id>',
    summary: 'revoke a grant and every token issued under it',
    options: {},
    arity: 1,
    async run(rt, [id], _values, io) {
      const grant = await rt.storage.grants.get(id ?? '');
      if (
        grant === undefined ||
        !(await rt.storage.grants.revoke(grant.id, rt.clock.now(), 'revoked by administrator'))
      ) {
        io.stderr(`${PROGRAM}: no grant with id ${id ?? ''}\n`);
        return 1;
      }
      await rt.audit.record({
        type: AUDIT_EVENT.grantRevoked,
        outcome: 'success',
        grantId: grant.id,
        userId: grant.userId,
        clientId: grant.clientId,
        ...CLI_ORIGIN,
      });
      io.stdout(`Revoked grant ${grant.id}.\n`);
      return 0;
    },
  },
  ...AUDIT_COMMANDS,
  JIRA_SET_CREDENTIALS,
  {
    name: 'jira status',
    usage: 'jira status',
    summary: 'say which Jira site and account the stored credential is for',
    options: {},
    arity: 0,
    async run(rt, _args, _values, io) {
      let creds;
      try {
        creds = await new JiraCredentialStore(rt.storage.secrets, rt.cipher, rt.clock).get();
      } catch (error) {
        if (!(error instanceof SecretDecryptError)) throw error;
        io.stderr(
          `${PROGRAM}: the stored Jira credential does not decrypt with this master key (has MASTER_KEY or DATA_DIR/master.key changed?)\n`,
        );
        return 1;
      }
      io.stdout(
        creds === undefined
          ? 'No Jira credential is stored.\n'
          : `Jira site ${creds.baseUrl}, account ${creds.email} (API token stored encrypted).\n`,
      );
      const account =
        creds === undefined
          ? undefined
          : await new SharedJiraAccountStore(rt.storage.secrets, rt.clock).get();
      if (creds !== undefined) {
        io.stdout(
          account === undefined
            ? 'Jira has not named this account (stored unchecked or by an older version): the consent page on AWS does not name it; run `jira set-credentials` again to fix that.\n'
            : `Jira names it ${account.displayName} (account ${account.accountId}); the consent page shows that name.\n`,
        );
      }
      return 0;
    },
  },
  {
    name: 'oidc set-client-secret',
    usage: 'oidc set-client-secret',
    summary: 'store the client secret at the OpenID provider (from stdin), encrypted',
    options: {},
    arity: 0,
    async run(rt, _args, _values, io) {
      const secret = (await io.readStdin()).replace(/\r?\n$/, '');
      try {
        await new OidcClientSecretStore(rt.storage.secrets, rt.cipher, rt.clock).set(secret);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        io.stderr(`${PROGRAM}: ${error.message}\n`);
        return 1;
      }
      await rt.audit.record({
        type: AUDIT_EVENT.oidcClientSecretSet,
        outcome: 'success',
        ...CLI_ORIGIN,
      });
      io.stdout(
        'Stored the OpenID client secret, encrypted. It is used when OIDC_CLIENT_SECRET is not set; restart the gateway to use a new one.\n',
      );
      return 0;
    },
  },
  ATLASSIAN_SET_CLIENT_SECRET,
];

/** Runs `group verb …` for the administrative commands. */
export async function runAdminCommand(group: string, argv: string[], io: CliIo): Promise<number> {
  // A command without verbs (`purge`) takes every argument as its own.
  const single = ADMIN_COMMANDS.find((c) => c.name === group);
  const verb = single === undefined ? argv[0] : undefined;
  const rest = single === undefined ? argv.slice(1) : argv;
  const command = single ?? ADMIN_COMMANDS.find((c) => c.name === `${group} ${verb ?? ''}`);
  if (command === undefined) {
    const verbs = ADMIN_COMMANDS.filter((c) => c.name.startsWith(`${group} `));
    if (verbs.length === 0) throw new UsageError(`unknown command '${group}'`);
    if (verb === undefined || verb === '--help' || verb === '-h') {
      const usage = `Usage:\n${verbs.map((c) => `  ${PROGRAM} ${c.usage}\n      ${c.summary}`).join('\n')}\n`;
      // Asked for: stdout, exit 0. A missing verb is a usage error: stderr, exit 2.
      if (verb === undefined) {
        io.stderr(usage);
        return 2;
      }
      io.stdout(usage);
      return 0;
    }
    throw new UsageError(`unknown command '${group} ${verb}'`);
  }
  const parsed = parseCommand(rest, command.options);
  if (parsed.values.help === true) {
    io.stdout(
      `Usage: ${PROGRAM} ${command.usage}\n\n${command.summary}\n\n${
        command.details === undefined ? '' : `${command.details}\n\n`
      }Also accepts --data-dir DIR (default ./data, or DATA_DIR).\n`,
    );
    return 0;
  }
  if (parsed.positionals.length !== command.arity) {
    // The extra arguments are not echoed: a misplaced one may be a password.
    const problem =
      parsed.positionals.length < command.arity ? 'missing argument' : 'unexpected argument';
    throw new UsageError(`${problem}; usage: ${PROGRAM} ${command.usage}`);
  }
  const config = configFor(io, parsed.configFlags);
  const rt = await openLocalRuntime(config);
  try {
    return await command.run(rt, parsed.positionals, parsed.values, io, config);
  } finally {
    await rt.close();
  }
}
