// GOOS=wasip1 with //go:wasmexport against GOOS=js with syscall/js: the
// same lists core behind three ways across the boundary, in Node, on the
// embedded default list (what differs is the crossing, not the lookup).
//
//   node wasm/bench/boundary.mjs VARIANT URLFILE [URLS] [ROUNDS] [JSWASM]
//
// URLS=0 measures the start alone (a fresh process per start).
//
// VARIANT: wasip1 (extension/checker/checker.js as shipped), js-bytes
// (GOOS=js, the byte protocol through one Uint8Array each way), js-array
// (GOOS=js, strings and result objects through syscall/js values). JSWASM
// is the GOOS=js build of wasm/bench/jsboundary. Prints one JSON object:
// start to ready, per-URL cost of one call per URL and of batches of 1,000.
// RF_CHECKER=DIR measures the wasip1 module in DIR instead of the shipped one.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const [variant, urlFile, nURLs = '20000', roundsArg = '5', jsWasm] = process.argv.slice(2);
const urls = fs.readFileSync(urlFile, 'utf8').trim().split('\n').slice(0, Number(nURLs));
const rounds = Number(roundsArg);

const t0 = performance.now();
let one;
let many;
if (variant === 'wasip1') {
  // RF_CHECKER: another folder holding checker.js and its module (a
  // wasm-opt build, say); default: the extension's own.
  const dir = process.env.RF_CHECKER ? path.resolve(process.env.RF_CHECKER) : new URL('../../extension/checker', import.meta.url).pathname;
  const checker = await import(path.join(dir, 'checker.js'));
  await checker.ready;
  one = checker.check;
  many = checker.checkMany;
} else {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  await import(path.join(goroot, 'lib/wasm/wasm_exec.js'));
  const { decodeResults, encodeInputs } = await import('../../extension/checker/protocol.js');
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(jsWasm), go.importObject);
  go.run(instance); // returns once main blocks, with redflagJS set
  const rf = globalThis.redflagJS;
  let scratch = new Uint8Array(1 << 16);
  const reserve = (cap) => {
    if (scratch.length < cap) scratch = new Uint8Array(cap);
    return { bytes: scratch, at: 0 };
  };
  if (variant === 'js-bytes') {
    many = (inputs) => {
      const n = encodeInputs(inputs, reserve);
      const out = rf.checkBytes(scratch.subarray(0, n));
      return decodeResults(out.buffer, out.byteOffset, inputs, out.byteOffset);
    };
  } else {
    many = (inputs) => rf.checkArray(inputs);
  }
  one = (input) => many([input])[0];
}
const readyMs = performance.now() - t0;
if (urls.length === 0 || nURLs === '0') {
  console.log(JSON.stringify({ variant, readyMs }));
  process.exit(0);
}

function time(fn) {
  const per = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    fn();
    per.push(((performance.now() - t) * 1e6) / urls.length);
  }
  return per;
}
const check = time(() => {
  for (let i = 0; i < urls.length; i++) one(urls[i]);
});
const checkMany = time(() => {
  for (let i = 0; i < urls.length; i += 1000) many(urls.slice(i, i + 1000));
});
const sample = many([urls[0], 'https://www.silverstarchina.com/x'])[1];
if (sample.verdict !== 'seized') throw new Error(`${variant}: wrong answer ${JSON.stringify(sample)}`);
console.log(JSON.stringify({ variant, readyMs, check, checkMany }));
