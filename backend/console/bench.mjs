// Times the console in Chromium against a running publisher with a large
// list: sign-in to the first entries page shown, and a search for one
// domain to its row shown, each with the server's own took_ms as the page
// reports it. Usage: node bench.mjs URL TOKEN DOMAIN [ROUNDS]
// (bench.sh, run by make bench-console, loads 1,000,000 entries first).
import { chromium } from 'playwright-core';

const [url, token, domain, rounds = '5'] = process.argv.slice(2);
if (!url || !token || !domain) {
  console.error('usage: node bench.mjs URL TOKEN DOMAIN [ROUNDS]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const serverMS = async (page) => Number((await page.locator('#entries-summary').textContent()).match(/server ([\d.]+) ms/)[1]);
const open = [], search = [], openServer = [], searchServer = [];
for (let i = 0; i < Number(rounds); i++) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(`${url}/admin`);
  await page.getByLabel('API token').fill(token);
  // Timed inside the page, from the click to the next frame after the
  // answer is on screen, so the driver's own round trips do not count.
  const until = (button, done) => page.evaluate(([button, done]) => new Promise((resolve) => {
    const t0 = performance.now();
    const ok = done === 'rows'
      ? () => document.querySelectorAll('#entries-table tbody tr').length >= 50
      : () => /^1 matching of /.test(document.getElementById('entries-summary').textContent);
    const obs = new MutationObserver(() => {
      if (ok()) { obs.disconnect(); requestAnimationFrame(() => resolve(performance.now() - t0)); }
    });
    obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    document.querySelector(button).click();
  }), [button, done]);
  open.push(await until('#signin-form button[type=submit]', 'rows'));
  openServer.push(await serverMS(page));
  await page.locator('#q').evaluate((el, d) => { el.value = d; }, domain); // no input event: no debounced search
  search.push(await until('#search-form button[type=submit]', 'one'));
  searchServer.push(await serverMS(page));
  await ctx.close();
}
const total = (await (await fetch(`${url}/v1/admin/lists/default/entries?limit=1`, { headers: { Authorization: `Bearer ${token}` } })).json()).total;
console.log(JSON.stringify({ entries: total, rounds: Number(rounds),
  open_page_ms_median: Math.round(median(open)), open_server_ms_median: median(openServer),
  search_ms_median: Math.round(median(search)), search_server_ms_median: median(searchServer) }));
await browser.close();
