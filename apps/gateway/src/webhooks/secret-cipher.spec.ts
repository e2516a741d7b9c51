import { createDecipheriv, randomBytes } from 'node:crypto';
import { newWebhookSecret, SecretCipher } from './secret-cipher';

describe('SecretCipher', () => {
  const key = randomBytes(32);
  const cipher = new SecretCipher(key);
  const project = '0d9e6a52-5b0c-4f6e-8a1f-7a1f0d9e6a52';

  it('seals a secret so that the text holds no trace of it, and opens it again', () => {
    const secret = newWebhookSecret();
    const sealed = cipher.seal(secret, project);
    expect(sealed).not.toContain(secret);
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(cipher.open(sealed, project)).toBe(secret);
    expect(cipher.seal(secret, project)).not.toBe(sealed); // a fresh nonce each time
  });

  it('is AES-256-GCM that node:crypto itself opens, with the project id as associated data', () => {
    const [, iv, tag, data] = cipher.seal('s3cret-value', project).split('.');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(project));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    expect(Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString()).toBe(
      's3cret-value',
    );
  });

  it('refuses to open it for another project, with another key, or altered', () => {
    const sealed = cipher.seal('s3cret-value', project);
    expect(cipher.open(sealed, '11111111-1111-4111-8111-111111111111')).toBeNull();
    expect(new SecretCipher(randomBytes(32)).open(sealed, project)).toBeNull();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('another value').toString('base64url');
    expect(cipher.open(parts.join('.'), project)).toBeNull();
    expect(cipher.open('not sealed at all', project)).toBeNull();
  });

  it('makes secrets of 256 random bits that never repeat', () => {
    const secrets = new Set(Array.from({ length: 100 }, newWebhookSecret));
    expect(secrets.size).toBe(100);
    for (const s of secrets) expect(Buffer.from(s, 'base64url')).toHaveLength(32);
  });
});
