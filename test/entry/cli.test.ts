import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS } from '../../src/entry/admin-commands.js';
import { MAIN_USAGE } from '../../src/entry/cli.js';
import { SERVE_USAGE } from '../../src/entry/serve.js';
import { createCliHarness, type CliHarness } from './cli-harness.js';

let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});

afterEach(() => {
  cli.close();
});

const COMMANDS = [
  'user add',
  'user set-password',
  'user list',
  'user disable',
  'user enable',
  'client list',
  'client add',
  'client delete',
  'client add-resource-server',
  'grant list',
  'grant revoke',
  'audit tail',
  'audit verify',
  'purge',
  'jira set-credentials',
  'jira status',
  'oidc set-client-secret',
  'atlassian set-client-secret',
];

describe('jira-mcp-gateway --help', () => {
  it.each([['--help'], ['-h'], ['help']])(
    '%s prints the program usage and exits 0',
    async (flag) => {
      const result = await cli.run([flag]);
      expect(result).toMatchObject({ code: 0, stderr: '', stdout: MAIN_USAGE });
      expect(result.stdout).toMatch(/^Usage: jira-mcp-gateway <command> \[options\]\n/);
      expect(result.stdout).toContain('  serve [--role all|oauth|mcp]');
      for (const command of ADMIN_COMMANDS) expect(result.stdout).toContain(`  ${command.usage}`);
    },
  );

  it('lists every setting in the usage, ROLE included', async () => {
    const { stdout } = await cli.run(['--help']);
    for (const setting of ['PORT', 'PUBLIC_URL', 'DATA_DIR', 'ROLE', 'CODE_TTL', 'TLS_KEY']) {
      expect(stdout).toMatch(new RegExp(`^  ${setting} +\\S`, 'm'));
    }
  });

  it('never shows an empty default in any --help', async () => {
    const groups = [...new Set(ADMIN_COMMANDS.map((c) => c.name.split(' ')[0] ?? ''))];
    const invocations = [
      ['--help'],
      ['serve', '--help'],
      ...groups.map((group) => [group, '--help']),
      ...ADMIN_COMMANDS.map((c) => [...c.name.split(' '), '--help']),
    ];
    expect(invocations.length).toBeGreaterThan(ADMIN_COMMANDS.length);
    for (const argv of invocations) {
      const { code, stdout } = await cli.run(argv);
      expect(code, argv.join(' ')).toBe(0);
      expect(stdout, argv.join(' ')).not.toMatch(/\(default:\s*\)|default:\s*$|default\s+\)/im);
      expect(stdout, argv.join(' ')).not.toMatch(/\(default: (undefined|null|NaN)\)/);
    }
  });

  it('has exactly the administrative commands the operator guide names', () => {
    expect(ADMIN_COMMANDS.map((c) => c.name)).toEqual(COMMANDS);
  });

  it('prints the serve usage for serve --help and exits 0 without starting anything', async () => {
    const result = await cli.run(['serve', '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: SERVE_USAGE });
    expect(result.stdout).toMatch(/^Usage: jira-mcp-gateway serve /);
    expect(readdirSync(cli.dir)).toEqual([]);
  });

  it.each(COMMANDS)(
    'prints the usage of `%s --help` and exits 0 without touching DATA_DIR',
    async (name) => {
      const command = ADMIN_COMMANDS.find((c) => c.name === name);
      const result = await cli.run([...name.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(command?.usage.startsWith(name)).toBe(true);
      expect(result.stdout.startsWith(`Usage: jira-mcp-gateway ${command?.usage ?? '?'}\n`)).toBe(
        true,
      );
      expect(result.stdout).toContain(command?.summary ?? '?');
      expect(readdirSync(cli.dir)).toEqual([]);
    },
  );

  it.each(COMMANDS)('accepts -h for `%s`', async (name) => {
    const result = await cli.run([...name.split(' '), '-h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: jira-mcp-gateway ${name}`));
  });

  it.each(['user', 'client', 'grant', 'audit', 'jira'])(
    'lists the verbs of `%s --help` and exits 0',
    async (group) => {
      const result = await cli.run([group, '--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const verbs = ADMIN_COMMANDS.filter((c) => c.name.startsWith(`${group} `));
      expect(verbs.length).toBeGreaterThan(0);
      for (const verb of verbs) {
        expect(result.stdout).toContain(`  jira-mcp-gateway ${verb.usage}\n      ${verb.summary}`);
      }
    },
  );
});

describe('jira-mcp-gateway usage errors (exit 2)', () => {
  it('prints the usage to stderr and exits 2 when no command is given', async () => {
    const result = await cli.run([]);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: MAIN_USAGE });
  });

  it('names an unknown command and points at the program help', async () => {
    const result = await cli.run(['frobnicate']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        "jira-mcp-gateway: unknown command 'frobnicate'\nRun 'jira-mcp-gateway --help' for usage.\n",
    });
  });

  it('names an unknown verb and points at the group help', async () => {
    const result = await cli.run(['user', 'frobnicate']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        "jira-mcp-gateway: unknown command 'user frobnicate'\nRun 'jira-mcp-gateway user --help' for usage.\n",
    });
  });

  it('prints the group usage to stderr and exits 2 when the verb is missing', async () => {
    const result = await cli.run(['grant']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('  jira-mcp-gateway grant revoke <id>\n');
  });

  it('refuses an unknown flag before opening the data directory', async () => {
    const result = await cli.run(['user', 'list', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^jira-mcp-gateway: Unknown option '--bogus'/);
    expect(result.stderr).toContain("Run 'jira-mcp-gateway user --help' for usage.\n");
    expect(readdirSync(cli.dir)).toEqual([]);
  });

  it('refuses an unknown flag to serve before starting anything', async () => {
    const result = await cli.run(['serve', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^jira-mcp-gateway: Unknown option '--bogus'/);
    expect(result.stderr).toContain("Run 'jira-mcp-gateway serve --help' for usage.\n");
  });

  it('refuses a flag without its value', async () => {
    const result = await cli.run(['grant', 'list', '--user']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^jira-mcp-gateway: Option '--user <value>' argument missing/);
  });

  it.each([
    [['user', 'disable'], 'missing argument; usage: jira-mcp-gateway user disable <name>'],
    [['client', 'delete'], 'missing argument; usage: jira-mcp-gateway client delete <id>'],
    [['grant', 'revoke'], 'missing argument; usage: jira-mcp-gateway grant revoke <id>'],
    [
      ['client', 'add-resource-server'],
      'missing argument; usage: jira-mcp-gateway client add-resource-server <name>',
    ],
    [['user', 'list', 'extra'], 'unexpected argument; usage: jira-mcp-gateway user list'],
  ])('exits 2 for %j with a message', async (argv, message) => {
    const result = await cli.run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`jira-mcp-gateway: ${message}`);
    expect(readdirSync(cli.dir)).toEqual([]);
  });

  it('does not echo a stray argument, which may be a password', async () => {
    const result = await cli.run([
      'user',
      'add',
      'alice',
      'my secret passphrase!',
      '--password-stdin',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unexpected argument');
    expect(cli.allOutput()).not.toContain('my secret passphrase!');
  });
});

describe('jira-mcp-gateway configuration errors (exit 1)', () => {
  it('names PORT when the environment gives PORT=abc, and creates nothing', async () => {
    const result = await cli.run(['user', 'list'], { env: { PORT: 'abc' } });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: Invalid configuration:\n  PORT: must be a whole number\n',
    });
    expect(readdirSync(cli.dir)).toEqual([]);
  });

  it('names PORT when the flag gives --port abc', async () => {
    const result = await cli.run(['user', 'list', '--port', 'abc']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  PORT: must be a whole number\n');
  });

  it('refuses serve --role mcp without introspection credentials before listening', async () => {
    const result = await cli.run(['serve', '--role', 'mcp']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('INTROSPECTION_CLIENT_ID, INTROSPECTION_CLIENT_SECRET');
  });

  it('names MASTER_KEY without printing it', async () => {
    const key = Buffer.alloc(16, 7).toString('base64');
    const result = await cli.run(['user', 'list'], { env: { MASTER_KEY: key } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  MASTER_KEY: must be 32 bytes, base64-encoded\n');
    expect(cli.allOutput()).not.toContain(key);
  });

  it('names DATA_DIR when it cannot be created (a path under a regular file, refused even to root)', async () => {
    const file = path.join(cli.dir, 'not-a-directory');
    writeFileSync(file, '');
    const dataDir = path.join(file, 'data');
    const result = await cli.run(['user', 'list'], { env: { DATA_DIR: dataDir } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `jira-mcp-gateway: DATA_DIR: cannot keep data in ${dataDir}: ENOTDIR: not a directory, mkdir '${dataDir}'; set DATA_DIR or --data-dir to a directory this user can write\n`,
    );
  });

  it('names DATA_DIR when it is a regular file', async () => {
    const file = path.join(cli.dir, 'a-file');
    writeFileSync(file, '');
    const result = await cli.run(['user', 'list', '--data-dir', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^jira-mcp-gateway: DATA_DIR: cannot keep data in ${file}: EEXIST: `),
    );
  });

  it('honours --data-dir over DATA_DIR', async () => {
    const elsewhere = createCliHarness();
    try {
      const result = await cli.run(['user', 'list', '--data-dir', elsewhere.dir]);
      expect(result.code).toBe(0);
      expect(existsSync(elsewhere.databasePath)).toBe(true);
      expect(existsSync(cli.databasePath)).toBe(false);
    } finally {
      elsewhere.close();
    }
  });
});
