// Builds loadable extension folders from this directory:
//   build/chromium  the Manifest V3 extension as written (manifest.json)
//   build/firefox   the same with Firefox's manifest bits (background
//                   scripts instead of a service worker, a gecko id)
//   build/chromium-managed
//                   Chromium's, for installing by policy: it may hold
//                   top-level requests until the verdict (README,
//                   "Deploying in a company")
// Options: --update-url URL sets the default update server of a release
// build (and the host permission it needs); --only chromium|firefox.
// The checker (checker/, built by `make wasm`) must exist.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONTENT = ['manifest.json', 'managed_schema.json', '_locales', 'background', 'checker', 'content', 'documents', 'icons', 'pages', 'shared'];
// Libraries the document check page bundles (npm packages, pinned in
// package.json), copied into vendor/ with their licences: the extension
// loads no code from anywhere else. pdf.js needs its worker, its
// character maps (text in CJK fonts) and the standard fonts' data.
export const VENDOR = [
  ['node_modules/pdfjs-dist/build/pdf.min.mjs', 'vendor/pdfjs/pdf.min.mjs'],
  ['node_modules/pdfjs-dist/build/pdf.worker.min.mjs', 'vendor/pdfjs/pdf.worker.min.mjs'],
  ['node_modules/pdfjs-dist/cmaps', 'vendor/pdfjs/cmaps'],
  ['node_modules/pdfjs-dist/standard_fonts', 'vendor/pdfjs/standard_fonts'],
  ['node_modules/pdfjs-dist/LICENSE', 'vendor/pdfjs/LICENSE'],
  ['node_modules/fflate/esm/browser.js', 'vendor/fflate.js'],
  ['node_modules/fflate/LICENSE', 'vendor/fflate.LICENSE'],
  ['node_modules/postal-mime/dist/esm', 'vendor/postal-mime', (src) => !/\.(map|ts)$/.test(src)],
  ['node_modules/postal-mime/LICENSE.txt', 'vendor/postal-mime/LICENSE.txt'],
];
export const GECKO_ID = 'redflag@redflag.invalid';
const ALL_WEB_HOSTS = ['http://*/*', 'https://*/*'];

function copy(dest) {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const name of CONTENT) {
    const src = join(root, name);
    if (!existsSync(src)) throw new Error(`${src} is missing${name === 'checker' ? ' (run make wasm)' : ''}`);
    cpSync(src, join(dest, name), { recursive: true });
  }
  for (const [from, to, filter] of VENDOR) {
    const src = join(root, from);
    if (!existsSync(src)) throw new Error(`${src} is missing (run npm ci in extension/)`);
    cpSync(src, join(dest, to), { recursive: true, filter: filter ?? (() => true) });
  }
}

function setUpdateUrl(dest, manifest, url) {
  if (!url) return;
  const u = new URL(url);
  const file = join(dest, 'shared/settings.js');
  const src = readFileSync(file, 'utf8');
  const out = src.replace(/export const DEFAULT_UPDATE_URL = '[^']*';/, `export const DEFAULT_UPDATE_URL = ${JSON.stringify(u.href.replace(/\/+$/, ''))};`);
  if (out === src) throw new Error('DEFAULT_UPDATE_URL not found in shared/settings.js');
  writeFileSync(file, out);
  manifest.host_permissions = [`${u.origin}/*`, ...manifest.host_permissions.filter((h) => ALL_WEB_HOSTS.includes(h))];
}

// bundle makes a script and what it imports one file. As the browser
// starts, each module read from the extension package is slow, and a
// worker or page runs nothing until its whole module graph is in:
// measured, the background's list.js evaluated 91 → 48 ms after the
// worker's start and the first verdict 206 → 177 ms (README, "Measured").
// esbuild is pinned as a tool in go.mod.
function bundle(dest, entry) {
  const file = join(dest, entry);
  const out = `${file}.bundle`;
  execFileSync('go', ['tool', 'esbuild', file, '--bundle', '--format=esm', '--external:node:*', `--outfile=${out}`, '--log-level=warning', '--legal-comments=none'],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  cpSync(out, file);
  rmSync(out);
}

// inlineStyles puts a page's style sheets in the page itself: a module
// script runs only once the style sheets before it are in, and each is
// another slow read as the browser starts (the CSP allows inline styles,
// not inline scripts).
function inlineStyles(dest, page) {
  const file = join(dest, page);
  const html = readFileSync(file, 'utf8').replace(/<link rel="stylesheet" href="([^"]+)">/g, (_, href) =>
    `<style>\n${readFileSync(join(dirname(file), href), 'utf8').trim()}\n</style>`);
  writeFileSync(file, html);
}

// bundleScripts bundles the background (whose own modules then leave the
// package; checker/ and shared/ stay, pages and content scripts import
// them) and the warning page, the one page that races a navigation.
function bundleScripts(dest) {
  bundle(dest, 'background/main.js');
  for (const f of readdirSync(join(dest, 'background'))) if (f !== 'main.js') rmSync(join(dest, 'background', f));
  bundle(dest, 'pages/warning.js');
  inlineStyles(dest, 'pages/warning.html');
}

function writeManifest(dest, manifest) {
  writeFileSync(join(dest, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

export function firefoxManifest(m) {
  const f = structuredClone(m);
  f.background = { scripts: [m.background.service_worker], type: 'module' };
  f.browser_specific_settings = {
    gecko: { id: GECKO_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } },
  };
  delete f.minimum_chrome_version;
  // Firefox lets an MV3 extension hold a top-level request until the
  // checker has answered (background/navigation.js), so the listed site
  // never receives it. That needs the request's host, hence every http(s)
  // host, and the warning page must be a redirect target. It needs no
  // browser rules (background/rules.js).
  f.permissions = [...m.permissions.filter((p) => p !== 'declarativeNetRequest'), 'webRequest', 'webRequestBlocking'];
  f.host_permissions = [...m.host_permissions, ...ALL_WEB_HOSTS];
  f.web_accessible_resources = [{ resources: ['pages/warning.html'], matches: ALL_WEB_HOSTS }];
  // Firefox reads managed settings from enterprise policies
  // (3rdparty.Extensions), not from a schema in the manifest.
  delete f.storage;
  return f;
}

// managedManifest is the Chromium manifest for installing by policy:
// Chromium grants blocking webRequest to Manifest V3 extensions only
// there, and holding a request needs its host.
export function managedManifest(m) {
  const f = structuredClone(m);
  f.permissions = [...m.permissions, 'webRequest', 'webRequestBlocking'];
  f.host_permissions = [...m.host_permissions, ...ALL_WEB_HOSTS];
  delete f.optional_host_permissions;
  // A navigation a page starts (a clicked link) may be redirected to an
  // extension page only if the page is web-accessible.
  f.web_accessible_resources = [{ resources: ['pages/warning.html'], matches: ALL_WEB_HOSTS }];
  return f;
}

// Each build's manifest, from manifest.json.
export const manifests = { chromium: structuredClone, firefox: firefoxManifest, 'chromium-managed': managedManifest };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: opts } = parseArgs({ options: { 'update-url': { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
  const base = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const out = opts.out ?? join(root, 'build');
  for (const [target, manifest] of Object.entries(manifests)) {
    if (opts.only && opts.only !== target) continue;
    const dest = join(out, target);
    copy(dest);
    const m = manifest(base);
    setUpdateUrl(dest, m, opts['update-url']);
    bundleScripts(dest);
    writeManifest(dest, m);
    console.log(`built ${dest}`);
  }
}
