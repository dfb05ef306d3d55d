// The extension in a real Chromium (Debian's /usr/bin/chromium), with the
// real WebAssembly checker and a real `redflag serve` process. One browser
// runs every test in order, as a person would use it, and the network it
// used is checked at the end. Screenshots for the README are written to
// ../screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from './harness/network.mjs';
import { baselineHosts, launch } from './harness/browser.mjs';
import { startPublisher, REDFLAG } from './harness/publisher.mjs';
import { startListServer } from './harness/listserver.mjs';
import { startEdge } from './harness/edge.mjs';
import { controlPage, gotoWarning, waitForWarning } from './harness/extension.mjs';

const SHOTS = new URL('../screenshots/', import.meta.url);
mkdirSync(SHOTS, { recursive: true });
const shot = (name) => new URL(name, SHOTS).pathname;

let net, publisher, b, ctl, baseline;
const visited = new Set(); // host+path the tests navigated to

function visit(url) {
  const u = new URL(url);
  visited.add(u.host);
  return url;
}

before(async () => {
  net = await startNetwork();
  baseline = await baselineHosts(net);

  publisher = await startPublisher();
  net.forward(publisher.addr);
  b = await launch({ proxy: net.proxy });
  ctl = await controlPage(b);
  await ctl.setSettings({ updateUrl: publisher.url });
  await ctl.ready();
});

after(async () => {
  await b?.close();
  await publisher?.close();
  await net?.close();
});

test('a seized domain leads to the warning page with its provenance', async () => {
  const page = await b.context.newPage();
  await gotoWarning(page, visit('http://silverstarchina.com/careers'));
  assert.equal(await page.textContent('h1'), 'This site was seized');
  assert.equal(await page.textContent('#why'), 'Seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
  // The date is never split over two lines (one line box tall).
  const date = await page.$eval('#why .nowrap', (e) => ({ text: e.textContent, boxes: e.getClientRects().length }));
  assert.deepEqual(date, { text: '2023-10-17', boxes: 1 });
  assert.equal(await page.textContent('#site'), 'silverstarchina.com');
  assert.match(await page.getAttribute('#reference-link', 'href'), /^https:\/\/cybersrcc\.com\//);
  assert.equal(await page.textContent('#match'), 'silverstarchina.com/');
  assert.match(await page.textContent('#version'), /\(\d{13}\)/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'back', 'Go back has the focus');
  assert.equal(await page.isVisible('#proceed'), true);
  await page.setViewportSize({ width: 760, height: 560 });
  await page.screenshot({ path: shot('warning.png') });
  await page.close();
});

test('a subdomain of a seized domain is warned about too', async () => {
  const page = await b.context.newPage();
  await gotoWarning(page, visit('http://jobs.cloudfox.cloud/apply?ref=board'));
  assert.equal(await page.textContent('#site'), 'jobs.cloudfox.cloud');
  assert.equal(await page.textContent('#match'), 'cloudfox.cloud/');
  assert.match(await page.textContent('#why'), /^Seized by US Department of Justice/);
  await page.close();
});

test('a listed site reached by a server redirect is warned about too', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('http://example-clean.com/')); // not a new tab: Go back has somewhere to go
  await page.goto(visit(`http://short-links.example/go?to=${encodeURIComponent('http://www.cloudbluefox.com/offer')}`)).catch(() => {});
  visit('http://www.cloudbluefox.com/offer');
  await waitForWarning(page, 'http://www.cloudbluefox.com/offer');
  assert.equal(await page.textContent('#match'), 'cloudbluefox.com/');
  await page.close();
});

test('a clean site is left alone', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('http://cloudstorage-partners.com/'));
  await page.waitForTimeout(1000); // a late redirect would show by now
  assert.equal(page.url(), 'http://cloudstorage-partners.com/');
  assert.equal(await page.textContent('h1'), 'Welcome to cloudstorage-partners.com');
  await page.close();
});

