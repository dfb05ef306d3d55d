// Where recruiters work: an applicant-tracking system's candidate profile
// and a webmail message get their listed links, emails and sender marked,
// and the document check page reports what a résumé holds. Debian's
// Chromium with the built extension and its embedded list, on the test
// network (harness/network.mjs), whose log is checked at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNetwork } from './harness/network.mjs';
import { baselineHosts, launch } from './harness/browser.mjs';
import { controlPage } from './harness/extension.mjs';

let net, b, ctl, baseline;
const visited = new Set();

function visit(url) {
  visited.add(new URL(url).host);
  return url;
}

before(async () => {
  net = await startNetwork();
  baseline = await baselineHosts(net);

  b = await launch({ proxy: net.proxy });
  ctl = await controlPage(b);
  await ctl.setSettings({ updateUrl: '' }); // the embedded list; no updates in this file
  await ctl.ready();
});

after(async () => {
  await b?.close();
  await net?.close();
});

const badgeAfter = (page, sel) => page.locator(`${sel} + .redflag-badge`);

test('a Greenhouse candidate profile gets its listed email, link and domain marked', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('http://app.greenhouse.io/people/123456789?application_id=987654321'));
  await page.locator('#gh-listed-email + .redflag-badge').waitFor({ timeout: 15000 });
  await badgeAfter(page, '#gh-listed-link').waitFor();
  await page.locator('#gh-listed-domain .redflag-badge').waitFor();
  assert.match(await badgeAfter(page, '#gh-listed-email').getAttribute('title'), /seized by US Department of Justice .* \(listed as jinyang\.services\/\)/);
  assert.match(await badgeAfter(page, '#gh-listed-link').getAttribute('title'), /listed as mycloudfox\.com\//);
  await page.waitForTimeout(600); // two throttle periods: nothing more comes
  assert.equal(await page.locator('.redflag-badge').count(), 3);
  for (const id of ['#gh-clean-email', '#gh-clean-link']) assert.equal(await badgeAfter(page, id).count(), 0, `${id} is not marked`);
  assert.equal(await page.locator('#gh-clean-domain .redflag-badge').count(), 0);

  // The activity feed grows as the recruiter works.
  await page.evaluate(() => document.querySelector('#gh-activity').insertAdjacentHTML('beforeend',
    '<li>Note from the agency: reach <a id="gh-late" href="mailto:ops@xinlusoft.com">ops@xinlusoft.com</a></li>'));
  await badgeAfter(page, '#gh-late').waitFor({ timeout: 15000 });
  await page.close();
});

