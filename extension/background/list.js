// The lists the extension checks against: the checker's embedded default
// snapshot, replaced at start by the newest good one stored, and by
// updates; and the lists followed besides it (settings.lists, a company's
// own: each verified with its own publisher's keys, stored apart). All
// checks go through here so the allowlist applies everywhere and every
// listed result names its list.
import * as checker from '../checker/checker.js';
import { api } from '../shared/browser.js';
import * as rules from './rules.js';
import { deleteList, loadList, saveList } from './store.js';
import { allowlisted, listKey, listTitle } from '../shared/settings.js';
import { settings } from './config.js';

const timings = { startedAt: performance.now(), workerOrigin: performance.timeOrigin };

// started: the checker is loaded, trusted keys from policy are added, and
// the stored list is in when it is newer than the embedded one. Every
// check awaits it. Where the browser blocks listed names itself
// (rules.available), the first thing that needs the checker begins it, or
// START_ANYWAY_MS after the worker starts: a worker woken only by a
// blocked navigation as the browser starts sends the tab to the warning
// page, which renders from its card (rules.js) while nothing else wants
// the processor — the checker's compile, beside it, made it show ~200 ms
// later — and its question then begins the checker. (The price: a cold
// worker's first verdict on a name the rules do not block comes from the
// first event on, not from the worker's start.) Elsewhere (Firefox, whose
// requests wait for the verdict) it begins at once.
const START_ANYWAY_MS = 1000;
let starting = null;
export function started() {
  if (!starting) {
    starting = start();
    starting.then(() => { hasStarted = true; onceStarted(); }, (e) => console.error(`RedFlag: the checker did not start: ${e.message}`));
  }
  return starting;
}
let hasStarted = false;
let onceStarted;
// afterStart resolves once the checker has started, without beginning it.
export const afterStart = new Promise((resolve) => { onceStarted = resolve; });
if (rules.available) setTimeout(started, START_ANYWAY_MS);
else started();

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
  await following;
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
// lists and the allowlist (rules.js): the names of every list that
// publishes them.
function syncRules(values) {
  const infos = checker.listKeys().map((key) => ({ key, ...checker.info(key) }));
  const combined = {
    name: infos.map((i) => `${i.key}=${i.name}`).join(' '),
    version: infos.map((i) => i.version).join(' '),
    namesPublished: infos.some((i) => i.namesPublished),
    browserNames: infos.map((i) => (i.namesPublished ? i.browserNames : '-')).join(' '),
  };
  const names = () => infos.flatMap((i) => (i.namesPublished ? checker.browserNames(i.key) : []));
  const cardsOf = (hosts) => checker.checkMany(hosts.map((h) => `http://${h}/`)).map(titled);
  return rules.sync(combined, names, values.allowlist, cardsOf);
}

// Followed lists: key (listKey) → {sub, title}; in the checker under the
// same key, stored as `list:KEY`.
const followed = new Map();
const storeName = (key) => (key === 'default' ? 'default' : `list:${key}`);
const sameSub = (a, b) => a.list === b.list && a.url === b.url && a.keys.join() === b.keys.join();

// follow brings the checker's lists in step with settings.lists: a list no
// longer wanted is forgotten with its stored copy and its warnings; a new
// one (or one whose keys changed) is subscribed with its keys and starts
// from its stored copy, if any, until its first update.
let following = Promise.resolve();
function follow(values) {
  following = following.then(() => followNow(values)).catch((e) => console.warn(`RedFlag: lists not followed: ${e.message}`));
  return following;
}

async function followNow(values) {
  const wanted = new Map(values.lists.map((sub) => [listKey(sub), sub]));
  // The stored copies of lists not followed yet are read while the checker
  // starts, as the default list's is.
  const stored = new Map([...wanted.keys()].filter((key) => !followed.has(key)).map((key) => [key, loadList(storeName(key)).catch(() => undefined)]));
  await checker.ready;
  let changed = false;
  for (const [key, { sub }] of followed) {
    const next = wanted.get(key);
    if (next && sameSub(sub, next)) {
      followed.get(key).title = listTitle(next);
      continue;
    }
    await checker.unsubscribe(key);
    followed.delete(key);
    changed = true;
    if (!next) await deleteList(storeName(key)).catch(() => {});
  }
  for (const [key, sub] of wanted) {
    if (followed.has(key)) continue;
    const r = await checker.subscribe(key, { name: sub.list, keys: sub.keys });
    if (!r.ok) {
      console.warn(`RedFlag: list ${sub.list} from ${sub.url} not followed: ${r.error}`);
      continue;
    }
    followed.set(key, { sub, title: listTitle(sub) });
    changed = true;
    const rec = await (stored.get(key) ?? loadList(storeName(key)).catch(() => undefined));
    if (rec) {
      const loaded = await checker.load(rec.bytes, { list: key });
      if (!loaded.ok) console.warn(`RedFlag: stored copy of list ${sub.list} refused: ${loaded.error}`);
    }
    timings.followedLoaded = performance.now();
  }
  if (changed && hasStarted) await syncRules(values);
}

