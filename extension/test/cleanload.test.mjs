// What the extension costs a page it does not warn about: clean pages
// loaded in one browser with RedFlag enabled and with it disabled, in
// alternating blocks. One browser, not two: two browsers started the same
// way, both with the same empty extension, differed by up to 10% over 100
// rounds (0.94–1.11), more than the cost being measured.
//
// Nothing from outside touches the pages while they load: a driver
// extension inside the browser opens and closes the tabs and switches the
// extensions (management), DevTools detached; each page reports its own
// load time (start to load event) to the test network (network.mjs,
// ?timing).
//
// Three arms, in turn (ABCCBA): RedFlag enabled; RedFlag disabled and an
// extension that only holds the declarativeNetRequest permission enabled;
// neither. Chromium passes every request of the profile through a
// browser-side request proxy as soon as any extension holds that
// permission, rules or not: the second arm is that cost, which RedFlag's
// blocking rules bring and every ad blocker brings too; RedFlag against
// it is what RedFlag adds.
//
// Two pages, interleaved in every block: a page shaped like a real one
// (network.mjs articlePage: HTML, style sheet, script, four images, each
// from a server taking 20 ms), and a bare page served at once, where a few
// milliseconds are a large share of the load.
//
// CLEAN_LOAD_TOGGLE puts another extension in RedFlag's place (RedFlag
// stays disabled): "empty", one that does nothing (the method's own noise,
// which should be ~1); "listening", one that listens to the events RedFlag
// listens to, with empty handlers; "rules", one with a block rule for 17
// names, as RedFlag's rules for the default list. CLEAN_LOAD_EXTENSION_DIR
// takes another build of RedFlag (to try a change against the shipped
// one).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from './harness/network.mjs';
import { EXTENSION_DIR, chromiumArgs, spawnAndAttach } from './harness/browser.mjs';
import { controlPage } from './harness/extension.mjs';

const BLOCKS = Number(process.env.CLEAN_LOAD_BLOCKS ?? 24); // each arm a third of them
const PER_BLOCK = 6; // of each page
const ORDER = ['with', 'permission', 'without', 'without', 'permission', 'with'];
const PAGES = { article: '/article', bare: '/page' };
const RUN_MS = 15 * 60 * 1000;
let net, stop;
const dirs = [];

after(async () => {
  await stop?.();
  await net?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

function extension(name, manifest, code, files = {}) {
  const dir = mkdtempSync(join(tmpdir(), `redflag-${name}-ext-`));
  dirs.push(dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name, version: '1', background: { service_worker: 'sw.js' }, ...manifest }));
  writeFileSync(join(dir, 'sw.js'), code);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

// The extensions CLEAN_LOAD_TOGGLE may name.
const others = {
  empty: () => extension('empty', {}, ''),
  listening: () => extension('listening', { permissions: ['webNavigation', 'tabs'] }, [
    "const web = { url: [{ schemes: ['http', 'https'] }] };",
    'chrome.webNavigation.onBeforeNavigate.addListener(() => {}, web);',
    'chrome.webNavigation.onCommitted.addListener(() => {}, web);',
    'chrome.webNavigation.onErrorOccurred.addListener(() => {}, web);',
    'chrome.tabs.onRemoved.addListener(() => {});',
  ].join('\n')),
  rules: () => extension('rules', {
    permissions: ['declarativeNetRequest'],
    declarative_net_request: { rule_resources: [{ id: 'r', enabled: true, path: 'rules.json' }] },
  }, '', {
    'rules.json': JSON.stringify([{ id: 1, priority: 1, action: { type: 'block' }, condition: { requestDomains: Array.from({ length: 17 }, (_, i) => `listed-${i}.example`), resourceTypes: ['main_frame', 'sub_frame'] } }]),
  }),
};
const PERMISSION_ONLY = 'permission only';

// drive runs in the driver extension's worker: every block switches the
// extensions to its arm, loads two pages unmeasured (the first after
// enabling starts the worker, which browsing pays once, not per page),
// then the measured ones, each in a new tab on a new site, reporting its
// own timing. The end (or an error) is a request to results.example.
function drive(config) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const complete = new Map(); // tab id → resolve, or true if it came first
  chrome.tabs.onUpdated.addListener((id, info, tab) => {
    if (info.status !== 'complete' || !/^http:/.test(tab.url ?? '')) return;
    const waiting = complete.get(id);
    if (waiting) waiting();
    else complete.set(id, true);
  });
  const load = async (url) => {
    const tab = await chrome.tabs.create({ url });
    if (complete.get(tab.id) !== true) await new Promise((r) => complete.set(tab.id, r));
    complete.delete(tab.id);
    await sleep(30); // the page's report (a keepalive fetch) leaves
    await chrome.tabs.remove(tab.id);
  };
  const run = async () => {
    const all = await chrome.management.getAll();
    const idOf = (name) => all.find((e) => e.name === name && e.id !== chrome.runtime.id)?.id;
    let n = 0;
    for (let b = 0; b < config.blocks; b++) {
      const arm = config.order[b % config.order.length];
      for (const name of config.switched) await chrome.management.setEnabled(idOf(name), config.arms[arm].includes(name));
      await load(`http://warm-${n++}.example/page`);
      await load(`http://warm-${n++}.example/page`);
      for (let i = 0; i < config.perBlock; i++) {
        for (const kind of i % 2 ? ['bare', 'article'] : ['article', 'bare']) {
          await load(`http://clean-${n++}-${arm}-${kind}.example${config.pages[kind]}?timing`);
        }
      }
    }
    for (const name of config.switched) await chrome.management.setEnabled(idOf(name), true);
  };
  run().then(
    () => fetch('http://results.example/done', { mode: 'no-cors' }),
    (e) => fetch(`http://results.example/failed?${encodeURIComponent(e.message)}`, { mode: 'no-cors' }),
  );
}

