// The browser's whole network during a test: one HTTP server on 127.0.0.1
// that Chromium uses as its proxy (--proxy-server, with loopback not
// bypassed), so it sees every request the browser makes, the extension's
// included. It serves the test sites itself, whatever their host name (no
// request leaves the machine), forwards requests for registered loopback
// ports (the update servers) to them, and refuses everything else, HTTPS
// tunnels included, except to the HSTS-preloaded hosts in TLS_HOSTS, whose
// tunnels it ends itself with a certificate made for the run (the test
// browser ignores certificate errors). Every request is logged.
import http from 'node:http';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Hosts a browser reaches over HTTPS only (preloaded HSTS), served here.
export const TLS_HOSTS = ['mail.google.com', 'outlook.office.com'];

// fixture is a file of test/fixtures, read once.
const fixtures = new Map();
function fixture(name) {
  if (!fixtures.has(name)) fixtures.set(name, readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
  return fixtures.get(name);
}

function escapeHTML(s) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

// sitePage answers a test site request by host and path.
function sitePage(host, path) {
  const h = host.replace(/:\d+$/, '');
  if (path.startsWith('/jobs')) return { type: 'text/html', body: fixture('jobboard.html') };
  if (path.startsWith('/candidates')) return { type: 'text/html', body: fixture('candidates.html') }; // names resembling listed ones
  if (path.startsWith('/people/')) return { type: 'text/html', body: fixture('greenhouse.html') }; // an ATS's candidate profile
  if (path.startsWith('/mail/')) return { type: 'text/html', body: fixture(h === 'outlook.office.com' ? 'outlook.html' : 'gmail.html') }; // a webmail message
  if (path.startsWith('/many-links')) {
    const q = new URL(path, 'http://x').searchParams;
    return { type: 'text/html', body: manyLinks(Number(q.get('n') ?? 5000), { emails: q.get('emails') !== '0' }) };
  }
  if (path === '/article' || path.startsWith('/article?') || path.startsWith('/article/')) return articlePage(path);
  if (path === '/favicon.ico') return { status: 404, type: 'text/plain', body: 'none' };
  if (path.startsWith('/wait-then-go?')) {
    // A page left alone for ms, then going to `to`: idle time with no
    // DevTools client talking to the browser. A fetch of `beacon` first
    // tells the log that the time is up.
    const q = new URL(path, 'http://x').searchParams;
    const js = (v) => JSON.stringify(v).replace(/</g, '\\u003c');
    return { type: 'text/html', body: `<!doctype html><title>waiting</title><script>setTimeout(() => { fetch(${js(q.get('beacon'))}, { mode: 'no-cors' }).finally(() => { location.href = ${js(q.get('to'))}; }); }, ${Number(q.get('ms'))});</script>` };
  }
  if (path.startsWith('/go?to=')) {
    const to = decodeURIComponent(path.slice('/go?to='.length));
    return { status: 302, headers: { location: to }, type: 'text/plain', body: `to ${to}` };
  }
  return {
    type: 'text/html',
    body: `<!doctype html><title>${escapeHTML(h)}</title><h1 id="site">Welcome to ${escapeHTML(h)}</h1><p id="path">${escapeHTML(path)}</p>`,
  };
}

// TIMING_REPORT, added to an HTML page asked for with ?timing, has the page
// tell its own load time (start to load event) to the network, as
// /__timing?ms=…: timing read with no DevTools client attached to the page
// (cleanload.test.mjs).
const TIMING_REPORT = `<script>addEventListener('load', () => setTimeout(() => {
  const e = performance.getEntriesByType('navigation')[0];
  fetch('/__timing?ms=' + (e.loadEventEnd - e.startTime).toFixed(2), { keepalive: true, cache: 'no-store' });
}));</script>`;

// A page shaped like a real one (a job posting: HTML, a style sheet, a
// deferred script, four images), every response after ARTICLE_SERVER_MS
// as from a nearby server: what a clean page's load is made of, beside the
// bare page above that costs the browser next to nothing.
const ARTICLE_SERVER_MS = 20;
const ARTICLE_TYPES = { html: 'text/html', css: 'text/css', js: 'text/javascript', svg: 'image/svg+xml' };
function articlePage(path) {
  const file = path.startsWith('/article/') ? path.slice('/article/'.length).split('?')[0] : 'index.html';
  const type = ARTICLE_TYPES[file.split('.').pop()];
  if (!/^[a-z]+\.[a-z]+$/.test(file) || !type) return { status: 404, type: 'text/plain', body: 'none', delayMs: ARTICLE_SERVER_MS };
  return { type, body: fixture(`article/${file}`), delayMs: ARTICLE_SERVER_MS };
}

// manyLinks is a job board's search page with n job links, every 500th to
// a listed domain, each with an email address in its text unless emails is
// false.
export function manyLinks(n, { emails = true } = {}) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const listed = i % 500 === 499;
    const host = listed ? `jobs${i}.silverstarchina.com` : `company${i}.example.com`;
    const contact = emails ? `, contact hr${i}@company${i}.example.com` : ', apply today';
    rows.push(`<li><a href="https://${host}/apply/${i}">Senior engineer #${i}</a> at <span>Company ${i}</span>${contact}</li>`);
  }
  return `<!doctype html><meta charset="utf-8"><title>Jobs</title><h1>${n} jobs</h1><ul>${rows.join('')}</ul>`;
}

