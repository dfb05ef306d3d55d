// RedFlag checker: is this URL, domain or email listed, and why? Answered
// inside the browser by redflag.wasm (the lists core compiled to
// WebAssembly), from a signed list, without asking any server.
//
// One ES module for an MV3 module service worker, an extension page and
// Node (>= 20) alike:
//
//   import * as checker from './checker/checker.js';
//
//   await checker.ready;            // the embedded default list is loaded
//                                   // (resolves to info(); rejects if the
//                                   // module cannot start). The module
//                                   // starts when ready is first awaited
//                                   // (or then'd), not at import
//   checker.check('https://jobs.cloudfox.cloud/apply');
//     // -> { input, verdict: 'seized' | 'flagged' | 'caution' | 'clean' | 'invalid',
//     //      match,        // the lookup expression that matched, '' if none
//     //      canonical,    // Safe Browsing canonical URL, '' if invalid
//     //      registrable,  // registrable domain (eTLD+1), '' for IPs
//     //      entry,        // { kind, authority, date, reference, note } or null;
//     //                    // for a caution, the entry of the listed name it resembles
//     //      listVersion,  // version of the list that answered
//     //      error }       // why the input is invalid, '' otherwise
//     // a caution (not listed; its name resembles a listed one) also has
//     //      resembles,    // the listed registrable domain, e.g. 'cloudfox.cloud'
//     //      how,          // e.g. 'the same name under .io instead of .cloud'
//     //      similarity    // the classes, e.g. ['suffix']
//   checker.checkMany(inputs);      // the same for an array, in one crossing
//   checker.checkMany(inputs, { verdictOnly: true });
//                                   // faster, for marking links: canonical and
//                                   // registrable are left ''
//   checker.checkMany(inputs, { lookAlikes: false });
//                                   // never 'caution' (a company's policy)
//   checker.info();                 // { name, loaded, version, created, entries,
//                                   //   keys, markers, provenances, bloomBits,
//                                   //   bloomHashes, keyId, bytes, trustedKeys }
//   checker.browserNames();         // the listed names in clear for browser
//                                   // rules, or null if the list keeps them out
//   checker.snapshotBytes();        // the current signed snapshot (a copy), to
//                                   // store after a successful update
//   await checker.load(bytes);      // a newer signed snapshot of the same list
//   await checker.applyDelta(bytes);// a signed delta from the current list
//
// Several lists (a company's own next to the public one): every check
// consults all of them, seized outranks flagged outranks caution, and a
// listed or caution result says which list answered (list: the key given
// to subscribe, 'default' for the embedded list; '' when clean).
//
//   await checker.subscribe('acme', { name: 'company', keys: ['ed25519:…'] });
//     // -> { ok, list, error }: an empty list named name whose snapshots and
//     //    deltas verify under these keys only (no other list's keys)
//   await checker.load(bytes, { list: 'acme' });   // its first snapshot, or a newer one
//   checker.info('acme'), checker.browserNames('acme'), checker.snapshotBytes('acme'),
//   await checker.applyDelta(bytes, { list: 'acme' }),
//   await checker.addTrustedKeys(keys, { list: 'acme' })
//   await checker.unsubscribe('acme');             // forgets the list and its keys
//   checker.listKeys();                            // ['default', 'acme', …]
//     // both -> { ok, version, error }: the signature must verify against a
//     // trusted key, the version must be newer than the current one; on any
//     // failure the current list stays, untouched, and version is its version;
//     // load also says who verified the signature: verifiedBy 'webcrypto'
//     // (native Ed25519, where available) or 'module'
//   await checker.addTrustedKeys(['ed25519:BASE64', ...]);
//     // trust more signing keys at run time (the extension's managed
//     // policy); -> { ok, version, keyIds, error }, all keys or none
//
//   checker.startup                 // performance.now() at each start-up step
//
// check, checkMany, info and snapshotBytes are synchronous and throw before
// `ready` has resolved; load, applyDelta and addTrustedKeys wait for it.
// Inputs that are not strings answer 'invalid'. The boundary protocol is
// specified in wasm/PROTOCOL.md; the module is built by `make wasm`.

import { MODULE_ID } from './module-id.js';
import { decodeResults, encodeInputs } from './protocol.js';
import { wasiImports, WasiExit } from './wasi.js';

