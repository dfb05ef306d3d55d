// Packs the managed build for installing by policy: a signed CRX and the
// update manifest that Chromium's ExtensionInstallForcelist points at
// (README, "Deploying in a company").
//   node tools/pack.mjs --key KEY.pem --codebase URL [--dir DIR] [--out DIR]
// KEY.pem is the company's packing key (RSA, PKCS#8 PEM; it fixes the
// extension's id, so keep it and never commit it). URL is where the CRX
// will be served. Writes OUT/redflag.crx and OUT/updates.xml and prints the
// id. Chromium does the packing itself (--pack-extension).
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// extensionId is the id Chromium gives an extension packed with keyPem:
// the first 128 bits of the SHA-256 of its public key, as letters a–p.
export function extensionId(keyPem) {
  const der = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  return [...createHash('sha256').update(der).digest('hex').slice(0, 32)]
    .map((c) => String.fromCharCode(97 + parseInt(c, 16)))
    .join('');
}

// updateManifest is the gupdate XML that offers version at codebase.
export function updateManifest(id, version, codebase) {
  const attr = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">
  <app appid="${attr(id)}">
    <updatecheck codebase="${attr(codebase)}" version="${attr(version)}"/>
  </app>
</gupdate>
`;
}

// pack writes out/redflag.crx and out/updates.xml for the extension in dir
// and returns {id, version, crx, updates}.
export function pack({ dir, keyFile, out, codebase }) {
  const keyPem = readFileSync(keyFile, 'utf8');
  const { version } = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  // Chromium writes NAME.crx beside the folder: pack a copy in a scratch
  // folder so nothing lands beside the build.
  const scratch = mkdtempSync(join(tmpdir(), 'redflag-pack-'));
  try {
    const copy = join(scratch, basename(dir));
    cpSync(dir, copy, { recursive: true });
    execFileSync(CHROMIUM, ['--no-sandbox', '--headless=new', `--pack-extension=${copy}`, `--pack-extension-key=${resolve(keyFile)}`], { stdio: 'pipe', timeout: 60000 });
    mkdirSync(out, { recursive: true });
    const crx = join(out, 'redflag.crx');
    renameSync(`${copy}.crx`, crx);
    const id = extensionId(keyPem);
    const updates = join(out, 'updates.xml');
    writeFileSync(updates, updateManifest(id, version, codebase));
    return { id, version, crx, updates };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { key: { type: 'string' }, codebase: { type: 'string' }, dir: { type: 'string' }, out: { type: 'string' } } });
  if (!values.key || !values.codebase) {
    console.error('usage: node tools/pack.mjs --key KEY.pem --codebase URL [--dir DIR] [--out DIR]');
    process.exit(2);
  }
  const r = pack({
    dir: values.dir ?? join(root, 'build/chromium-managed'),
    keyFile: values.key,
    out: values.out ?? join(root, 'build/managed'),
    codebase: values.codebase,
  });
  console.log(`packed ${r.crx} (version ${r.version}) and ${r.updates}`);
  console.log(`extension id ${r.id}; policy: ExtensionInstallForcelist = ["${r.id};<URL of updates.xml>"]`);
}
