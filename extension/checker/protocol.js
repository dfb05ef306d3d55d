// The JavaScript half of the boundary protocol (wasm/PROTOCOL.md): a batch
// of inputs encoded into bytes the module reads, and the module's answer
// (header, record words, one text section) decoded into result objects.
// Kept apart from checker.js so that benchmarks can drive other module
// builds with the very same encoding.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VERDICTS = ['clean', 'seized', 'flagged', 'invalid', 'caution'];
export const HEADER_SIZE = 32;

// encodeInputs writes a batch request: a uint32 count, then each input as a
// uint32 byte length and its UTF-8 bytes. reserve(cap) must return
// { bytes, at }: a Uint8Array with cap bytes free from offset at. ASCII,
// nearly every URL, is copied char by char; anything else goes through
// TextEncoder. Inputs that are not strings are sent as "" (the caller
// answers them). Returns the request's length.
export function encodeInputs(inputs, reserve) {
  let cap = 4;
  for (let i = 0; i < inputs.length; i++) {
    const s = inputs[i];
    cap += 4 + (typeof s === 'string' ? 3 * s.length : 0);
  }
  const { bytes: b, at } = reserve(cap);
  let p = at + 4;
  for (let i = 0; i < inputs.length; i++) {
    const s = typeof inputs[i] === 'string' ? inputs[i] : '';
    const start = p + 4;
    let q = start;
    let j = 0;
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c >= 0x80) break;
      b[q++] = c;
    }
    if (j < s.length) q = start + encoder.encodeInto(s, b.subarray(start, start + 3 * s.length)).written;
    putUint32(b, p, q - start);
    p = q;
  }
  putUint32(b, at, inputs.length);
  return p - at;
}

function putUint32(b, at, n) {
  b[at] = n;
  b[at + 1] = n >>> 8;
  b[at + 2] = n >>> 16;
  b[at + 3] = n >>> 24;
}

function result(input, verdict, match, canonical, registrable, entry, listVersion, error, list = '') {
  return { input, verdict, match, canonical, registrable, entry, listVersion, error, list };
}

// A caution: not listed, but its name resembles a listed one (resembles),
// how, by which classes (similarity), and that entry (entry).
function caution(input, canonical, registrable, next, version, list) {
  const resembles = next();
  const how = next();
  const classes = next();
  const kind = next();
  const date = next();
  const authority = next();
  const reference = next();
  const note = next();
  return {
    ...result(input, 'caution', '', canonical, registrable, { kind, authority, date, reference, note }, version, '', list),
    resembles, how, similarity: classes ? classes.split(',') : [],
  };
}

// decodeResults reads the answer whose header starts at headerAt in buffer
// (addresses in the header count from base): the record words, and the
// text section, decoded once; every string is a substring of it.
// With verdictOnly (the answer of a verdict-only batch) canonical and
// registrable are '' and a clean record carries no strings. A listed or
// caution result names the list that answered (list): lists[id].key, by
// the id in its record's first word, and carries that list's version
// (lists[id].version; the header's for list 0).
const LIST_SHIFT = 8;
const DEFAULT_LISTS = [{ key: 'default' }];
export function decodeResults(buffer, headerAt, inputs, base = 0, verdictOnly = false, lists = DEFAULT_LISTS) {
  const dv = new DataView(buffer, headerAt, HEADER_SIZE);
  const count = dv.getUint32(0, true);
  const wordsAt = base + dv.getUint32(4, true);
  const wordCount = dv.getUint32(8, true);
  const textAt = base + dv.getUint32(12, true);
  const textBytes = dv.getUint32(16, true);
  const status = dv.getUint32(20, true);
  const version = Number(dv.getBigUint64(24, true));
  const text = decoder.decode(new Uint8Array(buffer, textAt, textBytes));
  if (status !== 0) throw new Error(text);
  const w = new Uint32Array(buffer, wordsAt, wordCount);
  const out = new Array(count);
  let k = 0;
  let pos = 0;
  const next = () => text.substring(pos, (pos = w[k++]));
  const answeredBy = (id) => lists[id] ?? { key: `list ${id}` };
  for (let i = 0; i < count; i++) {
    const input = inputs[i];
    const word = w[k++];
    const v = word & 0xff;
    if (typeof input !== 'string') {
      next(); // the error of the "" sent in its place
      out[i] = result(input, 'invalid', '', '', '', null, version, 'checker: input is not a string');
    } else if (v === 3) {
      out[i] = result(input, 'invalid', '', '', '', null, version, next());
    } else if (v === 0) {
      const canonical = verdictOnly ? '' : next();
      out[i] = result(input, 'clean', '', canonical, verdictOnly ? '' : next(), null, version, '');
    } else if (v === 4) {
      const canonical = verdictOnly ? '' : next();
      const by = answeredBy(word >>> LIST_SHIFT);
      out[i] = caution(input, canonical, verdictOnly ? '' : next(), next, by.version ?? version, by.key);
    } else {
      const canonical = verdictOnly ? '' : next();
      const registrable = verdictOnly ? '' : next();
      const match = next();
      const kind = VERDICTS[v];
      const date = next();
      const authority = next();
      const reference = next();
      const note = next();
      const by = answeredBy(word >>> LIST_SHIFT);
      out[i] = result(input, kind, match, canonical, registrable, { kind, authority, date, reference, note }, by.version ?? version, '', by.key);
    }
  }
  return out;
}
