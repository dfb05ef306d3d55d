// Measures the checker in Chromium's Manifest V3 service worker: time from
// the worker's start to `ready` (embedded default list) and to a 1M-entry
// list loaded from IndexedDB, each over fresh browser starts, and the
// per-URL cost of check and checkMany (batches of 1,000) on that list
// (of the compared checkers too, each an extension in the same browser).
//
//   node wasm/bench/chromium.mjs DATADIR [RUNS]
//
// DATADIR is what wasm/bench/gen wrote. Prints one JSON object.
// RF_CHECKER_DIR takes the checker from another folder than
// extension/checker; RF_COMPARE=NAME=DIR,... measures the start-ups of
// other checkers too (the module before pre-initialization, an earlier
// commit's checker), each browser start of each interleaved with the
// others'; RF_EMBEDDED_ONLY=1 measures only the start-ups with the
// embedded list, RF_PER_URL_ONLY=1 only the per-URL costs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { benchExtension } from './benchext.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(repo, 'extension/package.json'));
const { chromium } = require('playwright-core');

const [dataDir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redflag-sw-bench-'));

// One extension per checker, each with two browser profiles: one whose
// starts read the module from its Cache Storage copy, and one whose copy
// is deleted after each start, so that every start reads the module from
// the package, as the first start after an install or update does.
function variant(name, checkerDir) {
  const ext = benchExtension(path.join(tmp, name, 'ext'), { name, checkerDir, dataDir, data: ['list.snap', 'list.pub', 'urls.txt'] });
  return { name, ext, profile: path.join(tmp, name, 'profile'), packageProfile: path.join(tmp, name, 'profile-package'), embedded: [], embeddedFromPackage: [], installs: [] };
}
const shipped = variant('shipped', path.resolve(process.env.RF_CHECKER_DIR ?? path.join(repo, 'extension/checker')));
const others = (process.env.RF_COMPARE ?? '').split(',').filter(Boolean).map((kv) => variant(...kv.split('=')));

async function withBrowser(v, fn, profileDir = v.profile) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: false,
    args: [
      '--headless=new', `--disable-extensions-except=${v.ext}`, `--load-extension=${v.ext}`, '--no-sandbox',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
  try {
    const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 120000 }));
    return await fn(sw);
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const out = { runs, chromium: '', embedded: shipped.embedded, embeddedFromPackage: shipped.embeddedFromPackage, stored: [] };

// Starts with the embedded default list; the first start is the install.
const perURLOnly = Boolean(process.env.RF_PER_URL_ONLY);
for (let i = 0; i <= runs && !perURLOnly; i++) {
  for (const v of [shipped, ...others]) {
    const r = await withBrowser(v, async (sw) => {
      if (!out.chromium) out.chromium = await sw.evaluate(() => navigator.userAgent);
      const started = await sw.evaluate(() => globalThis.startup);
      // A worker lives on after its start (30 s at least); this one is
      // closed at once, so first wait for its module copy to be kept.
      await sw.evaluate(async () => {
        for (let t = 0; t < 100 && (await (await caches.open('redflag-checker')).keys()).length === 0; t++) await new Promise((r) => setTimeout(r, 50));
      });
      return started;
    });
    (i === 0 ? (v.install = r) : v.embedded.push(r));
    const p = await withBrowser(v, async (sw) => {
      const started = await sw.evaluate(() => globalThis.startup);
      await sw.evaluate(() => caches.delete('redflag-checker'));
      return started;
    }, v.packageProfile);
    if (i > 0) v.embeddedFromPackage.push(p);
    // The first start after an install, again, in a profile of its own.
    if (i > 0) v.installs.push(await withBrowser(v, (sw) => sw.evaluate(() => globalThis.startup), path.join(tmp, v.name, `profile-install-${i}`)));
  }
}
out.install = shipped.install;
out.installs = shipped.installs;
const startSummary = (v) => (perURLOnly ? {} : {
  readyMsEmbedded: median(v.embedded.map((r) => r.readyMs)),
  readyMsEmbeddedFromPackage: median(v.embeddedFromPackage.map((r) => r.readyMs)),
  readyMsInstall: median([v.install, ...v.installs].map((r) => r.readyMs)),
});
out.compare = Object.fromEntries(others.map((v) => [v.name, { install: v.install, installs: v.installs, embedded: v.embedded, embeddedFromPackage: v.embeddedFromPackage, summary: startSummary(v) }]));

