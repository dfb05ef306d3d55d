// Measures the extension in Chromium (make bench-extension):
//  1. service-worker start → first verdict, with the embedded list and
//     with a large stored list (the snapshot file given as argument): the
//     worker is stopped, then a navigation to a listed site wakes it;
//  2. the delay a navigation sees: a clean page's load with and without
//     the extension, the check's own time, and how long a listed site
//     takes to be replaced by the warning;
//  3. scanning and marking a job-board page of 5,000 links, without and
//     with an email address beside each;
//  4. where this run may set Chromium's policy (root), 1 and 2 again for
//     the managed build installed by policy, which holds each top-level
//     request until its verdict;
//  5. with a large list given, 1 again with a million entries stored as a
//     FOLLOWED list next to the embedded default list (settings.lists),
//     each in a fresh browser: a company's list (wasm/bench/gen's
//     company.snap: 1,000,000 entries, no names in clear, its own key),
//     and the given snapshot itself followed from a second publisher (the
//     same bytes as the stored default list of 1).
// Prints medians of RUNS runs as JSON. Nothing here asserts: it measures.
// BENCH=scan runs only 3; BENCH=stored only 1 (embedded and large list)
// and 5.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { startNetwork } from '../test/harness/network.mjs';
import { launch } from '../test/harness/browser.mjs';
import { controlPage, gotoWarning } from '../test/harness/extension.mjs';
import { deployByPolicy, policyWritable } from '../test/harness/policy.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const bigList = process.argv[2];
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FOLLOWED_ENTRIES = 1_000_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Number(((s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2).toFixed(2)) : null;
};
const round = (x) => Number(x.toFixed(2));

// coldVerdicts: stop the worker, navigate to a listed site, read when the
// new worker answered its first check (ms since the worker's start).
async function coldVerdicts(b, ctl, label, prefix = 'run') {
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    // The tab exists first: opening one is a navigation (about:blank) and
    // would wake the worker before the navigation measured here.
    const page = await b.context.newPage();
    await ctl.stopWorker();
    const t0 = Date.now();
    await gotoWarning(page, `http://${prefix}${i}.silverstarchina.com/`);
    const shown = Date.now() - t0;
    const s = await ctl.status();
    const t = s.timings.start;
    // followedLoadMs: the followed lists read from IndexedDB and loaded,
    // one after the other, once the checker is ready (list.js followNow).
    rows.push({ moduleStart: t.startedAt, checkerReady: t.checkerReady, ready: t.ready, firstVerdict: t.firstVerdict, storedReadMs: t.storedRead ? t.storedRead - t.startedAt : 0, storedLoadMs: t.storedLoaded ? t.storedLoaded - Math.max(t.storedRead, t.checkerReady) : 0, followedLoadMs: t.followedLoaded ? t.followedLoaded - t.checkerReady : 0, warningShownMs: shown, entries: s.list.entries, followedEntries: s.lists.map((l) => l.info?.entries ?? 0) });
    await page.close();
  }
  const out = { label, runs: RUNS, entries: rows[0].entries, followedEntries: rows[0].followedEntries };
  for (const k of ["moduleStart", "checkerReady", "ready", "firstVerdict", "storedReadMs", "storedLoadMs", "followedLoadMs", "warningShownMs"]) out[k] = median(rows.map((r) => r[k]));
  out.firstVerdictAll = rows.map((r) => round(r.firstVerdict));
  out.listedRequestsReachedSite = `${reachedSite(prefix)} of ${RUNS}`;
  return out;
}

// reachedSite counts the listed sites named prefix<i>… that received
// their page's request.
function reachedSite(prefix) {
  const named = new RegExp(`^${prefix}\\d+\\.`);
  return net.log.filter((e) => named.test(e.host) && e.path === '/').length;
}

// navigationBench: clean page loads with the extension against without
// (the baseline), the check's time in the worker, and listed sites (named
// prefix<i>…) with the worker running: time until the warning shows, and
// how many of their requests got out first.
async function navigationBench(b, ctl, prefix, without) {
  await loadTimes(b.context, 'http://warmup.example/', 3);
  const withExt = await loadTimes(b.context, 'http://clean-site.example/page', 20);
  const checks = (await ctl.status()).timings.navigation.checkMs.slice(-20);
  const warm = [];
  const page = await b.context.newPage();
  for (let i = 0; i < RUNS; i++) {
    const t0 = Date.now();
    await gotoWarning(page, `http://${prefix}${i}.cloudfox.cloud/`);
    warm.push(Date.now() - t0);
  }
  await page.close();
  return {
    cleanLoadMsWithout: median(without),
    cleanLoadMsWith: median(withExt),
    ratio: round(median(withExt) / median(without)),
    checkMsInWorker: median(checks),
    warningShownMsWarm: median(warm),
    listedRequestsReachedSite: `${reachedSite(prefix)} of ${RUNS}`,
  };
}

