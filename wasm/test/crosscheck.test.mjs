// The module answers exactly as `redflag check --json` does for the same
// snapshot and inputs, on the inputs where canonicalization is hardest.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import * as checker from '../../extension/checker/checker.js';
import { makeLists, redflag } from './fixtures.mjs';

const inputs = [
  // hosts, case, dots, ports, user info, fragments, whitespace
  'HTTP://WWW.SilverStarChina.COM./careers?x=1#top',
  'silverstarchina.com', 'SILVERSTARCHINA.COM', '..silverstarchina..com..', 'silverstarchina.com:8080/x',
  'https://user:pw@silverstarchina.com:443/', '  silverstarchina.com  ', 'silver\tstarchina.com', 'http://silverstarchina.com/\n',
  'https://a.b.c.d.e.f.silverstarchina.com/', 'silverstarchina.com.', 'notsilverstarchina.com',
  // emails
  'hr@jinyang.asia', 'mailto:HR@Jinyang.Asia?subject=job', 'first.last+tag@sub.jinyang.asia', 'hr@jinyang.asia.example',
  // percent-escapes, nested and in the host
  'http://%73ilverstarchina.com/', 'http://silverstarchina%2Ecom/', 'http://%2573ilverstarchina.com/', 'http://silverstarchina.com/%2e%2e/%41%42?%7e',
  'http://example.com/%25252525', 'http://example.com/a%00b', 'http://example.com/%zz%4', 'http://example.com/%E2%98%83',
  // IDN: the listed host in Unicode, mixed case, punycode, other scripts
  'http://exämple.com/', 'https://EXÄMPLE.com./a/../b', 'xn--exmple-cua.com', 'http://www.xn--EXMPLE-cua.com/',
  'https://пример.com/', 'http://xn--80ak6aa92e.com', 'https://例え.テスト/パス?q=値', 'http://bücher.de/', 'http://☃.net/',
  // IPv4 in odd notations, IPv6
  'http://1.2.3.4/', 'http://0x01020304/', 'http://16909060/', 'http://01.02.03.04/', 'http://1.2.0x304/', 'http://1.131844/',
  '1.2.3.4', 'http://0x7f.1/', 'http://10.0.0.1:80/x', 'http://012.0.0.01/', 'http://1.2.3.4.5/', 'http://4294967296/',
  'http://[::1]/', 'http://[2001:db8::1]:8080/p', 'http://[::ffff:1.2.3.4]/',
  // URL-prefix and page entries on shared platforms
  'https://github.com/some-user/repo', 'https://github.com/some-user', 'https://github.com/some-user/', 'https://github.com/Some-User/x',
  'https://github.com/some-userx/', 'https://gist.github.com/some-user/', 'https://www.github.com/some-user/a/b/c/d/e', 'https://github.com/',
  'https://github.com/other/../some-user/x', 'https://github.com//some-user/', 'https://github.com/some-user?tab=repos',
  'https://www.upwork.com/freelancers/~01abc?ref=x', 'https://upwork.com/freelancers/~01abc', 'https://upwork.com/freelancers/~01abc?ref=y',
  'https://sub.flagged-site.net/', 'https://flagged-site.net/', 'https://deep.sub.flagged-site.net/a',
  // public suffixes and registrable domains
  'https://someone.github.io/', 'http://co.uk/', 'http://www.example.co.uk/', 'http://localhost/', 'http://a/',
  // look-alikes of the listed names: another suffix, a letter, a hyphen, a
  // Cyrillic letter in Unicode and in punycode, an affix word
  'silverstarchina.net', 'https://silverstarchinna.com/', 'silverstar-china.com', 'https://ѕilverstarchina.com/',
  'http://xn--ilverstarchina-p9l.com/', 'hr@jinyang.tech', 'https://mysilverstarchina.com/', 'flagged-sites.net',
  // invalid
  '', '   ', 'http://', 'https:///path', '::::', 'javascript:alert(1)', 'http://a b.com/', 'http://[::1', 'http://exa mple.com',
  'http:example.com', '#fragment-only', `http://example.com/${'a'.repeat(70000)}`, 'http://' + 'a'.repeat(300) + '.com/',
  'http://-bad-.com/', 'http://example..com/', '\u00a0silverstarchina.com', 'http://\u200bsilverstarchina.com/',
];

const lists = makeLists((await checker.ready).version);
after(() => lists.cleanup());

test('answers as redflag check --json on the same snapshot', async () => {
  const st = await checker.addTrustedKeys([lists.pubText.a]);
  assert.equal(st.ok, true, st.error);
  const loaded = await checker.load(lists.read('v1.snap'));
  assert.deepEqual(loaded, { ok: true, version: lists.versions.v1, verifiedBy: 'webcrypto' });

  const out = redflag(['check', '--json', '--snapshot', lists.file('v1.snap'), '--pub', lists.file('a.pub'), '--', ...inputs], { allow: [0, 1, 2] });
  const want = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(want.length, inputs.length);
  const got = checker.checkMany(inputs);
  const seen = new Set();
  inputs.forEach((input, i) => {
    const w = want[i];
    const expected = {
      input,
      verdict: w.verdict,
      match: w.match ?? '',
      canonical: w.canonical ?? '',
      registrable: w.registrable ?? '',
      entry: w.entry ? { kind: w.entry.kind, authority: w.entry.authority, date: w.entry.date, reference: w.entry.reference, note: w.entry.note ?? '' } : null,
      listVersion: w.list_version,
      error: w.error ?? '',
      list: w.list ?? '', // the default list's key is its name
      ...(w.verdict === 'caution' ? { resembles: w.resembles, how: w.how, similarity: w.similarity } : {}),
    };
    assert.deepEqual(got[i], expected, `input ${i}: ${JSON.stringify(input).slice(0, 80)}`);
    assert.deepEqual(checker.check(input), expected, `check(${JSON.stringify(input).slice(0, 80)})`);
    seen.add(w.verdict);
  });
  // The verdict-only batch agrees on everything it answers.
  const verdicts = checker.checkMany(inputs, { verdictOnly: true });
  got.forEach((full, i) => assert.deepEqual(verdicts[i], { ...full, canonical: '', registrable: '' }, `verdictOnly ${i}`));
  // The table is only worth something if it covers every verdict.
  assert.deepEqual([...seen].sort(), ['caution', 'clean', 'flagged', 'invalid', 'seized']);
});