test('a look-alike of a seized name gets the milder caution page once, then loads', async () => {
  const page = await b.context.newPage();
  await gotoWarning(page, visit('http://cloudfox.io/careers'));
  assert.equal(await page.textContent('h1'), 'This site\'s name resembles a listed one');
  assert.equal(await page.textContent('#why'), 'This site\'s name resembles cloudfox.cloud, seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
  assert.equal(await page.textContent('#how'), 'How: the same name under .io instead of .cloud.');
  assert.equal(await page.isVisible('#not-listed'), true);
  assert.equal(await page.textContent('#match'), 'cloudfox.cloud');
  assert.equal(await page.evaluate(() => document.body.classList.contains('caution')), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'back', 'Go back has the focus');
  assert.equal(await page.textContent('#proceed'), 'Continue to site');
  await page.setViewportSize({ width: 760, height: 600 });
  await page.screenshot({ path: shot('caution.png') });
  await page.click('#proceed');
  await page.waitForURL('http://cloudfox.io/careers');
  assert.equal(await page.textContent('h1'), 'Welcome to cloudfox.io');
  // Asked once per site: another tab, another page of it, goes straight on.
  const again = await b.context.newPage();
  await again.goto(visit('http://www.cloudfox.io/about'));
  await again.waitForTimeout(1000);
  assert.equal(again.url(), 'http://www.cloudfox.io/about');
  assert.equal(await again.textContent('h1'), 'Welcome to www.cloudfox.io');
  // A look-alike in Unicode, and one of another family, are asked about.
  await gotoWarning(again, visit('http://silverstar-china.com/'));
  assert.equal(await again.textContent('#how'), 'How: a hyphen added.');
  await again.close();
  await page.close();
});

test('look-alikes on a job board get an amber badge; listed ones stay red', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('http://www.linkedin.com/candidates/42'));
  const badgeAfter = (sel) => page.locator(`${sel} + .redflag-badge, ${sel} .redflag-badge`);
  await badgeAfter('#caution-link').waitFor({ timeout: 15000 });
  await badgeAfter('#caution-email').waitFor();
  await badgeAfter('#listed-link').waitFor();
  const caution = badgeAfter('#caution-link');
  assert.equal(await caution.textContent(), '⚠ Look-alike');
  assert.match(await caution.getAttribute('class'), /redflag-caution/);
  assert.equal(await caution.getAttribute('aria-label'),
    'RedFlag: not listed, but its name resembles silverstarchina.com, seized by US Department of Justice (E.D. Missouri) on 2023-10-17 (a hyphen added)');
  assert.match(await badgeAfter('#caution-email').getAttribute('title'), /resembles cloudfox\.cloud, seized by .* \(the same name under \.io instead of \.cloud\)$/);
  assert.equal(await badgeAfter('#listed-link').textContent(), '⚑ Seized');
  const colors = await page.evaluate(() => [...document.querySelectorAll('.redflag-badge')].map((b) => getComputedStyle(b).backgroundColor));
  assert.ok(colors.includes('rgb(245, 180, 0)') && colors.includes('rgb(179, 38, 30)'), `badge colours ${colors}`);
  await page.waitForTimeout(600);
  assert.equal(await badgeAfter('#clean-link').count(), 0);
  assert.equal(await page.locator('.redflag-badge').count(), 3);
  await page.close();
});

test('with look-alike cautions off in the settings, a look-alike loads', async () => {
  await ctl.setSettings({ updateUrl: publisher.url, lookAlikes: 'off' });
  try {
    const page = await b.context.newPage();
    await page.goto(visit('http://foxysunstudios.net/'));
    await page.waitForTimeout(1000);
    assert.equal(page.url(), 'http://foxysunstudios.net/');
    const r = await ctl.ask({ type: 'check', input: 'https://foxysunstudios.net/' });
    assert.equal(r.result.verdict, 'clean');
    await page.close();
  } finally {
    await ctl.setSettings({ updateUrl: publisher.url });
  }
});

