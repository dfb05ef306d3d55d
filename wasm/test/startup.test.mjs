// The shipped module is pre-initialized (wasm/PROTOCOL.md,
// "Pre-initialized"): the Go runtime and the embedded list are already in
// its memory, so a start neither runs the runtime's initialization nor
// opens the list again; and each instance starts from that memory on its
// own.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { wasiImports } from '../../extension/checker/wasi.js';
import { encodeInputs } from '../../extension/checker/protocol.js';
import { repo } from './fixtures.mjs';

const shipped = fs.readFileSync(path.join(repo, 'extension/checker/redflag.wasm'));

// start instantiates a module with wasi.js, counting the WASI calls it
// makes, and returns helpers to call it.
async function start(bytes) {
  let memory;
  const calls = {};
  const wasi = wasiImports(() => memory).wasi_snapshot_preview1;
  const counted = Object.fromEntries(Object.entries(wasi).map(([name, fn]) => [name, (...a) => ((calls[name] = (calls[name] ?? 0) + 1), fn(...a))]));
  const { instance } = await WebAssembly.instantiate(bytes, { wasi_snapshot_preview1: counted });
  const x = instance.exports;
  memory = x.memory;
  const text = (n) => new TextDecoder().decode(new Uint8Array(memory.buffer, x.rf_output(), n));
  return {
    x,
    calls,
    control: (fn) => JSON.parse(text(fn())),
    verdict(input) {
      const n = encodeInputs([input], (cap) => ({ bytes: new Uint8Array(memory.buffer), at: x.rf_buffer(cap) }));
      x.rf_check(n, 1);
      const h = new DataView(memory.buffer, x.rf_output(), 32);
      return new DataView(memory.buffer).getUint32(h.getUint32(4, true), true);
    },
  };
}

test('the shipped module starts without initializing: no _initialize, no random seed read, the list already open', async () => {
  const m = await start(shipped);
  assert.equal(m.x._initialize, undefined, 'the build exported _initialize: it was not pre-initialized');
  const st = m.control(() => m.x.rf_init());
  assert.equal(st.ok, true, st.error);
  assert.equal(m.control(() => m.x.rf_info()).entries, 17);
  assert.equal(m.verdict('https://www.silverstarchina.com/x'), 1); // seized
  assert.equal(m.verdict('example.com'), 0); // clean
  // A Go runtime starting reads its random seed through random_get.
  assert.equal(m.calls.random_get ?? 0, 0, `random_get called: ${JSON.stringify(m.calls)}`);
});

test('the module before pre-initialization, started as it needs, answers the same', { skip: !fs.existsSync(path.join(repo, 'bin/redflag-plain.wasm')) && 'no bin/redflag-plain.wasm (make wasm)' }, async () => {
  const m = await start(fs.readFileSync(path.join(repo, 'bin/redflag-plain.wasm')));
  assert.equal(typeof m.x._initialize, 'function');
  m.x._initialize();
  assert.ok(m.calls.random_get > 0, 'a runtime starting reads a random seed');
  const shippedStart = await start(shipped);
  assert.deepEqual(m.control(() => m.x.rf_info()), shippedStart.control(() => shippedStart.x.rf_info()));
  for (const input of ['https://www.silverstarchina.com/x', 'example.com', 'cloudfox.io', 'https://ѕilverstarchina.com/', 'http://[::1', '']) {
    assert.equal(m.verdict(input), shippedStart.verdict(input), input);
  }
});

test('instances of the pre-initialized module share nothing', async () => {
  const a = await start(shipped);
  const b = await start(shipped);
  const key = 'ed25519:' + Buffer.alloc(32, 7).toString('base64');
  const bytes = new TextEncoder().encode(key);
  new Uint8Array(a.x.memory.buffer).set(bytes, a.x.rf_buffer(bytes.length));
  const added = a.control(() => a.x.rf_add_keys(bytes.length));
  assert.equal(added.ok, true, added.error);
  assert.equal(a.control(() => a.x.rf_info()).trustedKeys.length, 2);
  assert.equal(b.control(() => b.x.rf_info()).trustedKeys.length, 1);
});
