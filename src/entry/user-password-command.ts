/**
 * `user set-password`: an operator replaces a local user's password. The
 * recovery path for a forgotten password, including the first-run admin's,
 * which is printed once only.
 */
import { LoginThrottle } from '../accounts/login-throttle.js';
import { AccountError, normalizeUsername, UserService } from '../accounts/users.js';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { UsageError } from './args.js';
import { CLI_ORIGIN, type AdminCommand } from './command-kit.js';
import { PROGRAM } from './io.js';

/**
 * Sets the password, ends the user's sessions (each one proves only the old
 * password), lifts a login-throttle lock of the name, optionally revokes the
 * user's grants, and audits `user.password_changed`.
 * @see NIST SP 800-63B §6.1.2.3 (replacement of a memorized secret)
 */
export const USER_SET_PASSWORD: AdminCommand = {
  name: 'user set-password',
  usage: 'user set-password <name> --password-stdin',
  summary: "set a user's password (from standard input); ends their sessions",
  details: `Replaces the password of <name> (12 to 1024 characters, read from standard input,
without its trailing newline) and ends every sign-in session of that user, so a
browser signed in with the old password is signed out. It also lifts a lock of
that username by the login throttle, so the person can sign in at once.
Recorded in the audit trail as user.password_changed.

Grants, and the tokens under them, stay valid. To also cut off the MCP clients
authorized so far (say the old password leaked), add --revoke-grants.

Options:
  --password-stdin  required: read the new password from standard input
  --revoke-grants   also revoke every grant of the user and the tokens under them

Recovering the first-run admin, whose password is printed only once:
  printf '%s\\n' 'a new long password' | ${PROGRAM} user set-password admin --password-stdin`,
  options: { 'password-stdin': { type: 'boolean' }, 'revoke-grants': { type: 'boolean' } },
  arity: 1,
  async run(rt, [name], values, io) {
    if (values['password-stdin'] !== true)
      throw new UsageError('--password-stdin is required (passwords are never taken as arguments)');
    // Names are folded at creation, so `Alice` must find `alice`.
    const username = normalizeUsername(name ?? '');
    const user = await rt.storage.users.getByUsername(username);
    if (user === undefined) {
      io.stderr(`${PROGRAM}: no user named ${username}\n`);
      return 1;
    }
    if (user.identity !== undefined) {
      // Such a person signs in at the OpenID provider; a local password could never be used.
      io.stderr(
        `${PROGRAM}: ${username} signs in with the OpenID Connect provider and has no password here\n`,
      );
      return 1;
    }
    const password = (await io.readStdin()).replace(/\r?\n$/, '');
    try {
      if (!(await new UserService(rt.storage.users, rt.clock).setPassword(username, password))) {
        io.stderr(`${PROGRAM}: no user named ${username}\n`);
        return 1;
      }
    } catch (error) {
      if (error instanceof AccountError) {
        io.stderr(`${PROGRAM}: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    await rt.storage.sessions.deleteByUser(user.id);
    await new LoginThrottle(rt.storage.counters, rt.clock).clearUser(username);
    const revokeGrants = values['revoke-grants'] === true;
    let revoked = 0;
    if (revokeGrants) {
      const now = rt.clock.now();
      for (const grant of await rt.storage.grants.listByUser(user.id)) {
        if (
          grant.revokedAt === undefined &&
          (await rt.storage.grants.revoke(grant.id, now, 'password changed'))
        ) {
          revoked += 1;
        }
      }
    }
    await rt.audit.record({
      type: AUDIT_EVENT.userPasswordChanged,
      outcome: 'success',
      userId: user.id,
      username,
      ...CLI_ORIGIN,
      detail: { sessionsEnded: true, grantsRevoked: revoked },
    });
    io.stdout(
      revokeGrants
        ? `Set the password of ${username}, ended their sessions and revoked ${revoked} grant${revoked === 1 ? '' : 's'}.\n`
        : `Set the password of ${username} and ended their sessions; their grants stay valid (--revoke-grants revokes them).\n`,
    );
    return 0;
  },
};
