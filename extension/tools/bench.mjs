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
//     request until its verdict.
// Prints medians of RUNS runs as JSON. Nothing here asserts: it measures.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { startNetwork } from '../test/harness/network.mjs';
import { launch } from '../test/harness/browser.mjs';
import { controlPage, gotoWarning } from '../test/harness/extension.mjs';
import { deployByPolicy, policyWritable } from '../test/harness/policy.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const bigList = process.argv[2];

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
    rows.push({ moduleStart: t.startedAt, checkerReady: t.checkerReady, ready: t.ready, firstVerdict: t.firstVerdict, storedReadMs: t.storedRead ? t.storedRead - t.startedAt : 0, storedLoadMs: t.storedLoaded ? t.storedLoaded - Math.max(t.storedRead, t.checkerReady) : 0, warningShownMs: shown, entries: s.list.entries });
    await page.close();
  }
  const out = { label, runs: RUNS, entries: rows[0].entries };
  for (const k of ["moduleStart", "checkerReady", "ready", "firstVerdict", "storedReadMs", "storedLoadMs", "warningShownMs"]) out[k] = median(rows.map((r) => r[k]));
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

const net = await startNetwork();
const results = {};
try {
  // Baseline: the same browser without the extension.
  const plain = await launch({ proxy: net.proxy, extensionDir: null });
  await loadTimes(plain.context, 'http://warmup.example/', 3);
  const without = await loadTimes(plain.context, 'http://clean-site.example/page', 20);
  await plain.close();

  const b = await launch({ proxy: net.proxy });
  const ctl = await controlPage(b);
  await ctl.setSettings({ updateUrl: '' }); // no update server: nothing but the pages
  await ctl.ready(120000);

  const only = process.env.BENCH; // e.g. BENCH=scan to run one part
  if (!only || only === 'cold') results.coldStartEmbedded = await coldVerdicts(b, ctl, 'embedded default list');
  if (only === 'scan') {
    results.scan5000Links = await scanBench(b, ctl, 5000, { emails: false });
    results.scan5000 = await scanBench(b, ctl, 5000);
    console.log(JSON.stringify(results, null, 2));
    await b.close();
    await net.close();
    process.exit(0);
  }

  results.navigation = await navigationBench(b, ctl, 'warm', without);

  results.scan5000Links = await scanBench(b, ctl, 5000, { emails: false });
  results.scan5000 = await scanBench(b, ctl, 5000);

  if (bigList) {
    // Install the large list the way an update does, from a plain file
    // server, then measure cold starts with it stored.
    const bytes = readFileSync(bigList);
    const files = http.createServer((req, res) => {
      if (req.url.includes('/delta')) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"delta_unavailable"}');
      res.writeHead(200, { 'content-type': 'application/vnd.redflag.snapshot' }).end(bytes);
    });
    await new Promise((r) => files.listen(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${files.address().port}`;
    net.forward(addr);
    await ctl.setSettings({ updateUrl: `http://${addr}` });
    const t0 = Date.now();
    const u = await ctl.ask({ type: 'updateNow' });
    results.install1M = { ms: Date.now() - t0, bytes: bytes.length, result: u.status.lastResult, error: u.status.lastError };
    await ctl.setSettings({ updateUrl: '' });
    files.close();
    results.coldStartStored1M = await coldVerdicts(b, ctl, `stored list, ${bytes.length} bytes`);
    results.scan5000With1M = await scanBench(b, ctl, 5000);
  }
  await b.close();

  if (policyWritable()) {
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
