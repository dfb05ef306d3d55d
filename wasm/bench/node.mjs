// Per-URL cost in Node, side by side on one list and one URL stream:
//   - checker.check, one call per URL, and checker.checkMany in batches of
//     1,000 (full canonicalization, every expression, exact confirmation,
//     the whole answer), and checkMany with { verdictOnly: true };
//   - npm bloom-filters (a popular pure-JavaScript Bloom filter) holding
//     the same entries, behind `new URL` parsing, probing the host and its
//     parent domains plus the first path segment on hosts that carry
//     URL-prefix entries: a verdict with no canonicalization, no
//     provenance, and Bloom false positives reported as listed;
//   - the same probes against a JavaScript Set (exact, but the whole list
//     as strings in the heap).
//
//   node wasm/bench/node.mjs DATADIR [URLS] [ROUNDS]
//
// Prints one JSON object: per-round nanoseconds per URL, start-up times.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(repo, 'extension/package.json'));

const [dir, nURLs = '20000', roundsArg = '5'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const read = (f) => fs.readFileSync(path.join(dir, f));
const urls = read('urls.txt').toString().trim().split('\n').slice(0, Number(nURLs));
const out = { urls: urls.length, rounds };

const t0 = performance.now();
const checker = await import('../../extension/checker/checker.js');
await checker.ready;
out.readyMs = performance.now() - t0;
out.startup = checker.startup;
const k = await checker.addTrustedKeys([read('list.pub').toString().trim()]);
let t = performance.now();
const loaded = await checker.load(read('list.snap'));
out.loadMs = performance.now() - t;
if (!k.ok || !loaded.ok) throw new Error(`load: ${k.error || loaded.error}`);

// Every contender runs once per round, round after round, so that a change
// in the machine's load hits them all alike.
const contenders = [];
function time(fn) {
  const c = { fn, per: [], result: undefined };
  contenders.push(c);
  return c;
}
function runRounds() {
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const t = performance.now();
      c.result = c.fn();
      c.per.push(((performance.now() - t) * 1e6) / urls.length);
    }
  }
}

const single = time(() => {
  let listed = 0;
  for (let i = 0; i < urls.length; i++) if (checker.check(urls[i]).verdict !== 'clean') listed++;
  return listed;
});
const batch = time(() => {
  let listed = 0;
  for (let i = 0; i < urls.length; i += 1000) for (const r of checker.checkMany(urls.slice(i, i + 1000))) if (r.verdict !== 'clean') listed++;
  return listed;
});
const verdictOnly = time(() => {
  let listed = 0;
  for (let i = 0; i < urls.length; i += 1000) for (const r of checker.checkMany(urls.slice(i, i + 1000), { verdictOnly: true })) if (r.verdict !== 'clean') listed++;
  return listed;
});

// The peers hold the entry patterns as strings: "host" or "host/path/".
const patterns = read('patterns.txt').toString().trim().split('\n');
const prefixHosts = new Set(patterns.filter((p) => p.includes('/')).map((p) => p.slice(0, p.indexOf('/'))));

function probes(input, has) {
  let u;
  try {
    u = new URL(input.includes('://') ? input : `http://${input}`);
  } catch {
    return false;
  }
  const labels = u.hostname.split('.');
  for (let i = Math.max(0, labels.length - 5); i < labels.length - 1; i++) {
    const h = i === 0 ? u.hostname : labels.slice(i).join('.');
    if (has(h)) return true;
    if (prefixHosts.has(h)) {
      const seg = u.pathname.split('/')[1];
      if (seg && has(`${h}/${seg}/`)) return true;
    }
  }
  return labels.length > 5 && has(u.hostname);
}

const { BloomFilter } = require('bloom-filters');
t = performance.now();
const bloom = BloomFilter.create(patterns.length, 1e-6);
for (const p of patterns) bloom.add(p);
out.bloomBuildMs = performance.now() - t;
const bloomRun = time(() => urls.filter((u) => probes(u, (x) => bloom.has(x))).length);

t = performance.now();
const set = new Set(patterns);
out.setBuildMs = performance.now() - t;
const setRun = time(() => urls.filter((u) => probes(u, (x) => set.has(x))).length);

runRounds();
if (verdictOnly.result !== batch.result) throw new Error(`verdictOnly found ${verdictOnly.result} listed, checkMany ${batch.result}`);
out.check = single.per;
out.checkMany = batch.per;
out.checkManyVerdictOnly = verdictOnly.per;
out.listed = batch.result;
out.bloomFilters = bloomRun.per;
out.bloomListed = bloomRun.result;
out.jsSet = setRun.per;
out.setListed = setRun.result;

console.log(JSON.stringify(out));