test('Go back returns to the previous page', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('http://example-clean.com/start'));
  // Follow a link, as a person would: Chromium's back button skips pages
  // that navigated away without a user gesture.
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<a id="next" href="http://foxysunstudio.com/">next</a>'));
  await page.click('#next');
  await waitForWarning(page, visit('http://foxysunstudio.com/'));
  await page.keyboard.press('Enter'); // Go back has the focus
  await page.waitForURL('http://example-clean.com/start');
  assert.equal(await page.textContent('h1'), 'Welcome to example-clean.com');
  await page.close();
});

test('Proceed anyway opens the site, remembered in that tab only', async () => {
  const page = await b.context.newPage();
  await gotoWarning(page, visit('http://edenprogram.com/'));
  await page.click('#proceed');
  await page.waitForURL('http://edenprogram.com/');
  assert.equal(await page.textContent('h1'), 'Welcome to edenprogram.com');
  await page.goto('http://www.edenprogram.com/again');
  await page.waitForTimeout(1000);
  assert.equal(page.url(), 'http://www.edenprogram.com/again', 'same site, same tab: no second warning');
  visited.add('www.edenprogram.com');

  const other = await b.context.newPage();
  await gotoWarning(other, 'http://edenprogram.com/');
  await other.close();
  await page.close();
});

