// Benchmark service worker: imports the checker exactly as the extension
// does and records, on every start, the time from the worker's start
// (performance.now() counts from it) to the checker being ready and to its
// first verdict, and, when
// a list was stored in IndexedDB by an earlier run, to that list loaded.

import * as checker from './checker/checker.js';

const scriptStart = performance.now();

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('redflag-bench', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('kv');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function idb(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction('kv', mode);
    const req = fn(tx.objectStore('kv'));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
  });
}

globalThis.checker = checker;
globalThis.store = (key, value) => idb('readwrite', (s) => s.put(value, key));
globalThis.forget = () => idb('readwrite', (s) => s.clear());

// Start reading the stored list at once, in parallel with the module's
// start, as the extension would.
const stored = idb('readonly', (s) => s.get('list')).catch(() => undefined);

globalThis.startup = (async () => {
  const info = await checker.ready;
  const readyMs = performance.now();
  // The first verdict also compiles the checking path (the engine compiles
  // each function on its first call).
  const firstVerdict = checker.check('https://www.silverstarchina.com/careers').verdict;
  const verdictMs = performance.now();
  const list = await stored;
  if (!list) return { scriptStart, readyMs, verdictMs, firstVerdict, steps: checker.startup, version: info.version };
  const storedMs = performance.now();
  const k = await checker.addTrustedKeys(list.keys);
  const r = await checker.load(list.bytes);
  return { scriptStart, readyMs, verdictMs, firstVerdict, steps: checker.startup, storedMs, loadedMs: performance.now(), version: r.version, ok: r.ok && k.ok, error: r.error };
})();

// Per-URL cost inside the worker, on whatever list is current.
globalThis.measure = (urls, rounds) => {
  const single = [];
  const batch = [];
  const verdictOnly = [];
  const batchNoLookAlikes = []; // the baseline look-alikes are measured against
  let listed = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    listed = 0;
    for (let i = 0; i < urls.length; i++) if (checker.check(urls[i]).verdict !== 'clean') listed++;
    single.push(((performance.now() - t) * 1e6) / urls.length);
    t = performance.now();
    for (let i = 0; i < urls.length; i += 1000) checker.checkMany(urls.slice(i, i + 1000));
    batch.push(((performance.now() - t) * 1e6) / urls.length);
    t = performance.now();
    for (let i = 0; i < urls.length; i += 1000) checker.checkMany(urls.slice(i, i + 1000), { verdictOnly: true });
    verdictOnly.push(((performance.now() - t) * 1e6) / urls.length);
    t = performance.now();
    for (let i = 0; i < urls.length; i += 1000) checker.checkMany(urls.slice(i, i + 1000), { lookAlikes: false });
    batchNoLookAlikes.push(((performance.now() - t) * 1e6) / urls.length);
  }
  return { single, batch, verdictOnly, batchNoLookAlikes, listed };
};

// A listener for browser start makes Chromium start the worker with the
// browser, as the extension's own worker is started; the measurement runs
// on that start.
chrome.runtime.onStartup.addListener(() => {});
self.addEventListener('install', () => self.skipWaiting());