// followedLists is every list checked, the default one first:
// [{key, title, url, name}].
export function followedLists(values) {
  return [
    { key: 'default', title: '', url: values.updateUrl, name: 'default' },
    ...[...followed].map(([key, { sub, title }]) => ({ key, title, url: sub.url, name: sub.list })),
  ];
}

// titled adds to a listed or caution result the title of the list that
// answered (listTitle; '' for the default list).
// The default list is named only when others are followed too.
function titled(r) {
  if (!r.list) return r;
  if (r.list === 'default') return followed.size === 0 ? r : { ...r, listTitle: api.i18n.getMessage('defaultListTitle') || 'RedFlag public list' };
  return { ...r, listTitle: followed.get(r.list)?.title ?? r.list };
}

// configure follows the lists the settings name, and adds the keys a
// policy trusts for the built-in list (before a stored list or an
// update signed by one of them loads: both wait for it). Keys once trusted
// stay trusted until the worker restarts. (The allowlist is read at each
// check.)
let configuring = Promise.resolve();
let trusted = '[]'; // the keys last added, as JSON
export function configure(values) {
  const followedNow = follow(values); // awaited too: an update right after a change sees the new lists
  if (hasStarted) syncRules(values);
  const keys = JSON.stringify(values.trustedKeys);
  if (keys === trusted) return Promise.all([configuring, followedNow]);
  trusted = keys;
  configuring = configuring.then(async () => {
    if (values.trustedKeys.length === 0) return;
    await checker.ready;
    const r = await checker.addTrustedKeys(values.trustedKeys);
    if (!r.ok) console.warn(`RedFlag: trusted keys not added: ${r.error}`);
  });
  return Promise.all([configuring, followedNow]);
}

function applyAllowlist(r, allowlist) {
  if ((listed(r) || cautioned(r)) && allowlisted(hostOf(r), allowlist)) {
    return { ...r, verdict: 'clean', allowlisted: true, list: '' };
  }
  return titled(r);
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
  await started();
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
  await started();
  const { allowlist, lookAlikes } = await currentValues();
  const options = { lookAlikes: lookAlikes !== 'off' };
  const results = checker.checkMany(inputs, { ...options, verdictOnly });
  if (!verdictOnly || allowlist.length === 0) return results.map((r) => applyAllowlist(r, allowlist));
  return results.map((r) => (listed(r) || cautioned(r) ? applyAllowlist(checker.check(r.input, options), allowlist) : r));
}

// info describes a list (the default one unless named by key); a list no
// longer followed answers undefined.
export async function info(key = 'default') {
  await started();
  await following;
  if (key !== 'default' && !followed.has(key)) return undefined;
  return checker.info(key);
}

export function startTimings() {
  return { ...timings, checker: { ...checker.startup } };
}

// replace verifies and installs new bytes of list key (a snapshot, or a
// delta when isDelta), stores the result and returns {ok, version,
// error}. On any failure the list stays as it was, and the others too.
export async function replace(bytes, { isDelta, etag, key = 'default' }) {
  await started();
  await configuring;
  await following;
  if (key !== 'default' && !followed.has(key)) return { ok: false, error: 'this list is no longer followed' };
  const r = isDelta ? await checker.applyDelta(bytes, { list: key }) : await checker.load(bytes, { list: key });
  if (!r.ok) return r;
  await saveList(storeName(key), { bytes: checker.snapshotBytes(key), version: r.version, etag });
  await syncRules(await currentValues());
  return r;
}

export const listed = (r) => r.verdict === 'seized' || r.verdict === 'flagged';

// cautioned: not listed, but the name resembles a listed one.
export const cautioned = (r) => r.verdict === 'caution';