test('listed links and emails on a job board are marked, also when added later; clean ones are not', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('http://www.linkedin.com/jobs/view/4242'));
  const badgeAfter = (sel) => page.locator(`${sel} + .redflag-badge, ${sel} .redflag-badge`);
  await badgeAfter('#listed-link').waitFor({ timeout: 15000 });
  await badgeAfter('#listed-email').waitFor();
  await badgeAfter('#listed-domain').waitFor();
  const b1 = badgeAfter('#listed-link');
  assert.equal(await b1.getAttribute('role'), 'img');
  assert.match(await b1.getAttribute('aria-label'), /^RedFlag: seized by US Department of Justice \(E\.D\. Missouri\) on 2023-10-17/);
  assert.match(await b1.getAttribute('title'), /listed as cloudfox\.cloud\//);
  assert.match(await badgeAfter('#listed-email').getAttribute('aria-label'), /listed as jinyang\.asia\//);
  await badgeAfter('#listed-code').waitFor();
  assert.match(await badgeAfter('#listed-code').getAttribute('title'), /listed as danielliu\.info\//);
  // The partner's name only resembles a listed one: an amber badge.
  await badgeAfter('#caution-link').waitFor();
  assert.equal(await badgeAfter('#caution-link').textContent(), '⚠ Look-alike');
  assert.equal(await page.locator('.redflag-badge').count(), 5, 'only the four listed items and the look-alike, none for the listed ones in a script');

  await page.evaluate(() => {
    document.querySelector('#messages').insertAdjacentHTML('beforeend',
      '<p>New message: see <a id="late-link" href="https://babyboxtech.com/team">our team</a>, ' +
      'mail <span id="late-email">ceo@xinlusoft.com</span> or <span id="late-clean">jobs@example.org</span></p>');
  });
  await badgeAfter('#late-link').waitFor({ timeout: 15000 });
  await badgeAfter('#late-email').waitFor();
  await page.waitForTimeout(600); // two throttle periods: nothing more comes
  assert.equal(await page.locator('.redflag-badge').count(), 7);
  for (const id of ['#clean-link', '#clean-email', '#clean-domain', '#late-clean']) {
    assert.equal(await badgeAfter(id).count(), 0, `${id} is not marked`);
  }
  await page.setViewportSize({ width: 820, height: 420 });
  await page.screenshot({ path: shot('jobboard.png') });
  await page.close();
});

test('a job board wakes a stopped worker to check new content; its content script may ask nothing else', async () => {
  const page = await b.context.newPage();
  const cdp = await b.context.newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  await page.goto(visit('http://www.linkedin.com/jobs/view/4243'));
  await page.locator('#listed-link + .redflag-badge').waitFor({ timeout: 15000 });
  await ctl.stopWorker();
  await page.evaluate(() => {
    document.querySelector('#messages').insertAdjacentHTML('beforeend', '<p><a id="woke-link" href="https://jinyang.asia/about">about us</a></p>');
  });
  await page.locator('#woke-link + .redflag-badge').waitFor({ timeout: 15000 });

  // The content script's own world: the extension's pages' messages are
  // refused there (only batches over the port are answered).
  const content = contexts.find((c) => c.auxData?.type === 'isolated' && /RedFlag/.test(c.name));
  assert.ok(content, 'the content script runs in its isolated world');
  const { result } = await cdp.send('Runtime.evaluate', {
    contextId: content.id,
    awaitPromise: true,
    returnByValue: true,
    expression: `Promise.all(['status', 'proceed', 'updateNow'].map((type) => chrome.runtime.sendMessage({ type, url: 'http://xinlusoft.com/' }).then((a) => a?.ok === true, () => false)))`,
  });
  assert.deepEqual(result.value, [false, false, false]);
  await cdp.detach();
  await page.close();
});

test('the popup checks a pasted email', async () => {
  const page = await b.context.newPage();
  await page.setViewportSize({ width: 360, height: 470 });
  await page.goto(b.url('pages/popup.html'));
  await page.waitForSelector('body[data-status="ready"]');
  await page.fill('#check-input', 'recruiting@foxysunstudios.com');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result:not([hidden])');
  assert.equal(await page.textContent('#result-verdict'), 'Seized');
  assert.match(await page.textContent('#result-why'), /^Seized by US Department of Justice \(E\.D\. Missouri\) on 2023-10-17\./);
  assert.equal(await page.textContent('#protection'), 'get no request: the browser blocks all 17 listed names itself');
  await page.screenshot({ path: shot('popup.png'), fullPage: true }); // a popup grows to fit
  await page.fill('#check-input', 'talent@example.com');
  await page.click('#check-button');
  await page.waitForFunction(() => document.querySelector('#result-verdict').textContent === 'Not listed');
  await page.close();
});

test('the context menu\'s checker page checks what it is given', async () => {
  const page = await b.context.newPage();
  await page.goto(b.url(`pages/popup.html?check=${encodeURIComponent('https://www.thefoxesgroup.com/careers')}`));
  await page.waitForSelector('#result:not([hidden])');
  assert.equal(await page.inputValue('#check-input'), 'https://www.thefoxesgroup.com/careers');
  assert.equal(await page.textContent('#result-verdict'), 'Seized');
  await page.close();
});

test('block mode: no Proceed anyway, refused by the background too; Report a mistake uses the set address', async () => {
  await ctl.setSettings({ updateUrl: publisher.url, mode: 'block', reportUrl: 'security@acme.example' });
  try {
    const page = await b.context.newPage();
    await gotoWarning(page, visit('http://xinlusoft.com/'));
    assert.equal(await page.isVisible('#proceed'), false);
    assert.equal(await page.isVisible('#blocked'), true);
    assert.match(await page.getAttribute('#report', 'href'), /^mailto:security@acme\.example\?subject=RedFlag%3A%20xinlusoft\.com%20/);
    const answer = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'proceed', url: 'http://xinlusoft.com/' }));
    assert.deepEqual(answer, { ok: false, error: 'blocked by your organization' });
    await page.close();
  } finally {
    await ctl.setSettings({ updateUrl: publisher.url });
  }
});

test('an allowlisted domain is neither warned about nor marked', async () => {
  await ctl.setSettings({ updateUrl: publisher.url, allowlist: ['babyboxtech.com'] });
  try {
    const r = (await ctl.ask({ type: 'check', input: 'https://jobs.babyboxtech.com/' })).result;
    assert.equal(r.verdict, 'clean');
    assert.equal(r.allowlisted, true);
    const page = await b.context.newPage();
    await page.goto(visit('http://jobs.babyboxtech.com/'));
    await page.waitForTimeout(1000);
    assert.equal(page.url(), 'http://jobs.babyboxtech.com/');
    await page.goto(visit('http://www.linkedin.com/jobs/view/77'));
    await page.evaluate(() => document.querySelector('#messages').insertAdjacentHTML('beforeend',
      '<p><a id="allowed-link" href="https://babyboxtech.com/team">team</a> <a id="still-listed" href="https://foxvsun.com/">x</a></p>'));
    await page.locator('#still-listed + .redflag-badge').waitFor({ timeout: 15000 });
    assert.equal(await page.locator('#allowed-link + .redflag-badge').count(), 0);
    await page.close();
  } finally {
    await ctl.setSettings({ updateUrl: publisher.url });
  }
});

