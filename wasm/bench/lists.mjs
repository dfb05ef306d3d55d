// The cost of several lists (wasm/PROTOCOL.md, "Several lists"):
// checker.checkMany per URL, in batches of 1,000, on the URLs the other
// benchmarks check, for three checkers holding
//
//   default     the embedded default list alone;
//   1M          the 1M-entry list alone, loaded in place of the default
//               list (gen's list.snap, named "default", signed by a key
//               given to addTrustedKeys), as node.mjs and chromium.mjs
//               load it;
//   default+1M  the embedded default list and the same 1M entries as a
//               company's list (gen's company.snap, named "company",
//               signed by its own key, subscribed with that key);
//
// the full answer and { verdictOnly: true }, their rounds interleaved (the
// order turning each round) so that a change in the machine's load hits
// all three alike. The goal: default+1M at most 1.2× 1M.
//
//   node wasm/bench/lists.mjs DATADIR [URLS] [ROUNDS]
//     in Node: each checker its own instance of checker.js (the module
//     imported under three URLs), in one process;
//   node wasm/bench/lists.mjs --chromium DATADIR [URLS] [ROUNDS]
//     in Chromium's MV3 service worker: each checker the worker of its own
//     extension (wasm/bench/sw, as chromium.mjs builds them), in one
//     browser.
//
// DATADIR is what wasm/bench/gen wrote. Before the rounds, one untimed
// pass checks that default+1M answers, URL by URL, the graver of what
// default and 1M answer. Prints one JSON object.

import fs from 'node:fs';
import { benchExtension } from './benchext.mjs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const inChromium = args[0] === '--chromium';
const [dataDir, nURLs = '20000', roundsArg = '15'] = inChromium ? args.slice(1) : args;
const rounds = Number(roundsArg);
const SETUPS = ['default', '1M', 'default+1M'];

// setUp gives checker c the lists of setup; get(file) reads one of gen's
// files as bytes. It runs in Node and, sent as its source, in the service
// worker: it uses nothing from this module.
async function setUp(c, setup, get) {
  await c.ready;
  const key = async (f) => new TextDecoder().decode(await get(f)).trim();
  let loadMs = 0;
  if (setup === '1M') {
    const k = await c.addTrustedKeys([await key('list.pub')]);
    const bytes = await get('list.snap');
    const t = performance.now();
    const r = await c.load(bytes);
    loadMs = performance.now() - t;
    if (!k.ok || !r.ok) throw new Error(`${setup}: ${k.error || r.error}`);
  } else if (setup === 'default+1M') {
    const s = await c.subscribe('company', { name: 'company', keys: [await key('company.pub')] });
    const bytes = await get('company.snap');
    const t = performance.now();
    const r = await c.load(bytes, { list: 'company' });
    loadMs = performance.now() - t;
    if (!s.ok || !r.ok) throw new Error(`${setup}: ${s.error || r.error}`);
  }
  return { loadMs, lists: c.listKeys().map((k) => ({ key: k, name: c.info(k).name, entries: c.info(k).entries })) };
}

// verdicts is every URL's verdict by c, one letter each, and how many
// answers each list gave.
function verdicts(c, urls) {
  const letter = { clean: '-', invalid: 'i', caution: 'c', flagged: 'f', seized: 's' };
  let letters = '';
  const byList = {};
  for (let i = 0; i < urls.length; i += 1000) {
    for (const r of c.checkMany(urls.slice(i, i + 1000))) {
      letters += letter[r.verdict];
      if (r.list) byList[r.list] = (byList[r.list] ?? 0) + 1;
    }
  }
  return { letters, byList };
}

// perURL is one round: nanoseconds per URL of checkMany over urls in
// batches of 1,000 with options, and how many answered other than clean.
function perURL(c, urls, options) {
  const t = performance.now();
  let listed = 0;
  for (let i = 0; i < urls.length; i += 1000) for (const r of c.checkMany(urls.slice(i, i + 1000), options)) if (r.verdict !== 'clean') listed++;
  return { ns: ((performance.now() - t) * 1e6) / urls.length, listed };
}

// Each setup's checker, wherever it runs: setUp() gives it its lists,
// run(fn, ...args) calls fn(checker, urls, ...args) there (in a service
// worker, fn goes as its source).
async function nodeCheckers() {
  const urls = fs.readFileSync(path.join(dataDir, 'urls.txt'), 'utf8').trim().split('\n').slice(0, Number(nURLs));
  const get = async (f) => new Uint8Array(fs.readFileSync(path.join(dataDir, f)));
  const checkers = {};
  for (const setup of SETUPS) {
    const c = await import(`../../extension/checker/checker.js?${encodeURIComponent(setup)}`);
    checkers[setup] = { setUp: () => setUp(c, setup, get), run: async (fn, ...a) => fn(c, urls, ...a) };
  }
  return { where: `Node ${process.version}`, urls: urls.length, checkers, close: async () => {} };
}

