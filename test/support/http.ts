import { request } from 'undici';
import { mintToken } from '@klepaas/auth';
import { TEST_SECRETS } from './services';

export function tokenFor(userId: string, roles: string[] = []): string {
  return mintToken(TEST_SECRETS.jwt, { userId, roles });
}

export async function getJson(url: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

export async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

export async function sendJson(
  method: 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const res = await request(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}