test('the options page saves valid settings and explains invalid ones', async () => {
  const page = await b.context.newPage();
  await page.goto(b.url('pages/options.html'));
  await page.waitForFunction(() => document.querySelector('#updateUrl').value !== '');
  await page.fill('#checkIntervalMinutes', '0');
  await page.fill('#reportUrl', 'https://acme.example/report');
  await page.click('button[type=submit]');
  await page.waitForSelector('#checkIntervalMinutes-error');
  assert.match(await page.textContent('#checkIntervalMinutes-error'), /from 1 to 10080/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'checkIntervalMinutes');
  let stored = await page.evaluate(() => chrome.storage.local.get('settings').then((r) => r.settings));
  assert.equal(stored.reportUrl, undefined, 'nothing saved while one value is wrong');

  await page.fill('#checkIntervalMinutes', '45');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#saved').textContent !== '');
  stored = await page.evaluate(() => chrome.storage.local.get('settings').then((r) => r.settings));
  assert.equal(stored.checkIntervalMinutes, 45);
  assert.equal(stored.reportUrl, 'https://acme.example/report');
  assert.equal(stored.updateUrl, publisher.url);
  await page.close();
  await ctl.setSettings({ updateUrl: publisher.url });
});

let published; // the version the real publisher published

test('an update from redflag serve makes the next navigation warn, without a restart', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('http://newlyflagged.com/'));
  await page.waitForTimeout(500);
  assert.equal(page.url(), 'http://newlyflagged.com/', 'not listed before the update');

  published = await publisher.publish(['newlyflagged.com', 'github.com/some-user/', 'guru.com/freelancers/some-user/'], {
    date: '2026-11-20', reference: 'https://security.acme.example/advisories/42', note: 'Fake recruiter sending malware as coding tests',
  });
  // The publisher makes deltas just after it serves a new version: wait
  // for the one from the embedded version, so the delta path is the one
  // tested here (the tampered-snapshot test takes the snapshot path).
  const before = (await ctl.status()).list.version;
  for (const deadline = Date.now() + 30000; ;) {
    const r = await fetch(`${publisher.url}/v1/lists/default/delta?from=${before}`);
    if (r.status === 200) break;
    assert.ok(Date.now() < deadline, `no delta from ${before}: HTTP ${r.status}`);
    await new Promise((res) => setTimeout(res, 200));
  }

  const popup = await b.context.newPage();
  await popup.goto(b.url('pages/popup.html'));
  await popup.waitForSelector('body[data-status="ready"]');
  await popup.click('#update-now');
  await popup.waitForFunction((v) => document.querySelector('#list-version').textContent.includes(String(v)), published);
  const s = await ctl.status();
  assert.equal(s.list.version, published);
  assert.equal(s.update.lastResult, 'updated');
  assert.equal(s.update.via, 'delta', 'the server offered a delta from the embedded version');
  assert.equal(s.update.lastError, '');
  await popup.close();

  await gotoWarning(page, visit('http://newlyflagged.com/jobs/1'));
  assert.equal(await page.textContent('h1'), 'This site is flagged as dangerous');
  assert.equal(await page.textContent('#why'), 'Flagged by Acme security team on 2026-11-20.');
  assert.equal(await page.textContent('#note'), 'Fake recruiter sending malware as coding tests');

  // URL-prefix entries on shared platforms: the listed path only. (GitHub
  // is HSTS-preloaded, so the browser would go over HTTPS, which this test
  // network does not serve: the checker answers for it, and a navigation
  // is tried on another platform.)
  const gh = (input) => ctl.ask({ type: 'check', input }).then((a) => a.result);
  assert.equal((await gh('https://github.com/some-user/interview-task')).match, 'github.com/some-user/');
  assert.equal((await gh('https://github.com/another-user/')).verdict, 'clean');
  await gotoWarning(page, visit('http://www.guru.com/freelancers/some-user/portfolio'));
  assert.equal(await page.textContent('#match'), 'guru.com/freelancers/some-user/');
  await page.goto(visit('http://www.guru.com/freelancers/another-user/'));
  await page.waitForTimeout(800);
  assert.equal(page.url(), 'http://www.guru.com/freelancers/another-user/', 'only the listed path prefix on a shared platform');
  await page.close();
});

