// What the browser's own blocking rules cost (background/rules.js): for
// lists of 17, 30,000 and 1,000,000 names, the rules they take, the time
// to replace the rules in one updateDynamicRules call from an extension
// page, and the browser's memory (resident set of all its processes)
// before and after. Run: cd extension && node tools/rulesbench.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { launch } from '../test/harness/browser.mjs';

function browserRSS() {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch { /* gone */ }
  }
  return Math.round(kb / 1024);
}

const b = await launch({});
const page = await b.context.newPage();
await page.goto(b.url('pages/options.html'));
console.log('| names | rules | names per rule | replace (ms) | browser RSS before → after (MB) |');
console.log('|---|---|---|---|---|');
for (const n of [17, 30_000, 1_000_000]) {
  await page.evaluate(() => chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: Array.from({ length: 100 }, (_, i) => i + 1) }));
  await new Promise((r) => setTimeout(r, 1000));
  const before = browserRSS();
  const r = await page.evaluate(async (count) => {
    const { plan, NAMES_PER_RULE } = await import('../background/rules.js');
    const names = Array.from({ length: count }, (_, i) => `front${i.toString(36)}-careers.example`);
    const p = plan(names, []);
    const t0 = performance.now();
    await chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: Array.from({ length: 100 }, (_, i) => i + 1), addRules: p.rules });
    return { ms: performance.now() - t0, rules: p.rules.length, perRule: NAMES_PER_RULE };
  }, n);
  await new Promise((res) => setTimeout(res, 1000));
  console.log(`| ${n.toLocaleString('en')} | ${r.rules} | ${Math.min(n, r.perRule).toLocaleString('en')} | ${r.ms.toFixed(0)} | ${before} → ${browserRSS()} |`);
}
await b.close();
