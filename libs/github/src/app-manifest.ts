import { z } from 'zod';
import { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';

/** What GitHub hands over once for an App created from a manifest. Secrets: show once, never log. */
export interface ConvertedApp {
  id: number;
  slug: string;
  name: string;
  htmlUrl: string;
  owner: string;
  /** PEM private key of the App. */
  pem: string;
  webhookSecret: string | null;
}

const conversionSchema = z.object({
  id: z.number().int().positive(),
  slug: z.string().default(''),
  name: z.string().default(''),
  html_url: z.string().default(''),
  owner: z.object({ login: z.string() }).nullish(),
  pem: z.string().min(1),
  webhook_secret: z.string().nullish(),
});

/**
 * POST /app-manifests/{code}/conversions: the one unauthenticated App call. The code is single
 * use and expires after an hour; it is never retried (a second attempt would only fail).
 */
export async function convertAppManifest(apiUrl: string, code: string, timeoutMs = 10_000): Promise<ConvertedApp> {
  const http = new GithubHttp({ apiUrl, timeoutMs, retry: { attempts: 1 } });
  try {
    const path = apiPath('POST', '/app-manifests/{code}/conversions', { code });
    const body = parseBody(conversionSchema, await http.send({ method: 'POST', path, token: null }));
    return {
      id: body.id,
      slug: body.slug,
      name: body.name,
      htmlUrl: body.html_url,
      owner: body.owner?.login ?? '',
      pem: body.pem,
      webhookSecret: body.webhook_secret ?? null,
    };
  } finally {
    await http.close();
  }
}
