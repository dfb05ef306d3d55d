// The managed build as a company deploys it to Chromium: force-installed by
// policy (harness/policy.mjs), which is what lets a Manifest V3 extension
// hold a top-level request until the verdict. The point of that build is
// asserted on the network: a listed site never receives the request.
// Setting Chromium's policy needs root (CI runs as root); elsewhere the
// tests are skipped and say why.
import { test, after } from 'node:test';
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

// deployed sets the policy and starts the browser that installs by it, once,
// for the tests that need it (and only then: the policy applies to every
// Chromium started while it is there).
let setup;
function deployed() {
  setup ??= (async () => {
    net = await startNetwork();
    deployment = await deployByPolicy({ extensionPolicy: { updateUrl: '', mode: 'warn' } });
    net.forward(deployment.addr);
    b = await launch({ proxy: net.proxy, byPolicy: true });
    assert.equal(b.id, deployment.id, 'the policy-installed extension is the one running');
    ctl = await controlPage(b);
    await ctl.ready();
  })();
  return setup;
}

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
  await deployed();
  assert.deepEqual(deployment.served.slice(0, 2), ['/updates.xml', '/redflag.crx']);
  const s = await ctl.status();
  assert.equal(s.timings.navigation.requestsHeld, true);
  const popup = await b.context.newPage();
  await popup.goto(b.url('pages/popup.html'));
  await popup.waitForSelector('body[data-status="ready"]');
  assert.equal(await popup.textContent('#protection'), 'get no request: each is checked before it is sent');
  await popup.close();
});

test('a listed site, a subdomain of one and a redirect to one are warned about, and never receive the request', { skip }, async () => {
  await deployed();
  const page = await b.context.newPage();
  await gotoWarning(page, 'http://silverstarchina.com/careers');
  assert.equal(await page.textContent('#why'), 'Seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
  await gotoWarning(page, 'http://jobs.cloudfox.cloud/apply');
  assert.equal(await page.textContent('#match'), 'cloudfox.cloud/');
  await page.goto('http://redirector.example/go?to=http%3A%2F%2Fjinyang.asia%2Fjobs').catch(() => {});
  await page.waitForURL(/warning\.html\?url=http%3A%2F%2Fjinyang\.asia%2Fjobs$/, { timeout: 20000 });
  // A link the person clicks: a navigation the page starts.
  await page.goto('http://jobs.example/jobs/view/1');
  await page.evaluate(() => {
    const a = Object.assign(document.createElement('a'), { id: 'to-listed', href: 'http://danielliu.info/setup' });
    a.textContent = 'setup';
    document.body.prepend(a);
  });
  await page.click('#to-listed');
  await page.waitForURL(/warning\.html\?url=http%3A%2F%2Fdanielliu\.info%2Fsetup$/, { timeout: 20000 });
  await page.waitForSelector('body[data-ready="true"]');
  await page.close();
  assert.equal(reached('redirector.example'), 1, 'the clean site that redirects is reached');
  for (const host of ['silverstarchina.com', 'jobs.cloudfox.cloud', 'jinyang.asia', 'danielliu.info']) {
    assert.equal(reached(host), 0, `${host} received a request`);
  }
});

test('a clean site is left alone', { skip }, async () => {
  await deployed();
  const page = await b.context.newPage();
  await page.goto('http://clean-site.example/page');
  assert.equal(await page.textContent('h1'), 'Welcome to clean-site.example');
  await page.close();
});

test('Proceed anyway lets the request go, in that tab only', { skip }, async () => {
  await deployed();
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
// Chromium's 30 s, then goes to a clean site. Had the worker stopped, the
// request would wake it and go the way of the next test, through the
// checking page, from which it would arrive without the idle page as its
// referrer.
test('idle past the 30 s a worker may idle, the managed build\'s worker is still there to hold requests', { skip }, async () => {
  await deployed();
  const dir = mkdtempSync(join(tmpdir(), 'redflag-idle-'));
  const start = 'http://idle-start.example/wait-then-go?ms=45000&beacon=' + encodeURIComponent('http://beacon.example/time-is-up')
    + '&to=' + encodeURIComponent('http://idle-clean.example/after');
  // Its own process group, so that its helpers go with it.
  const browser = spawn(CHROMIUM, [...chromiumArgs({ proxy: net.proxy, byPolicy: true }), `--user-data-dir=${dir}`, start], { stdio: 'ignore', detached: true });
  try {
    const deadline = Date.now() + 120000;
    let arrived;
    while (!(arrived = net.log.find((e) => e.host === 'idle-clean.example'))) {
      assert.ok(Date.now() < deadline, 'the idle page never went on');
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(reached('beacon.example') > 0);
    assert.equal(arrived.headers.referer, 'http://idle-start.example/', 'the navigation came straight from the idle page');
  } finally {
    const exited = new Promise((r) => browser.exitCode === null ? browser.once('exit', r) : r());
    try { process.kill(-browser.pid, 'SIGTERM'); } catch { /* gone already */ }
    await exited;
    // A helper process may still be writing its last files.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
});

test('a request that wakes a stopped worker is held too: a listed site is warned about, a clean one opens', { skip }, async () => {
  await deployed();
  // Each in a tab of its own, opened before the stop (see ctl.stopWorker).
  const listed = await b.context.newPage();
  await ctl.stopWorker();
  await gotoWarning(listed, 'http://xinlusoft.com/');
  assert.equal(reached('xinlusoft.com'), 0);
  assert.equal(await listed.textContent('#why'), 'Seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
  await listed.close();

  const clean = await b.context.newPage();
  await ctl.stopWorker();
  await clean.goto('http://woken-clean.example/path?q=1').catch(() => {}); // replaced by the checking page
  await clean.waitForURL('http://woken-clean.example/path?q=1', { timeout: 20000 });
  assert.equal(await clean.textContent('h1'), 'Welcome to woken-clean.example');
  assert.equal(net.log.filter((e) => e.host === 'woken-clean.example' && e.path === '/path?q=1').length, 1, 'one request, after the check');
  const s = await ctl.ready();
  assert.ok(s.timings.navigation.detouredWhileLoading >= 1, 'the clean site went through the checking page');
  await clean.close();
});
