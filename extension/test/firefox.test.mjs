// The Firefox build in a real Firefox (Debian's firefox-esr, driven over
// WebDriver BiDi by puppeteer-core): the same extension code under
// Firefox's background scripts, with the real WebAssembly checker. A
// smaller tour than browser.test.mjs: warning, clean site, marking, and the
// network it used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startNetwork } from './harness/network.mjs';
import { FIREFOX, firefoxPrefs } from './harness/firefox.mjs';

const BUILD = fileURLToPath(new URL('../build/firefox', import.meta.url));

let net, browser, page, baseline;

function launch() {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: firefoxPrefs(net),
  });
}

before(async () => {
  net = await startNetwork();
  // What Firefox asks the network for on its own, without the extension
  // (its remote settings, despite the preferences above).
  const plain = await launch();
  await (await plain.newPage()).goto('http://baseline.example/');
  await new Promise((r) => setTimeout(r, 4000));
  await plain.close();
  baseline = new Set(net.log.map((e) => e.host));
  net.log.length = 0;

  browser = await launch();
  assert.equal(await browser.installExtension(BUILD), 'redflag@redflag.invalid');
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await net?.close();
});

const href = () => page.evaluate(() => location.href);

// warned navigates to url and waits for the warning page in its place.
async function warned(url) {
  await page.goto(url).catch(() => {}); // replaced: Firefox reports the navigation aborted
  const deadline = Date.now() + 30000;
  for (;;) {
    const now = await href().catch(() => '');
    if (now.startsWith('moz-extension://') && new URL(now).searchParams.get('url') === url) break;
    assert.ok(Date.now() < deadline, `no warning for ${url}: the tab shows ${now}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.waitForSelector('body[data-ready="true"]');
}

test('Firefox: a seized domain and a subdomain lead to the warning page', async () => {
  await warned('http://silverstarchina.com/');
  assert.equal(await page.$eval('h1', (e) => e.textContent), 'This site was seized');
  assert.equal(await page.$eval('#why', (e) => e.textContent), 'Seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
  await warned('http://jobs.cloudfox.cloud/apply');
  assert.equal(await page.$eval('#match', (e) => e.textContent), 'cloudfox.cloud/');
});

test('Firefox: the listed sites never received a request', () => {
  const reached = net.log.filter((e) => e.host === 'silverstarchina.com' || e.host === 'jobs.cloudfox.cloud');
  assert.deepEqual(reached.map((e) => `${e.method} ${e.url}`), []);
});

test('Firefox: a clean site is left alone', async () => {
  await page.goto('http://cloudstorage-partners.com/');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await href(), 'http://cloudstorage-partners.com/');
});

test('Firefox: a look-alike gets the caution page, its request held, and loads once continued', async () => {
  await warned('http://cloudfox.io/');
  assert.equal(await page.$eval('h1', (e) => e.textContent), 'This site\'s name resembles a listed one');
  assert.equal(await page.$eval('#how', (e) => e.textContent), 'How: the same name under .io instead of .cloud.');
  assert.deepEqual(net.log.filter((e) => e.host === 'cloudfox.io').map((e) => e.url), [], 'held until continued');
  await page.click('#proceed');
  for (const deadline = Date.now() + 20000; (await href().catch(() => '')) !== 'http://cloudfox.io/';) {
    assert.ok(Date.now() < deadline, 'Continue to site did not load it');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await page.$eval('h1', (e) => e.textContent), 'Welcome to cloudfox.io');
});

test('Firefox: a job board gets its listed link, email and domain marked', async () => {
  await page.goto('http://www.linkedin.com/jobs/view/4242');
  await page.waitForSelector('#listed-link + .redflag-badge', { timeout: 20000 });
  await page.waitForFunction(() => document.querySelectorAll('.redflag-badge').length === 5, { timeout: 20000 }); // four listed, one look-alike
  assert.equal(await page.$eval('#caution-link + .redflag-badge', (e) => e.textContent), '⚠ Look-alike');
  const label = await page.$eval('#listed-email .redflag-badge', (e) => e.getAttribute('aria-label'));
  assert.match(label, /^RedFlag: seized by US Department of Justice \(E\.D\. Missouri\) on 2023-10-17/);
  for (const id of ['#clean-link', '#clean-email', '#clean-domain']) {
    assert.equal(await page.$$eval(`${id} + .redflag-badge, ${id} .redflag-badge`, (es) => es.length), 0, id);
  }
});

test('Firefox: the document page reports the listed email and link of a PDF and a DOCX résumé', async () => {
  // WebDriver may not open an extension page; the warning page, which is
  // one, may.
  await warned('http://xinlusoft.com/');
  await page.evaluate(() => { location.href = '/pages/documents.html'; });
  for (const deadline = Date.now() + 20000; !(await href().catch(() => '')).endsWith('/pages/documents.html');) {
    assert.ok(Date.now() < deadline, `the document page did not open: ${await href().catch(() => '?')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const input = await page.waitForSelector('#files');
  // The page's script marks the body when its listeners are in place: a
  // file chosen before (the input is in the HTML) would go unnoticed.
  await page.waitForSelector('body[data-busy="false"]', { timeout: 30000 });
  const dir = fileURLToPath(new URL('../../lists/document/testdata/', import.meta.url));
  await input.uploadFile(dir + 'resume-listed.pdf', dir + 'resume-listed.docx', dir + 'encrypted.pdf');
  await page.waitForFunction(() => document.querySelectorAll('article.file').length === 3 && document.body.dataset.busy === 'false', { timeout: 60000 })
    .catch(async (e) => {
      // Say what the page shows, so a failure explains itself.
      const shown = await page.evaluate(() => `${document.querySelectorAll('article.file').length} files, busy=${document.body.dataset.busy}: ${document.body.innerText.slice(0, 800)}`).catch((err) => String(err));
      throw new Error(`${e.message}; the page shows ${shown}`);
    });
  const listed = await page.$$eval('article.file', (fs) => fs.map((f) => [f.dataset.file,
    [...f.querySelectorAll('tr.finding')].map((r) => `${r.dataset.verdict} ${r.querySelector('.input').textContent} @ ${r.querySelector('.where').textContent}`),
    [...f.querySelectorAll('.problem')].map((p) => p.textContent)]));
  assert.deepEqual(listed, [
    ['resume-listed.pdf', ['seized hr@jinyang.asia @ page 1', 'seized https://careers.cloudfox.cloud/apply @ page 2, link'], []],
    ['resume-listed.docx', ['seized hr@jinyang.asia @ paragraph 2', 'seized https://careers.cloudfox.cloud/apply @ paragraph 3, link'], []],
    ['encrypted.pdf', [], ['encrypted.pdf was not checked: encrypted: the PDF needs a password to open']],
  ]);
});

test('Firefox: no request but the pages opened and the update server', async () => {
  const pages = new Set(['silverstarchina.com', 'jobs.cloudfox.cloud', 'cloudstorage-partners.com', 'cloudfox.io', 'www.linkedin.com']);
  const unexpected = net.log.filter((e) => !pages.has(e.host) && !baseline.has(e.host)
    && !(e.host === '127.0.0.1:8080' && /^\/v1\/lists\/default\/(snapshot|delta\?from=\d+)$/.test(e.path)));
  assert.deepEqual(unexpected.map((e) => `${e.method} ${e.url}`), []);
});