if (process.env.RF_EMBEDDED_ONLY) {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(JSON.stringify({ ...out, summary: startSummary(shipped) }));
  process.exit(0);
}

// Per-URL cost on the 1M list: every checker in one browser, each its own
// extension, their rounds interleaved; the shipped one also stores the
// list for the next starts.
async function withAll(vs, fn) {
  const exts = vs.map((v) => v.ext).join(',');
  // The shipped checker's profile: the list it stores is there for the
  // starts measured next.
  const context = await chromium.launchPersistentContext(shipped.profile, {
    executablePath: '/usr/bin/chromium',
    headless: false,
    args: ['--headless=new', `--disable-extensions-except=${exts}`, `--load-extension=${exts}`, '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    for (let t = 0; context.serviceWorkers().length < vs.length; t++) {
      if (t === 1200) throw new Error('service workers did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const byName = {};
    for (const sw of context.serviceWorkers()) byName[await sw.evaluate(() => chrome.runtime.getManifest().description)] = sw;
    return await fn(vs.map((v) => byName[v.name]));
  } finally {
    await context.close();
  }
}
const all = [shipped, ...others.filter((v) => v.name !== 'unslimmed')];
const perURL = await withAll(all, async (sws) => {
  const loaded = [];
  for (const [i, sw] of sws.entries()) {
    loaded.push(
      await sw.evaluate(async (keep) => {
        const get = (f) => fetch(`./data/${f}`);
        const bytes = new Uint8Array(await (await get('list.snap')).arrayBuffer());
        const keys = [(await (await get('list.pub')).text()).trim()];
        globalThis.urls = (await (await get('urls.txt')).text()).trim().split('\n').slice(0, 20000);
        const k = await checker.addTrustedKeys(keys);
        const t = performance.now();
        const r = await checker.load(bytes);
        const loadMs = performance.now() - t;
        if (!k.ok || !r.ok) throw new Error(`load: ${k.error || r.error}`);
        if (keep) await store('list', { bytes, keys });
        return loadMs;
      }, i === 0),
    );
  }
  const per = sws.map(() => ({ single: [], batch: [], verdictOnly: [], batchNoLookAlikes: [] }));
  for (const sw of sws) await sw.evaluate(() => measure(globalThis.urls, 1)); // untimed, as a warm-up
  // A round takes about a second per checker and varies by a quarter
  // from round to round on a shared machine: three times the rounds.
  for (let r = 0; r < 3 * runs; r++) {
    for (let j = 0; j < sws.length; j++) {
      const i = (j + r) % sws.length;
      const m = await sws[i].evaluate(() => measure(globalThis.urls, 1));
      for (const k of ['single', 'batch', 'verdictOnly', 'batchNoLookAlikes']) per[i][k].push(...(m[k] ?? []));
      per[i].listed = m.listed;
    }
  }
  return per.map((p, i) => ({ loadMs: loaded[i], ...p }));
});
out.perURL = perURL[0];
all.slice(1).forEach((v, i) => (out.compare[v.name].perURL = perURL[i + 1]));

for (let i = 0; i < runs && !perURLOnly; i++) out.stored.push(await withBrowser(shipped, (sw) => sw.evaluate(() => globalThis.startup)));
fs.rmSync(tmp, { recursive: true, force: true });

out.summary = {
  ...startSummary(shipped),
  readyMsStored1M: perURLOnly ? undefined : median(out.stored.map((r) => r.loadedMs)),
  checkNsPerURL: median(out.perURL.single),
  checkManyNsPerURL: median(out.perURL.batch),
  checkManyNoLookAlikesNsPerURL: median(out.perURL.batchNoLookAlikes),
  loadMs1M: out.perURL.loadMs,
};
console.log(JSON.stringify(out));
