// The list the extension checks against: the checker's embedded default
// snapshot, replaced at start by the newest good one stored, and by
// updates. All checks go through here so the allowlist applies everywhere.
import * as checker from '../checker/checker.js';
import * as rules from './rules.js';
import { loadList, saveList } from './store.js';
import { allowlisted } from '../shared/settings.js';
import { settings } from './config.js';

const timings = { startedAt: performance.now(), workerOrigin: performance.timeOrigin };

// started: the checker is loaded, trusted keys from policy are added, and
// the stored list is in when it is newer than the embedded one. Begun when
// the worker starts; every check awaits it.
export const started = start();
let hasStarted = false;
started.then(() => { hasStarted = true; }, () => {});

// isStarted tells, without waiting, whether started has resolved.
export function isStarted() {
  return hasStarted;
}

async function start() {
  // Read the stored list while the checker compiles: neither waits for the
  // other. The embedded list is named "default", as is every list this
  // extension stores.
  const stored = loadList('default').then(
    (rec) => { timings.storedRead = performance.now(); return rec; },
    (e) => { timings.storedResult = `unreadable: ${e.message}`; return undefined; },
  );
  const [, s] = await Promise.all([checker.ready, settings()]);
  timings.checkerReady = performance.now();
  await configure(s.values);
  const info = checker.info();
  const rec = await stored;
  if (rec && info.name === 'default' && rec.version > info.version) {
    const r = await checker.load(rec.bytes);
    timings.storedLoaded = performance.now();
    timings.storedResult = r.ok ? `loaded ${r.version}` : `refused: ${r.error}`;
  }
  timings.ready = performance.now();
  syncRules(s.values);
}

// syncRules keeps the browser's own blocking rules in step with the loaded
// list and the allowlist (rules.js).
function syncRules(values) {
  return rules.sync(checker.info(), () => checker.browserNames(), values.allowlist);
}

// configure adds the keys a policy trusts (before a stored list or an
// update signed by one of them loads: both wait for it). Keys once trusted
// stay trusted until the worker restarts. (The allowlist is read at each
// check.)
let configuring = Promise.resolve();
let trusted = '[]'; // the keys last added, as JSON
export function configure(values) {
  if (hasStarted) syncRules(values);
  const keys = JSON.stringify(values.trustedKeys);
  if (keys === trusted) return configuring;
  trusted = keys;
  configuring = configuring.then(async () => {
    if (values.trustedKeys.length === 0) return;
    await checker.ready;
    const r = await checker.addTrustedKeys(values.trustedKeys);
    if (!r.ok) console.warn(`RedFlag: trusted keys not added: ${r.error}`);
  });
  return configuring;
}

function applyAllowlist(r, allowlist) {
  if ((listed(r) || cautioned(r)) && allowlisted(hostOf(r), allowlist)) {
    return { ...r, verdict: 'clean', allowlisted: true };
  }
  return r;
}

function hostOf(r) {
  const c = r.canonical ?? '';
  const m = /^[a-z]+:\/\/([^/:]+)/.exec(c);
  return m ? m[1] : r.registrable;
}

// The allowlist and the look-alike setting come from the newest settings
// at each check, so a check right after a change already follows them.
async function currentValues() {
  return (await settings()).values;
}

export async function check(input) {
  await started;
  return verdict(input, await currentValues());
}

// checkNow is check for a caller that cannot wait (a blocking webRequest
// listener in Chromium), with the settings values: undefined while the
// list is still loading.
export function checkNow(input, values) {
  return hasStarted ? verdict(input, values) : undefined;
}

function verdict(input, values) {
  const r = applyAllowlist(checker.check(input, { lookAlikes: values.lookAlikes !== 'off' }), values.allowlist);
  timings.firstVerdict ??= performance.now();
  return r;
}

// checkMany checks a batch. With verdictOnly (marking a page) the checker
// skips the canonical URL and registrable domain; the few listed results
// are checked again in full when an allowlist needs their host.
export async function checkMany(inputs, { verdictOnly = false } = {}) {
  await started;
  const { allowlist, lookAlikes } = await currentValues();
  const options = { lookAlikes: lookAlikes !== 'off' };
  const results = checker.checkMany(inputs, { ...options, verdictOnly });
  if (!verdictOnly || allowlist.length === 0) return results.map((r) => applyAllowlist(r, allowlist));
  return results.map((r) => (listed(r) || cautioned(r) ? applyAllowlist(checker.check(r.input, options), allowlist) : r));
}

export async function info() {
  await started;
  return checker.info();
}

export function startTimings() {
  return { ...timings, checker: { ...checker.startup } };
}

// replace verifies and installs new list bytes (a snapshot, or a delta when
// isDelta), stores the result and returns {ok, version, error}. On any
// failure the current list stays.
export async function replace(bytes, { isDelta, etag }) {
  await started;
  await configuring;
  const r = isDelta ? await checker.applyDelta(bytes) : await checker.load(bytes);
  if (!r.ok) return r;
  const { name } = await checker.info();
  await saveList(name, { bytes: await checker.snapshotBytes(), version: r.version, etag });
  await syncRules(await currentValues());
  return r;
}

export const listed = (r) => r.verdict === 'seized' || r.verdict === 'flagged';

// cautioned: not listed, but the name resembles a listed one.
export const cautioned = (r) => r.verdict === 'caution';
