// The console's Sources tab in Debian's Chromium (playwright-core) against
// a real `redflag serve`, with a hosts feed served by this test on
// 127.0.0.1: an admin adds a source, pulls it now, and the change it
// proposed is in the review queue named after the source; the feed then
// fails and the tab shows the error; the source is edited and enabled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { startServe } from './serve.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

let server, url, browser, alice, bob;
// The feed: what it serves, or the status it fails with.
const feed = { body: '# Acme blocklist\n0.0.0.0 fake-front.example\n0.0.0.0 jobs.fake-front.example\n', status: 200, server: null, url: '' };

// listen starts server on a free loopback port and returns its address.
async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${server.address().port}`;
}

before(async () => {
  feed.server = http.createServer((req, res) => {
    if (feed.status !== 200) { res.writeHead(feed.status); res.end('feed down'); return; }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(feed.body);
  });
  feed.url = `http://${await listen(feed.server)}/hosts.txt`;

  server = await startServe('redflag-sources-', { alice: 'admin', bob: 'reviewer' });
  ({ url, tokens: { alice, bob } } = server);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  feed.server?.close();
});

async function api(token, path) {
  const r = await fetch(`${url}/v1/admin${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return r.json();
}

test('Sources tab: add a source, pull now, its change is in the review queue', { timeout: 120000 }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${url}/admin`);
  await page.getByLabel('API token').fill(alice);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('alice (admin; review on)').waitFor();
  const view = page.getByRole('region', { name: 'Sources' });

  await page.getByRole('button', { name: 'Sources', exact: true }).click();
  await page.getByText('This list follows no source yet.').waitFor();
  // Added without the schedule, so that the pull below is the first.
  await view.getByLabel('Name', { exact: true }).fill('acme-hosts');
  await view.getByLabel('Feed URL', { exact: true }).fill(feed.url);
  await view.getByLabel('Format').selectOption('hosts');
  await view.getByLabel('Authority (default: the name)').fill('Acme security');
  await view.getByLabel('Reference URL (default: the feed URL)').fill('https://acme.example/feed');
  await view.getByLabel('Pull every').fill('6h');
  await view.getByLabel('Pull on schedule').uncheck();
  await page.getByRole('button', { name: 'Add source' }).click();
  await page.getByText('Added acme-hosts (disabled: pull it now to try it).').waitFor();
  const row = page.locator('#source-acme-hosts');
  await row.getByText('every 6h · review').waitFor();
  assert.match(await row.locator('.last-pull').textContent(), /^never/);

  await row.getByRole('button', { name: 'Pull acme-hosts now' }).click();
  await page.getByText(/^acme-hosts: change #\d+ proposed \(2 to add, 0 to remove\)\.$/).waitFor();
  const id = Number((await page.locator('#status').textContent()).match(/#(\d+)/)[1]);
  await row.getByText(/: proposed \(read 2, \+2 −0\)/).waitFor();
  await page.locator('#sp-table tbody tr').first().getByText('proposed').waitFor();

  // The change, named after the source, waits in the review queue.
  await row.getByRole('button', { name: `#${id}` }).first().click();
  const li = page.locator(`#change-${id}`);
  await li.getByText(`Change #${id}: Source acme-hosts: 2 to add, 0 to remove, from ${feed.url}`).waitFor();
  await li.getByText('proposed by source:acme-hosts').waitFor();
  await page.getByRole('button', { name: 'Review queue (1)' }).waitFor();
  await li.getByRole('button', { name: 'Show diff' }).click();
  await li.getByRole('cell', { name: /jobs\.fake-front\.example/ }).waitFor();
  const pending = (await api(bob, '/lists/default/changes?state=pending')).changes;
  assert.deepEqual(pending.map((c) => [c.id, c.proposed_by, c.adds]), [[id, 'source:acme-hosts', 2]]);

  // A failing feed: nothing proposed, the error is shown with the source.
  feed.status = 503;
  await page.getByRole('button', { name: 'Sources', exact: true }).click();
  await row.getByRole('button', { name: 'Pull acme-hosts now' }).click();
  await page.locator('#error').getByText(/acme-hosts: the pull failed and changed nothing: feed .* HTTP 503 Service Unavailable/).waitFor();
  await row.getByText('1 failed in a row; retried with backoff').waitFor();
  assert.equal((await api(bob, '/lists/default/changes')).changes.filter((c) => c.proposed_by === 'source:acme-hosts').length, 1);

  // Edit, then enable: the next pull is due.
  feed.status = 200;
  await row.getByRole('button', { name: 'Edit acme-hosts' }).click();
  await view.getByLabel('Pull every').fill('2h');
  await view.getByLabel('Secret header (optional)').fill('X-Api-Key');
  await view.getByLabel('Secret value (never shown again)').fill('k-secret-123');
  await page.getByRole('button', { name: 'Save source' }).click();
  await page.getByText('Saved acme-hosts.').waitFor();
  await row.getByText('every 2h · review').waitFor();
  await row.getByText('sends X-Api-Key').waitFor();
  const shown = await api(alice, '/lists/default/sources/acme-hosts');
  assert.equal(shown.has_secret, true);
  assert.equal(JSON.stringify(shown).includes('k-secret-123'), false);
  await row.getByRole('button', { name: 'Enable acme-hosts' }).click();
  await page.getByText(/^acme-hosts enabled; next pull /).waitFor();
  await row.getByRole('button', { name: 'Pulls of acme-hosts' }).click();
  await page.locator('#sp-table tbody tr').nth(1).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: SHOTS + 'sources.png' });

  // The audit log names who did what.
  const events = (await api(bob, '/audit?list=default')).events.map((e) => `${e.actor} ${e.action}`).reverse();
  assert.deepEqual(events.filter((e) => !e.startsWith('system ')), [
    'alice source_create', 'source:acme-hosts change_propose', 'alice source_pull', 'alice source_pull', 'alice source_update', 'alice source_update',
  ]);
  assert.deepEqual(problems.filter((p) => !/status of 503|Failed to load resource/.test(p)), []);
  await ctx.close();
});
