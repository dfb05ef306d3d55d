// Times the console in Chromium against a running publisher with a large
// list: sign-in to the first entries page shown, and a search for one
// domain to its row shown, each with the server's own took_ms as the page
// reports it. Usage: node test/bench.mjs URL TOKEN DOMAIN [ROUNDS]
// (bench.sh, run by make bench-console, loads 1,000,000 entries first).
import { chromium } from 'playwright-core';

const [url, token, domain, rounds = '5'] = process.argv.slice(2);
if (!url || !token || !domain) {
  console.error('usage: node test/bench.mjs URL TOKEN DOMAIN [ROUNDS]');
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
  let t = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#entries-table tbody tr').nth(49).waitFor();
  open.push(performance.now() - t);
  openServer.push(await serverMS(page));
  t = performance.now();
  await page.getByLabel('Search patterns').fill(domain);
  await page.getByRole('button', { name: 'Search' }).click(); // no wait for the typing debounce
  await page.getByText(/^1 matching of /).waitFor();
  search.push(performance.now() - t);
  searchServer.push(await serverMS(page));
  await ctx.close();
}
const total = (await (await fetch(`${url}/v1/admin/lists/default/entries?limit=1`, { headers: { Authorization: `Bearer ${token}` } })).json()).total;
console.log(JSON.stringify({ entries: total, rounds: Number(rounds),
  open_page_ms_median: Math.round(median(open)), open_server_ms_median: median(openServer),
  search_ms_median: Math.round(median(search)), search_server_ms_median: median(searchServer) }));
await browser.close();
