// Prints the table of a wasm/bench/run.sh run: medians, and ratios to the
// native Go baseline measured in the same run.
//
//   node wasm/bench/summary.mjs OUT

import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const load = (f) => {
  const p = path.join(dir, f);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const [native] = load('native.json');
const [node] = load('node.json');
const [boundary] = load('boundary.json');
const [size] = load('size.json');
const [sw] = load('chromium.json');

const base = median(native.check);
const rows = [];
const row = (what, xs, note = '') => rows.push([what, median(xs), note]);
row('native Go check.Check (full answer)', native.check, 'baseline');
row('native Go check.Lookup (verdict only)', native.lookup);
row('Node checker.check, one call per URL', node.check);
row('Node checker.checkMany, batches of 1,000', node.checkMany);
if (node.checkManyVerdictOnly) row('Node checker.checkMany verdictOnly, batches of 1,000', node.checkManyVerdictOnly, 'vs native Lookup ' + (median(node.checkManyVerdictOnly) / median(native.lookup)).toFixed(2) + '×');
row('Node bloom-filters behind new URL (host probes)', node.bloomFilters, `build ${(node.bloomBuildMs / 1000).toFixed(1)} s`);
row('Node Set behind new URL (host probes)', node.jsSet);
for (const [variant, b] of Object.entries(boundary ?? {})) {
  const name = variant === 'opt' ? 'wasip1 + wasm-opt -O2' : variant;
  row(`Node ${name}: one call per URL (default list)`, b.check);
  row(`Node ${name}: batches of 1,000 (default list)`, b.checkMany);
}
if (sw?.perURL) {
  for (const [name, p] of [['', sw.perURL], ...Object.entries(sw.compare ?? {}).filter(([, v]) => v.perURL).map(([n, v]) => [`${n}: `, v.perURL])]) {
    row(`Chromium SW ${name}checker.check, one call per URL`, p.single);
    row(`Chromium SW ${name}checker.checkMany, batches of 1,000`, p.batch);
    if (p.verdictOnly) row(`Chromium SW ${name}checkMany verdictOnly, batches of 1,000`, p.verdictOnly, 'vs native Lookup ' + (median(p.verdictOnly) / median(native.lookup)).toFixed(2) + '×');
  }
}
console.log(`\nper URL, median of ${native.check.length} rounds, ${node.urls} URLs, 1M-entry list unless noted`);
console.log('ns/URL'.padStart(10), '× native'.padStart(9), ' what');
for (const [what, ns, note] of rows) console.log(ns.toFixed(0).padStart(10), (ns / base).toFixed(2).padStart(9), ` ${what}${note ? ` (${note})` : ''}`);

// Look-alikes' price where the extension checks: checkMany with look-alikes
// on vs off, the same checker in the same run (goal ≤ 1.5×).
const price = [['1M-entry list', sw], ['shipped list, 17 entries', load('chromium-shipped.json')[0]]].filter(([, s]) => s?.perURL?.batchNoLookAlikes?.length);
if (price.length) console.log('\nlook-alikes on vs off: Chromium SW checkMany per URL, batches of 1,000 (goal ≤ 1.5×)');
for (const [what, s] of price) {
  const on = median(s.perURL.batch);
  const off = median(s.perURL.batchNoLookAlikes);
  console.log(`  ${what}: ${on.toFixed(0)} vs ${off.toFixed(0)} ns = ${(on / off).toFixed(2)}×`);
}

// Several lists (wasm/bench/lists.mjs): the default list alone, the 1M
// list alone, both (the 1M one as a company's list); goal ≤ 1.2× the 1M.
const several = [['Node', load('lists-node.json')[0]], ['Chromium SW', load('lists-chromium.json')[0]]].filter(([, l]) => l);
if (several.length) console.log(`\nseveral lists: checkMany per URL, batches of 1,000, ns (median of ${several[0][1].rounds} interleaved rounds)`);
for (const [where, l] of several) {
  const line = (ns, ratio) => `default ${ns.default.toFixed(0)}, 1M ${ns['1M'].toFixed(0)}, default + 1M company ${ns['default+1M'].toFixed(0)} = ${ratio.toFixed(2)}× 1M`;
  console.log(`  ${where}: ${line(l.summary.checkManyNsPerURL, l.summary.ratio)} (goal ≤ 1.2×); verdictOnly: ${line(l.summary.verdictOnlyNsPerURL, l.summary.verdictOnlyRatio)}`);
}

console.log('\nstart-up');
const starts = load('startup.json');
const nodeStart = {};
for (const v of [...new Set(starts.map((s) => s.variant))]) {
  const xs = starts.filter((s) => s.variant === v).map((s) => s.readyMs);
  nodeStart[v] = median(xs);
  console.log(`  Node ${v}: fresh process, import to first answer ${median(xs).toFixed(1)} ms, median of ${xs.length} (embedded default list)`);
}
console.log(`  Node: import to ready ${node.readyMs.toFixed(1)} ms; load 1M snapshot ${node.loadMs.toFixed(0)} ms (native open ${native.openMs.toFixed(0)} ms)`);
// One line per checker measured in the service worker: the shipped one,
// then those it is compared with (interleaved browser starts).
const swLine = (name, v) => {
  const st = (k) => median(v.embedded.map((r) => r.steps[k] ?? 0));
  const verdict = median(v.embedded.map((r) => r.verdictMs ?? NaN));
  const pkg = (k) => median(v.embeddedFromPackage.map((r) => r[k] ?? NaN));
  console.log(`  Chromium SW ${name}: start -> ready ${v.summary.readyMsEmbedded.toFixed(1)} ms, first verdict ${verdict.toFixed(1)}` +
    ` (module evaluated ${st('evaluated').toFixed(1)}, instantiated ${st('instantiated').toFixed(1)}, Go runtime up ${st('initialized').toFixed(1)}, list open ${st('ready').toFixed(1)};` +
    ` module from ${[...new Set(v.embedded.map((r) => r.steps.moduleFrom))].join('/')}); module read from the package every start ${v.summary.readyMsEmbeddedFromPackage.toFixed(1)} ms` +
    ` (first verdict ${pkg('verdictMs').toFixed(1)}); first start after install ${v.summary.readyMsInstall.toFixed(1)} ms (median of ${1 + (v.installs?.length ?? 0)} fresh profiles); median of ${v.embedded.length} browser starts`);
};
if (sw) {
  swLine('shipped', sw);
  for (const [name, v] of Object.entries(sw.compare ?? {})) swLine(name, v);
  if (sw.summary.readyMsStored1M !== undefined) console.log(`  Chromium SW start -> 1M list loaded from IndexedDB: ${sw.summary.readyMsStored1M.toFixed(1)} ms median of ${sw.stored.length}; load() of 1M in the SW ${sw.summary.loadMs1M.toFixed(0)} ms`);
  console.log(`  ${sw.chromium}`);
}
// The shipped checker against the others, same run.
for (const other of ['plain', 'base']) {
  const parts = [];
  if (nodeStart.wasip1 && nodeStart[other]) parts.push(`Node first answer ${(nodeStart.wasip1 / nodeStart[other]).toFixed(2)}×`);
  const o = sw?.compare?.[other];
  if (o) {
    parts.push(`SW ready ${(sw.summary.readyMsEmbedded / o.summary.readyMsEmbedded).toFixed(2)}×`);
    parts.push(`SW ready, module from the package ${(sw.summary.readyMsEmbeddedFromPackage / o.summary.readyMsEmbeddedFromPackage).toFixed(2)}×`);
    parts.push(`first start after install ${(sw.summary.readyMsInstall / o.summary.readyMsInstall).toFixed(2)}×`);
  }
  const b = boundary?.[other];
  if (b && boundary.wasip1) parts.push(`Node checkMany per URL (default list) ${(median(boundary.wasip1.checkMany) / median(b.checkMany)).toFixed(2)}×`);
  if (o?.perURL) parts.push(`SW checkMany per URL (1M list) ${(median(sw.perURL.batch) / median(o.perURL.batch)).toFixed(2)}×`);
  if (parts.length) console.log(`  shipped / ${other}: ${parts.join(', ')}`);
}
console.log('\nmodule size (bytes)');
for (const [k, v] of Object.entries(size)) if (v) console.log(`  ${k.padEnd(11)} raw ${String(v.raw).padStart(9)}  gzip ${String(v.gzip).padStart(9)}`);
const [linked] = load('linked.json');
if (linked) {
  console.log(`\nlinked (unstripped build): ${linked.codeBytes} code bytes in ${linked.functions} functions, ${linked.dataBytes} data bytes; largest packages by code:`);
  for (const [pkg, p] of Object.entries(linked.packages)) console.log(`  ${String(p.code).padStart(9)}  ${pkg}`);
}
