// documents/findings.js: what the document page checks in a document's
// parts, held to the same table as the redflag command's lists/scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inputs, findings } from '../documents/findings.js';

const table = JSON.parse(readFileSync(new URL('../../lists/scan/testdata/inputs.json', import.meta.url), 'utf8'));

test('the inputs of a part, as lists/scan finds them', () => {
  assert.ok(table.length >= 8);
  for (const { text, link, want } of table) assert.deepEqual(inputs({ text, link }), want, JSON.stringify(text));
});

test('findings: once per input and place, in order', () => {
  const doc = { parts: [
    { where: 'page 1', text: 'hr@jinyang.asia and hr@jinyang.asia', link: false },
    { where: 'page 2', text: 'hr@jinyang.asia', link: false },
    { where: 'page 2, link', text: 'mailto:hr@jinyang.asia', link: true },
  ] };
  assert.deepEqual(findings(doc), [
    { input: 'hr@jinyang.asia', where: 'page 1' },
    { input: 'hr@jinyang.asia', where: 'page 2' },
    { input: 'hr@jinyang.asia', where: 'page 2, link' },
  ]);
});
