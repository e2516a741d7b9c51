import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hashPassword, parsePasswordHash, verifyPassword, verifyPasswordSync } from '@klepaas/auth';

/** scrypt computed by OpenSSL (independent of node:crypto and of our code), as hex. */
function opensslScrypt(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): string {
  const out = execFileSync('openssl', [
    'kdf',
    '-keylen',
    String(keylen),
    '-kdfopt',
    `pass:${password}`,
    '-kdfopt',
    `hexsalt:${salt.toString('hex')}`,
    '-kdfopt',
    `n:${N}`,
    '-kdfopt',
    `r:${r}`,
    '-kdfopt',
    `p:${p}`,
    '-kdfopt',
    'maxmem_bytes:1073741824',
    'SCRYPT',
  ]).toString();
  return out.replace(/[:\s]/g, '').toLowerCase();
}

const SCRIPT = join(__dirname, '../../../scripts/hash-password.js');

describe('password hashes of the admin login', () => {
  it('writes scrypt:N:r:p:salt:key whose key is what OpenSSL derives', () => {
    const text = hashPassword('correct horse battery staple');
    expect(text).toMatch(/^scrypt:32768:8:1:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/);
    const hash = parsePasswordHash(text)!;
    expect(hash.key.toString('hex')).toBe(
      opensslScrypt('correct horse battery staple', hash.salt, hash.N, hash.r, hash.p, hash.key.length),
    );
  });

  it('accepts the password and nothing else, asynchronously and at start-up alike', async () => {
    const hash = parsePasswordHash(hashPassword('correct horse battery staple'))!;
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
    expect(verifyPasswordSync('correct horse battery staple', hash)).toBe(true);
    expect(verifyPasswordSync('Correct horse battery staple', hash)).toBe(false);
  });

  it('reads what scripts/hash-password.js writes from a piped password, and the script refuses a short one', async () => {
    const made = spawnSync(process.execPath, [SCRIPT], { input: 'a-piped-password-42\n' });
    expect(made.status).toBe(0);
    const hash = parsePasswordHash(made.stdout.toString().trim());
    expect(hash).not.toBeNull();
    await expect(verifyPassword('a-piped-password-42', hash!)).resolves.toBe(true);
    const short = spawnSync(process.execPath, [SCRIPT], { input: 'short' });
    expect(short.status).not.toBe(0);
    expect(short.stdout.toString()).toBe('');
  });

  it.each([
    ['a `$`-separated hash', 'scrypt$32768$8$1$LAGVIXj5UvPqgpd2xOX-aQ$bBMSgudWbArOHSU47DI_prP5QM4hYFvB1lBf_f0x8hU'],
    ['too cheap a cost', 'scrypt:1024:8:1:LAGVIXj5UvPqgpd2xOX-aQ:bBMSgudWbArOHSU47DI_prP5QM4hYFvB1lBf_f0x8hU'],
    [
      'a cost that is not a power of two',
      'scrypt:30000:8:1:LAGVIXj5UvPqgpd2xOX-aQ:bBMSgudWbArOHSU47DI_prP5QM4hYFvB1lBf_f0x8hU',
    ],
    ['a short key', 'scrypt:32768:8:1:LAGVIXj5UvPqgpd2xOX-aQ:bBMSgudWbArOHSU47DI'],
    ['another algorithm', 'bcrypt:32768:8:1:LAGVIXj5UvPqgpd2xOX-aQ:bBMSgudWbArOHSU47DI_prP5QM4hYFvB1lBf_f0x8hU'],
    ['a plain password', 'hunter2'],
  ])('refuses %s', (_, text) => {
    expect(parsePasswordHash(text)).toBeNull();
  });
});
