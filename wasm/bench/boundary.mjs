// GOOS=wasip1 with //go:wasmexport against GOOS=js with syscall/js: the
// same lists core behind different ways across the boundary, in Node, on
// the embedded default list (what differs is the crossing, not the lookup):
//
//   wasip1    extension/checker/checker.js as shipped
//   js-bytes  GOOS=js, the byte protocol through one Uint8Array each way
//   js-array  GOOS=js, strings and result objects as syscall/js values
//   opt       the wasip1 module after wasm-opt, if RF_OPT names its folder
//   unslimmed the wasip1 module built without wasm/build/slim-modfile.sh,
//             if RF_UNSLIMMED names its folder (start-up only)
//   NAME      a checker (checker.js and its module) in another folder, for
//             each NAME=DIR of RF_DIRS (comma-separated): the module before
//             pre-initialization, the checker of an earlier commit
//
// Measure: node wasm/bench/boundary.mjs URLFILE URLS ROUNDS JSWASM
//   loads every variant into this one process and times them round-robin,
//   so a change in the machine's load hits all alike; one JSON line.
// Start:   node wasm/bench/boundary.mjs --start VARIANT JSWASM
//   the time from a fresh process to a first answer; one JSON line.
// JSWASM is the GOOS=js build of wasm/bench/jsboundary.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

async function wasip1(dir) {
  const checker = await import(path.join(dir, 'checker.js'));
  await checker.ready;
  return { one: checker.check, many: checker.checkMany };
}

async function goosJS(jsWasm, style) {
  if (!globalThis.Go) {
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    await import(path.join(goroot, 'lib/wasm/wasm_exec.js')); // Go's own loader, unedited
  }
  const { decodeResults, encodeInputs } = await import('../../extension/checker/protocol.js');
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(jsWasm), go.importObject);
  go.run(instance); // returns once main blocks, with redflagJS set
  const rf = globalThis.redflagJS;
  delete globalThis.redflagJS;
  let scratch = new Uint8Array(1 << 16);
  const reserve = (cap) => {
    if (scratch.length < cap) scratch = new Uint8Array(cap);
    return { bytes: scratch, at: 0 };
  };
  const many =
    style === 'bytes'
      ? (inputs) => {
          const n = encodeInputs(inputs, reserve);
          const out = rf.checkBytes(scratch.subarray(0, n));
          return decodeResults(out.buffer, out.byteOffset, inputs, out.byteOffset);
        }
      : (inputs) => rf.checkArray(inputs);
  return { one: (input) => many([input])[0], many };
}

const shipped = new URL('../../extension/checker', import.meta.url).pathname;
const dirs = Object.fromEntries((process.env.RF_DIRS ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')));

async function variant(name, jsWasm) {
  switch (name) {
    case 'wasip1':
      return wasip1(shipped);
    case 'opt':
      return wasip1(path.resolve(process.env.RF_OPT));
    case 'unslimmed':
      return wasip1(path.resolve(process.env.RF_UNSLIMMED));
    case 'js-bytes':
      return goosJS(jsWasm, 'bytes');
    case 'js-array':
      return goosJS(jsWasm, 'array');
  }
  if (dirs[name]) return wasip1(path.resolve(dirs[name]));
  throw new Error(`unknown variant ${name}`);
}

function answersRight(name, v) {
  const r = v.many(['example.com', 'https://www.silverstarchina.com/x']);
  if (r[0].verdict !== 'clean' || r[1].verdict !== 'seized') throw new Error(`${name}: wrong answers ${JSON.stringify(r)}`);
}

const args = process.argv.slice(2);
if (args[0] === '--start') {
  const t0 = performance.now();
  const v = await variant(args[1], args[2]);
  v.one('https://www.silverstarchina.com/x');
  const readyMs = performance.now() - t0;
  answersRight(args[1], v);
  console.log(JSON.stringify({ variant: args[1], readyMs }));
} else {
  const [urlFile, nURLs, roundsArg, jsWasm] = args;
  const urls = fs.readFileSync(urlFile, 'utf8').trim().split('\n').slice(0, Number(nURLs));
  const names = ['wasip1', ...Object.keys(dirs), 'js-bytes', 'js-array', ...(process.env.RF_OPT ? ['opt'] : [])];
  const variants = {};
  for (const name of names) {
    variants[name] = await variant(name, jsWasm);
    answersRight(name, variants[name]);
  }
  const out = Object.fromEntries(names.map((n) => [n, { check: [], checkMany: [] }]));
  const per = (t) => ((performance.now() - t) * 1e6) / urls.length;
  // An untimed round first: whatever ran first in this process ran slower.
  for (const name of names) for (let i = 0; i < urls.length; i += 1000) variants[name].many(urls.slice(i, i + 1000));
  for (let r = 0; r < Number(roundsArg); r++) {
    // Each round starts with another variant, so that no variant always
    // runs in the same place in a round.
    for (const name of names.map((_, i) => names[(i + r) % names.length])) {
      const { one, many } = variants[name];
      let t = performance.now();
      for (let i = 0; i < urls.length; i++) one(urls[i]);
      out[name].check.push(per(t));
      t = performance.now();
      for (let i = 0; i < urls.length; i += 1000) many(urls.slice(i, i + 1000));
      out[name].checkMany.push(per(t));
    }
  }
  console.log(JSON.stringify(out));
}