// From checker/ or from the bundled background/ alike (tools/build.mjs).
const wasmURL = new URL('../checker/redflag.wasm', import.meta.url);
// Where the module's copy is kept (see cachedModule).
const MODULE_CACHE = 'redflag-checker';
const moduleKey = `https://checker.redflag.invalid/${MODULE_ID}.wasm`;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let exports = null; // the instance's exports once ready
let memory = null;
let u8 = new Uint8Array(0); // view of memory, renewed when memory grows
let stopped = null; // the error that stopped the module, if any
// The lists by module id (wasm/PROTOCOL.md, "Several lists"): { key,
// version }; id 0 is the embedded default list.
const lists = [{ key: 'default', version: 0 }];

/**
 * Milliseconds (performance.now()) at which each start-up step ended:
 * module evaluated, start begun (ready first awaited), module compiled
 * and instantiated, Go runtime initialized, default list open; and where
 * the module's bytes came from
 * ('cache': Cache Storage, 'package': the extension's file, '': Node),
 * and cacheError when the copy in Cache Storage could not be used.
 */
export const startup = { evaluated: performance.now(), begun: 0, instantiated: 0, initialized: 0, ready: 0, moduleFrom: '' };

let starting = null;
const begin = () => (starting ??= start());

/**
 * Resolves to info() once the embedded default list is loaded. The module
 * starts when ready is first awaited or then'd: compiling it takes the
 * processor for a while, and an importer may have something to show first
 * (the extension's worker woken by a blocked navigation as the browser
 * starts lets its warning page render).
 */
export const ready = {
  then: (ok, fail) => begin().then(ok, fail),
  catch: (fail) => begin().catch(fail),
  finally: (fn) => begin().finally(fn),
};

async function start() {
  startup.begun = performance.now();
  const imports = wasiImports(() => memory);
  const { instance } = await instantiate(imports);
  startup.instantiated = performance.now();
  memory = instance.exports.memory;
  // The shipped module was initialized when it was built (Go runtime and
  // embedded list in its memory, wasm/PROTOCOL.md "Pre-initialized") and
  // no longer exports _initialize; a plain build still needs the call.
  instance.exports._initialize?.();
  startup.initialized = performance.now();
  exports = instance.exports;
  const st = control(() => exports.rf_init());
  lists[0].version = st.version;
  startup.ready = performance.now();
  if (!st.ok) {
    stopped = new Error(st.error);
    throw stopped;
  }
  return info();
}

async function instantiate(imports) {
  if (wasmURL.protocol === 'file:') {
    // Node: no fetch for file URLs.
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.instantiate(await readFile(wasmURL), imports);
  }
  const cached = await cachedModule();
  if (cached) {
    try {
      const result = await compile(cached, imports);
      startup.moduleFrom = 'cache';
      return result;
    } catch (e) {
      startup.cacheError = String(e);
      await forgetCachedModule(); // damaged: take the packaged copy again
    }
  }
  startup.moduleFrom = 'package';
  const response = await fetch(wasmURL);
  keepModule(response.clone());
  return compile(response, imports);
}

async function compile(response, imports) {
  if (WebAssembly.instantiateStreaming) {
    try {
      return await WebAssembly.instantiateStreaming(response, imports);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // e.g. a wrong MIME type: fall back
    }
  }
  const r = await fetch(wasmURL);
  return WebAssembly.instantiate(await r.arrayBuffer(), imports);
}

// A copy of the module in Cache Storage. A browser starting up reads an
// extension's own 4.5 MB file slowly (Chromium: 300–1,200 ms) and the same
// bytes from Cache Storage several times faster (wasm/PROTOCOL.md, "The
// module's copy in Cache Storage"). The copy is named by the build
// (MODULE_ID, the module's hash), so an updated extension never runs an old
// module; where Cache Storage is missing or refuses, the packaged file is
// used.
async function cachedModule() {
  try {
    return (await (await caches.open(MODULE_CACHE)).match(moduleKey)) ?? null;
  } catch (e) {
    startup.cacheError = String(e);
    return null; // no Cache Storage here (e.g. a private window)
  }
}

// keepModule stores the packaged module's bytes for the next start and
// drops the copies of other builds. Failing to keep it only costs speed.
async function keepModule(response) {
  try {
    const bytes = await response.arrayBuffer();
    const cache = await caches.open(MODULE_CACHE);
    await cache.put(moduleKey, new Response(bytes, { headers: { 'content-type': 'application/wasm' } }));
    for (const req of await cache.keys()) if (req.url !== moduleKey) await cache.delete(req);
  } catch {
    // not kept
  }
}

async function forgetCachedModule() {
  try {
    await (await caches.open(MODULE_CACHE)).delete(moduleKey);
  } catch {
    // nothing to forget
  }
}

