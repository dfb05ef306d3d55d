// The managed build as a company deploys it to Chromium: force-installed by
// policy (harness/policy.mjs), which is what lets a Manifest V3 extension
// hold a top-level request until the verdict. The point of that build is
// asserted on the network: a listed site never receives the request.
// Setting Chromium's policy needs root (CI runs as root); elsewhere the
// tests are skipped and say why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNetwork } from './harness/network.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, chromiumArgs, CHROMIUM } from './harness/browser.mjs';
import { controlPage, gotoWarning } from './harness/extension.mjs';
import { deployByPolicy, policyWritable, POLICY_DIR } from './harness/policy.mjs';

const skip = policyWritable() ? false : `${POLICY_DIR} is not writable (run as root to test the policy-installed build)`;
let net, deployment, b, ctl;

before(async () => {
  if (skip) return;
  net = await startNetwork();
  deployment = await deployByPolicy({ extensionPolicy: { updateUrl: '', mode: 'warn' } });
  net.forward(deployment.addr);
  b = await launch({ proxy: net.proxy, byPolicy: true });
  assert.equal(b.id, deployment.id, 'the policy-installed extension is the one running');
  ctl = await controlPage(b);
  await ctl.ready();
});

after(async () => {
  await b?.close();
  await deployment?.close();
  await net?.close();
});

const MANAGED_BUILD = fileURLToPath(new URL('../build/chromium-managed', import.meta.url));

// Loaded from its folder, Chromium ignores the managed build's blocking
// answers: it must notice and warn as the other build does.
test('loaded without a policy, the managed build does not count on holding requests and still warns', async () => {
  const own = await startNetwork();
  const unpacked = await launch({ proxy: own.proxy, extensionDir: MANAGED_BUILD });
  try {
    const c = await controlPage(unpacked);
    await c.setSettings({ updateUrl: '' });
    const s = await c.ready();
    assert.equal(s.timings.navigation.requestsHeld, false);
    const page = await unpacked.context.newPage();
    await gotoWarning(page, 'http://silverstarchina.com/');
    assert.equal(await page.textContent('#why'), 'Seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
  } finally {
    await unpacked.close();
    await own.close();
  }
});

const reached = (host) => net.log.filter((e) => e.host === host).length;

test('installed by policy from its update manifest, the managed build holds requests', { skip }, async () => {
  assert.deepEqual(deployment.served.slice(0, 2), ['/updates.xml', '/redflag.crx']);
  const s = await ctl.status();
  assert.equal(s.timings.navigation.requestsHeld, true);
});

test('a listed site, a subdomain of one and a redirect to one are warned about, and never receive the request', { skip }, async () => {
  const page = await b.context.newPage();
  await gotoWarning(page, 'http://silverstarchina.com/careers');
  assert.equal(await page.textContent('#why'), 'Seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
  await gotoWarning(page, 'http://jobs.cloudfox.cloud/apply');
  assert.equal(await page.textContent('#match'), 'cloudfox.cloud/');
  await page.goto('http://redirector.example/go?to=http%3A%2F%2Fjinyang.asia%2Fjobs').catch(() => {});
  await page.waitForURL(/warning\.html\?url=http%3A%2F%2Fjinyang\.asia%2Fjobs$/, { timeout: 20000 });
  await page.close();
  assert.equal(reached('redirector.example'), 1, 'the clean site that redirects is reached');
  for (const host of ['silverstarchina.com', 'jobs.cloudfox.cloud', 'jinyang.asia']) {
    assert.equal(reached(host), 0, `${host} received a request`);
  }
});

test('a clean site is left alone', { skip }, async () => {
  const page = await b.context.newPage();
  await page.goto('http://clean-site.example/page');
  assert.equal(await page.textContent('h1'), 'Welcome to clean-site.example');
  await page.close();
});

test('Proceed anyway lets the request go, in that tab only', { skip }, async () => {
  const page = await b.context.newPage();
  await gotoWarning(page, 'http://edenprogram.com/');
  assert.equal(reached('edenprogram.com'), 0);
  await page.click('#proceed');
  await page.waitForURL('http://edenprogram.com/');
  assert.equal(await page.textContent('h1'), 'Welcome to edenprogram.com');
  assert.equal(net.log.filter((e) => e.url === 'http://edenprogram.com/').length, 1);
  const other = await b.context.newPage();
  await gotoWarning(other, 'http://edenprogram.com/other-tab');
  assert.equal(net.log.filter((e) => e.url === 'http://edenprogram.com/other-tab').length, 0, 'another tab is held again');
  await other.close();
  await page.close();
});

// A DevTools client attached to the worker keeps it from stopping, so this
// one runs a browser of its own with none: a page waits idle past
// Chromium's 30 s, then goes to a listed site. Had the worker stopped, the
// request would wake it and go out before its list was in (as the next
// test shows).
test('idle past the 30 s a worker may idle, the managed build still holds requests', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redflag-idle-'));
  const start = 'http://idle-start.example/wait-then-go?ms=45000&beacon=' + encodeURIComponent('http://beacon.example/time-is-up')
    + '&to=' + encodeURIComponent('http://idle.silverstarchina.com/');
  const browser = spawn(CHROMIUM, [...chromiumArgs({ proxy: net.proxy, byPolicy: true }), `--user-data-dir=${dir}`, start], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 120000;
    while (reached('beacon.example') === 0) {
      assert.ok(Date.now() < deadline, 'the idle page never went on');
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(reached('idle.silverstarchina.com'), 0, 'the listed site received the request after the idle time');
  } finally {
    browser.kill();
    await new Promise((r) => browser.exitCode === null ? browser.once('exit', r) : r());
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stopped worker still warns; once its list is in, requests are held again', { skip }, async (t) => {
  // The tab exists first: opening one is a navigation, which would wake
  // the worker before the one that matters.
  const page = await b.context.newPage();
  const cdp = await b.context.newCDPSession(ctl.page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  await new Promise((r) => setTimeout(r, 300));
  // The first navigation wakes the worker: its listener cannot wait for
  // the list to load, so webNavigation warns, after the request has gone.
  await gotoWarning(page, 'http://xinlusoft.com/');
  t.diagnostic(`while the worker started, the listed site received ${reached('xinlusoft.com')} request(s) (page and favicon)`);
  const s = await ctl.ready();
  t.diagnostic(`requests let go while the list loaded: ${s.timings.navigation.passedWhileLoading}`);
  await gotoWarning(page, 'http://foxysunstudios.com/');
  assert.equal(reached('foxysunstudios.com'), 0);
  await page.close();
});
