// Bad input never crashes the module: random and mutated bytes for load and
// applyDelta, random strings for check. After every failure the list that
// was current still answers correctly. The seed is printed so that a
// failure can be replayed: FUZZ_SEED=n node --test wasm/test/fuzz.test.mjs

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import * as checker from '../../extension/checker/checker.js';
import { makeLists, redflag, rng } from './fixtures.mjs';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9);
console.log(`# fuzz seed ${seed}`);
const rand = rng(seed);
const int = (n) => Math.floor(rand() * n);

const base = await checker.ready;
const lists = makeLists(base.version);
after(() => lists.cleanup());

function randomBytes(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = int(256);
  return b;
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// mutate flips, truncates, extends or splices valid bytes, so the decoders
// see inputs that get past the magic and the header. It never returns the
// valid bytes themselves (writing a zero over padding changes nothing).
function mutate(valid) {
  for (;;) {
    const b = mutateOnce(valid);
    if (!same(b, valid)) return b;
  }
}

function mutateOnce(valid) {
  const b = valid.slice();
  switch (int(5)) {
    case 0:
      for (let k = 1 + int(4); k > 0; k--) b[int(b.length)] ^= 1 << int(8);
      return b;
    case 1:
      return b.subarray(0, int(b.length));
    case 2: {
      const out = new Uint8Array(b.length + 1 + int(64));
      out.set(b);
      out.set(randomBytes(out.length - b.length), b.length);
      return out;
    }
    case 3: {
      const at = int(b.length);
      b.set(randomBytes(Math.min(b.length - at, 1 + int(16))), at);
      return b;
    }
    default: {
      const v = new DataView(b.buffer);
      const at = int(Math.max(1, b.length - 8));
      v.setUint32(at, [0, 0xffffffff, 0x7fffffff, int(2 ** 32)][int(4)], true);
      return b;
    }
  }
}

function still(version) {
  const r = checker.check('https://jobs.silverstarchina.com/apply');
  assert.equal(r.verdict, 'seized');
  assert.equal(r.match, 'silverstarchina.com/');
  assert.equal(r.listVersion, version);
  assert.equal(checker.check('example.com').verdict, 'clean');
  assert.equal(checker.info().version, version);
}

test('random and mutated snapshots and deltas are refused; the list stays', async () => {
  assert.equal((await checker.addTrustedKeys([lists.pubText.a])).ok, true);
  const v1 = lists.read('v1.snap');
  const v2 = lists.read('v2.snap');
  const delta = lists.read('v1-v2.delta');
  const defaultSnap = checker.snapshotBytes();
  for (let i = 0; i < 300; i++) {
    for (const [what, bytes] of [
      ['random load', randomBytes(int(4096))],
      ['random delta', randomBytes(int(4096))],
      ['mutated v1', mutate(v1)],
      ['mutated default', mutate(defaultSnap)],
      ['mutated delta', mutate(delta)],
    ]) {
      const r = what.includes('delta') ? await checker.applyDelta(bytes) : await checker.load(bytes);
      assert.equal(r.ok, false, `${what} #${i} was accepted`);
      assert.equal(r.version, base.version);
      assert.equal(typeof r.error, 'string');
      assert.ok(r.error.length > 0);
      still(base.version);
    }
  }
  // After all that, the real updates still work.
  assert.equal((await checker.load(v1)).ok, true);
  still(lists.versions.v1);
  for (let i = 0; i < 200; i++) {
    const r = await checker.applyDelta(mutate(delta));
    assert.equal(r.ok, false, `mutated delta #${i} applied to v1`);
    still(lists.versions.v1);
  }
  assert.equal((await checker.applyDelta(delta)).ok, true);
  assert.deepEqual(checker.snapshotBytes(), v2);
});

const alphabets = [
  'abcdefghijklmnopqrstuvwxyz0123456789',
  ':/?#[]@!$&\'()*+,;=.-_~%',
  ' \t\r\n\u0000\u0001\u007f\u0080\u00a0',
  'äöüßéñ中文例テスト☃𝔘😀\u200b\u200d\ufeff\uffff',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789abcdefABCDEF%.x',
];
const pieces = ['http://', 'https://', 'mailto:', '@', '%25', '%2e', '..', '//', '[::', ']', ':80', 'xn--', '0x', 'silverstarchina.com', 'github.com/some-user/', '\ud800', '\udc00'];

function randomString() {
  let s = '';
  for (let n = int(40); n > 0; n--) {
    if (int(4) === 0) s += pieces[int(pieces.length)];
    else {
      const a = alphabets[int(alphabets.length)];
      s += String.fromCodePoint(a.codePointAt(int(a.length)) ?? 0x61);
    }
  }
  return s;
}

test('random strings never break check, and answer as redflag check does', async () => {
  const version = checker.info().version;
  const inputs = [];
  for (let i = 0; i < 3000; i++) inputs.push(randomString());
  inputs.push('x'.repeat(70000), '\ud800', '\udfff\ud800', '%'.repeat(1000), '%25'.repeat(500));
  const many = checker.checkMany(inputs);
  assert.equal(many.length, inputs.length);
  for (let i = 0; i < inputs.length; i += 7) assert.deepEqual(checker.check(inputs[i]), many[i]);
  still(version);

  // The command gets its inputs as arguments: no NUL bytes there, and
  // lone surrogates would reach it already replaced.
  const comparable = inputs.filter((s) => !s.includes('\u0000') && s.isWellFormed() && s.length < 10000);
  const got = checker.checkMany(comparable);
  const out = redflag(['check', '--json', '--snapshot', lists.file('v2.snap'), '--pub', lists.file('a.pub'), '--', ...comparable], { allow: [0, 1, 2] });
  const want = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(want.length, comparable.length);
  comparable.forEach((input, i) => {
    const w = want[i];
    const g = got[i];
    const ctx = `seed ${seed} input ${JSON.stringify(input)}`;
    assert.equal(g.verdict, w.verdict, ctx);
    assert.equal(g.canonical, w.canonical ?? '', ctx);
    assert.equal(g.registrable, w.registrable ?? '', ctx);
    assert.equal(g.match, w.match ?? '', ctx);
    assert.equal(g.error, w.error ?? '', ctx);
  });
});