function bytes() {
  if (u8.buffer !== memory.buffer) u8 = new Uint8Array(memory.buffer);
  return u8;
}

// call runs one export; a trap or exit stops the module for good, since
// the Go runtime's state is unknown afterwards. Other errors (a malformed
// request answered as such) leave it running.
function call(fn) {
  if (stopped) throw stopped;
  if (!exports) throw new Error('checker: not ready (await checker.ready first)');
  try {
    return fn();
  } catch (e) {
    if (e instanceof WasiExit) stopped = e;
    else if (e instanceof WebAssembly.RuntimeError) stopped = new Error(`checker: module stopped: ${e.message}`);
    throw stopped ?? e;
  }
}

// control runs an export that answers JSON in the output region.
function control(fn) {
  return call(() => {
    const n = fn();
    const at = exports.rf_output();
    return JSON.parse(decoder.decode(bytes().subarray(at, at + n)));
  });
}

/** Checks one URL, domain or email. Synchronous; throws before ready. */
export function check(input, options) {
  return checkMany([input], options)[0];
}

/**
 * Checks every input of an array in one call into the module. With
 * { verdictOnly: true } it skips what marking links does not need:
 * canonical and registrable are '' (verdict, match, entry and error are
 * as usual). With { lookAlikes: false } a name that only resembles a
 * listed one answers 'clean'.
 */
export function checkMany(inputs, { verdictOnly = false, lookAlikes = true } = {}) {
  if (!Array.isArray(inputs)) throw new TypeError('checker: checkMany wants an array');
  return call(() => {
    const n = encodeInputs(inputs, (cap) => {
      const at = exports.rf_buffer(cap);
      return { bytes: bytes(), at };
    });
    exports.rf_check(n, (verdictOnly ? 1 : 0) | (lookAlikes ? 0 : 2));
    return decodeResults(memory.buffer, exports.rf_output(), inputs, 0, verdictOnly, lists);
  });
}

// idOf is the module's id of the list with key, or throws.
function idOf(key = 'default') {
  const id = lists.findIndex((l) => l?.key === key);
  if (id < 0) throw new Error(`checker: no list "${key}"`);
  return id;
}

/** The keys of the lists every check consults, the default list first. */
export function listKeys() {
  return lists.filter(Boolean).map((l) => l.key);
}

/** Describes a list (the default one unless named) and its trusted keys. */
export function info(list = 'default') {
  return control(() => exports.rf_info(idOf(list)));
}

/**
 * The current list's names in clear, for the browser's own blocking rules
 * (lists/FORMAT.md, section 2): entry patterns such as 'cloudfox.cloud' and
 * 'github.com/some-user/', ascending; null when the list does not publish
 * them.
 */
export function browserNames(list = 'default') {
  if (!info(list).namesPublished) return null;
  const id = idOf(list);
  return call(() => {
    const n = exports.rf_names(id);
    const at = exports.rf_output();
    return n === 0 ? [] : decoder.decode(bytes().subarray(at, at + n)).split('\n');
  });
}

/** A copy of a list's current signed snapshot (empty before its first). */
export function snapshotBytes(list = 'default') {
  const id = idOf(list);
  return call(() => {
    const n = exports.rf_snapshot(id);
    const at = exports.rf_output();
    return bytes().slice(at, at + n);
  });
}

function asBytes(b) {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return null;
}

// update hands bytes b to the module's call fn(n, id) for list key and
// answers its status; the list's version is kept for results.
async function update(b, what, key, fn) {
  await ready;
  let id;
  try {
    id = idOf(key);
  } catch (e) {
    return { ok: false, version: 0, error: e.message };
  }
  const src = asBytes(b);
  if (!src) return { ok: false, version: info(key).version, error: `checker: ${what} wants bytes (Uint8Array or ArrayBuffer)` };
  const st = control(() => {
    const at = exports.rf_buffer(src.length);
    bytes().set(src, at);
    return fn(src.length, id);
  });
  if (lists[id]?.key === key) lists[id].version = st.version;
  return st;
}

/**
 * Replaces the list with a newer signed snapshot of it. Where WebCrypto
 * has Ed25519, it checks the signature (natively: 1.5–6× faster than the
 * module, by engine; wasm/PROTOCOL.md, "Loading a large list") and the
 * module checks the rest; otherwise, or when WebCrypto says no, the module
 * checks everything and explains what is wrong. The answer's verifiedBy
 * says which: 'webcrypto' or 'module'.
 */
