// What the extension costs a page it does not warn about: clean pages
// loaded in one browser with RedFlag enabled and with it disabled, in
// alternating blocks (a second extension with the management permission
// switches it); navigation timing from the page itself (start to load
// event). One browser, not two: two browsers started the same way, both
// with the same empty extension, differed by up to 10% over 100 rounds
// (0.94–1.11), more than the cost being measured.
//
// CLEAN_LOAD_TOGGLE switches another extension instead of RedFlag (which
// stays disabled): "empty", one that does nothing (the method's own noise,
// which should be ~1); "listening", one that listens to the events RedFlag
// listens to, with empty handlers; "rules", one with a block rule for 17
// names, as RedFlag's rules for the default list. CLEAN_LOAD_EXTENSION_DIR
// takes another build of RedFlag (to try a change against the shipped one).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from './harness/network.mjs';
import { EXTENSION_DIR, launch } from './harness/browser.mjs';
import { controlPage } from './harness/extension.mjs';

const BLOCKS = Number(process.env.CLEAN_LOAD_BLOCKS ?? 32); // half with, half without
const PER_BLOCK = 6;
let net, browser;
const dirs = [];

after(async () => {
  await browser?.close();
  await net?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

function extension(name, permissions, code, files = {}, manifest = {}) {
  const dir = mkdtempSync(join(tmpdir(), `redflag-${name}-ext-`));
  dirs.push(dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name, version: '1', permissions, background: { service_worker: 'sw.js' }, ...manifest }));
  writeFileSync(join(dir, 'sw.js'), code);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

// The extensions CLEAN_LOAD_TOGGLE may name.
const others = {
  empty: () => extension('empty', [], ''),
  listening: () => extension('listening', ['webNavigation', 'tabs'], [
    'chrome.webNavigation.onBeforeNavigate.addListener(() => {});',
    'chrome.webNavigation.onCommitted.addListener(() => {});',
    'chrome.webNavigation.onErrorOccurred.addListener(() => {});',
    'chrome.tabs.onRemoved.addListener(() => {});',
  ].join('\n')),
  rules: () => extension('rules', ['declarativeNetRequest'], '', {
    'rules.json': JSON.stringify([{ id: 1, priority: 1, action: { type: 'block' }, condition: { requestDomains: Array.from({ length: 17 }, (_, i) => `listed-${i}.example`), resourceTypes: ['main_frame', 'sub_frame'] } }]),
  }, { declarative_net_request: { rule_resources: [{ id: 'r', enabled: true, path: 'rules.json' }] } }),
};

test('clean pages load about as fast with the extension as without it', async () => {
  net = await startNetwork();
  const other = process.env.CLEAN_LOAD_TOGGLE;
  assert.ok(!other || others[other], `CLEAN_LOAD_TOGGLE: one of ${Object.keys(others)}`);
  const switcher = extension('switch', ['management'], '');
  browser = await launch({ proxy: net.proxy, extensionDir: [process.env.CLEAN_LOAD_EXTENSION_DIR || EXTENSION_DIR, switcher, ...(other ? [others[other]()] : [])].join(',') });
  const { context } = browser;
  const workers = async () => {
    const byName = {};
    for (const w of context.serviceWorkers()) {
      const name = await w.evaluate(() => chrome.runtime.getManifest().name).catch(() => undefined);
      if (name) byName[name] = w;
    }
    return byName;
  };
  let byName = {};
  for (const deadline = Date.now() + 30000; Object.keys(byName).length < (other ? 3 : 2);) {
    assert.ok(Date.now() < deadline, 'the extensions did not start');
    await new Promise((r) => setTimeout(r, 200));
    byName = await workers();
  }
  const idOf = (name) => new URL(byName[name].url()).host;
  const redflagId = idOf(Object.keys(byName).find((n) => n !== 'switch' && n !== other));
  const sw = byName.switch;
  const setEnabled = (id, on) => sw.evaluate(([i, o]) => chrome.management.setEnabled(i, o), [id, on]);

  const ctl = await controlPage({ context, url: (p) => `chrome-extension://${redflagId}/${p}` });
  await ctl.ready();
  for (const deadline = Date.now() + 30000; (await ctl.status()).browserRules?.blocked !== 17;) {
    assert.ok(Date.now() < deadline, 'the browser rules are not in place');
    await new Promise((r) => setTimeout(r, 200));
  }
  await ctl.page.close(); // no extension page open during the run

  const toggled = other ? idOf(other) : redflagId;
  if (other) await setEnabled(redflagId, false);

  let n = 0;
  const load = async () => {
    const host = `clean-${n++}.example`;
    const p = await context.newPage();
    await p.goto(`http://${host}/page`);
    const ms = await p.evaluate(() => { const e = performance.getEntriesByType('navigation')[0]; return e.loadEventEnd - e.startTime; });
    await p.close();
    return ms;
  };
  const on = [];
  const off = [];
  for (let b = 0; b < BLOCKS; b++) {
    // ABBA: on, off, off, on, … so that neither always comes first.
    const enabled = [true, false, false, true][b % 4];
    await setEnabled(toggled, enabled);
    // Two loads unmeasured: the first after enabling starts the worker
    // (which browsing with the extension pays once, not per page).
    await load();
    await load();
    for (let i = 0; i < PER_BLOCK; i++) {
      (enabled ? on : off).push(await load());
    }
  }
  await setEnabled(redflagId, true);
  const ratio = median(on) / median(off);
  const what = other ? `the "${other}" extension` : 'RedFlag';
  console.log(`# clean page load, one browser, ${what} enabled vs disabled in ${BLOCKS} alternating blocks of ${PER_BLOCK}: ${median(on).toFixed(1)} vs ${median(off).toFixed(1)} ms (ratio ${ratio.toFixed(3)})`);
  assert.ok(ratio < 1.5, `clean pages load ${ratio.toFixed(2)}× slower with the extension`);
  assert.equal(net.log.filter((e) => e.host.startsWith('clean-') && e.path === '/page').length, n, 'every clean page was reached once');
});
