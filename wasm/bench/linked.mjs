// What a checker module links, per Go package: the bytes of function
// bodies in its code section (what an engine compiles at start-up) and of
// its data segments, from a build that keeps the name section (no -s -w).
//
//   node wasm/bench/linked.mjs MODULE.wasm [TOP]
//
// Prints one JSON object: totals and the TOP (default 40) largest
// packages by code bytes. RF_FUNCS=N also lists the N largest functions
// on stderr.

import fs from 'node:fs';

const [file, topArg = '40'] = process.argv.slice(2);
const buf = fs.readFileSync(file);

let pos = 8; // magic and version
function u32() {
  let r = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error(`${file}: truncated at byte ${pos}`);
    const b = buf[pos++];
    r += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return r;
    shift += 7;
  }
}

let importedFuncs = 0;
const bodies = []; // code bytes per defined function
let dataBytes = 0;
const names = new Map(); // function index -> name

while (pos < buf.length) {
  const id = buf[pos++];
  const size = u32();
  const end = pos + size;
  if (id === 0) {
    const n = u32();
    const name = buf.toString('utf8', pos, pos + n);
    pos += n;
    if (name === 'name') {
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = u32();
        const subEnd = pos + subSize;
        if (sub === 1) {
          for (let count = u32(); count > 0; count--) {
            const idx = u32();
            const len = u32();
            names.set(idx, buf.toString('utf8', pos, pos + len));
            pos += len;
          }
        }
        pos = subEnd;
      }
    }
  } else if (id === 2) {
    for (let count = u32(); count > 0; count--) {
      for (let k = 0; k < 2; k++) {
        const n = u32(); // module, then field name
        pos += n;
      }
      const kind = buf[pos++];
      if (kind === 0) {
        u32();
        importedFuncs++;
      } else if (kind === 1) {
        pos++;
        const flags = u32();
        u32();
        if (flags & 1) u32();
      } else if (kind === 2) {
        const flags = u32();
        u32();
        if (flags & 1) u32();
      } else if (kind === 3) pos += 2;
    }
  } else if (id === 10) {
    for (let count = u32(); count > 0; count--) {
      const n = u32();
      bodies.push(n);
      pos += n;
    }
  } else if (id === 11) {
    for (let count = u32(); count > 0; count--) {
      const flags = u32();
      if (flags === 2) u32();
      if (flags !== 1) {
        if (buf[pos++] !== 0x41) throw new Error(`${file}: data segment offset is not i32.const`);
        u32(); // the offset (signed LEB128; its length is all that matters here)
        if (buf[pos++] !== 0x0b) throw new Error(`${file}: data segment offset expression too long`);
      }
      const n = u32();
      dataBytes += n;
      pos += n;
    }
  }
  pos = end;
}

// The name section spells "github.com/a/b.(*T).f" as
// "github.com_a_b.__T_.f": the package is what comes before the first dot
// after the module's host name, with "_" read back as "/".
function pkgOf(name) {
  if (/^(type|go):/.test(name)) return name.slice(0, name.indexOf(':') + 1);
  const host = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|io|in|dev)_/.exec(name);
  const from = host ? host[0].length : 0;
  const dot = name.indexOf('.', from);
  const pkg = dot < 0 ? name : name.slice(0, dot);
  return host ? host[0].slice(0, -1) + '/' + pkg.slice(from).replaceAll('_', '/') : pkg.replaceAll('_', '/');
}

const perPkg = new Map();
let code = 0;
bodies.forEach((n, i) => {
  code += n;
  const pkg = pkgOf(names.get(importedFuncs + i) ?? '?');
  const p = perPkg.get(pkg) ?? { code: 0, funcs: 0 };
  p.code += n;
  p.funcs++;
  perPkg.set(pkg, p);
});
const top = [...perPkg].sort((a, b) => b[1].code - a[1].code).slice(0, Number(topArg));
console.log(JSON.stringify({ bytes: buf.length, codeBytes: code, functions: bodies.length, dataBytes, packages: Object.fromEntries(top) }));
if (process.env.RF_FUNCS) {
  const fns = bodies.map((n, i) => [n, names.get(importedFuncs + i)]).sort((a, b) => b[0] - a[0]);
  for (const [n, name] of fns.slice(0, Number(process.env.RF_FUNCS))) console.error(n, name);
}
