// The benchmark extension (wasm/bench/sw) for one checker: its worker and
// manifest, the checker's files, and the data files it is to read.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// benchExtension writes the extension into ext, described as name, with
// the checker from checkerDir and the files named data from dataDir.
export function benchExtension(ext, { name, checkerDir, dataDir, data }) {
  fs.mkdirSync(path.join(ext, 'checker'), { recursive: true });
  fs.mkdirSync(path.join(ext, 'data'));
  fs.copyFileSync(path.join(repo, 'wasm/bench/sw/sw.js'), path.join(ext, 'sw.js'));
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'wasm/bench/sw/manifest.json'), 'utf8'));
  fs.writeFileSync(path.join(ext, 'manifest.json'), JSON.stringify({ ...manifest, description: name }));
  for (const f of fs.readdirSync(checkerDir)) {
    if (f.endsWith('.js') || f === 'redflag.wasm') fs.copyFileSync(path.join(checkerDir, f), path.join(ext, 'checker', f));
  }
  for (const f of data) fs.copyFileSync(path.join(dataDir, f), path.join(ext, 'data', f));
  return ext;
}