// waitFor polls cond until it holds, for up to 15 s.
async function waitFor(cond, what) {
  const deadline = Date.now() + 15000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// restartWorker stops the service worker; the next message starts a new
// one, whose status it returns once ready.
async function restartWorker() {
  await ctl.stopWorker();
  return ctl.ready();
}

test('an entry published with look-alikes off causes no caution; one with them on does', async () => {
  await publisher.publish(['talentbridge-partners.com'], { date: '2026-11-20', reference: 'https://security.acme.example/advisories/46', lookAlikes: 'off' });
  published = await publisher.publish(['hirewave-recruiting.com'], { date: '2026-11-20', reference: 'https://security.acme.example/advisories/47' });
  const st = await ctl.ask({ type: 'updateNow' });
  assert.equal(st.status.lastError, '', st.status.lastError);
  assert.equal((await ctl.status()).list.version, published);
  const verdict = async (input) => (await ctl.ask({ type: 'check', input })).result;
  assert.equal((await verdict('https://talentbridge-partners.com/')).verdict, 'flagged', 'its exact name is listed');
  assert.equal((await verdict('https://talentbridge-partners.net/')).verdict, 'clean', 'look-alikes off: no caution');
  const r = await verdict('https://hirewave-recruiting.net/');
  assert.equal(r.verdict, 'caution');
  assert.equal(r.resembles, 'hirewave-recruiting.com');
  const page = await b.context.newPage();
  await page.goto(visit('http://talentbridge-partners.net/'));
  await page.waitForTimeout(1000);
  assert.equal(page.url(), 'http://talentbridge-partners.net/');
  await gotoWarning(page, visit('http://hirewave-recruiting.net/'));
  assert.match(await page.textContent('#why'), /^This site's name resembles hirewave-recruiting\.com, flagged by Acme security team on 2026-11-20\.$/);
  await page.close();
});

test('the updated list survives a restart of the service worker (stored)', async () => {
  const s = await restartWorker();
  assert.match(s.timings.start.storedResult, new RegExp(`^loaded ${published}$`));
  assert.equal(s.list.version, published);
  assert.equal(s.timings.start.checker.moduleFrom, 'cache', 'a restart compiles the module from its Cache Storage copy');
  const page = await b.context.newPage();
  await gotoWarning(page, 'http://newlyflagged.com/');
  await page.close();
});

test('a damaged copy of the module in Cache Storage is replaced by the packaged one', async () => {
  const cached = () => ctl.page.evaluate(async () => {
    const cache = await caches.open('redflag-checker');
    return Promise.all((await cache.keys()).map(async (k) => ({ url: k.url, bytes: (await (await cache.match(k)).arrayBuffer()).byteLength })));
  });
  const [copy] = await cached();
  const packaged = readFileSync(new URL('../build/chromium/checker/redflag.wasm', import.meta.url)).length;
  assert.equal(copy.bytes, packaged, 'the copy is the packaged module');
  await ctl.page.evaluate(async (url) => {
    const cache = await caches.open('redflag-checker');
    await cache.put(url, new Response(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 2, 3]), { headers: { 'content-type': 'application/wasm' } }));
  }, copy.url);
  let s = await restartWorker();
  assert.equal(s.timings.start.checker.moduleFrom, 'package');
  assert.equal(s.list.version, published, 'the stored list is loaded as usual');
  const page = await b.context.newPage();
  await gotoWarning(page, visit('http://jobs.silverstarchina.com/'));
  await page.close();
  await waitFor(async () => (await cached())[0]?.bytes === packaged, 'the copy is written again');
  s = await restartWorker();
  assert.equal(s.timings.start.checker.moduleFrom, 'cache');
});

