// Debian's Chromium with the built extension loaded, driven by
// playwright-core. All traffic goes through the test network's proxy and
// every host name resolves to 127.0.0.1.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXTENSION_DIR = fileURLToPath(new URL('../../build/chromium', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launch({ proxy, extensionDir = EXTENSION_DIR, userDataDir } = {}) {
  const ownDir = !userDataDir;
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'redflag-chromium-'));
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--host-resolver-rules=MAP * 127.0.0.1',
    '--disable-background-networking',
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
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new above: the headless mode that runs extensions
    args,
    viewport: { width: 900, height: 640 },
  });
  let sw;
  if (extensionDir) {
    sw = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
      ?? await context.waitForEvent('serviceworker', { timeout: 15000 });
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

// worker returns the extension's current service worker (a new one after
// the old one stopped).
export async function worker(context) {
  return context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? context.waitForEvent('serviceworker', { timeout: 15000 });
}
