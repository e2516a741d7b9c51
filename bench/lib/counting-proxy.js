// An HTTP proxy in front of the sandbox that counts requests by method and path: the sandbox
// keeps no count of the status calls it answers, so a benchmark points a service's endpoint
// here to count them. Signature v2 covers the path, not the host, so signed calls pass as is.
const http = require('node:http');

function startCountingProxy(target) {
  const upstream = new URL(target);
  const counts = new Map();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '').split('?', 1)[0]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        /** How many requests matched `method` and a path for which `test(path)` holds. */
        count(method, test) {
          let n = 0;
          for (const [key, value] of counts) {
            const [m, path] = key.split(' ');
            if (m === method && test(path)) n += value;
          }
          return n;
        },
        /** Every count so far, by `METHOD path`. */
        counts: () => new Map(counts),
        close: () =>
          new Promise((done) => {
            agent.destroy();
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

module.exports = { startCountingProxy };
