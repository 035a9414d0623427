import { UnauthenticatedError } from '../../errors/app-error';
import { recordAuditEvent } from '../audit/audit.service';
import type { UserRecord } from '../users/user.model';
import { findUserByLogin, recordSignIn } from '../users/user.service';
import { assertLoginNotLocked, clearLoginFailures, recordLoginFailure } from './login-throttle';
import { verifyAgainstDummy, verifyPassword } from './password-hashing';

export interface PasswordSignInOptions {
  /** True only when the server runs on the demo (in-process) database: demo accounts may sign in. */
  demoAccountsAllowed: boolean;
  ip?: string;
}

/**
 * Console sign-in with login and password. Wrong login and wrong password answer the same 401 in
 * about the same time; the fifth failure for one login within 15 minutes locks it (429).
 */
export async function signInWithPassword(
  login: string,
  password: string,
  options: PasswordSignInOptions,
): Promise<UserRecord> {
  const normalizedLogin = login.trim().toLowerCase();
  await assertLoginNotLocked(normalizedLogin);
  const user = await findUserByLogin(normalizedLogin);
  const passwordMatches = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : await verifyAgainstDummy(password);

  const refuse = async (reason: string, message = 'Wrong login or password'): Promise<never> => {
    await recordLoginFailure(normalizedLogin);
    await recordAuditEvent(undefined, {
      action: 'auth.sign-in',
      targetType: user ? 'user' : undefined,
      targetId: user?._id.toString(),
      summary: `Password sign-in refused: ${reason}`,
      outcome: 'failure',
      ip: options.ip,
      attemptedLogin: normalizedLogin,
    });
    throw new UnauthenticatedError(message);
  };

  if (!user || !passwordMatches) return refuse(user ? 'wrong password' : 'unknown login');
  if (!user.active)
    return refuse('account deactivated', 'Your account is deactivated; ask an administrator');
  if (user.isDemo && !options.demoAccountsAllowed) {
    return refuse(
      'demo account outside the demo database',
      'Demo accounts can only sign in while the server runs on its demo database',
    );
  }

  await clearLoginFailures(normalizedLogin);
  await recordSignIn(user._id);
  await recordAuditEvent(
    {
      userId: user._id.toString(),
      login: user.login,
      name: user.name,
      accessLevel: user.accessLevel,
      isAdmin: user.isAdmin,
      teamIds: [],
      via: 'session',
    },
    {
      action: 'auth.sign-in',
      targetType: 'user',
      targetId: user._id.toString(),
      summary: 'Signed in with password',
      ip: options.ip,
    },
  );
  return user;
}
