// Several lists in one browser: the built-in list from one publisher and a
// company's own from another, each a real `redflag serve` signing with its
// own key; the regular build installed by policy, which names both lists.
// Asserted: each list's entries warn naming their list; a list signed with
// the other publisher's key is refused while both keep answering; an
// unreachable company publisher leaves everything working; removing the
// subscription by policy removes its warnings. Setting Chromium's policy
// needs root (CI runs as root); elsewhere the tests are skipped and say why.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from './harness/network.mjs';
import { launch } from './harness/browser.mjs';
import { startPublisher, REDFLAG, DEV_KEY } from './harness/publisher.mjs';
import { controlPage, gotoWarning } from './harness/extension.mjs';
import { deployByPolicy, policyWritable, POLICY_DIR } from './harness/policy.mjs';

const skip = policyWritable() ? false : `${POLICY_DIR} is not writable (run as root to test policy-set lists)`;
let net, pub, acme, deployment, dir, b, ctl, acmeKey, acmePub;
const ACME = 'Acme security';

// acmePolicy is the extension's managed settings: updates of the built-in
// list from the public publisher, and the company's list from its own.
const acmePolicy = (lists) => ({ updateUrl: pub.url, checkIntervalMinutes: 600, lists });
const acmeList = () => ({ url: acme.url, list: 'acme', keys: [acmePub], title: ACME });

let setup;
function deployed() {
  setup ??= (async () => {
    dir = mkdtempSync(join(tmpdir(), 'redflag-lists-'));
    const out = execFileSync(REDFLAG, ['keygen', '--out', join(dir, 'acme')], { encoding: 'utf8' });
    acmePub = /\((ed25519:[A-Za-z0-9+/=]+)\)/.exec(out)[1];
    acmeKey = join(dir, 'acme.key');
    net = await startNetwork();
    pub = await startPublisher();
    acme = await startPublisher({ key: acmeKey });
    await acme.admin('list-create', 'acme', '--description', 'Acme\'s own flagged recruiters');
    for (const p of [pub, acme]) net.forward(p.addr);
    await pub.publish(['public-front.example'], { kind: 'seized', authority: 'US Department of Justice', date: '2026-11-30', reference: 'https://justice.example/seizure' });
    await acme.publish(['acme-fake-hr.example'], { list: 'acme', date: '2026-12-01', reference: 'https://security.acme.example/a/1', note: 'poses as Acme HR' });
    deployment = await deployByPolicy({ build: 'chromium', extensionPolicy: acmePolicy([acmeList()]) });
    net.forward(deployment.addr);
    b = await launch({ proxy: net.proxy, byPolicy: true, userDataDir: join(dir, 'profile') });
    assert.equal(b.id, deployment.id, 'the policy-installed extension is the one running');
    ctl = await controlPage(b);
    await ctl.ready();
  })();
  return setup;
}

