// content/tokens.js: the emails, URLs and domains in page text, checked on
// awkward text and, against TOKEN applied match by match, on random text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../content/tokens.js';

const { TOKEN, eachToken } = globalThis.RedFlagTokens;

// reference is the plain definition: TOKEN over the whole text.
function reference(s) {
  const out = [];
  const re = new RegExp(TOKEN.source, 'g');
  for (const m of s.matchAll(re)) out.push(m[0].replace(/[.,;:!?]+$/, ''));
  return out;
}

function tokens(s) {
  const out = [];
  eachToken(s, (t) => out.push(t));
  return out;
}

test('tokens in awkward text', () => {
  const cases = [
    ['Write to hr@jinyang.asia or visit silverstarchina.com.', ['hr@jinyang.asia', 'silverstarchina.com']],
    ['see https://www.cloudfox.cloud/about?x=1, then (cloudfox.cloud/jobs).', ['https://www.cloudfox.cloud/about?x=1', 'cloudfox.cloud/jobs']],
    ['no tokens here: version 1.2, e.g. fine', []],
    ['x.y z', []], // one-letter top-level domain
    ['http://localhost:8080/x and http://3232235777/', ['http://localhost:8080/x', 'http://3232235777/']],
    ['@jinyang.asia', []],
    ['a\u00a0jinyang.asia\u2003b', ['jinyang.asia']], // Unicode spaces delimit
    ['«jinyang.asia»', ['jinyang.asia']],
    ['"jinyang.asia"<cloudfox.cloud>[x.example.com]{y.example.org}', ['jinyang.asia', 'cloudfox.cloud', 'x.example.com', 'y.example.org']],
    ['mail:hr@jinyang.asia;ceo@cloudfox.cloud!', ['hr@jinyang.asia', 'ceo@cloudfox.cloud']],
    ['jinyang.asia/path/to/page?.', ['jinyang.asia/path/to/page']],
    ['', []],
    ['.', []],
  ];
  for (const [text, want] of cases) {
    assert.deepEqual(tokens(text), want, JSON.stringify(text));
    assert.deepEqual(tokens(text), reference(text), `same as TOKEN: ${JSON.stringify(text)}`);
  }
});

test('random text gives the same tokens as TOKEN match by match', () => {
  const pieces = ['a', 'Z', '0', '9', '-', '_', '.', '.', '@', '/', ':', '://', 'http', 'https://', '%', '+', ' ', '\n', '\u00a0',
    '"', "'", '(', ')', '[', ']', '{', '}', '<', '>', ',', ';', '!', '?', 'com', 'asia', 'example', 'é', '\u2028', '😀', '\t'];
  let seed = 12345;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let i = 0; i < 20000; i++) {
    let s = '';
    const len = rand(40);
    for (let j = 0; j < len; j++) s += pieces[rand(pieces.length)];
    assert.deepEqual(tokens(s), reference(s), JSON.stringify(s));
  }
});
