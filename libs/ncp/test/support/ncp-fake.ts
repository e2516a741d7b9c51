import { signatureV2, stringToSign } from '@klepaas/ncp';
import { FakeHttpServer, type Reply } from './fake-http-server';

export const ACCESS_KEY = 'AKTESTACCESSKEY0001';
export const SECRET_KEY = 'sk-Very$ecret/Key+With=Symbols';

/** Test transport options: no real waiting between retries. */
export const NO_WAIT = { sleep: async () => undefined, retry: { attempts: 3, baseDelayMs: 1 } };

/**
 * An NCP stand-in that checks signature v2 on every request exactly as received on the wire
 * (path with prefix and raw query), answering 401 / errorCode 200 like the gateway when it is wrong.
 */
export async function startNcpFake(): Promise<FakeHttpServer> {
  const fake = await FakeHttpServer.start();
  return fake.before((req): Reply | undefined => {
    const timestamp = String(req.headers['x-ncp-apigw-timestamp'] ?? '');
    const expected = signatureV2(SECRET_KEY, stringToSign(req.method, req.target, timestamp, ACCESS_KEY));
    const ok =
      req.headers['x-ncp-iam-access-key'] === ACCESS_KEY &&
      req.headers['x-ncp-apigw-signature-v2'] === expected &&
      /^\d{13}$/.test(timestamp);
    return ok
      ? undefined
      : {
          status: 401,
          json: {
            error: {
              errorCode: '200',
              message: 'Authentication Failed',
              details: 'Invalid authentication information.',
            },
          },
        };
  });
}

export const ok = (result: unknown): Reply => ({ status: 200, json: { result } });
