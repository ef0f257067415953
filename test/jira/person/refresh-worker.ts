/**
 * Another gateway process for the cross-process refresh race: it opens the
 * same SQLite file with the same master key, builds its own PersonalJira
 * (atlassian-oauth, the sandbox playing Atlassian), reports ready, waits for
 * the shared start time, then makes `calls` concurrent Jira calls as the
 * person and reports the e-mail addresses Jira answered with.
 * Run as `node --import tsx <this> <db> <sandboxUrl> <masterKeyBase64> <userId> <calls> <publicUrl>`.
 */
import { ATLASSIAN_SCOPES, loadConfig } from '../../../src/config/config.js';
import { SYSTEM_CLOCK } from '../../../src/clock.js';
import { createLocalCipher } from '../../../src/crypto/local-cipher.js';
import { createPersonalJira } from '../../../src/jira/person/personal-jira.js';
import { SANDBOX_ATLASSIAN_APP } from '../../../src/sandbox/index.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';

export type RefreshWorkerMessage =
  { type: 'ready' } | { type: 'done'; emails: string[] } | { type: 'failed'; message: string };

const [file, sandboxUrl, key, userId, calls, publicUrl] = process.argv.slice(2);
if (
  file === undefined ||
  sandboxUrl === undefined ||
  key === undefined ||
  userId === undefined ||
  calls === undefined ||
  publicUrl === undefined ||
  process.send === undefined
) {
  throw new Error(
    'usage: fork with an IPC channel: <db> <sandboxUrl> <masterKey> <userId> <calls> <publicUrl>',
  );
}

function send(message: RefreshWorkerMessage): void {
  process.send?.(message);
}

const storage = openSqliteStorage({ path: file });
const personal = createPersonalJira({
  config: loadConfig({
    JIRA_AUTH: 'atlassian-oauth',
    PUBLIC_URL: publicUrl,
    JIRA_MAX_RETRIES: '0',
  }),
  storage,
  cipher: createLocalCipher(Buffer.from(key, 'base64')),
  clock: SYSTEM_CLOCK,
  atlassian: {
    clientId: SANDBOX_ATLASSIAN_APP.clientId,
    clientSecret: SANDBOX_ATLASSIAN_APP.clientSecret,
    authUrl: sandboxUrl,
    apiUrl: sandboxUrl,
    scopes: [...ATLASSIAN_SCOPES],
    redirectUri: `${publicUrl}/jira/oauth/callback`,
  },
});

process.once('message', (go: { startAt: number }) => {
  const wait = Math.max(0, go.startAt - Date.now());
  new Promise((resolve) => setTimeout(resolve, wait))
    .then(() =>
      Promise.all(
        Array.from({ length: Number(calls) }, async () => {
          const client = await personal.clientFor(userId);
          return (await client.getMyself()).emailAddress ?? '';
        }),
      ),
    )
    .then((emails) => {
      send({ type: 'done', emails });
    })
    .catch((error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    })
    .finally(() => {
      void storage.close().then(() => {
        process.disconnect();
      });
    });
});
send({ type: 'ready' });
