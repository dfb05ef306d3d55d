// Two builds of the extension side by side (e.g. this one and an earlier
// commit's, built with tools/build.mjs in a worktree): the worker stopped,
// then one navigation to URL — by default a caution, a name the browser's
// rules do not block — in each, rounds interleaved. Prints, per build, the
// time until the warning page is ready and the first verdict after the
// worker's start (status timings), and their medians.
//
//   cd extension && node tools/coldab.mjs BUILD_A BUILD_B [RUNS] [URL]
import { startNetwork } from '../test/harness/network.mjs';
import { launch } from '../test/harness/browser.mjs';
import { controlPage, gotoWarning } from '../test/harness/extension.mjs';

const [dirA, dirB, runsArg, url = 'http://cloudfox.io/'] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node tools/coldab.mjs BUILD_A BUILD_B [RUNS] [URL]');
  process.exit(2);
}
const runs = Number(runsArg ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const net = await startNetwork();
const builds = [];
try {
  for (const [name, dir] of [['A', dirA], ['B', dirB]]) {
    const b = await launch({ proxy: net.proxy, extensionDir: dir });
    const ctl = await controlPage(b);
    await ctl.setSettings({ updateUrl: '' }); // nothing but the pages
    await ctl.ready(120000);
    builds.push({ name, dir, b, ctl, shown: [], firstVerdict: [] });
  }
  for (let i = 0; i < runs; i++) {
    for (const v of i % 2 ? [...builds].reverse() : builds) {
      const page = await v.b.context.newPage(); // before the stop: opening a tab wakes the worker
      await v.ctl.stopWorker();
      const t0 = Date.now();
      await gotoWarning(page, url);
      v.shown.push(Date.now() - t0);
      v.firstVerdict.push(Math.round((await v.ctl.status()).timings.start.firstVerdict));
      await page.close();
    }
  }
  for (const v of builds) {
    console.log(`${v.name} ${v.dir}: warning ready ${JSON.stringify(v.shown)} (median ${median(v.shown)}) ms after the navigation, first verdict ${JSON.stringify(v.firstVerdict)} (median ${median(v.firstVerdict)}) ms after the worker's start`);
  }
} finally {
  for (const v of builds) await v.b.close();
  await net.close();
}
