import type { IncomingMessage } from 'node:http';
import { SETUP_CALLBACK_PATH } from './app-manifest';

const CODE = Symbol('github-app-manifest-code');

/**
 * The callback's `code` can be exchanged for the App's private key within the hour, so it must
 * not reach the request log: taken out of the URL before anything else sees the request (as the
 * event stream's query token is), and kept on the request for the callback alone.
 */
export function takeManifestCode(req: IncomingMessage): void {
  const url = req.url ?? '';
  const start = url.indexOf('?');
  if (start < 0 || !isCallbackPath(url.slice(0, start))) return;
  const params = new URLSearchParams(url.slice(start + 1));
  const code = params.get('code');
  params.delete('code');
  const rest = params.toString();
  req.url = rest ? `${SETUP_CALLBACK_PATH}?${rest}` : SETUP_CALLBACK_PATH;
  if (code) (req as IncomingMessage & { [CODE]?: string })[CODE] = code;
}

export function manifestCode(req: IncomingMessage): string | undefined {
  return (req as IncomingMessage & { [CODE]?: string })[CODE];
}

/** As Express routes it: case-insensitive, a trailing slash optional (so no variant keeps the code in the URL). */
function isCallbackPath(path: string): boolean {
  return path.toLowerCase().replace(/\/+$/, '') === SETUP_CALLBACK_PATH.toLowerCase();
}