after(async () => {
  await b?.close();
  await deployment?.close();
  await acme?.close();
  await pub?.close();
  await net?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// until polls the extension's status until ok(status) holds.
async function until(what, ok, timeoutMs = 60000) {
  let s;
  for (const deadline = Date.now() + timeoutMs; ;) {
    s = await ctl.status();
    if (ok(s)) return s;
    assert.ok(Date.now() < deadline, `${what}: ${JSON.stringify({ list: s.list?.version, lists: s.lists, update: s.update })}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const acmeStatus = (s) => s.lists?.find((l) => l.name === 'acme');

async function warningFor(url) {
  const page = await b.context.newPage();
  await gotoWarning(page, url);
  const seen = {
    why: await page.textContent('#why'),
    list: (await page.isVisible('#from-list')) ? await page.textContent('#list-title') : '',
    note: await page.textContent('#note'),
  };
  await page.close();
  return seen;
}

async function loads(url) {
  const page = await b.context.newPage();
  await page.goto(url);
  const h1 = await page.textContent('h1');
  await page.close();
  return h1 === `Welcome to ${new URL(url).host}`;
}

test('lists set by policy: an entry of each publisher warns naming its list', { skip }, async () => {
  await deployed();
  await ctl.ask({ type: 'updateNow' });
  const s = await until('both lists downloaded', (x) => acmeStatus(x)?.update?.lastSuccess && x.list.entries === 18);
  const a = acmeStatus(s);
  assert.equal(a.title, ACME);
  assert.equal(a.url, acme.url);
  assert.equal(a.info.entries, 1);
  assert.equal(a.update.lastError, '');

  const fromPublic = await warningFor('http://public-front.example/jobs');
  assert.equal(fromPublic.why, 'Seized by US Department of Justice on 2026-11-30.');
  assert.equal(fromPublic.list, 'RedFlag public list');
  const fromAcme = await warningFor('http://www.acme-fake-hr.example/apply');
  assert.equal(fromAcme.why, 'Flagged by Acme security team on 2026-12-01.');
  assert.equal(fromAcme.list, ACME);
  assert.equal(fromAcme.note, 'poses as Acme HR');

  const popup = await b.context.newPage();
  await popup.goto(b.url('pages/popup.html'));
  await popup.waitForSelector('body[data-status="ready"]');
  const item = await popup.textContent('#followed-lists li');
  assert.match(item, /^Acme security — version .*, 1 entries, last update /);
  await popup.close();

  // On a job board, a link to the company list's entry gets a badge that
  // names the list.
  const board = await b.context.newPage();
  await board.goto('http://www.linkedin.com/jobs/view/15');
  await board.evaluate(() => {
    const a = Object.assign(document.createElement('a'), { id: 'acme-link', href: 'https://acme-fake-hr.example/apply' });
    a.textContent = 'Apply with Acme HR';
    document.body.append(a);
  });
  const badge = board.locator('#acme-link + .redflag-badge, #acme-link .redflag-badge');
  await badge.waitFor({ timeout: 15000 });
  assert.match(await badge.getAttribute('title'), /^RedFlag: flagged by Acme security team on 2026-12-01 — poses as Acme HR \(listed as acme-fake-hr\.example\/\) — list: Acme security$/);
  await board.close();

  const [r] = (await ctl.ask({ type: 'checkList', inputs: ['acme-fake-hr.example'] })).results;
  assert.equal(r.list, `${acme.url}|acme`);
  assert.equal(r.listTitle, ACME);
});

test('a company list signed with the other publisher\'s key is refused; both lists keep answering', { skip }, async () => {
  await deployed();
  const before = acmeStatus(await ctl.status()).info.version;
  // The company's publisher, restarted signing with the public publisher's
  // key (trusted for the built-in list, not for this one).
  await acme.stop();
  acme = await startPublisher({ key: DEV_KEY, port: acme.port, data: acme.data });
  await acme.publish(['acme-second-fake.example'], { list: 'acme', date: '2026-12-02', reference: 'https://security.acme.example/a/2' });
  await ctl.ask({ type: 'updateNow' });
  const a = acmeStatus(await ctl.status());
  assert.match(a.update.lastError, /untrusted key/);
  assert.equal(a.info.version, before, 'the last good version stays');
  assert.equal(await loads('http://acme-second-fake.example/'), true, 'the refused version does not warn');
  assert.equal((await warningFor('http://acme-fake-hr.example/')).list, ACME);
  assert.equal((await warningFor('http://public-front.example/')).list, 'RedFlag public list');
});

test('an unreachable company publisher leaves the built-in list working', { skip }, async () => {
  await deployed();
  await acme.stop();
  const version = await pub.publish(['public-second-front.example'], { kind: 'seized', authority: 'US Department of Justice', date: '2026-12-02', reference: 'https://justice.example/seizure-2' });
  await ctl.ask({ type: 'updateNow' });
  const s = await ctl.status();
  assert.equal(s.list.version, version, 'the built-in list updated');
  assert.equal(s.update.lastError, '');
  // Through the test network's proxy a stopped server is a 502.
  assert.match(acmeStatus(s).update.lastError, /cannot reach|HTTP 502/);
  assert.equal((await warningFor('http://public-second-front.example/')).list, 'RedFlag public list');
  assert.equal((await warningFor('http://acme-fake-hr.example/')).list, ACME, 'the company list\'s last good version still warns');
});

test('removing the list by policy removes its warnings', { skip }, async () => {
  await deployed();
  deployment.setExtensionPolicy(acmePolicy([]));
  await until('the company list is gone', (x) => x.lists?.length === 0 && x.settings.values.lists.length === 0, 90000);
  assert.equal(await loads('http://acme-fake-hr.example/'), true);
  const stored = await ctl.page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('redflag', 1);
    req.onsuccess = () => {
      const get = req.result.transaction('lists').objectStore('lists').getAllKeys();
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    };
    req.onerror = () => reject(req.error);
  }));
  assert.deepEqual(stored, ['default'], 'the company list\'s stored copy is deleted');
  assert.equal((await warningFor('http://public-front.example/')).list, '', 'with one list, warnings need not name it');
});
