import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for the operator's dashboard login: scrypt (memory-hard, in node:crypto), written
 * `scrypt:<N>:<r>:<p>:<salt>:<key>` with salt and key in base64url. Colons, not `$`, so the value
 * survives a shell's double quotes. `scripts/hash-password.js` writes the same format.
 */
export interface PasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** 32 MiB and about a tenth of a second per guess; a stored hash may ask for more (up to 2^20). */
export const DEFAULT_SCRYPT = { N: 1 << 15, r: 8, p: 1 };
const FORMAT = /^scrypt:(\d{1,8}):(\d{1,2}):(\d{1,2}):([A-Za-z0-9_-]{22,88}):([A-Za-z0-9_-]{43,88})$/;

/** The hash's parts, or null when it is not one this code writes (too weak parameters included). */
export function parsePasswordHash(text: string): PasswordHash | null {
  const m = FORMAT.exec(text.trim());
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4], 'base64url');
  const key = Buffer.from(m[5], 'base64url');
  const powerOfTwo = (N & (N - 1)) === 0;
  if (!powerOfTwo || N < 1 << 14 || N > 1 << 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  if (salt.length < 16 || key.length < 32 || key.length > 64) return null;
  return { N, r, p, salt, key };
}

export function hashPassword(password: string, params = DEFAULT_SCRYPT): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, options(params));
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(':');
}

/** Derives the key of `password` with the hash's salt and parameters and compares in constant time. */
export function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), hash.salt, hash.key.length, options(hash), (error, key) =>
      error ? reject(error) : resolve(timingSafeEqual(key, hash.key)),
    ),
  );
}

export function verifyPasswordSync(password: string, hash: PasswordHash): boolean {
  const key = scryptSync(password.normalize('NFC'), hash.salt, hash.key.length, options(hash));
  return timingSafeEqual(key, hash.key);
}

/** scrypt needs 128·N·r bytes; node refuses more than its 32 MiB default unless told. */
function options({ N, r, p }: { N: number; r: number; p: number }) {
  return { N, r, p, maxmem: 256 * N * r };
}
