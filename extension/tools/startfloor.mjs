// The floor under the warning at browser start (issue: a listed site
// opened as the browser starts): how soon a minimal extension, built
// the same way (force-installed by policy, a dynamic block rule, the
// blocked navigation sent to an extension page by webNavigation) shows
// a page, against RedFlag's regular build, in alternating blocks of
// starts (one policy installs one build at a time). The
// minimal one does nothing else: no checker, no settings, no storage; its
// page is one small script. What RedFlag takes beyond it is its own.
//
//   cd extension && node tools/startfloor.mjs [BLOCKS] [STARTS]   (root: writes Chromium's policy)
//
// FLOOR_DIR=DIR puts DIR's files in the minimal extension (DIR/page.html
// as its page: to time another page alone); FLOOR_ONLY=1 starts only the
// minimal one.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNetwork } from '../test/harness/network.mjs';
import { launch, startWithURL } from '../test/harness/browser.mjs';
import { deployByPolicy } from '../test/harness/policy.mjs';
import { warningPageIn } from '../test/harness/extension.mjs';

const blocks = Number(process.argv[2] ?? 2);
const starts = Number(process.argv[3] ?? 3);
const LISTED = 'thefoxesgroup.com'; // on the default list

// The minimal extension, written into the build folder (deployByPolicy
// packs builds from there).
const minimal = fileURLToPath(new URL('../build/start-floor', import.meta.url));
rmSync(minimal, { recursive: true, force: true });
mkdirSync(minimal, { recursive: true });
writeFileSync(join(minimal, 'manifest.json'), JSON.stringify({
  manifest_version: 3, name: 'start floor', version: '1.0',
  permissions: ['declarativeNetRequest', 'webNavigation'],
  background: { service_worker: 'bg.js' },
}));
writeFileSync(join(minimal, 'bg.js'), `
const starts = new Map();
chrome.runtime.onInstalled.addListener(() => chrome.declarativeNetRequest.updateDynamicRules({
  removeRuleIds: [1],
  addRules: [{ id: 1, priority: 1, action: { type: 'block' }, condition: { requestDomains: ['${LISTED}'], resourceTypes: ['main_frame', 'sub_frame'] } }],
}));
chrome.webNavigation.onBeforeNavigate.addListener((d) => { if (d.frameId === 0) starts.set(d.tabId, { url: d.url, at: d.timeStamp }); });
chrome.webNavigation.onErrorOccurred.addListener((d) => {
  if (d.frameId !== 0 || d.error !== 'net::ERR_BLOCKED_BY_CLIENT') return;
  const s = starts.get(d.tabId);
  const q = new URLSearchParams({ url: d.url, nav: s?.url === d.url ? s.at : '', blocked: d.timeStamp, opened: Date.now() });
  chrome.tabs.update(d.tabId, { url: chrome.runtime.getURL('page.html') + '?' + q });
});
`);
if (process.env.FLOOR_DIR) {
  cpSync(process.env.FLOOR_DIR, minimal, { recursive: true });
} else {
  writeFileSync(join(minimal, 'page.html'), '<!doctype html><meta charset="utf-8"><title>warning</title><body><h1 id="why">Listed</h1><script src="page.js"></script></body>');
  writeFileSync(join(minimal, 'page.js'), "document.body.dataset.readyAt = Date.now(); document.body.dataset.ready = 'true';");
}

const net = await startNetwork();

// install force-installs a build by policy in a new profile and leaves
// the policy in place (without it the browser removes the extension)
// until done() is called.
async function install(v) {
  const deployment = await deployByPolicy({ build: v.build });
  net.forward(deployment.addr);
  v.dir = mkdtempSync(join(tmpdir(), `redflag-floor-${v.name}-`));
  const b = await launch({ proxy: net.proxy, byPolicy: true, userDataDir: v.dir });
  await new Promise((r) => setTimeout(r, 5000)); // rules and the checker's first start done
  await b.close();
  return async () => {
    await deployment.close();
    rmSync(v.dir, { recursive: true, force: true });
  };
}

// startOnce starts Chromium on v's profile with a listed URL on its command
// line and returns the warning page's figures, in ms after the navigation.
async function startOnce(v, i) {
  const url = `http://${LISTED}/floor-${i}`;
  const started = await startWithURL({ proxy: net.proxy, userDataDir: v.dir, url });
  try {
    const page = await warningPageIn(started.context, url);
    const shownAt = Number(await page.getAttribute('body', 'data-shown-at') ?? await page.getAttribute('body', 'data-ready-at'));
    if (v.build === 'start-floor') {
      const q = new URL(page.url()).searchParams;
      const nav = Number(q.get('nav'));
      return { shown: nav ? shownAt - nav : NaN, blocked: nav ? Number(q.get('blocked')) - nav : NaN, opened: nav ? Number(q.get('opened')) - nav : NaN };
    }
    const status = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'status' }));
    const b = status.timings.navigation.blocked.find((x) => x.url === url);
    const since = (at) => (b?.navigationAt ? at - b.navigationAt : NaN);
    return { shown: since(shownAt), blocked: since(b?.blockedAt), opened: since(b?.warningAt) };
  } finally {
    await started.close();
  }
}

const median = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
try {
  const variants = [{ name: 'minimal', build: 'start-floor', shown: [], blocked: [], opened: [] }, { name: 'redflag', build: 'chromium', shown: [], blocked: [], opened: [] }]
    .slice(0, process.env.FLOOR_ONLY ? 1 : 2);
  for (let block = 0; block < blocks; block++) {
    for (const v of block % 2 ? [...variants].reverse() : variants) {
      const done = await install(v);
      try {
        for (let i = 1; i <= starts; i++) {
          const r = await startOnce(v, `${block}-${i}`);
          v.shown.push(Math.round(r.shown));
          v.blocked.push(Math.round(r.blocked));
          v.opened.push(Math.round(r.opened));
        }
      } finally {
        await done();
      }
    }
  }
  for (const v of variants) {
    console.log(`${v.name.padEnd(8)} ms after the navigation: blocked ${JSON.stringify(v.blocked)} (median ${median(v.blocked)}), page opened ${JSON.stringify(v.opened)} (median ${median(v.opened)}), warning shown ${JSON.stringify(v.shown)} (median ${median(v.shown)})`);
  }
} finally {
  await net.close();
  rmSync(minimal, { recursive: true, force: true });
}
