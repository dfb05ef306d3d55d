// Where recruiters work: an applicant-tracking system's candidate profile
// and a webmail message get their listed links, emails and sender marked,
// and the document check page reports what a résumé holds. Debian's
// Chromium with the built extension and its embedded list, on the test
// network (harness/network.mjs), whose log is checked at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNetwork } from './harness/network.mjs';
import { launch } from './harness/browser.mjs';
import { controlPage } from './harness/extension.mjs';

let net, b, ctl, baseline;
const visited = new Set();

function visit(url) {
  visited.add(new URL(url).host);
  return url;
}

before(async () => {
  net = await startNetwork();
  const plain = await launch({ proxy: net.proxy, extensionDir: null });
  const p = await plain.context.newPage();
  await p.goto('http://baseline.example/');
  await p.waitForTimeout(3000);
  await plain.close();
  baseline = new Set(net.log.map((e) => e.host));
  net.log.length = 0;

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
