// The ceiling the gateway is compared with: a bare Node HTTP server that reads the body,
// checks the HMAC in constant time, and answers 202. No parsing, no storage.
const http = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');

const [port, secret] = process.argv.slice(2);
http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = createHmac('sha256', secret).update(body).digest();
      const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? '').replace(/^sha256=/, ''), 'hex');
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"status":"accepted"}' : '{"statusCode":401}');
    });
  })
  .listen(Number(port), '127.0.0.1');
http.createServer((_req, res) => res.end('ok')).listen(Number(port) + 1, '127.0.0.1');
