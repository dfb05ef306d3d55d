// Times the document check page in Chromium (make bench-extension): the
// file given (default: the 50-page résumé of lists/document/testdata) is
// picked RUNS times in a fresh page each; for each run, the page's own
// reading time (pdf.js or the ZIP and XML readers) and checking time (the
// background's checker, in batches), and the wall time from picking the
// file to the report. Prints medians and ranges as JSON; nothing here
// asserts.
import { startNetwork } from '../test/harness/network.mjs';
import { launch } from '../test/harness/browser.mjs';
import { controlPage } from '../test/harness/extension.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const file = process.argv[2] ?? new URL('../../lists/document/testdata/resume-50-pages.pdf', import.meta.url).pathname;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(((s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2).toFixed(1));
};
const range = (xs) => [Math.min(...xs), Math.max(...xs)].map((x) => Number(x.toFixed(1)));

const net = await startNetwork();
const b = await launch({ proxy: net.proxy });
try {
  const ctl = await controlPage(b);
  await ctl.setSettings({ updateUrl: '' });
  await ctl.ready();
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await b.context.newPage();
    await page.goto(b.url('pages/documents.html'));
    const t0 = Date.now();
    await page.setInputFiles('#files', file);
    await page.waitForFunction(() => document.querySelector('article.file')?.dataset.status !== 'reading'
      && document.body.dataset.busy === 'false', null, { timeout: 120000 });
    const wall = Date.now() - t0;
    const r = await page.$eval('article.file', (f) => ({ status: f.dataset.status, readMs: Number(f.dataset.readMs), checkMs: Number(f.dataset.checkMs),
      summary: f.querySelector('p').textContent }));
    if (r.status !== 'done') throw new Error(`run ${i}: ${r.summary}`);
    rows.push({ ...r, wall });
    await page.close();
  }
  const col = (k) => rows.map((r) => r[k]);
  console.log(JSON.stringify({
    file, runs: RUNS, report: rows[0].summary,
    readMs: median(col('readMs')), readMsRange: range(col('readMs')),
    checkMs: median(col('checkMs')), checkMsRange: range(col('checkMs')),
    pickToReportMs: median(col('wall')), pickToReportMsRange: range(col('wall')),
    firstRun: rows[0],
  }, null, 2));
} finally {
  await b.close();
  await net.close();
}