test('a tampered snapshot is rejected and the current list keeps working', async () => {
  // A real, newer snapshot with one byte changed after signing.
  const newer = await publisher.publish(['tamperedfront.com'], { date: '2026-11-21', reference: 'https://security.acme.example/advisories/43' });
  const bytes = new Uint8Array(await (await fetch(`${publisher.url}/v1/lists/default/snapshot`)).arrayBuffer());
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  const fake = await startListServer({ snapshot: bytes, version: newer });
  net.forward(fake.addr);
  try {
    await ctl.setSettings({ updateUrl: fake.url });
    const popup = await b.context.newPage();
    await popup.goto(b.url('pages/popup.html'));
    await popup.waitForSelector('body[data-status="ready"]');
    await popup.click('#update-now');
    await popup.waitForSelector('#update-error:not([hidden])');
    const shown = await popup.textContent('#update-error');
    assert.match(shown, /snapshot refused/);
    assert.match(shown, /The current list stays in use/);
    await popup.close();
    assert.ok(fake.hits.some((h) => h.endsWith('/snapshot')), 'the fake server was asked');

    const s = await ctl.status();
    assert.equal(s.list.version, published, 'still the last good list');
    assert.ok(s.update.failures >= 1);

    const page = await b.context.newPage();
    await gotoWarning(page, visit('http://newlyflagged.com/'));
    await gotoWarning(page, visit('http://silverstarchina.com/'));
    await page.goto(visit('http://tamperedfront.com/'));
    await page.waitForTimeout(800);
    assert.equal(page.url(), 'http://tamperedfront.com/', 'nothing from the tampered snapshot');
    await page.close();
  } finally {
    await ctl.setSettings({ updateUrl: publisher.url });
    await fake.close();
  }
});

