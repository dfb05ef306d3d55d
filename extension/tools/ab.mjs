// A/B of two built extension directories on the 5,000-link job board:
// rounds alternate which build runs first, so machine noise hits both.
//   node tools/ab.mjs DIR_A DIR_B      (ROUNDS, RUNS from the environment)
import { startNetwork } from '../test/harness/network.mjs';
import { launch } from '../test/harness/browser.mjs';
import { controlPage } from '../test/harness/extension.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const RUNS = Number(process.env.RUNS ?? 9);
const dirs = process.argv.slice(2);
if (dirs.length !== 2) throw new Error('usage: node tools/ab.mjs DIR_A DIR_B');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(((s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2).toFixed(2));
};

async function scan(dir, emails) {
  const b = await launch({ proxy: net.proxy, extensionDir: dir });
  try {
    const ctl = await controlPage(b);
    await ctl.setSettings({ updateUrl: '' });
    await ctl.ready(120000);
    const page = await b.context.newPage();
    const script = [];
    for (let i = 0; i < RUNS + 1; i++) {
      await page.goto(`http://www.linkedin.com/many-links?n=5000&emails=${emails ? 1 : 0}&run=${i}`);
      await page.waitForFunction(() => document.querySelectorAll('.redflag-badge').length >= 10, null, { timeout: 60000 });
      const s = await ctl.lastBigScan();
      if (i > 0) script.push(s.collectMs + s.markMs + s.sendMs + s.answerMarkMs); // first load warms up
    }
    return median(script);
  } finally {
    await b.close();
  }
}

const net = await startNetwork();
const out = { A: dirs[0], B: dirs[1], links: { A: [], B: [] }, emails: { A: [], B: [] } };
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['B', 'A'] : ['A', 'B'];
    for (const which of order) {
      const dir = which === 'A' ? dirs[0] : dirs[1];
      out.links[which].push(await scan(dir, false));
      out.emails[which].push(await scan(dir, true));
    }
  }
} finally {
  await net.close();
}
console.log(JSON.stringify(out, null, 1));