test('clean pages load about as fast with the extension as without it', { timeout: RUN_MS + 120000 }, async () => {
  assert.equal(BLOCKS % ORDER.length, 0, `CLEAN_LOAD_BLOCKS: a multiple of ${ORDER.length}, so that each arm comes as often`);
  net = await startNetwork();
  const other = process.env.CLEAN_LOAD_TOGGLE || undefined;
  assert.ok(!other || others[other], `CLEAN_LOAD_TOGGLE: one of ${Object.keys(others)}`);
  const redflagDir = process.env.CLEAN_LOAD_EXTENSION_DIR || EXTENSION_DIR;
  const driver = extension('clean-load driver', { permissions: ['management', 'tabs'] }, `globalThis.drive = ${drive};`);
  const permissionOnly = extension(PERMISSION_ONLY, { permissions: ['declarativeNetRequest'] }, '');
  const dirsLoaded = [redflagDir, driver, permissionOnly, ...(other ? [others[other]()] : [])];
  const profile = mkdtempSync(join(tmpdir(), 'redflag-cleanload-'));
  dirs.push(profile);
  const started = await spawnAndAttach(chromiumArgs({ proxy: net.proxy, extensionDir: dirsLoaded.join(',') }), profile);
  stop = started.stop;
  const context = started.browser.contexts()[0];

  const workers = async () => {
    const byName = {};
    for (const w of context.serviceWorkers()) {
      const name = await w.evaluate(() => chrome.runtime.getManifest().name).catch(() => undefined);
      if (name) byName[name] = w;
    }
    return byName;
  };
  let byName = {};
  for (const deadline = Date.now() + 30000; Object.keys(byName).length < dirsLoaded.length;) {
    assert.ok(Date.now() < deadline, `the extensions did not start: ${Object.keys(byName)}`);
    await new Promise((r) => setTimeout(r, 200));
    byName = await workers();
  }
  const redflagName = Object.keys(byName).find((n) => !['clean-load driver', PERMISSION_ONLY, other].includes(n));
  const redflagId = new URL(byName[redflagName].url()).host;
  const ctl = await controlPage({ context, url: (p) => `chrome-extension://${redflagId}/${p}` });
  await ctl.ready();
  await ctl.rulesCover(17);
  await ctl.page.close();

  const measured = other ?? redflagName;
  const config = {
    blocks: BLOCKS,
    perBlock: PER_BLOCK,
    order: ORDER,
    pages: PAGES,
    switched: [measured, PERMISSION_ONLY, ...(other ? [redflagName] : [])],
    arms: { with: [measured], permission: [PERMISSION_ONLY], without: [] },
  };
  await byName['clean-load driver'].evaluate((c) => { globalThis.drive(c); }, config);
  await started.browser.close(); // detaches: no DevTools client while the pages load

  let end;
  for (const deadline = Date.now() + RUN_MS; !end;) {
    assert.ok(Date.now() < deadline, 'the driver did not finish');
    await new Promise((r) => setTimeout(r, 500));
    end = net.log.find((e) => e.host === 'results.example');
  }
  assert.equal(end.path, '/done', `the driver failed: ${decodeURIComponent(end.path)}`);

  // Samples by page and arm (both in the host name), from the pages' own
  // reports.
  const samples = {};
  for (const e of net.log) {
    const m = /^clean-\d+-(\w+)-(\w+)\.example$/.exec(e.host);
    if (m && e.path.startsWith('/__timing?ms=')) {
      ((samples[m[2]] ??= {})[m[1]] ??= []).push(Number(e.path.slice('/__timing?ms='.length)));
    }
  }
  const perArm = (BLOCKS / ORDER.length) * 2 * PER_BLOCK;
  const what = other ? `the "${other}" extension` : 'RedFlag';
  for (const kind of Object.keys(PAGES)) {
    for (const arm of Object.keys(config.arms)) {
      assert.equal(samples[kind]?.[arm]?.length, perArm, `${kind} pages with arm "${arm}" that reported their load time`);
    }
    const m = Object.fromEntries(Object.entries(samples[kind]).map(([arm, xs]) => [arm, median(xs)]));
    const ratio = m.with / m.without;
    console.log(`# clean ${kind} page load, one browser, ${BLOCKS} blocks in turn, no DevTools attached: ${what} ${m.with.toFixed(1)} ms, `
      + `an extension holding only the declarativeNetRequest permission ${m.permission.toFixed(1)} ms, none ${m.without.toFixed(1)} ms: `
      + `ratio ${ratio.toFixed(3)} (the permission alone ${(m.permission / m.without).toFixed(3)}; ${what} beside it ${(m.with / m.permission).toFixed(3)})`);
    assert.ok(ratio < 1.5, `clean ${kind} pages load ${ratio.toFixed(2)}× slower with the extension`);
  }
  const articles = Object.values(samples.article).flat().length;
  assert.equal(net.log.filter((e) => e.host.startsWith('clean-') && e.path.startsWith('/article/')).length, 6 * articles,
    'every article page fetched its style sheet, script and four images');
});
