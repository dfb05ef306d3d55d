// Talking to the loaded extension the way its own pages do: through the
// message protocol, from an extension page kept open for the purpose.
export async function controlPage(b) {
  const page = await b.context.newPage();
  await page.goto(b.url('pages/options.html'));
  const ask = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  return {
    page,
    ask,
    status: () => ask({ type: 'status' }),
    // ready waits until the checker is loaded with its list.
    async ready(timeoutMs = 60000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await ask({ type: 'status' }).catch(() => undefined);
        if (s?.ok && s.timings.start.ready) return s;
        if (Date.now() > deadline) throw new Error(`extension not ready: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    // rulesCover waits until the browser's rules block n names.
    async rulesCover(n, timeoutMs = 30000) {
      for (const deadline = Date.now() + timeoutMs; ;) {
        const s = await ask({ type: 'status' });
        if (s.browserRules?.blocked === n) return s.browserRules;
        if (Date.now() > deadline) throw new Error(`rules block ${s.browserRules?.blocked} names, want ${n}: ${JSON.stringify(s.browserRules)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    setSettings: (settings) => page.evaluate((s) => chrome.storage.local.set({ settings: s }), settings),
    // stopWorker stops the service worker through this page's DevTools
    // session. Opening a tab is a navigation, which would wake it again: a
    // tab to navigate in must exist before.
    // It returns once DevTools reports every worker version stopped (on a
    // loaded machine a stop can take longer than any fixed wait).
    async stopWorker() {
      const cdp = await page.context().newCDPSession(page);
      const running = new Map(); // versionId → runningStatus
      let stopped;
      const allStopped = new Promise((r) => { stopped = r; });
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        for (const v of versions) running.set(v.versionId, v.runningStatus);
        if ([...running.values()].every((st) => st === 'stopped')) stopped();
      });
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await Promise.race([allStopped, new Promise((r) => setTimeout(r, 5000))]);
      await cdp.detach();
      await new Promise((r) => setTimeout(r, 100));
    },
    // lastBigScan is the content script's timings of its last scan with
    // more than minTargets candidates, from whichever tab has one.
    lastBigScan: (minTargets = 1000) => page.evaluate(async (min) => {
      const me = (await chrome.tabs.getCurrent()).id;
      for (const t of await chrome.tabs.query({})) {
        if (t.id === me) continue;
        const a = await chrome.tabs.sendMessage(t.id, { type: 'contentStats' }).catch(() => undefined);
        if (a?.ok && a.stats.lastScan?.targets > min) return a.stats.lastScan;
      }
      return undefined;
    }, minTargets),
  };
}

// gotoWarning navigates to a URL the extension should replace by its
// warning page, and waits for the warning to be filled in.
export async function gotoWarning(page, url) {
  await page.goto(url).catch(() => {}); // the navigation is replaced: goto may report it aborted
  await waitForWarning(page, url);
}

// waitForWarning waits until the tab shows the warning page for url.
export async function waitForWarning(page, url) {
  const deadline = Date.now() + 20000;
  const isWarning = () => /^chrome-extension:\/\/[a-z]+\/pages\/warning\.html\?/.test(page.url())
    && new URL(page.url()).searchParams.get('url') === url;
  while (!isWarning()) {
    if (Date.now() > deadline) throw new Error(`no warning for ${url}: the tab shows ${page.url()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
}

// warningPageIn waits for a tab of context showing the warning page for
// url (a browser started with url on its command line opens it there) and
// returns it once the page is ready.
export async function warningPageIn(context, url) {
  let page;
  for (const deadline = Date.now() + 30000; !(page = context.pages().find((p) => new URL(p.url()).searchParams.get('url') === url));) {
    if (Date.now() > deadline) throw new Error(`no warning for ${url}: ${context.pages().map((p) => p.url())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return page;
}