test('the update alarm picks up the next publication by itself', async () => {
  const next = await publisher.publish(['alarmflagged.com'], { date: '2026-11-22', reference: 'https://security.acme.example/advisories/44' });
  // A change of settings schedules a try within seconds; after it the
  // alarm is set for about the interval.
  const since = Date.now();
  await ctl.setSettings({ updateUrl: publisher.url, checkIntervalMinutes: 45 });
  const deadline = Date.now() + 60000;
  let s;
  while (!((s = await ctl.status()).list.version === next && s.update.lastSuccess >= since && s.update.nextAt > since + 60000)) {
    assert.ok(Date.now() < deadline, `no update by the alarm: ${JSON.stringify(s.update)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(s.update.lastError, '');
  s = await ctl.status();
  const minutes = (s.update.nextAt - Date.now()) / 60000;
  assert.ok(minutes > 40 && minutes < 50, `next try in ${minutes.toFixed(1)} minutes, want 45 ± 10%`);
  await gotoWarning(await b.context.newPage(), visit('http://alarmflagged.com/'));
});

test('the extension updates from the edge Worker the publisher pushed to', async () => {
  const edge = await startEdge();
  try {
    net.forward(edge.addr);
    const next = await publisher.publish(['edgeflagged.com'], { date: '2026-11-23', reference: 'https://security.acme.example/advisories/45' });
    await publisher.admin('edge', '--edge', edge.url, '--edge-token-file', edge.tokenFile);
    const since = Date.now();
    await ctl.setSettings({ updateUrl: edge.url, checkIntervalMinutes: 45 });
    const deadline = Date.now() + 60000;
    let s;
    while (!((s = await ctl.status()).list.version === next && s.update.lastSuccess >= since)) {
      assert.ok(Date.now() < deadline, `no update from the edge: ${JSON.stringify(s.update)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(s.update.lastResult, 'updated');
    assert.equal(s.update.via, 'delta', 'the edge served the delta the publisher made');
    assert.equal(s.update.lastError, '');
    assert.ok(net.log.some((e) => e.host === edge.addr && e.path.startsWith('/v1/lists/default/delta?from=')), 'the update came from the edge');
    await gotoWarning(await b.context.newPage(), visit('http://edgeflagged.com/'));
  } finally {
    await ctl.setSettings({ updateUrl: publisher.url });
    await edge.close();
  }
});

test('a list signed by a key the policy adds is refused without it and accepted with it', async () => {
  // Another signer (say, a company's own publisher), its key not built in.
  const dir = mkdtempSync(join(tmpdir(), 'redflag-acme-'));
  const keygen = execFileSync(REDFLAG, ['keygen', '--out', join(dir, 'acme')], { encoding: 'utf8' });
  const pub = /\((ed25519:[A-Za-z0-9+/=]+)\)/.exec(keygen)[1];
  writeFileSync(join(dir, 'acme.tsv'), 'pattern\tkind\tdate\tauthority\treference\tnote\n'
    + 'acmeflagged.com\tflagged\t2026-11-23\tAcme security team\thttps://security.acme.example/advisories/45\tPhishing for developer credentials\n');
  const version = Date.now();
  execFileSync(REDFLAG, ['build', '--key', join(dir, 'acme.key'), '--name', 'default', '--version', String(version),
    '--out', join(dir, 'acme.snap'), join(dir, 'acme.tsv'), new URL('../../lists/data/doj-2023-10-17-dprk-it-workers.tsv', import.meta.url).pathname]);
  const server = await startListServer({ snapshot: readFileSync(join(dir, 'acme.snap')), version });
  net.forward(server.addr);
  try {
    await ctl.setSettings({ updateUrl: server.url });
    let s = (await ctl.ask({ type: 'updateNow' })).status;
    assert.match(s.lastError, /snapshot refused/, 'not trusted yet');
    assert.notEqual((await ctl.status()).list.version, version);

    await ctl.setSettings({ updateUrl: server.url, trustedKeys: [pub] });
    s = (await ctl.ask({ type: 'updateNow' })).status;
    assert.equal(s.lastError, '');
    assert.equal((await ctl.status()).list.version, version);
    const page = await b.context.newPage();
    await gotoWarning(page, visit('http://acmeflagged.com/login'));
    assert.equal(await page.textContent('#why'), 'Flagged by Acme security team on 2026-11-23.');
    await gotoWarning(page, visit('http://silverstarchina.com/'));
    await page.close();
  } finally {
    await ctl.setSettings({ updateUrl: '' }); // done: no more updates
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the extension made no network request other than to its update servers', async () => {
  const updateHosts = new Set([publisher.addr]);
  const unexpected = [];
  for (const e of net.log) {
    if (e.host.startsWith('127.0.0.1:')) {
      // Update servers: only the public list API.
      if (!/^\/v1\/lists\/default\/(snapshot|delta\?from=\d+)$/.test(e.path)) unexpected.push(e);
      else updateHosts.add(e.host);
    } else if (visited.has(e.host)) {
      // Pages the tests opened, and the icon the browser asks for.
      if (e.method !== 'GET') unexpected.push(e);
    } else if (!baseline.has(e.host)) {
      unexpected.push(e);
    }
  }
  assert.deepEqual(unexpected.map((e) => `${e.method} ${e.url}`), []);
  // The extension's requests carry its origin; none went to a page's host.
  const ours = net.log.filter((e) => String(e.headers.origin ?? '').startsWith('chrome-extension://'));
  for (const e of ours) assert.ok(e.host.startsWith('127.0.0.1:'), `${e.url} came from the extension`);
  assert.ok(net.log.some((e) => e.host === publisher.addr), 'the update server was used');
});
