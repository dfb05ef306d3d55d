// The console's Lists tab in Debian's Chromium (playwright-core) against a
// real `redflag serve`: an admin is refused a bad name with the form kept,
// creates a list, which is selected and, once published, in /v1/lists with
// its description and browser names; turning browser names off in the
// console changes the index at the next publication; a reviewer reads the
// settings and is refused a list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServe } from './serve.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const NAMES = 'Publish names for browser blocking rules';

let server, url, browser, alice, bob;

before(async () => {
  server = await startServe('redflag-lists-', { alice: 'admin', bob: 'reviewer' });
  ({ url, tokens: { alice, bob } } = server);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(token, path) {
  const r = await fetch(`${url}/v1/admin${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return r.json();
}

// published returns the public index's entry for a list.
async function published(name) {
  const { lists } = await (await fetch(`${url}/v1/lists`)).json();
  return lists.find((l) => l.name === name);
}

// open signs in on a fresh page whose problems list script errors, CSP
// violations and server errors; refusals the test provokes are the page's
// to show.
async function open(token, who) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[39]|status of 422/.test(m.text())) problems.push(`console: ${m.text()}`); });
  await page.goto(`${url}/admin`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(who).waitFor();
  await page.getByRole('button', { name: 'Lists', exact: true }).click();
  return { page, problems, close: () => ctx.close() };
}

async function publish(page) {
  await page.getByRole('button', { name: 'Publish & history' }).click();
  await page.getByRole('button', { name: 'Publish next version' }).click();
  await page.getByText(/^Published version \d+: 0 entries/).waitFor();
}

test('Lists tab: create a list, publish it, turn its browser names off', { timeout: 120000 }, async () => {
  const a = await open(alice, 'alice (admin; review on)');
  const { page } = a;
  const settings = page.locator('#list-settings');
  const form = page.locator('#new-list-form');
  await settings.locator('#ls-name').getByText('default').waitFor();
  assert.match(await settings.getByLabel('Description').inputValue(), /^The 17 domains/);
  assert.equal(await settings.getByLabel(NAMES).isChecked(), true);

  // A bad name: the API's reason beside the form, everything typed kept.
  await form.getByLabel('Name', { exact: true }).fill('Bad Name!');
  await form.getByLabel('Description').fill("Acme's own findings");
  await form.getByRole('button', { name: 'Create list' }).click();
  await form.getByText(`Not created: list name "Bad Name!": use a-z, 0-9, '-', '_' and '.'`).waitFor();
  const name = form.getByLabel('Name', { exact: true });
  assert.equal(await name.inputValue(), 'Bad Name!');
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  assert.equal(await name.evaluate((el) => el === document.activeElement), true);
  assert.equal(await form.getByLabel('Description').inputValue(), "Acme's own findings");
  assert.equal(await form.getByLabel(NAMES).isChecked(), true);
  assert.deepEqual((await api(alice, '/lists')).lists.map((l) => l.name), ['default']);

  // Corrected, it is created and selected.
  await name.fill('acme');
  await form.getByRole('button', { name: 'Create list' }).click();
  await page.getByText('Created list acme; it is selected.').waitFor();
  assert.equal(await page.locator('#list').inputValue(), 'acme');
  await settings.locator('#ls-name').getByText('acme').waitFor();
  assert.equal(await settings.getByLabel('Description').inputValue(), "Acme's own findings");
  assert.equal(await settings.getByLabel(NAMES).isChecked(), true);
  await settings.getByText('0 entries; names published for browser blocking rules. Not published yet').waitFor();
  assert.equal(await form.locator('#nl-error').textContent(), '');
  assert.equal(await name.getAttribute('aria-invalid'), null);
  assert.equal(await name.inputValue(), '');

  // Published, it is in the public index with its settings.
  await publish(page);
  const first = await published('acme');
  assert.equal(first?.description, "Acme's own findings");
  assert.equal(first.browser_names, true);

  // Browser names off and a new description: saved now, in the index
  // from the next publication.
  await page.getByRole('button', { name: 'Lists', exact: true }).click();
  await settings.getByLabel('Description').fill("Acme's own findings, checked weekly");
  await settings.getByLabel(NAMES).uncheck();
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText(/^Saved the settings of acme; browsers see them from its next publication/).waitFor();
  await settings.getByText(/names kept out of the published list; published version \d+; changes wait for publication\./).waitFor();
  assert.equal((await api(alice, '/lists')).lists.find((l) => l.name === 'acme').browser_names, false);
  assert.equal((await published('acme')).browser_names, true);
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: SHOTS + 'lists.png' });
  await publish(page);
  const second = await published('acme');
  assert.equal(second.browser_names, false);
  assert.equal(second.description, "Acme's own findings, checked weekly");
  assert.ok(second.version > first.version, `${second.version} after ${first.version}`);
  assert.equal((await published('default')).browser_names, true);

  // The selector switches the settings shown.
  await page.getByRole('button', { name: 'Lists', exact: true }).click();
  await page.locator('#list').selectOption('default');
  await settings.locator('#ls-name').getByText('default').waitFor();
  assert.equal(await settings.getByLabel(NAMES).isChecked(), true);

  // The same name again is refused.
  await name.fill('acme');
  await form.getByRole('button', { name: 'Create list' }).click();
  await form.getByText('Not created: list "acme" already exists').waitFor();
  assert.equal(await name.inputValue(), 'acme');
  assert.equal(await page.locator('#list').inputValue(), 'default');

  const events = (await api(bob, '/audit?list=acme')).events.map((e) => `${e.actor} ${e.action}`).filter((e) => !e.startsWith('system ')).reverse();
  assert.deepEqual(events, ['alice list_create', 'alice publish', 'alice list_update', 'alice publish']);
  assert.deepEqual(a.problems, []);
  await a.close();
});

test('Lists tab: a reviewer reads the settings and may not create a list', { timeout: 60000 }, async () => {
  const b = await open(bob, 'bob (reviewer; review on)');
  const { page } = b;
  const settings = page.locator('#list-settings');
  await settings.locator('#ls-name').getByText('default').waitFor();
  assert.equal(await settings.getByLabel('Description').isDisabled(), true);
  assert.equal(await settings.getByLabel(NAMES).isDisabled(), true);
  assert.equal(await settings.getByRole('button', { name: 'Save settings' }).isHidden(), true);
  assert.equal(await page.locator('#new-list-form').isHidden(), true);

  // Shown anyway, the form says what the API says.
  await page.evaluate(() => { document.getElementById('new-list-form').hidden = false; });
  const form = page.locator('#new-list-form');
  await form.getByLabel('Name', { exact: true }).fill('bobs');
  await form.getByRole('button', { name: 'Create list' }).click();
  await form.getByText('Not created: creating a list needs an admin token').waitFor();
  assert.equal((await api(bob, '/lists')).lists.some((l) => l.name === 'bobs'), false);
  assert.deepEqual(b.problems, []);
  await b.close();
});