export async function startNetwork() {
  const log = [];
  const upstreams = new Set(); // "127.0.0.1:PORT" forwarded as is

  const handle = (scheme) => (req, res) => {
    let url;
    try {
      url = new URL(req.url); // absolute form: the browser talks to a proxy
    } catch {
      url = new URL(req.url, `${scheme}://${req.headers.host}`); // inside a tunnel
    }
    const entry = { method: req.method, url: url.href, host: url.host, path: url.pathname + url.search, headers: req.headers, at: Date.now() };
    log.push(entry);
    if (upstreams.has(url.host)) {
      const up = http.request({ host: url.hostname, port: url.port, method: req.method, path: entry.path, headers: req.headers }, (r) => {
        entry.status = r.statusCode;
        res.writeHead(r.statusCode, r.headers);
        r.on('error', () => res.destroy()); // the upstream reset mid-body: so does the browser's response
        r.pipe(res);
      });
      up.on('error', (e) => {
        if (res.headersSent) return res.destroy();
        entry.status = 502;
        res.writeHead(502).end(String(e));
      });
      req.pipe(up);
      return;
    }
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') {
      entry.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' }).end('no such upstream in this test');
      return;
    }
    const page = sitePage(url.host, entry.path);
    entry.status = page.status ?? 200;
    if (url.searchParams.has('timing') && page.type === 'text/html') page.body += TIMING_REPORT;
    const answer = () => {
      res.writeHead(entry.status, { 'content-type': `${page.type}; charset=utf-8`, 'cache-control': 'no-store', ...page.headers });
      res.end(page.body);
    };
    if (page.delayMs) setTimeout(answer, page.delayMs);
    else answer();
  };
  const server = http.createServer(handle('http'));
  const tls = https.createServer(testCertificate(TLS_HOSTS), handle('https'));
  server.on('connect', (req, socket) => {
    // The server lets go of a tunnel's socket, error listener included: a
    // browser that resets it (after a 403, or closing a tab) must not
    // crash the test with an unhandled ECONNRESET.
    socket.on('error', () => {});
    if (TLS_HOSTS.includes(req.url.replace(/:443$/, ''))) {
      log.push({ method: 'CONNECT', url: `https://${req.url}/`, host: req.url, path: '', headers: req.headers, at: Date.now(), status: 200 });
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      tls.emit('connection', socket);
      return;
    }
    log.push({ method: 'CONNECT', url: `https://${req.url}/`, host: req.url, path: '', headers: req.headers, at: Date.now(), status: 403 });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    proxy: `http://127.0.0.1:${port}`,
    log,
    forward(hostPort) { upstreams.add(hostPort); },
    close() {
      tls.closeAllConnections();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// testCertificate makes a self-signed certificate for hosts with openssl.
function testCertificate(hosts) {
  const dir = mkdtempSync(join(tmpdir(), 'redflag-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=RedFlag test network', '-addext', `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
