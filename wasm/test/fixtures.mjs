// Test lists made with the real `redflag` command (keygen, build, diff) in
// a temporary directory: the checker must accept what the publisher side
// writes, byte for byte.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let binary = process.env.REDFLAG_BIN ? path.resolve(repo, process.env.REDFLAG_BIN) : '';

// redflag runs the command and returns its stdout; a non-zero exit is an
// error unless allowed lists it.
export function redflag(args, { allow = [0] } = {}) {
  if (!binary) {
    binary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'redflag-bin-')), 'redflag');
    execFileSync('go', ['build', '-o', binary, './lists/cmd/redflag'], { cwd: repo, stdio: 'inherit' });
  }
  try {
    return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    if (allow.includes(e.status)) return e.stdout;
    throw new Error(`redflag ${args.join(' ')}: exit ${e.status}: ${e.stderr}`);
  }
}

const header = 'pattern\tkind\tdate\tauthority\treference\tnote';

export const seized = (p) => [p, 'seized', '2023-10-17', 'US Department of Justice', 'https://doj.example/2023-10-18', ''];
export const flagged = (p, note = '') => [p, 'flagged', '2026-11-01', 'Bundesamt für Sicherheit — CERT', 'https://cert.example/a?id=1', note];

// The v1 test list: hosts, IPs, IDN (punycode, as entry files hold it),
// URL prefixes on a shared platform, a page with a query, and provenance
// text beyond ASCII.
export const entriesV1 = [
  seized('silverstarchina.com'),
  seized('jinyang.asia'),
  flagged('xn--exmple-cua.com', 'IDN look-alike: exämple'),
  flagged('xn--80ak6aa92e.com', 'кириллица 𝔘 ⚠️'),
  flagged('1.2.3.4'),
  flagged('10.0.0.1'),
  flagged('github.com/some-user/', 'fake recruiter profile'),
  flagged('upwork.com/freelancers/~01abc?ref=x'),
  flagged('sub.flagged-site.net'),
  seized('evil.com'),
];

// v2 drops jinyang.asia, adds two entries and changes one provenance.
export const entriesV2 = [
  ...entriesV1.filter(([p]) => p !== 'jinyang.asia' && p !== 'evil.com'),
  flagged('evil.com', 'now flagged rather than seized'),
  seized('new-front.com'),
  flagged('gitlab.com/another-user/'),
];

function writeEntries(file, rows) {
  fs.writeFileSync(file, [header, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
}

// makeLists builds, in a fresh temporary directory, with key "a" (and an
// untrusted key "b"): v0 < v1 < v2 < v3 < v4 of the list named like the
// default one, versions above base (v4 without its names in clear), the
// delta v1 -> v2, and v2 signed by "b".
export function makeLists(base) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redflag-lists-'));
  const f = (name) => path.join(dir, name);
  const pubText = {};
  for (const k of ['a', 'b']) {
    const out = redflag(['keygen', '--out', f(k)]);
    pubText[k] = out.match(/\((ed25519:[A-Za-z0-9+/=]+)\)/)[1];
  }
  writeEntries(f('v1.tsv'), entriesV1);
  writeEntries(f('v2.tsv'), entriesV2);
  const versions = { v0: base + 5, v1: base + 10, v2: base + 20, v3: base + 30, v4: base + 40 };
  const build = (key, tsv, version, out, ...flags) =>
    redflag(['build', '--key', f(`${key}.key`), '--name', 'default', '--version', String(version), '--out', f(out), ...flags, f(tsv)]);
  build('a', 'v1.tsv', versions.v0, 'v0.snap');
  build('a', 'v1.tsv', versions.v1, 'v1.snap');
  build('a', 'v2.tsv', versions.v2, 'v2.snap');
  build('b', 'v2.tsv', versions.v2, 'v2-untrusted.snap');
  build('a', 'v2.tsv', versions.v3, 'v3.snap');
  build('a', 'v2.tsv', versions.v4, 'v4-no-names.snap', '--browser-names=false');
  redflag(['diff', '--key', f('a.key'), '--out', f('v1-v2.delta'), f('v1.snap'), f('v2.snap')]);
  const read = (name) => new Uint8Array(fs.readFileSync(f(name)));
  return {
    dir,
    file: f,
    read,
    pubText,
    versions,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// rng is a small seeded generator (mulberry32), so a failing fuzz case can
// be replayed from the seed the test prints.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
