// Debian's Chromium with the built extension loaded, driven by
// playwright-core. All traffic goes through the test network's proxy and
// every host name resolves to 127.0.0.1.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXTENSION_DIR = fileURLToPath(new URL('../../build/chromium', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// With byPolicy, no extension is loaded from a folder: the one a policy
// force-installs (harness/policy.mjs) is awaited instead, and the browser
// may fetch it (no --disable-background-networking).
export async function launch({ proxy, extensionDir = EXTENSION_DIR, userDataDir, byPolicy = false } = {}) {
  if (byPolicy) extensionDir = null;
  const ownDir = !userDataDir;
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'redflag-chromium-'));
  const args = chromiumArgs({ proxy, extensionDir, byPolicy });
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new above: the headless mode that runs extensions
    args,
    viewport: { width: 900, height: 640 },
    ignoreHTTPSErrors: true, // the test network's own certificate (harness/network.mjs, TLS_HOSTS)
    ignoreDefaultArgs: byPolicy ? ['--disable-extensions', '--disable-background-networking'] : [],
  });
  let sw;
  if (extensionDir || byPolicy) {
    sw = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
      ?? await context.waitForEvent('serviceworker', { timeout: byPolicy ? 60000 : 15000 });
  }
  const id = sw ? new URL(sw.url()).host : undefined;
  return {
    context,
    sw,
    id,
    dir,
    url: (path) => `chrome-extension://${id}/${path}`,
    async close() {
      await context.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// baselineHosts is what this browser asks the network for on its own,
// without the extension: the hosts a run with it is compared with. It
// leaves net's log empty.
export async function baselineHosts(net) {
  const plain = await launch({ proxy: net.proxy, extensionDir: null });
  const p = await plain.context.newPage();
  await p.goto('http://baseline.example/');
  await p.waitForTimeout(3000);
  await plain.close();
  const hosts = new Set(net.log.map((e) => e.host));
  net.log.length = 0;
  return hosts;
}

// worker returns the extension's current service worker (a new one after
// the old one stopped).
export async function worker(context) {
  return context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? context.waitForEvent('serviceworker', { timeout: 15000 });
}

// chromiumArgs is the command line of a test browser: quiet (so that what
// the proxy sees is the pages' and the extension's), every host on
// 127.0.0.1, all traffic through proxy.
export function chromiumArgs({ proxy, extensionDir = null, byPolicy = false } = {}) {
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--host-resolver-rules=MAP * 127.0.0.1',
    ...(byPolicy ? [] : ['--disable-background-networking']),
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    // Quiet the browser's own traffic, so that what the proxy sees is the
    // pages' and the extension's.
    '--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
    '--disable-default-apps',
    '--disable-client-side-phishing-detection',
    '--disable-domain-reliability',
    '--no-pings',
    '--safebrowsing-disable-auto-update',
    '--disable-component-extensions-with-background-pages',
  ];
  if (extensionDir) args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
  if (proxy) args.push(`--proxy-server=${proxy}`, '--proxy-bypass-list=<-loopback>');
  return args;
}

// startWithURL starts Chromium on the profile userDataDir with url on its
// command line, as a link opened from a mail client starts it, and attaches
// to it only afterwards (Playwright's own launch opens no page given on
// the command line). The extension is the one installed in the profile
// (by policy).
export async function startWithURL({ proxy, userDataDir, url }) {
  const spawnedAt = Date.now();
  const { browser, stop } = await spawnAndAttach([...chromiumArgs({ proxy, byPolicy: true }), url], userDataDir);
  return {
    context: browser.contexts()[0],
    spawnedAt,
    async close() {
      await browser.close();
      await stop();
    },
  };
}

// spawnAndAttach starts Chromium with args on the profile userDataDir,
// itself rather than through Playwright's launch, and attaches to it over
// DevTools. Closing the returned browser only detaches (the browser goes
// on, with no DevTools client: cleanload.test.mjs); stop ends it.
export async function spawnAndAttach(args, userDataDir) {
  rmSync(join(userDataDir, 'DevToolsActivePort'), { force: true });
  const proc = spawn(CHROMIUM, [`--user-data-dir=${userDataDir}`, '--remote-debugging-port=0', ...args], { stdio: 'ignore', detached: true });
  const stop = () => {
    const exited = new Promise((r) => (proc.exitCode === null ? proc.once('exit', r) : r()));
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
    return exited;
  };
  let port;
  for (const deadline = Date.now() + 30000; !port;) {
    try { port = readFileSync(join(userDataDir, 'DevToolsActivePort'), 'utf8').split('\n')[0]; } catch { /* not yet */ }
    if (!port && Date.now() > deadline) {
      await stop();
      throw new Error('Chromium did not start');
    }
    if (!port) await new Promise((r) => setTimeout(r, 50));
  }
  return { browser: await chromium.connectOverCDP(`http://127.0.0.1:${port}`), stop };
}
