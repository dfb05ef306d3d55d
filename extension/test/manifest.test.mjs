// Static checks of the extension as shipped: one platform list, least
// privilege explained, a strict CSP, no remote code, every message
// translated, the policy schema in step with the settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORMS, matchPatterns } from '../shared/platforms.js';
import { KEYS } from '../shared/settings.js';
import { manifests } from '../tools/build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p) => readFileSync(join(root, p), 'utf8');
const manifest = JSON.parse(read('manifest.json'));

function files(dir, exts) {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) return files(p, exts);
    return exts.includes(extname(name)) ? [p] : [];
  });
}
const OWN_CODE = ['background', 'content', 'pages', 'shared'].flatMap((d) => files(d, ['.js', '.html', '.css']));

test('content scripts run on exactly the platforms of shared/platforms.js', () => {
  assert.equal(manifest.content_scripts.length, 1);
  assert.deepEqual(manifest.content_scripts[0].matches, matchPatterns());
  const names = PLATFORMS.map((p) => p.name);
  for (const required of ['LinkedIn', 'Upwork', 'Fiverr', 'Freelancer', 'Indeed', 'Glassdoor', 'Wellfound', 'Toptal',
    'GitHub', 'Dice', 'Remote OK', 'We Work Remotely', 'Guru', 'PeoplePerHour',
    'Greenhouse', 'Lever', 'Workday', 'Ashby', 'SmartRecruiters', 'iCIMS', 'Workable', 'BambooHR', 'Teamtailor', 'Recruitee', 'JazzHR',
    'Gmail', 'Outlook']) {
    assert.ok(names.includes(required), `${required} is covered`);
  }
});

// covers says whether a match pattern `*://HOST/*` or `*://*.DOMAIN/*`
// covers host.
function covers(pattern, host) {
  const h = pattern.slice('*://'.length, -'/*'.length);
  return h.startsWith('*.') ? host === h.slice(2) || host.endsWith(h.slice(1)) : host === h;
}

test('every platform is a shared platform of lists/platforms, or under one', () => {
  const tsv = readFileSync(join(root, '../lists/platforms/platforms.tsv'), 'utf8');
  const shared = new Map(tsv.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')).map(([d, c]) => [d, c]));
  // As lists/platforms.Lookup: the host, or the nearest parent listed.
  const lookup = (host) => {
    for (let h = host; h.includes('.'); h = h.slice(h.indexOf('.') + 1)) if (shared.has(h)) return shared.get(h);
    return undefined;
  };
  for (const { domain, kind } of PLATFORMS) {
    const want = kind === 'webmail' ? ['email', 'search'] : ['job', 'freelance', 'code'];
    assert.ok(want.includes(lookup(domain)), `${domain} is under a ${want.join(' or ')} platform in platforms.tsv`);
  }
  // The Workday hosts the issue names: wd1…wd12.myworkday.com and the career sites.
  for (const host of ['wd1.myworkday.com', 'wd5.myworkday.com', 'acme.wd1.myworkdayjobs.com', 'app.greenhouse.io', 'boards.greenhouse.io', 'jobs.lever.co', 'mail.google.com', 'outlook.office.com']) {
    assert.ok(matchPatterns().some((p) => covers(p, host)), `${host} is covered`);
  }
});

test('the background is a module service worker and the CSP allows only our code and wasm', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.background, { service_worker: 'background/main.js', type: 'module' });
  assert.deepEqual(manifest.content_security_policy, { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" });
});

test('no remote code: scripts and styles come from the package, nothing is evaluated', () => {
  for (const f of OWN_CODE) {
    const src = read(f);
    assert.doesNotMatch(src, /<script[^>]+src=["']?(https?:)?\/\//i, `${f} loads a remote script`);
    assert.doesNotMatch(src, /<link[^>]+href=["']?(https?:)?\/\//i, `${f} loads a remote style`);
    assert.doesNotMatch(src, /\beval\s*\(|new Function\s*\(|importScripts\s*\(\s*['"]https?:/, `${f} evaluates code`);
    assert.doesNotMatch(src, /\bon[a-z]+=["']/i, `${f} has an inline event handler`);
  }
});

test('every permission is explained in the README', () => {
  const readme = readFileSync(join(root, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Extension'));
  assert.ok(readme.includes('## Extension'), 'README has an Extension section');
  for (const [build, make] of Object.entries(manifests)) {
    const m = make(manifest);
    for (const p of [...m.permissions, ...m.host_permissions, ...(m.optional_host_permissions ?? [])]) {
      assert.ok(section.includes('`' + p + '`'), `README explains ${p} (${build} build)`);
    }
  }
});

test('every message the code uses is in _locales/en', () => {
  const messages = JSON.parse(read('_locales/en/messages.json'));
  const used = new Set();
  const patterns = [/data-i18n="([A-Za-z]+)"/g, /\b(?:t|say|getMessage)\('([A-Za-z]+)'/g, /__MSG_([A-Za-z]+)__/g, /:([A-Za-z]+)"/g];
  for (const f of [...OWN_CODE, 'manifest.json']) {
    const src = read(f).split('\n').filter((l) => !l.trimStart().startsWith('//')).join('\n');
    for (const re of patterns.slice(0, 3)) for (const m of src.matchAll(re)) used.add(m[1]);
    for (const m of src.matchAll(/data-i18n-attr="([^"]+)"/g)) for (const pair of m[1].split(',')) used.add(pair.split(':')[1]);
  }
  // Names picked at run time.
  for (const m of read('pages/popup.js').matchAll(/'(verdict[A-Z][a-z]+|update[A-Z][a-z]+)'/g)) used.add(m[1]);
  for (const m of read('content/scan.js').matchAll(/'(badge[A-Z][A-Za-z]+)'/g)) used.add(m[1]);
  assert.ok(used.size > 40);
  for (const name of used) assert.ok(messages[name]?.message, `_locales/en has "${name}"`);
});

test('the managed storage schema covers exactly the settings', () => {
  const schema = JSON.parse(read(manifest.storage.managed_schema));
  assert.deepEqual(Object.keys(schema.properties).sort(), [...KEYS].sort());
  assert.deepEqual(schema.properties.mode.enum, ['warn', 'block']);
});

test('icons exist at every size the manifest names', () => {
  for (const [size, path] of Object.entries(manifest.icons)) {
    const png = readFileSync(join(root, path));
    assert.equal(png.readUInt32BE(16), Number(size), `${path} is ${size} px wide`);
  }
});
