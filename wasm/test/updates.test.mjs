// load and applyDelta: only verified, newer lists replace the current one;
// every failure leaves it answering as before.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import * as checker from '../../extension/checker/checker.js';
import { makeLists } from './fixtures.mjs';

const base = await checker.ready;
const lists = makeLists(base.version);
after(() => lists.cleanup());

// still asserts that the list at version answers as it should.
function still(version, listed = 'silverstarchina.com') {
  const r = checker.check(`https://www.${listed}/jobs`);
  assert.equal(r.verdict, 'seized');
  assert.equal(r.listVersion, version);
  assert.equal(checker.info().version, version);
}

test('a snapshot signed by an unknown key is refused until its key is trusted', async () => {
  let r = await checker.load(lists.read('v1.snap'));
  assert.equal(r.ok, false);
  assert.equal(r.version, base.version);
  assert.match(r.error, /untrusted key/);
  still(base.version);

  r = await checker.addTrustedKeys(['ed25519:not-base64!']);
  assert.equal(r.ok, false);
  assert.match(r.error, /ed25519/);
  r = await checker.addTrustedKeys([lists.pubText.a, 'garbage']);
  assert.equal(r.ok, false, 'all keys or none');
  r = await checker.load(lists.read('v1.snap'));
  assert.equal(r.ok, false, 'the good key of a refused batch was not added');
  r = await checker.addTrustedKeys('ed25519:abc');
  assert.equal(r.ok, false);

  r = await checker.addTrustedKeys([lists.pubText.a]);
  assert.equal(r.ok, true, r.error);
  assert.equal(r.keyIds.length, 1);
  assert.ok(checker.info().trustedKeys.includes(r.keyIds[0]));
});

test('load takes a newer snapshot and refuses replays', async () => {
  let r = await checker.load(lists.read('v1.snap'));
  assert.deepEqual(r, { ok: true, version: lists.versions.v1, verifiedBy: 'webcrypto' });
  still(lists.versions.v1);
  assert.equal(checker.check('https://github.com/some-user/x').verdict, 'flagged');
  assert.equal(checker.info().entries, 10);

  for (const old of ['v1.snap', 'v0.snap']) {
    r = await checker.load(lists.read(old));
    assert.equal(r.ok, false, old);
    assert.equal(r.version, lists.versions.v1);
    assert.match(r.error, /not newer/);
    still(lists.versions.v1);
  }
  r = await checker.load(lists.read('v2-untrusted.snap'));
  assert.equal(r.ok, false);
  assert.match(r.error, /untrusted key/);
  r = await checker.load('not bytes');
  assert.equal(r.ok, false);
  assert.match(r.error, /wants bytes/);
  still(lists.versions.v1);
});

test('a newer snapshot altered anywhere is refused, whoever checks its signature', async () => {
  const good = lists.read('v2.snap');
  for (const at of [0, 40, good.length >> 1, good.length - 73, good.length - 72, good.length - 65, good.length - 64, good.length - 1]) {
    const bad = good.slice();
    bad[at] ^= 0x10;
    const r = await checker.load(bad);
    assert.equal(r.ok, false, `byte ${at} of ${good.length} altered`);
    assert.equal(r.verifiedBy, 'module', 'WebCrypto said no: the module checks it again and says why');
    assert.match(r.error, /^snapshot: ./);
    still(lists.versions.v1);
  }
  const r = await checker.load(good.subarray(0, good.length - 1));
  assert.equal(r.ok, false, 'truncated');
  still(lists.versions.v1);
});

test('snapshotBytes returns the list as loaded', async () => {
  assert.deepEqual(checker.snapshotBytes(), lists.read('v1.snap'));
});

test('a delta moves the list forward; snapshotBytes then equals the newer snapshot', async () => {
  const delta = lists.read('v1-v2.delta');
  const tampered = delta.slice();
  tampered[100] ^= 1;
  let r = await checker.applyDelta(tampered);
  assert.equal(r.ok, false);
  assert.equal(r.version, lists.versions.v1);
  still(lists.versions.v1);

  r = await checker.applyDelta(delta.buffer.slice(delta.byteOffset, delta.byteOffset + delta.byteLength)); // an ArrayBuffer works too
  assert.deepEqual(r, { ok: true, version: lists.versions.v2 });
  assert.deepEqual(checker.snapshotBytes(), lists.read('v2.snap'));
  still(lists.versions.v2);
  assert.equal(checker.check('jinyang.asia').verdict, 'clean', 'removed by the delta');
  assert.equal(checker.check('https://new-front.com/').verdict, 'seized', 'added by the delta');
  const evil = checker.check('evil.com');
  assert.equal(evil.verdict, 'flagged', 'provenance changed by the delta');
  assert.equal(evil.entry.note, 'now flagged rather than seized');

  r = await checker.applyDelta(delta);
  assert.equal(r.ok, false, 'the same delta again');
  assert.match(r.error, /does not apply/);
  still(lists.versions.v2);

  r = await checker.load(lists.read('v1.snap'));
  assert.equal(r.ok, false, 'no way back to v1');
  still(lists.versions.v2);
});

test('the bytes WebCrypto verified are the bytes loaded, even if the caller changes its array meanwhile', async () => {
  const bytes = lists.read('v3.snap').slice();
  const pending = checker.load(bytes);
  bytes.fill(0); // while the signature is being checked
  const r = await pending;
  assert.deepEqual(r, { ok: true, version: lists.versions.v3, verifiedBy: 'webcrypto' });
  assert.deepEqual(checker.snapshotBytes(), lists.read('v3.snap'));
});

test('a list that keeps its names out gives no browser names; one that publishes them does', async () => {
  assert.equal(checker.info().version, lists.versions.v3);
  const names = checker.browserNames();
  assert.ok(names.length > 0 && names.every((n) => typeof n === 'string' && n.length > 0));
  assert.deepEqual(names, [...names].sort());
  const r = await checker.load(lists.read('v4-no-names.snap'));
  assert.equal(r.ok, true, r.error);
  assert.equal(checker.info().namesPublished, false);
  assert.equal(checker.browserNames(), null);
  assert.equal(checker.check('https://new-front.com/').verdict, 'seized', 'its exact matches still answer');
});