async function loadTimes(context, url, n) {
  const page = await context.newPage();
  const xs = [];
  for (let i = 0; i < n; i++) {
    await page.goto(`${url}?i=${i}`);
    xs.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
  }
  await page.close();
  return xs;
}

// scanBench loads a job board of n links (with an email beside each unless
// emails is false) RUNS times and reads the content script's own timings.
async function scanBench(b, ctl, n, { emails = true } = {}) {
  const page = await b.context.newPage();
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`http://www.linkedin.com/many-links?n=${n}&emails=${emails ? 1 : 0}&run=${i}`);
    await page.waitForFunction((want) => document.querySelectorAll('.redflag-badge').length >= want, n / 500, { timeout: 60000 });
    const s = await ctl.lastBigScan();
    rows.push({ targets: s.targets, collectMs: s.collectMs, linksMs: s.linksMs, proseMs: s.proseMs, sendMs: s.sendMs, answerMarkMs: s.answerMarkMs, checkMs: s.checkMs, scriptMs: s.collectMs + s.markMs + s.sendMs + s.answerMarkMs, doneMs: s.doneMs, marked: await page.locator('.redflag-badge').count() });
  }
  await page.close();
  const out = { links: n, emails: emails ? n : 0, runs: RUNS, targets: rows[0].targets, marked: rows[0].marked };
  for (const k of ['collectMs', 'linksMs', 'proseMs', 'sendMs', 'answerMarkMs', 'scriptMs', 'checkMs', 'doneMs']) out[k] = median(rows.map((r) => r[k]));
  out.scriptMsAll = rows.map((r) => round(r.scriptMs));
  return out;
}

