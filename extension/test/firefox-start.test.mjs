// Firefox at browser start: the Firefox build installed in a profile (as
// an installed add-on is, not a temporary one), Firefox started with a
// listed URL on its command line, as a link opened from a mail client
// starts it. Firefox primes the background's persistent listeners before
// the background runs, so its blocking webRequest listener holds that
// first request until the checker answers: asserted on the network (the
// site gets no request) and on the screen (the warning with provenance).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startNetwork } from './harness/network.mjs';
import { firefoxPrefs, startFirefox, writeUserPrefs } from './harness/firefox.mjs';

const BUILD = fileURLToPath(new URL('../build/firefox', import.meta.url));
const ID = 'redflag@redflag.invalid';
let net, profile;

after(async () => {
  await net?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

// installInProfile puts the build in the profile's extensions folder, where
// Firefox installs it at the next start (unsigned: ESR allows that when
// told to), and starts Firefox once to do so.
async function installInProfile() {
  profile = mkdtempSync(join(tmpdir(), 'redflag-firefox-start-'));
  mkdirSync(join(profile, 'extensions'));
  execFileSync('zip', ['-qr', join(profile, 'extensions', `${ID}.xpi`), '.'], { cwd: BUILD });
  writeUserPrefs(profile, {
    ...firefoxPrefs(net),
    'xpinstall.signatures.required': false,
    'extensions.autoDisableScopes': 0,
    'extensions.enabledScopes': 15,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    // The background's console on Firefox's output, for a failure's message.
    'devtools.console.stdout.content': true,
    'devtools.console.stdout.chrome': true,
  });
  const ff = startFirefox(profile);
  await ff.bidi;
  const db = join(profile, 'extensions.json');
  for (const deadline = Date.now() + 30000; ;) {
    const installed = existsSync(db) && JSON.parse(readFileSync(db, 'utf8')).addons.some((a) => a.id === ID && a.active);
    if (installed) break;
    assert.ok(Date.now() < deadline, 'the add-on was not installed from the profile');
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 2000)); // its first start: the checker's copy, alarms
  await ff.stop();
}

// startedOn starts Firefox with url and waits for the warning page for it
// in a tab; returns what the page says and when it was ready.
async function startedOn(url) {
  const spawnedAt = Date.now();
  const ff = startFirefox(profile, [url]);
  const browser = await puppeteer.connect({ browserWSEndpoint: `${await ff.bidi}/session`, protocol: 'webDriverBiDi' });
  try {
    // Each tab's address as its document sees it: a tab that navigated
    // before this connection may still be listed under its first address.
    const shows = (p) => p.evaluate(() => location.href).catch(() => p.url());
    const isWarning = (href) => href.startsWith('moz-extension://') && new URL(href).searchParams.get('url') === url;
    let page;
    for (const deadline = Date.now() + 30000; ;) {
      for (const p of await browser.pages()) if (isWarning(await shows(p))) page = p;
      if (page) break;
      const tabs = await Promise.all((await browser.pages()).map(shows));
      assert.ok(Date.now() < deadline, `no warning for ${url}: tabs show ${tabs}; ${ff.output().slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    return {
      why: await page.$eval('#why', (e) => e.textContent),
      readyMs: Number(await page.$eval('body', (e) => e.dataset.readyAt)) - spawnedAt,
    };
  } finally {
    await browser.disconnect().catch(() => {});
    await ff.stop();
  }
}

test('Firefox started on a listed site: the request is held, the warning comes', async () => {
  net = await startNetwork();
  await installInProfile();
  const readyMs = [];
  for (let i = 1; i <= 3; i++) {
    const url = `http://silverstarchina.com/start-${i}`;
    const seen = await startedOn(url);
    assert.equal(seen.why, 'Seized by US Department of Justice (E.D. Missouri) on 2023-10-17.');
    readyMs.push(seen.readyMs);
  }
  console.log(`# Firefox started on a listed site: warning ready ${JSON.stringify(readyMs)} ms after the process was spawned`);
  assert.deepEqual(net.log.filter((e) => e.host === 'silverstarchina.com').map((e) => e.url), [], 'the listed site received a request');

  // The listener holds only what is listed: a clean site opened the same
  // way loads.
  const ff = startFirefox(profile, ['http://clean-start.example/']);
  try {
    await ff.bidi;
    for (const deadline = Date.now() + 30000; !net.log.some((e) => e.host === 'clean-start.example');) {
      assert.ok(Date.now() < deadline, 'the clean site opened at start got no request');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await ff.stop();
  }
});
