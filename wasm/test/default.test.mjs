// The embedded default list, loaded the way the extension loads it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as checker from '../../extension/checker/checker.js';

const doj = [
  'silverstarchina.com', 'edenprogram.com', 'xinlusoft.com', 'foxvsun.com', 'foxysunstudio.com',
  'foxysunstudios.com', 'cloudbluefox.com', 'cloudfoxhub.com', 'mycloudfox.com', 'thefoxcloud.com',
  'thefoxesgroup.com', 'babyboxtech.com', 'cloudfox.cloud', 'danielliu.info', 'jinyang.asia',
  'jinyang.services', 'ktsolution.tech',
];

test('ready resolves to the default list', async () => {
  const info = await checker.ready;
  assert.equal(info.name, 'default');
  assert.equal(info.entries, 17);
  assert.equal(info.keys, 17);
  assert.match(info.keyId, /^[0-9a-f]{16}$/);
  assert.ok(info.trustedKeys.includes(info.keyId), 'the key that signed the default list is trusted');
  assert.ok(info.bloomBits > 0 && info.bloomHashes > 0);
  assert.match(info.created, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(checker.info(), info);
});

test('the 17 DOJ domains and their subdomains are seized', async () => {
  const { version } = await checker.ready;
  for (const d of doj) {
    for (const input of [d, `https://${d}/`, `http://www.${d}/careers?x=1#top`, `HTTPS://JOBS.${d.toUpperCase()}.:443/a/b`, `hr@${d}`, `a.b.c.${d}`]) {
      const r = checker.check(input);
      assert.equal(r.verdict, 'seized', input);
      assert.equal(r.match, `${d}/`, input);
      assert.equal(r.registrable, d, input);
      assert.equal(r.listVersion, version);
      assert.equal(r.error, '');
      assert.equal(r.entry.kind, 'seized');
      assert.equal(r.entry.date, '2023-10-17');
      assert.match(r.entry.authority, /Department of Justice/);
      assert.match(r.entry.reference, /^https:\/\//);
    }
  }
});

test('look-alikes and unrelated sites are clean', async () => {
  await checker.ready;
  const lookAlikes = [
    'cloudfox.com', 'silverstar.com', 'silverstarchina.net', 'silverstarchina.com.evil.org', 'jinyang.com',
    'foxsun.com', 'cloudfox.cloud.example.com', 'xinlusoft.co', 'edenprograms.com', 'https://example.com/silverstarchina.com',
    'https://www.google.com/search?q=silverstarchina.com', 'ktsolution.technology',
  ];
  for (const input of lookAlikes) {
    const r = checker.check(input);
    assert.equal(r.verdict, 'clean', input);
    assert.equal(r.match, '');
    assert.equal(r.entry, null);
  }
});

test('checkMany answers like check, in order', async () => {
  await checker.ready;
  const inputs = ['cloudfox.cloud', 'cloudfox.com', '', 'http://', 7, null, 'https://www.jinyang.asia/x'];
  const many = checker.checkMany(inputs);
  assert.equal(many.length, inputs.length);
  inputs.forEach((input, i) => assert.deepEqual(many[i], checker.check(input), String(input)));
  assert.deepEqual(many.map((r) => r.verdict), ['seized', 'clean', 'invalid', 'invalid', 'invalid', 'invalid', 'seized']);
  assert.equal(many[4].error, 'checker: input is not a string');
  assert.match(many[2].error, /empty/);
  assert.deepEqual(checker.checkMany([]), []);
  assert.throws(() => checker.checkMany('cloudfox.cloud'), TypeError);
});

test('a large batch crosses once and answers every input', async () => {
  await checker.ready;
  const inputs = [];
  for (let i = 0; i < 20000; i++) inputs.push(i % 100 === 0 ? `https://x${i}.${doj[i % 17]}/p` : `https://site${i}.example/p?i=${i}`);
  const out = checker.checkMany(inputs);
  assert.equal(out.filter((r) => r.verdict === 'seized').length, 200);
  assert.equal(out[19999].canonical, 'https://site19999.example/p?i=19999');
});
