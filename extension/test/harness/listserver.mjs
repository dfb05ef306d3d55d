// A minimal update server: no deltas, and whatever snapshot bytes it is
// given, announced as the given version. The tampered-snapshot test makes
// it lie; the trusted-key test serves an honest list signed by another key.
import http from 'node:http';

export async function startListServer({ snapshot, version }) {
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url);
    if (req.url.includes('/delta')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'delta_unavailable', message: 'fetch the snapshot' }));
    } else if (req.url.endsWith('/snapshot')) {
      res.writeHead(200, { 'content-type': 'application/vnd.redflag.snapshot', 'x-redflag-version': String(version), etag: '"tampered"' });
      res.end(Buffer.from(snapshot));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${server.address().port}`;
  return { url: `http://${addr}`, addr, hits, close: () => new Promise((r) => server.close(r)) };
}