async function chromiumCheckers() {
  const require = createRequire(path.join(repo, 'extension/package.json'));
  const { chromium } = require('playwright-core');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redflag-lists-bench-'));
  const checkerDir = path.join(repo, 'extension/checker');
  const exts = SETUPS.map((setup, i) => {
    const files = { default: [], '1M': ['list.snap', 'list.pub'], 'default+1M': ['company.snap', 'company.pub'] }[setup];
    return benchExtension(path.join(tmp, `ext-${i}`), { name: setup, checkerDir, dataDir, data: ['urls.txt', ...files] });
  });
  const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: false,
    args: [
      '--headless=new', `--disable-extensions-except=${exts.join(',')}`, `--load-extension=${exts.join(',')}`, '--no-sandbox',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
  for (let t = 0; context.serviceWorkers().length < SETUPS.length; t++) {
    if (t === 1200) throw new Error('service workers did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const byName = {};
  for (const sw of context.serviceWorkers()) byName[await sw.evaluate(() => chrome.runtime.getManifest().description)] = sw;
  const get = `async (f) => new Uint8Array(await (await fetch('./data/' + f)).arrayBuffer())`;
  const checkers = {};
  let n = 0;
  for (const setup of SETUPS) {
    const sw = byName[setup];
    n = await sw.evaluate(async (n) => {
      await checker.ready;
      globalThis.urls = (await (await fetch('./data/urls.txt')).text()).trim().split('\n').slice(0, n);
      return globalThis.urls.length;
    }, Number(nURLs));
    checkers[setup] = {
      setUp: () => sw.evaluate(`(${setUp})(globalThis.checker, ${JSON.stringify(setup)}, ${get})`),
      run: (fn, ...a) => sw.evaluate(`(${fn})(globalThis.checker, globalThis.urls, ...${JSON.stringify(a)})`),
    };
  }
  const where = await byName.default.evaluate(() => navigator.userAgent);
  return {
    where,
    urls: n,
    checkers,
    close: async () => {
      await context.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { where, urls, checkers, close } = await (inChromium ? chromiumCheckers() : nodeCheckers());
const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const out = { where, urls, rounds, loadAverage: { before: loadAverage() }, setups: {} };
try {
  for (const setup of SETUPS) out.setups[setup] = { ...(await checkers[setup].setUp()), checkMany: [], verdictOnly: [] };

  // Untimed, also a warm-up: the lists together answer what each answers
  // alone, the graver answer winning.
  const got = {};
  for (const setup of SETUPS) {
    got[setup] = await checkers[setup].run(verdicts);
    out.setups[setup].byList = got[setup].byList;
  }
  const rank = { '-': 0, i: 0, c: 1, f: 2, s: 3 };
  const [a, b, both] = SETUPS.map((s) => got[s].letters);
  for (let i = 0; i < both.length; i++) {
    const want = rank[a[i]] >= rank[b[i]] ? a[i] : b[i];
    if (both[i] !== want) throw new Error(`URL ${i}: default+1M answered ${both[i]}, default ${a[i]}, 1M ${b[i]}`);
  }

  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < SETUPS.length; j++) {
      const setup = SETUPS[(j + r) % SETUPS.length];
      const full = await checkers[setup].run(perURL, {});
      const vo = await checkers[setup].run(perURL, { verdictOnly: true });
      out.setups[setup].checkMany.push(full.ns);
      out.setups[setup].verdictOnly.push(vo.ns);
      out.setups[setup].listed = full.listed;
    }
  }
} finally {
  await close();
}
out.loadAverage.after = loadAverage();

const m = (setup, k) => median(out.setups[setup][k]);
out.summary = {
  checkManyNsPerURL: Object.fromEntries(SETUPS.map((s) => [s, m(s, 'checkMany')])),
  verdictOnlyNsPerURL: Object.fromEntries(SETUPS.map((s) => [s, m(s, 'verdictOnly')])),
  ratio: m('default+1M', 'checkMany') / m('1M', 'checkMany'),
  verdictOnlyRatio: m('default+1M', 'verdictOnly') / m('1M', 'verdictOnly'),
};
console.log(JSON.stringify(out));
