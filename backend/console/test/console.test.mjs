// The admin console in Debian's Chromium (playwright-core), against a real
// `redflag serve` on 127.0.0.1: admin A proposes an entry, a removal and an
// import, reviewer B approves, A publishes, and the served snapshot lists
// the new entries; A cannot approve A's own change; a wrong token changes
// nothing; the audit view names the right actor for every step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { REDFLAG, startServe } from './serve.mjs';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

let data, url, browser, server;
let tokens = {};

// api calls the admin API directly, to check what the page did.
async function api(token, path, init = {}) {
  const r = await fetch(`${url}/v1/admin${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  return { status: r.status, body: await r.json() };
}

before(async () => {
  server = await startServe('redflag-console-', { alice: 'admin', bob: 'reviewer' });
  ({ data, url, tokens } = server);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// open returns a fresh page (own session storage) whose problems list
// every script error, CSP violation and missing file or server error;
// refusals the test provokes (401, 403, 409, 422, ...) are the page's to
// show, not problems.
async function open() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4(0[0-3]|09|13|22|29)/.test(m.text())) problems.push(`console: ${m.text()}`); });
  await page.goto(`${url}/admin`);
  return { page, problems, close: () => ctx.close() };
}

async function signIn(page, token) {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const statusText = (page) => page.locator('#status').textContent();

test('admin console: propose, import, review, publish, audit', { timeout: 120000 }, async () => {
  const audit0 = (await api(tokens.bob, '/audit?limit=1000')).body.events.length;
  const entries0 = (await api(tokens.bob, '/lists/default/entries?limit=1')).body.total;

  // A wrong token shows an error, stores nothing and changes nothing.
  // Signed in from the keyboard alone: the token field has the focus.
  const w = await open();
  await w.page.keyboard.type('rf_not-a-real-token');
  await w.page.keyboard.press('Enter');
  await w.page.locator('#error').getByText('Sign-in failed').waitFor();
  assert.equal(await w.page.locator('#tabs').isHidden(), true);
  assert.equal(await w.page.evaluate(() => sessionStorage.length + document.cookie.length), 0);
  assert.equal((await api(tokens.bob, '/audit?limit=1000')).body.events.length, audit0);
  assert.equal((await api(tokens.bob, '/lists/default/entries?limit=1')).body.total, entries0);
  await w.close();

  // Admin A signs in; the token is in sessionStorage only.
  const a = await open();
  const headers = await (await fetch(`${url}/admin`)).headers;
  assert.match(headers.get('content-security-policy'), /script-src 'self'; style-src 'self'.*frame-ancestors 'none'/);
  assert.equal(headers.get('x-content-type-options'), 'nosniff');
  await signIn(a.page, tokens.alice);
  await a.page.getByText('alice (admin; review on)').waitFor();
  assert.equal(await a.page.evaluate(() => sessionStorage.getItem('redflag.token')), tokens.alice);
  assert.equal(await a.page.evaluate(() => document.cookie), '');
  assert.doesNotMatch(a.page.url(), /rf_/);
  await a.page.getByText(`${entries0} entries; showing 1–${entries0}`).waitFor();

  // Search is server-side.
  await a.page.getByLabel('Search patterns').fill('silverstar');
  await a.page.getByText(`1 matching of ${entries0} entries`).waitFor();
  await a.page.getByRole('cell', { name: /^on$/ }).first().waitFor(); // the seized names' look-alikes caution no known-legit name
  await a.page.getByRole('cell', { name: 'US Department of Justice (E.D. Missouri)' }).first().waitFor();

  // Validation as you type, with the API's messages.
  const verdict = a.page.locator('#add-verdict');
  const pattern = a.page.getByLabel('Domain, URL prefix or email');
  await a.page.getByLabel('Authority').first().fill('Acme security');
  await a.page.getByLabel('Date (YYYY-MM-DD)').first().fill('2026-11-20');
  await a.page.getByLabel('Reference (URL)').first().fill('https://acme.example/advisory/42');
  const valid = { kind: 'flagged', authority: 'Acme security', date: '2026-11-20', reference: 'https://acme.example/advisory/42' };
  await pattern.fill('co.uk');
  const apiSays = (await api(tokens.alice, '/lists/default/validate', { method: 'POST', body: JSON.stringify({ ...valid, pattern: 'co.uk' }) })).body.error;
  assert.match(apiSays, /public suffix/);
  await verdict.getByText(`Invalid: ${apiSays}`).waitFor();
  await pattern.fill('github.com');
  await verdict.getByText('Refused by the guard').waitFor();
  assert.equal(await a.page.locator('#add-force').isVisible(), true);
  await pattern.fill('https://Fake-Recruiter.example/');
  await a.page.getByLabel('Date (YYYY-MM-DD)').first().fill('2026-13-01');
  await verdict.getByText(/^Invalid: .*date/).waitFor();
  await a.page.getByLabel('Date (YYYY-MM-DD)').first().fill('2026-11-20');
  await verdict.getByText('OK: fake-recruiter.example').waitFor();
  assert.equal(await a.page.locator('#add-force').isVisible(), false);
  await a.page.locator('#add-reach').getByText(/^Look-alikes: no known-legit name of [\d,]+ would be cautioned/).waitFor();
  // A name close to a mail provider's: the preview says whose names its
  // look-alikes would caution, and with look-alikes off, none.
  await pattern.fill('mailbox.net');
  await a.page.locator('#add-reach').getByText(/^Look-alikes: \d+ of [\d,]+ known-legit names would be cautioned, e\.g\. .*mail/).waitFor();
  await a.page.getByLabel('Look-alikes').first().selectOption('off');
  await a.page.locator('#add-reach').getByText(/^Look-alikes: no known-legit name/).waitFor();
  await a.page.getByLabel('Look-alikes').first().selectOption('on');
  await pattern.fill('https://Fake-Recruiter.example/');
  await verdict.getByText('OK: fake-recruiter.example').waitFor();
  await a.page.getByLabel('Reason for the change').first().fill('Acme advisory 42');
  await a.page.getByRole('button', { name: 'Propose addition' }).click();
  await a.page.getByText(/Proposed change #\d+ \(1 to add, 0 to remove\)/).waitFor();

  // Remove one entry with a reason.
  await a.page.getByRole('button', { name: 'Remove silverstarchina.com' }).click();
  await a.page.getByLabel('Reason (reviewers see it)').fill('court order lifted (test)');
  await a.page.getByRole('button', { name: 'Propose removal' }).click();
  await a.page.getByText(/Proposed change #\d+ \(0 to add, 1 to remove\)/).waitFor();

  // Bulk import: the bad line is shown with its reason and not proposed.
  await a.page.getByRole('button', { name: 'Import' }).click();
  await a.page.getByLabel('File').setInputFiles({ name: 'feed.txt', mimeType: 'text/plain', buffer: Buffer.from('# Acme feed\nscam-one.example\nnot a domain!\nhttps://scam-two.example/jobs/\n') });
  await a.page.getByLabel('Authority').nth(1).fill('Acme feed');
  await a.page.getByLabel('Date (YYYY-MM-DD)').nth(1).fill('2026-11-21');
  await a.page.getByLabel('Reference (URL)').nth(1).fill('https://acme.example/feed');
  await a.page.getByLabel('Reason for the change').nth(1).fill('Acme feed of 2026-11-21');
  const pendingBefore = (await api(tokens.alice, '/lists/default/changes?state=pending')).body.changes.length;
  await a.page.getByRole('button', { name: 'Check file' }).click();
  await a.page.getByText('plain file: 2 entries accepted, 1 lines rejected.').waitFor();
  await a.page.locator('#imp-reach').getByText(/^No accepted entry's look-alikes would caution any of [\d,]+ known-legit names/).waitFor();
  const rejected = a.page.locator('#imp-rejected tbody tr');
  assert.equal(await rejected.count(), 1);
  assert.match(await rejected.textContent(), /^3not a domain!.+/);
  assert.equal((await api(tokens.alice, '/lists/default/changes?state=pending')).body.changes.length, pendingBefore, 'checking proposes nothing');
  await a.page.getByRole('button', { name: 'Propose 2 accepted entries' }).click();
  await a.page.getByText(/Proposed change #\d+ with 2 entries \(1 rejected lines left out\)/).waitFor();
  const pending = (await api(tokens.alice, '/lists/default/changes?state=pending')).body.changes;
  assert.equal(pending.length, 3);
  const imported = pending.find((c) => c.reason === 'Acme feed of 2026-11-21');
  assert.deepEqual([imported.adds, imported.removes], [2, 0]);
  const importItems = (await api(tokens.alice, `/changes/${imported.id}/items`)).body.items.map((i) => i.pattern).sort();
  assert.deepEqual(importItems, ['scam-one.example', 'scam-two.example']);

  // A cannot approve A's own change: the page does not offer it, and the
  // API refuses it when asked anyway.
  await a.page.getByRole('button', { name: /Review queue/ }).click();
  const own = a.page.locator(`#change-${imported.id}`);
  await own.getByText('You proposed this change').waitFor();
  assert.equal(await own.getByRole('button', { name: `Approve #${imported.id}` }).isDisabled(), true);
  const selfApprove = await a.page.evaluate(async (id) => {
    const r = await fetch(`/v1/admin/changes/${id}/approve`, { method: 'POST', headers: { Authorization: `Bearer ${sessionStorage.getItem('redflag.token')}`, 'Content-Type': 'application/json' }, body: '{"comment":"mine"}' });
    return { status: r.status, body: await r.json() };
  }, imported.id);
  assert.equal(selfApprove.status, 403, JSON.stringify(selfApprove.body));
  assert.equal((await api(tokens.alice, `/changes/${imported.id}`)).body.state, 'pending');

  // Reviewer B: reads the diff, approves everything; publishing is not offered.
  const b = await open();
  await signIn(b.page, tokens.bob);
  await b.page.getByText('bob (reviewer; review on)').waitFor();
  assert.equal(await b.page.getByRole('button', { name: 'Import' }).isHidden(), true);
  assert.equal(await b.page.locator('#add-form').isHidden(), true);
  await b.page.getByRole('button', { name: /Review queue \(3\)/ }).click();
  for (const c of pending) {
    const li = b.page.locator(`#change-${c.id}`);
    await li.getByText(`proposed by alice`).waitFor();
    await li.getByRole('button', { name: 'Show diff' }).click();
    await li.locator('table').waitFor();
  }
  await b.page.locator(`#change-${pending.find((c) => c.removes === 1).id}`).getByText('− remove').waitFor();
  await b.page.locator(`#change-${imported.id}`).getByRole('cell', { name: /^\+ add$/ }).first().waitFor();
  mkdirSync(SHOTS, { recursive: true });
  await b.page.evaluate(() => window.scrollTo(0, 0));
  await b.page.screenshot({ path: join(SHOTS, 'review.png') });
  for (const c of pending) {
    const li = b.page.locator(`#change-${c.id}`);
    await li.getByLabel('Comment (required to reject)').fill(`checked #${c.id}`);
    await li.getByRole('button', { name: `Approve #${c.id}` }).click();
    await b.page.getByText(`Change #${c.id} approved.`).waitFor();
  }
  await b.page.getByRole('button', { name: 'Publish & history' }).click();
  assert.equal(await b.page.getByRole('button', { name: 'Publish next version' }).isHidden(), true);

  // A publishes; the version appears in the history.
  await a.page.getByRole('button', { name: 'Publish & history' }).click();
  await a.page.getByText('approved changes wait for publication').waitFor();
  await a.page.getByRole('button', { name: 'Publish next version' }).click();
  await a.page.getByText(/Published version \d+: \d+ entries/).waitFor();
  const version = Number((await statusText(a.page)).match(/version (\d+)/)[1]);
  const first = a.page.locator('#history-table tbody tr').first();
  await first.getByText(String(version)).waitFor();
  assert.match(await first.textContent(), new RegExp(`alice${entries0 + 2}`));
  assert.equal(await a.page.locator('#history-table tbody tr').count(), 2);
  await a.page.screenshot({ path: join(SHOTS, 'history.png') });

  // The served snapshot lists the new entries and not the removed one.
  const snap = Buffer.from(await (await fetch(`${url}/v1/lists/default/snapshot`)).arrayBuffer());
  const snapFile = join(data, 'served.snap');
  writeFileSync(snapFile, snap);
  const pub = join(data, 'signing.pub');
  await run(REDFLAG, ['verify', '--pub', pub, snapFile]);
  const check = (u) => run(REDFLAG, ['check', '--snapshot', snapFile, '--pub', pub, u]).then(() => 0, (e) => e.code);
  assert.equal(await check('https://fake-recruiter.example/careers'), 1);
  assert.equal(await check('https://www.scam-one.example/'), 1);
  assert.equal(await check('https://scam-two.example/about'), 1);
  assert.equal(await check('https://silverstarchina.com/'), 0);
  assert.equal(await check('https://edenprogram.com/'), 1);

  // The audit view names the actor of every step.
  await b.page.getByRole('button', { name: 'Audit log' }).click();
  await b.page.locator('#audit-table tbody tr').first().waitFor();
  const rows = await b.page.locator('#audit-table tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.querySelector('.actor').textContent} ${tr.querySelector('.action').textContent}`));
  const steps = rows.filter((r) => !/token_create|system/.test(r)).reverse();
  assert.deepEqual(steps, [
    'alice change_propose', 'alice change_propose', 'alice change_propose',
    'bob change_approve', 'bob change_approve', 'bob change_approve',
    'alice publish',
  ]);
  await b.page.getByLabel('Who', { exact: true }).fill('bob');
  await b.page.getByRole('button', { name: 'Filter' }).click();
  await b.page.getByText('3 audit events shown.').waitFor();
  await b.page.getByLabel('Who', { exact: true }).fill('');
  await b.page.getByLabel('Action').selectOption('publish');
  await b.page.getByRole('button', { name: 'Filter' }).click();
  await b.page.waitForFunction(() => [...document.querySelectorAll('#audit-table .action')].every((td) => td.textContent === 'publish'));
  const published = await b.page.locator('#audit-table tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.querySelector('.actor').textContent} ${tr.querySelector('.action').textContent}`));
  assert.deepEqual(published.filter((r) => !r.startsWith('system ')), ['alice publish']);
  assert.ok(published.every((r) => r.endsWith(' publish')), published.join(', '));

  // The entries page after publication, for the README.
  await a.page.getByRole('button', { name: 'Entries' }).click();
  await a.page.getByLabel('Search patterns').fill('');
  await a.page.getByText(new RegExp(`^${entries0 + 2} entries; showing 1–${entries0 + 2} `)).waitFor();
  await a.page.screenshot({ path: join(SHOTS, 'entries.png') });

  // Signing out forgets the token.
  await a.page.getByRole('button', { name: 'Sign out' }).click();
  await a.page.getByText('Signed out; the token is forgotten.').waitFor();
  assert.equal(await a.page.evaluate(() => sessionStorage.getItem('redflag.token')), null);
  await a.page.reload();
  await a.page.getByLabel('API token').waitFor();
  assert.equal(await a.page.locator('#tabs').isHidden(), true);

  for (const p of [a, b]) assert.deepEqual(p.problems, []);
  await a.close();
  await b.close();
});

test('a large file is checked and proposed in parts, with progress and file line numbers', { timeout: 120000 }, async () => {
  const n = 120000; // more than one request may carry (100,000 entries)
  const lines = Array.from({ length: n }, (_, i) => `bulk-${String(i).padStart(6, '0')}.example`);
  lines.splice(100000, 0, 'not a domain!'); // file line 100,001, in the third part
  const a = await open();
  await signIn(a.page, tokens.alice);
  await a.page.getByRole('button', { name: 'Import' }).click();
  await a.page.getByLabel('File').setInputFiles({ name: 'bulk.txt', mimeType: 'text/plain', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await a.page.getByLabel('Authority').nth(1).fill('Acme bulk feed');
  await a.page.getByLabel('Date (YYYY-MM-DD)').nth(1).fill('2026-11-22');
  await a.page.getByLabel('Reference (URL)').nth(1).fill('https://acme.example/bulk');
  await a.page.getByLabel('Reason for the change').nth(1).fill('bulk feed');
  await a.page.getByRole('button', { name: 'Check file' }).click();
  await a.page.getByText(/^checking: .* read in 3 parts\.$/).waitFor();
  await a.page.getByText(`plain file: ${n.toLocaleString('en')} entries accepted, 1 lines rejected.`).waitFor();
  assert.match(await a.page.locator('#imp-rejected tbody tr').textContent(), /^100001not a domain!/);
  assert.equal(await a.page.locator('#imp-progress').getAttribute('value'), '100');
  await a.page.getByRole('button', { name: `Propose ${n.toLocaleString('en')} accepted entries` }).click();
  await a.page.getByText(new RegExp(`Proposed change #\\d+ with ${n} entries \\(1 rejected lines left out\\)`)).waitFor();
  const id = Number((await statusText(a.page)).match(/#(\d+)/)[1]);
  const ch = (await api(tokens.bob, `/changes/${id}`)).body;
  assert.deepEqual([ch.state, ch.adds, ch.proposed_by, ch.reason], ['pending', n, 'alice', 'bulk feed']);

  // B rejects it with a comment; a rejection without one is refused.
  const b = await open();
  await signIn(b.page, tokens.bob);
  await b.page.getByRole('button', { name: /Review queue/ }).click();
  const li = b.page.locator(`#change-${id}`);
  await li.getByText(`+${n} −0`).waitFor();
  await li.getByRole('button', { name: `Reject #${id}` }).click();
  await b.page.locator('#error').getByText(/comment/).waitFor();
  await li.getByLabel('Comment (required to reject)').fill('too broad');
  await li.getByRole('button', { name: `Reject #${id}` }).click();
  await b.page.getByText(`Change #${id} rejected.`).waitFor();
  const evs = (await api(tokens.bob, `/audit?limit=10`)).body.events.slice(0, 5).map((e) => `${e.actor} ${e.action}`).reverse();
  assert.deepEqual(evs, ['alice change_propose', 'alice change_append', 'alice change_append', 'alice change_submit', 'bob change_reject']);
  for (const p of [a, b]) assert.deepEqual(p.problems, []);
  await a.close();
  await b.close();
});

test('rollback: an earlier version\'s content, reviewed, published as a new version', { timeout: 60000 }, async () => {
  const versions = (await api(tokens.bob, '/lists/default/history')).body.versions;
  assert.equal(versions.length, 2);
  const seed = versions[versions.length - 1];
  const a = await open();
  await signIn(a.page, tokens.alice);
  await a.page.getByRole('button', { name: 'Publish & history' }).click();
  await a.page.getByRole('button', { name: `Roll back to ${seed.version}` }).click();
  await a.page.getByLabel('Reason', { exact: true }).fill('restore the court-ordered list');
  await a.page.getByRole('button', { name: 'Propose rollback' }).click();
  await a.page.getByText(/Proposed rollback as change #\d+/).waitFor();
  const id = Number((await statusText(a.page)).match(/#(\d+)/)[1]);

  const b = await open();
  await signIn(b.page, tokens.bob);
  await b.page.getByRole('button', { name: /Review queue/ }).click();
  const li = b.page.locator(`#change-${id}`);
  await li.getByText(`rollback to version ${seed.version}`).waitFor();
  await li.getByRole('button', { name: `Approve #${id}` }).click();
  await b.page.getByText(`Change #${id} approved.`).waitFor();

  await a.page.getByRole('button', { name: 'Publish & history' }).click();
  await a.page.getByRole('button', { name: 'Publish next version' }).click();
  await a.page.getByText(`: ${seed.entries} entries`).waitFor();
  await a.page.locator('#history-table tbody tr').nth(2).waitFor(); // the history reloads after the status
  assert.equal(await a.page.locator('#history-table tbody tr').count(), 3);
  assert.match(await a.page.locator('#history-table tbody tr').first().textContent(), new RegExp(`alice${seed.entries}`));
  const snapFile = join(data, 'rolled-back.snap');
  writeFileSync(snapFile, Buffer.from(await (await fetch(`${url}/v1/lists/default/snapshot`)).arrayBuffer()));
  const check = (u) => run(REDFLAG, ['check', '--snapshot', snapFile, '--pub', join(data, 'signing.pub'), u]).then(() => 0, (e) => e.code);
  assert.equal(await check('https://silverstarchina.com/'), 1);
  assert.equal(await check('https://fake-recruiter.example/'), 0);
  for (const p of [a, b]) assert.deepEqual(p.problems, []);
  await a.close();
  await b.close();
});

test('guard: a shared platform is refused until forced with a reason, and the review shows it', { timeout: 60000 }, async () => {
  const a = await open();
  await signIn(a.page, tokens.alice);
  await a.page.getByLabel('Authority').first().fill('Acme security');
  await a.page.getByLabel('Date (YYYY-MM-DD)').first().fill('2026-11-23');
  await a.page.getByLabel('Reference (URL)').first().fill('https://acme.example/advisory/43');
  await a.page.getByLabel('Reason for the change').first().fill('whole platform (test)');
  await a.page.getByLabel('Domain, URL prefix or email').fill('github.com');
  await a.page.locator('#add-verdict').getByText('Refused by the guard').waitFor();
  await a.page.getByText('Prefer a URL prefix for one account').waitFor();
  const before = (await api(tokens.alice, '/lists/default/changes')).body.changes.length;
  await a.page.getByRole('button', { name: 'Propose addition' }).click();
  await a.page.locator('#error').getByText(/^Not proposed: /).waitFor();
  assert.equal((await api(tokens.alice, '/lists/default/changes')).body.changes.length, before);
  await a.page.getByLabel('Force: list the whole platform').check();
  await a.page.getByLabel('Why').fill('the platform itself is the threat (test)');
  await a.page.getByRole('button', { name: 'Propose addition' }).click();
  await a.page.getByText(/Proposed change #\d+ \(1 to add, 0 to remove\)/).waitFor();
  const id = Number((await statusText(a.page)).match(/#(\d+)/)[1]);
  await a.page.getByRole('button', { name: /Review queue/ }).click();
  const li = a.page.locator(`#change-${id}`);
  await li.getByText('Forced past the shared-platform guard: the platform itself is the threat (test)').waitFor();
  // The proposer withdraws it.
  await li.getByLabel('Comment (required to reject)').fill('withdrawn');
  await li.getByRole('button', { name: `Reject #${id}` }).click();
  await a.page.getByText(`Change #${id} rejected.`).waitFor();
  assert.deepEqual(a.problems, []);
  await a.close();
});
