// Signed calls to the sandbox's NCP APIs (signature v2, docs/ncp.md), for the few a benchmark
// makes itself: plain JS, so not through libs/ncp.
const { createHmac } = require('node:crypto');

/**
 * `base` is a service's endpoint with its prefix (`http://127.0.0.1:4000/ncp/sourcecommit`);
 * `path` starts at `/api/v1`. Returns the unwrapped `result`.
 */
async function ncpCall(base, method, path, body, { accessKey, secretKey }) {
  const url = new URL(`${base.replace(/\/+$/, '')}${path}`);
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', secretKey)
    .update(`${method} ${url.pathname}${url.search}\n${timestamp}\n${accessKey}`)
    .digest('base64');
  const res = await fetch(url, {
    method,
    headers: {
      'x-ncp-apigw-timestamp': timestamp,
      'x-ncp-iam-access-key': accessKey,
      'x-ncp-apigw-signature-v2': signature,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url.pathname}: ${res.status} ${text}`);
  const parsed = text ? JSON.parse(text) : null;
  return parsed && typeof parsed === 'object' && 'result' in parsed ? parsed.result : parsed;
}

module.exports = { ncpCall };