// serveList answers as a publisher's public API does for list name: its
// snapshot at /v1/lists/NAME/snapshot, no delta (404), from 127.0.0.1,
// reachable from the test browser.
async function serveList(name, bytes) {
  const server = http.createServer((req, res) => {
    if (req.url === `/v1/lists/${name}/snapshot`) return res.writeHead(200, { 'content-type': 'application/vnd.redflag.snapshot' }).end(bytes);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: req.url.includes('/delta') ? 'delta_unavailable' : 'not_found' }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${server.address().port}`;
  net.forward(addr);
  return { url: `http://${addr}`, close: () => { server.close(); server.closeAllConnections(); } };
}

// until polls the extension's status until ok(status) holds.
async function until(ctl, what, ok, timeoutMs = 120000) {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const s = await ctl.status().catch(() => undefined);
    if (s?.ok && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms: ${JSON.stringify(s?.lists ?? s)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// followedColdStart follows, in a fresh browser, list name from a local
// publisher serving bytes (signed by key, holding entries entries) next
// to the embedded default list; installs it by an update, then measures
// cold starts with it stored.
async function followedColdStart({ name, bytes, key, entries, label, prefix }) {
  const fb = await launch({ proxy: net.proxy });
  const server = await serveList(name, bytes);
  try {
    const fctl = await controlPage(fb);
    await fctl.setSettings({ updateUrl: '', lists: [{ url: server.url, list: name, keys: [key], title: `${name} (bench)` }] });
    await fctl.ready(120000);
    await until(fctl, 'list followed', (s) => s.lists.length === 1);
    const t0 = Date.now();
    await fctl.ask({ type: 'updateNow' });
    const s = await until(fctl, `${entries} entries in the followed list`, (x) => x.lists[0].info?.entries === entries);
    const install = { ms: Date.now() - t0, bytes: bytes.length, result: s.lists[0].update.lastResult, error: s.lists[0].update.lastError };
    server.close(); // no update during the cold starts
    return { ...(await coldVerdicts(fb, fctl, label, prefix)), install };
  } finally {
    server.close();
    await fb.close();
  }
}

// defaultListKey is the key the build trusts for the default list
// (lists/data/embedded/trusted.pub), which signed the large list given
// (synthlist --key, the development key), as ed25519:BASE64.
function defaultListKey() {
  const pem = readFileSync(join(REPO, 'lists/data/embedded/trusted.pub'), 'utf8');
  return `ed25519:${createPublicKey(pem).export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64')}`;
}

const net = await startNetwork();
const results = {};
try {
  const only = process.env.BENCH; // e.g. BENCH=scan to run one part
  // Baseline: the same browser without the extension.
  let without = [];
  if (only !== 'stored') {
    const plain = await launch({ proxy: net.proxy, extensionDir: null });
    await loadTimes(plain.context, 'http://warmup.example/', 3);
    without = await loadTimes(plain.context, 'http://clean-site.example/page', 20);
    await plain.close();
  }

  const b = await launch({ proxy: net.proxy });
  const ctl = await controlPage(b);
  await ctl.setSettings({ updateUrl: '' }); // no update server: nothing but the pages
  await ctl.ready(120000);

  if (!only || only === 'cold' || only === 'stored') results.coldStartEmbedded = await coldVerdicts(b, ctl, 'embedded default list');
  if (only === 'scan') {
    results.scan5000Links = await scanBench(b, ctl, 5000, { emails: false });
    results.scan5000 = await scanBench(b, ctl, 5000);
    console.log(JSON.stringify(results, null, 2));
    await b.close();
    await net.close();
    process.exit(0);
  }

  if (only !== 'stored') {
    results.navigation = await navigationBench(b, ctl, 'warm', without);
    results.scan5000Links = await scanBench(b, ctl, 5000, { emails: false });
    results.scan5000 = await scanBench(b, ctl, 5000);
  }

  if (bigList) {
    // Install the large list the way an update does, from a plain file
    // server, then measure cold starts with it stored.
    const bytes = readFileSync(bigList);
    const files = await serveList('default', bytes);
    await ctl.setSettings({ updateUrl: files.url });
    const t0 = Date.now();
    const u = await ctl.ask({ type: 'updateNow' });
    results.install1M = { ms: Date.now() - t0, bytes: bytes.length, result: u.status.lastResult, error: u.status.lastError };
    await ctl.setSettings({ updateUrl: '' });
    files.close();
    results.coldStartStored1M = await coldVerdicts(b, ctl, `stored list, ${bytes.length} bytes`);
    if (only !== 'stored') results.scan5000With1M = await scanBench(b, ctl, 5000);
  }
  await b.close();

  if (bigList) {
    // A million entries followed next to the default list, each in a
    // fresh browser: a company's list (no names in clear), and the large
    // list's own bytes (the same as the stored default list above).
    const gen = mkdtempSync(join(tmpdir(), 'redflag-company-'));
    try {
      execFileSync(process.env.GO ?? 'go', ['run', './wasm/bench/gen', '-entries', String(FOLLOWED_ENTRIES), '-urls', '1', '-out', gen], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
      results.coldStartFollowedCompany1M = await followedColdStart({
        name: 'company',
        bytes: readFileSync(join(gen, 'company.snap')),
        key: readFileSync(join(gen, 'company.pub'), 'utf8').trim(),
        entries: FOLLOWED_ENTRIES,
        label: `embedded default list + a company list of ${FOLLOWED_ENTRIES} entries, followed and stored`,
        prefix: 'company',
      });
    } finally {
      rmSync(gen, { recursive: true, force: true });
    }
    const bytes = readFileSync(bigList);
    results.coldStartFollowedSame1M = await followedColdStart({
      name: 'default',
      bytes,
      key: defaultListKey(),
      entries: results.coldStartStored1M.entries,
      label: `embedded default list + the stored list's ${bytes.length} bytes, followed from a second publisher`,
      prefix: 'same',
    });
    const against = (r) => ({ firstVerdict: round(r.firstVerdict / results.coldStartStored1M.firstVerdict), ready: round(r.ready / results.coldStartStored1M.ready) });
    results.followedAgainstStoredDefault = {
      company: against(results.coldStartFollowedCompany1M),
      sameBytes: against(results.coldStartFollowedSame1M),
    };
  }

  if (only === 'stored') {
    // the stored lists only
  } else if (policyWritable()) {
    const deployment = await deployByPolicy({ extensionPolicy: { updateUrl: '' } });
    try {
      net.forward(deployment.addr);
      const m = await launch({ proxy: net.proxy, byPolicy: true });
      const mctl = await controlPage(m);
      await mctl.ready(120000);
      results.managed = {
        requestsHeld: (await mctl.status()).timings.navigation.requestsHeld,
        navigation: await navigationBench(m, mctl, 'held', without),
        coldStartEmbedded: await coldVerdicts(m, mctl, 'managed build, embedded default list', 'coldheld'),
      };
      await m.close();
    } finally {
      await deployment.close();
    }
  } else {
    results.managed = 'not measured: Chromium policy not writable (needs root)';
  }
} finally {
  await net.close();
}
console.log(JSON.stringify(results, null, 2));