test('a Gmail message gets its listed sender, reply-to, link and email marked', async () => {
  const page = await b.context.newPage();
  // mail.google.com is HSTS-preloaded: the browser goes over HTTPS, which
  // the test network serves for it.
  await page.goto(visit('https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWxyz'));
  assert.equal(new URL(page.url()).protocol, 'https:');
  await badgeAfter(page, '#gm-sender').waitFor({ timeout: 15000 });
  await badgeAfter(page, '#gm-reply-to').waitFor();
  await badgeAfter(page, '#gm-listed-link').waitFor();
  await page.locator('#gm-listed-email .redflag-badge').waitFor();
  // The sender shows by name only: the address is the element's `email`.
  assert.equal(await page.textContent('#gm-sender'), 'Jinyang HR');
  assert.match(await badgeAfter(page, '#gm-sender').getAttribute('aria-label'), /^RedFlag: seized by .* \(listed as jinyang\.asia\/\)$/);
  assert.match(await badgeAfter(page, '#gm-reply-to').getAttribute('title'), /listed as thefoxesgroup\.com\//);
  assert.match(await badgeAfter(page, '#gm-listed-link').getAttribute('title'), /listed as cloudfox\.cloud\//);
  await page.waitForTimeout(600);
  // The sender twice (header, and the details' from: row), reply-to, link, email.
  assert.equal(await page.locator('.redflag-badge').count(), 5);
  for (const id of ['#gm-to', '#gm-clean-link']) assert.equal(await badgeAfter(page, id).count(), 0, `${id} is not marked`);
  assert.equal(await page.locator('#gm-clean-email .redflag-badge').count(), 0);
  await page.close();
});

test('an Outlook message gets its listed sender and its Safe Links-wrapped link marked', async () => {
  const page = await b.context.newPage();
  await page.goto(visit('https://outlook.office.com/mail/inbox/id/AAQkAGI2'));
  await page.locator('#ol-sender .redflag-badge').waitFor({ timeout: 15000 });
  await badgeAfter(page, '#ol-listed-link').waitFor();
  assert.match(await badgeAfter(page, '#ol-listed-link').getAttribute('title'), /listed as foxvsun\.com\//);
  await page.waitForTimeout(600);
  assert.equal(await page.locator('.redflag-badge').count(), 2);
  assert.equal(await badgeAfter(page, '#ol-clean-link').count(), 0);
  await page.close();
});

const FIXTURES = new URL('../../lists/document/testdata/', import.meta.url).pathname;

// report reads the document page's report: per file, its status, the
// listed findings as "verdict input @ where", and its problems.
const report = (page) => page.$$eval('article.file', (files) => files.map((f) => ({
  file: f.dataset.file,
  status: f.dataset.status,
  listed: [...f.querySelectorAll('tr.finding')].map((r) => `${r.dataset.verdict} ${r.querySelector('.input').textContent} @ ${r.querySelector('.where').textContent}`),
  why: [...f.querySelectorAll('tr.finding .why')].map((w) => w.textContent),
  clean: f.querySelectorAll('details li').length,
  problems: [...f.querySelectorAll('.problem')].map((p) => p.textContent),
})));

test('the document page reports what a PDF and a DOCX résumé hold, and why others could not be read', async () => {
  const page = await b.context.newPage();
  await page.goto(b.url('pages/documents.html'));
  await page.setInputFiles('#files', ['resume-listed.pdf', 'encrypted.pdf', 'resume-listed.docx', 'truncated.docx', 'resume-clean.pdf', 'resume-listed.odt', 'message.eml']
    .map((f) => FIXTURES + f));
  await page.waitForFunction(() => document.querySelectorAll('article.file').length === 7 && document.body.dataset.busy === 'false', null, { timeout: 60000 });
  const r = Object.fromEntries((await report(page)).map((f) => [f.file, f]));
  assert.deepEqual(r['resume-listed.pdf'].listed, ['seized hr@jinyang.asia @ page 1', 'seized https://careers.cloudfox.cloud/apply @ page 2, link']);
  assert.deepEqual(r['resume-listed.docx'].listed, ['seized hr@jinyang.asia @ paragraph 2', 'seized https://careers.cloudfox.cloud/apply @ paragraph 3, link']);
  assert.match(r['resume-listed.pdf'].why[0], /^Seized by US Department of Justice \(E\.D\. Missouri\) on 2023-10-17\. — .* — Listed as jinyang\.asia\/$/);
  assert.deepEqual(r['resume-listed.odt'].listed, ['seized hr@jinyang.asia @ paragraph 2', 'seized https://careers.cloudfox.cloud/apply @ paragraph 3, link']);
  assert.deepEqual(r['message.eml'].listed, ['seized hr@jinyang.asia @ header Reply-To', 'seized https://careers.cloudfox.cloud/apply @ body, paragraph 4, link']);
  assert.ok(r['message.eml'].clean >= 4, 'the sender, recipients and the attached résumé\'s contents are listed as clean');
  assert.equal(r['resume-clean.pdf'].status, 'done');
  assert.deepEqual(r['resume-clean.pdf'].listed, []);
  assert.equal(r['resume-clean.pdf'].clean, 2);
  assert.equal(r['encrypted.pdf'].status, 'error');
  assert.deepEqual(r['encrypted.pdf'].problems, ['encrypted.pdf was not checked: encrypted: the PDF needs a password to open']);
  assert.equal(r['truncated.docx'].status, 'error');
  assert.match(r['truncated.docx'].problems[0], /^truncated\.docx was not checked: damaged: not a complete ZIP archive/);
  assert.equal(await page.textContent('#summary'), '7 files, 8 listed findings, 2 files not (wholly) read');
  await page.setViewportSize({ width: 980, height: 760 });
  await page.screenshot({ path: new URL('../screenshots/documents.png', import.meta.url).pathname, fullPage: true });
  await page.close();
});

test('the document page is opened from the popup', async () => {
  const page = await b.context.newPage();
  await page.goto(b.url('pages/popup.html'));
  const [tab] = await Promise.all([b.context.waitForEvent('page'), page.click('#documents')]);
  await tab.waitForLoadState();
  assert.equal(tab.url(), b.url('pages/documents.html'));
  await tab.close();
  await page.close();
});

test('the extension made no network request but the pages the tests opened', async () => {
  const unexpected = [];
  for (const e of net.log) {
    const host = e.host.replace(/:443$/, '');
    if (visited.has(host)) {
      // The pages, the icon the browser asks for, and the tunnel to an HTTPS one.
      if (e.method !== 'GET' && e.method !== 'CONNECT') unexpected.push(e);
    } else if (!baseline.has(e.host)) {
      unexpected.push(e);
    }
  }
  assert.deepEqual(unexpected.map((e) => `${e.method} ${e.url}`), []);
  const ours = net.log.filter((e) => String(e.headers.origin ?? '').startsWith('chrome-extension://'));
  assert.deepEqual(ours.map((e) => e.url), [], 'the extension sent nothing');
});
