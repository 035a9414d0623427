import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's minimum (m=19 MiB, t=2, p=1; ~10 ms here — identity.md §7.3). The library's
 * default algorithm is argon2id; its enum is a `const enum` that isolated modules cannot import,
 * so the tests assert the `$argon2id$` PHC prefix instead.
 */
const argon2Options = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Same characters typed on different keyboards/platforms must give the same hash. */
function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), argon2Options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalizePassword(password));
  } catch {
    // A malformed stored hash cannot match any password; treat it as a mismatch, not a 500.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for unknown logins, so response time does not
 * reveal which accounts exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('not-a-real-password-for-timing-only');
  await verifyPassword(await dummyHash, password);
  return false;
}