export async function load(snapshot, { list = 'default' } = {}) {
  // A copy taken at the call: what is verified is what is loaded, whatever
  // the caller does with its array meanwhile.
  const src = asBytes(snapshot)?.slice();
  await ready;
  if (src && (await signatureVerifies(src, list))) {
    return { ...(await update(src, 'load', list, (n, id) => exports.rf_load_verified(n, id))), verifiedBy: 'webcrypto' };
  }
  return { ...(await update(src ?? snapshot, 'load', list, (n, id) => exports.rf_load(n, id))), verifiedBy: 'module' };
}

// The trailer of a signed file: 8-byte key id, 64-byte Ed25519 signature
// over every byte before it (lists/FORMAT.md).
const KEY_ID_BYTES = 8;
const SIGNATURE_BYTES = 64;
const webKeys = new Map(); // public key (hex) → its CryptoKey

// signatureVerifies tells whether WebCrypto verifies b's signature with the
// key trusted for list that its key id names; false also when it cannot
// tell (no WebCrypto Ed25519, unknown key, unknown list).
async function signatureVerifies(b, list) {
  if (b.length < KEY_ID_BYTES + SIGNATURE_BYTES || !globalThis.crypto?.subtle) return false;
  const end = b.length - SIGNATURE_BYTES;
  const id = b.subarray(end - KEY_ID_BYTES, end);
  try {
    const key = await webKey(id, idOf(list));
    return key !== null && (await crypto.subtle.verify({ name: 'Ed25519' }, key, b.subarray(end), b.subarray(0, end)));
  } catch {
    return false; // no Ed25519 in this WebCrypto
  }
}

async function webKey(id, list) {
  const pub = call(() => {
    const at = exports.rf_buffer(id.length);
    bytes().set(id, at);
    const n = exports.rf_key(id.length, list);
    return n === 32 ? bytes().slice(exports.rf_output(), exports.rf_output() + n) : null;
  });
  if (pub === null) return null;
  // Keyed by the key itself, so a key id can never fetch another key.
  const hex = Array.from(pub, (x) => x.toString(16).padStart(2, '0')).join('');
  if (!webKeys.has(hex)) webKeys.set(hex, await crypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']));
  return webKeys.get(hex);
}

/** Moves a list forward by a signed delta. */
export function applyDelta(delta, { list = 'default' } = {}) {
  return update(delta, 'applyDelta', list, (n, id) => exports.rf_apply_delta(n, id));
}

const isKeyList = (keys) => Array.isArray(keys) && keys.every((k) => typeof k === 'string' && !k.includes('\n'));

/** Trusts more public keys for a list, each "ed25519:BASE64". */
export async function addTrustedKeys(keys, { list = 'default' } = {}) {
  if (!isKeyList(keys)) {
    await ready;
    return { ok: false, version: 0, error: 'checker: addTrustedKeys wants an array of "ed25519:BASE64" strings' };
  }
  return update(encoder.encode(keys.join('\n')), 'addTrustedKeys', list, (n, id) => exports.rf_add_keys(n, id));
}

/**
 * Adds an empty list under key (any string but 'default', unique): its
 * snapshots must be named name and signed by one of keys, which verify
 * this list only. -> { ok, list: key, error }
 */
export async function subscribe(key, { name, keys } = {}) {
  await ready;
  if (typeof key !== 'string' || key === '' || lists.some((l) => l?.key === key)) {
    return { ok: false, error: `checker: list key "${key}" is empty or taken` };
  }
  if (typeof name !== 'string' || name.includes('\n') || !isKeyList(keys)) {
    return { ok: false, error: 'checker: subscribe wants { name, keys: ["ed25519:BASE64", …] }' };
  }
  const st = control(() => {
    const b = encoder.encode([name, ...keys].join('\n'));
    const at = exports.rf_buffer(b.length);
    bytes().set(b, at);
    return exports.rf_subscribe(b.length);
  });
  if (!st.ok) return { ok: false, error: st.error };
  lists[st.list] = { key, version: 0 };
  return { ok: true, list: key };
}

/** Forgets the list under key and the keys trusted for it. */
export async function unsubscribe(key) {
  await ready;
  let id;
  try {
    id = idOf(key);
  } catch (e) {
    return { ok: false, error: e.message };
  }
  const st = control(() => exports.rf_unsubscribe(id));
  if (st.ok) lists[id] = undefined;
  return st.ok ? { ok: true } : { ok: false, error: st.error };
}
