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

test('look-alikes of the seized names answer caution, naming the one they resemble; the rest is clean', async () => {
  await checker.ready;
  const cautions = {
    'cloudfox.com': ['cloudfox.cloud', 'suffix'],
    'https://cloudfox.io/': ['cloudfox.cloud', 'suffix'],
    'silverstarchina.net': ['silverstarchina.com', 'suffix'],
    'https://silverstar-china.com/': ['silverstarchina.com', 'hyphen'],
    'https://xn--ilverstarchina-p9l.com/': ['silverstarchina.com', 'confusable'],
    'https://ѕilverstarchina.com/': ['silverstarchina.com', 'confusable'],
    'jinyang.com': ['jinyang.asia', 'suffix'],
    'foxsun.com': ['foxvsun.com', 'deletion'],
    'xinlusoft.co': ['xinlusoft.com', 'suffix'],
    'edenprograms.com': ['edenprogram.com', 'insertion'],
    'hr@foxysunstudios.net': ['foxysunstudios.com', 'suffix'],
    'https://careers.mycloudfox.io/apply': ['mycloudfox.com', 'suffix'],
    'ktsolution.technology': ['ktsolution.tech', 'suffix'],
  };
  for (const [input, [resembles, similarity]] of Object.entries(cautions)) {
    const r = checker.check(input);
    assert.equal(r.verdict, 'caution', input);
    assert.equal(r.resembles, resembles, input);
    assert.ok(r.similarity.includes(similarity), `${input}: ${r.similarity}`);
    assert.ok(r.how.length > 0);
    assert.equal(r.match, '');
    assert.equal(r.entry.kind, 'seized');
    assert.equal(r.entry.date, '2023-10-17');
    assert.equal(checker.check(input, { lookAlikes: false }).verdict, 'clean', `${input} with look-alikes off`);
    assert.deepEqual(checker.checkMany([input], { verdictOnly: true })[0], { ...r, canonical: '', registrable: '' });
  }
  const clean = [
    'silverstar.com', 'silverstarchina.com.evil.org', 'cloudfox.cloud.example.com', 'https://example.com/silverstarchina.com',
    'https://www.google.com/search?q=silverstarchina.com', 'foxnews.com', 'https://www.linkedin.com/in/jinyang',
  ];
  for (const input of clean) {
    const r = checker.check(input);
    assert.equal(r.verdict, 'clean', input);
    assert.equal(r.match, '');
    assert.equal(r.entry, null);
  }
});

test('checkMany answers like check, in order', async () => {
  await checker.ready;
  const inputs = ['cloudfox.cloud', 'example.com', '', 'http://', 7, null, 'https://www.jinyang.asia/x', 'cloudfox.com'];
  const many = checker.checkMany(inputs);
  assert.equal(many.length, inputs.length);
  inputs.forEach((input, i) => assert.deepEqual(many[i], checker.check(input), String(input)));
  assert.deepEqual(many.map((r) => r.verdict), ['seized', 'clean', 'invalid', 'invalid', 'invalid', 'invalid', 'seized', 'caution']);
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

test('browserNames gives the default list\'s names for the browser\'s own rules', async () => {
  await checker.ready;
  assert.equal(checker.info().namesPublished, true);
  assert.equal(checker.info().browserNames, 17);
  assert.deepEqual(checker.browserNames(), [...doj].sort());
  assert.equal(checker.info().lookAlikeTargets, 17);
});
