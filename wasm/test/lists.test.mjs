// Several lists in one checker: a company list next to the embedded
// default one, each verified with its own keys only; one check consults
// both and names the list that answered.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fs from 'node:fs';

import * as checker from '../../extension/checker/checker.js';
import { flagged, makeLists, redflag, seized } from './fixtures.mjs';

const base = await checker.ready;
const lists = makeLists(base.version);
after(() => lists.cleanup());

// A company list "acme-list" signed with key b: one entry of its own, one
// the default list seizes (flagged here: seized must win).
function companyList(version, rows, key = 'b', name = 'acme-list') {
  const tsv = lists.file(`${name}-${version}.tsv`);
  fs.writeFileSync(tsv, ['pattern\tkind\tdate\tauthority\treference\tnote', ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
  const out = lists.file(`${name}-${version}-${key}.snap`);
  redflag(['build', '--key', lists.file(`${key}.key`), '--name', name, '--version', String(version), '--out', out, tsv]);
  return lists.read(`${name}-${version}-${key}.snap`);
}

const acmeRows = [flagged('acme-payroll-portal.com', 'fake payroll portal'), flagged('silverstarchina.com'), flagged('github.com/acme-fake-hr/')];

test('a subscription verifies with its own keys only, and every list keeps answering', async () => {
  let r = await checker.subscribe('acme', { name: 'acme-list', keys: [lists.pubText.b] });
  assert.deepEqual(r, { ok: true, list: 'acme' });
  assert.deepEqual(checker.listKeys(), ['default', 'acme']);
  assert.equal(checker.info('acme').loaded, false);
  assert.equal((await checker.subscribe('acme', { name: 'x', keys: [lists.pubText.b] })).ok, false, 'a key is taken once');
  assert.equal((await checker.subscribe('other', { name: 'x', keys: ['ed25519:nope'] })).ok, false);

  // Signed with key a (trusted for nothing here yet, then for the default list only).
  r = await checker.load(companyList(3, acmeRows, 'a'), { list: 'acme' });
  assert.equal(r.ok, false);
  assert.match(r.error, /untrusted key/);
  assert.equal((await checker.addTrustedKeys([lists.pubText.a])).ok, true);
  r = await checker.load(companyList(4, acmeRows, 'a'), { list: 'acme' });
  assert.equal(r.ok, false, 'the default list\'s key verifies the company list');
  assert.match(r.error, /untrusted key/);
  // The company's key does not verify the default list.
  r = await checker.load(lists.read('v2-untrusted.snap'));
  assert.equal(r.ok, false);
  assert.equal(checker.info().version, base.version);
  // Another list's snapshot under the company's key.
  r = await checker.load(companyList(5, acmeRows, 'b', 'other-list'), { list: 'acme' });
  assert.equal(r.ok, false);
  assert.match(r.error, /other-list/);

  r = await checker.load(companyList(6, acmeRows), { list: 'acme' });
  assert.deepEqual(r, { ok: true, version: 6, verifiedBy: 'webcrypto' });
  const info = checker.info('acme');
  assert.equal(info.name, 'acme-list');
  assert.equal(info.entries, 3);
  assert.equal(info.trustedKeys.length, 1);

  const [company, seizedByDefault, prefix, clean, caution] = checker.checkMany([
    'https://www.acme-payroll-portal.com/login', 'https://silverstarchina.com/', 'https://github.com/acme-fake-hr/jobs', 'https://example.org/', 'https://acme-payrol-portal.com/',
  ]);
  assert.equal(company.verdict, 'flagged');
  assert.equal(company.list, 'acme');
  assert.equal(company.listVersion, 6);
  assert.equal(company.entry.note, 'fake payroll portal');
  assert.equal(seizedByDefault.verdict, 'seized', 'seized outranks flagged');
  assert.equal(seizedByDefault.list, 'default');
  assert.equal(seizedByDefault.listVersion, base.version);
  assert.equal(prefix.list, 'acme');
  assert.equal(clean.verdict, 'clean');
  assert.equal(clean.list, '');
  assert.equal(caution.verdict, 'caution');
  assert.equal(caution.list, 'acme');
  assert.equal(caution.resembles, 'acme-payroll-portal.com');
  // The verdict-only batch names the same lists.
  const quick = checker.checkMany([company.input, seizedByDefault.input], { verdictOnly: true });
  assert.deepEqual(quick.map((x) => x.list), ['acme', 'default']);

  // A replay of the company's older snapshot is refused; both lists answer.
  r = await checker.load(companyList(2, acmeRows), { list: 'acme' });
  assert.equal(r.ok, false);
  assert.match(r.error, /not newer/);
  assert.equal(checker.check(company.input).list, 'acme');
  assert.equal(checker.check(seizedByDefault.input).verdict, 'seized');
  assert.ok(checker.snapshotBytes('acme').length > 0);
  assert.equal(checker.browserNames('acme').length, 3);
});

test('a delta moves one list forward; unsubscribing forgets it and its key', async () => {
  const v7 = companyList(7, acmeRows);
  const v8 = companyList(8, [...acmeRows, seized('acme-careers-hr.com')]);
  assert.equal((await checker.load(v7, { list: 'acme' })).ok, true);
  redflag(['diff', '--key', lists.file('b.key'), '--out', lists.file('acme-7-8.delta'), lists.file('acme-list-7-b.snap'), lists.file('acme-list-8-b.snap')]);
  // The delta is for the company list: on the default list it is refused.
  let r = await checker.applyDelta(lists.read('acme-7-8.delta'));
  assert.equal(r.ok, false);
  r = await checker.applyDelta(lists.read('acme-7-8.delta'), { list: 'acme' });
  assert.deepEqual(r, { ok: true, version: 8 });
  assert.equal(checker.check('acme-careers-hr.com').verdict, 'seized');
  assert.equal(checker.check('acme-careers-hr.com').listVersion, 8);
  assert.ok(v8.length > 0);

  assert.deepEqual(await checker.unsubscribe('acme'), { ok: true });
  assert.deepEqual(checker.listKeys(), ['default']);
  assert.equal(checker.check('https://acme-payroll-portal.com/').verdict, 'clean');
  assert.equal((await checker.unsubscribe('acme')).ok, false);
  assert.equal((await checker.unsubscribe('default')).ok, false);
  assert.equal((await checker.load(v8, { list: 'acme' })).ok, false);
  // Subscribed again, the list starts empty and trusts only what it is given.
  assert.equal((await checker.subscribe('acme', { name: 'acme-list', keys: [lists.pubText.a] })).ok, true);
  assert.equal((await checker.load(v8, { list: 'acme' })).ok, false);
  assert.equal(checker.check('https://acme-payroll-portal.com/').verdict, 'clean');
});
