// What the extension costs a page it does not warn about: clean pages
// loaded in two browsers started the same way, one with RedFlag (its
// worker woken by every navigation, the browser's own rules in place), one
// with an empty extension, rounds interleaved; navigation timing from the
// page itself (start to load event).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from './harness/network.mjs';
import { launch } from './harness/browser.mjs';
import { controlPage } from './harness/extension.mjs';

const ROUNDS = Number(process.env.CLEAN_LOAD_ROUNDS ?? 30);
let net, withExt, without, emptyDir;

after(async () => {
  await withExt?.close();
  await without?.close();
  await net?.close();
  if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
});

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

test('clean pages load about as fast with the extension as without it', async () => {
  net = await startNetwork();
  emptyDir = mkdtempSync(join(tmpdir(), 'redflag-empty-ext-'));
  // A worker that listens to nothing (the harness waits for a worker); with
  // CLEAN_LOAD_COMPARE=listening, to the two webNavigation events RedFlag
  // hears on every navigation, with empty handlers: what listening alone
  // costs.
  const listening = process.env.CLEAN_LOAD_COMPARE === 'listening';
  writeFileSync(join(emptyDir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'empty', version: '1', permissions: listening ? ['webNavigation'] : [], background: { service_worker: 'sw.js' } }));
  writeFileSync(join(emptyDir, 'sw.js'), listening ? 'chrome.webNavigation.onBeforeNavigate.addListener(() => {});\nchrome.webNavigation.onCommitted.addListener(() => {});\n' : '');
  withExt = await launch({ proxy: net.proxy });
  without = await launch({ proxy: net.proxy, extensionDir: emptyDir });
  const ctl = await controlPage(withExt);
  await ctl.ready();
  for (const deadline = Date.now() + 30000; (await ctl.status()).browserRules?.blocked !== 17;) {
    assert.ok(Date.now() < deadline, 'the browser rules are not in place');
    await new Promise((r) => setTimeout(r, 200));
  }
  await ctl.page.close(); // no extension page open during the run

  const load = async (b, host) => {
    const p = await b.context.newPage();
    await p.goto(`http://${host}/page`);
    const ms = await p.evaluate(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; });
    await p.close();
    return ms;
  };
  for (let i = 0; i < 3; i++) { // warm both up alike
    await load(withExt, `warm-w${i}.example`);
    await load(without, `warm-p${i}.example`);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so that neither always follows the other.
    const pair = i % 2 === 0
      ? [await load(withExt, `clean-w${i}.example`), await load(without, `clean-p${i}.example`)]
      : [await load(without, `clean-p${i}.example`), await load(withExt, `clean-w${i}.example`)].reverse();
    a.push(pair[0]);
    b.push(pair[1]);
  }
  const ratio = median(a) / median(b);
  console.log(`# clean page load, median of ${ROUNDS} interleaved: ${median(a).toFixed(1)} ms with the extension, ${median(b).toFixed(1)} ms with ${listening ? 'one that only listens' : 'an empty one'} (ratio ${ratio.toFixed(3)})`);
  assert.ok(ratio < 1.5, `clean pages load ${ratio.toFixed(2)}× slower with the extension`);
  const reached = (prefix) => net.log.filter((e) => e.host.startsWith(prefix) && e.path === '/page').length;
  assert.equal(reached('clean-w'), ROUNDS, 'every clean page with the extension was reached once');
});
