// Updates from the publisher's public API (backend/API.md): a delta from
// the version held when the server offers one, the full snapshot
// otherwise; the checker verifies either before it replaces anything. An
// alarm schedules the next try (schedule.js says when). Every list has its
// own: the default list from updateUrl, each followed list from its
// publisher, with its own alarm, state, backoff and errors, so a list that
// fails to update keeps its last good version and never holds up another.
import { api } from '../shared/browser.js';
import * as list from './list.js';
import { settings, fresh } from './config.js';
import { nextDelay } from './schedule.js';

export const ALARM = 'redflag-update';
const STATE_KEY = 'updateState';
const TIMEOUT_MS = 60_000;

// The default list keeps the names it always had; a followed list's are
// suffixed with its key.
const alarmName = (key) => (key === 'default' ? ALARM : `${ALARM}:${key}`);
const stateKey = (key) => (key === 'default' ? STATE_KEY : `${STATE_KEY}:${key}`);
const keyOfAlarm = (name) => (name === ALARM ? 'default' : name.startsWith(`${ALARM}:`) ? name.slice(ALARM.length + 1) : null);

const running = new Map(); // key → the update under way

export function register() {
  api.alarms.onAlarm.addListener((alarm) => {
    const key = keyOfAlarm(alarm.name);
    if (key !== null) updateNow(key);
  });
}

// sources are the lists to update: [{key, url}], the default list first
// (url '' when updates are off).
function sources(values) {
  return list.followedLists(values).map(({ key, url }) => ({ key, url }));
}

// ensureScheduled makes sure every list has an alarm (after a browser
// restart alarms usually survive; after an install they do not) and that
// lists no longer followed have none, nor any state.
export async function ensureScheduled(soon = false) {
  const { values } = await settings();
  await list.info(); // the followed lists are in step with the settings
  const wanted = sources(values);
  for (const alarm of await api.alarms.getAll()) {
    const key = keyOfAlarm(alarm.name);
    if (key !== null && !wanted.some((s) => s.key === key)) await forget(key);
  }
  for (const { key, url } of wanted) {
    const alarm = await api.alarms.get(alarmName(key));
    if (alarm && !soon) continue;
    if (!url) {
      await api.alarms.clear(alarmName(key));
      continue;
    }
    // A first try within a minute of install or start.
    await schedule(key, soon ? 0.1 : nextDelay(1, 0));
  }
}

async function forget(key) {
  await api.alarms.clear(alarmName(key));
  await api.storage.local.remove(stateKey(key));
}

async function schedule(key, minutes) {
  const when = Date.now() + Math.max(minutes, 0.05) * 60_000;
  await api.alarms.create(alarmName(key), { when });
  await patchState(key, { nextAt: when });
}

// readState is a list's update state: {lastAttempt, lastSuccess,
// lastResult, lastError, failures, serverVersion, via, etag, nextAt}.
export async function readState(key = 'default') {
  return (await api.storage.local.get(stateKey(key)))[stateKey(key)] ?? { failures: 0 };
}

async function patchState(key, patch) {
  const state = { ...(await readState(key)), ...patch };
  await api.storage.local.set({ [stateKey(key)]: state });
  return state;
}

// updateAll updates every list at once and returns their states by key.
export async function updateAll() {
  const { values } = await fresh();
  await list.configure(values);
  const keys = sources(values).map((s) => s.key);
  const states = await Promise.all(keys.map((key) => updateNow(key)));
  return Object.fromEntries(keys.map((key, i) => [key, states[i]]));
}

// updateNow runs one update of list key (concurrent callers share it) and
// schedules its next. It never throws: the outcome is in the returned
// state.
export function updateNow(key = 'default') {
  if (running.has(key)) return running.get(key);
  const run = (async () => {
    const { values } = await fresh();
    await list.configure(values);
    const source = sources(values).find((s) => s.key === key);
    if (!source) return { failures: 0, lastError: 'this list is no longer followed' };
    const before = await readState(key);
    const attempt = { lastAttempt: Date.now() };
    let state;
    try {
      if (!source.url) throw new Error('no update server is set');
      const outcome = await fetchNewer(source.url, before.etag, key);
      state = await patchState(key, { ...attempt, ...outcome, lastSuccess: Date.now(), lastError: '', failures: 0 });
    } catch (e) {
      state = await patchState(key, { ...attempt, lastError: e.message, failures: (before.failures ?? 0) + 1 });
    }
    if (source.url) await schedule(key, nextDelay(values.checkIntervalMinutes, state.failures));
    return readState(key);
  })().finally(() => running.delete(key));
  running.set(key, run);
  return run;
}

async function get(url, headers = {}) {
  try {
    return await fetch(url, { cache: 'no-store', credentials: 'omit', headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new Error(`cannot reach ${new URL(url).origin}: ${e.message}`);
  }
}

async function problem(res) {
  try {
    const p = await res.json();
    return p.message ?? p.error ?? res.statusText;
  } catch {
    return res.statusText;
  }
}

// fetchNewer brings list key up to the server's version and returns what
// happened: {lastResult: 'updated'|'current', serverVersion, via, etag}.
async function fetchNewer(base, etag, key) {
  const info = await list.info(key);
  if (!info) throw new Error('this list is no longer followed');
  const { name, version } = info;
  const path = `${base}/v1/lists/${encodeURIComponent(name)}`;

  // A followed list before its first snapshot has nothing to patch.
  const res = version > 0 ? await get(`${path}/delta?from=${version}`) : { status: 404 };
  if (res.status === 304) return { lastResult: 'current', serverVersion: version, via: 'delta' };
  if (res.status === 200) {
    const r = await list.replace(new Uint8Array(await res.arrayBuffer()), { isDelta: true, etag: '', key });
    if (r.ok) return { lastResult: 'updated', serverVersion: r.version, via: 'delta', etag: '' };
    // A delta that does not apply (e.g. built on another base): the
    // snapshot still can. Its failure, if any, is the one reported.
    console.warn(`RedFlag: delta from ${version} refused: ${r.error}; fetching the snapshot`);
  } else if (res.status !== 404 && res.status !== 410) {
    throw new Error(`delta from version ${version}: HTTP ${res.status}: ${await problem(res)}`);
  }

  const snap = await get(`${path}/snapshot`, etag && version > 0 ? { 'If-None-Match': etag } : {});
  if (snap.status === 304) return { lastResult: 'current', serverVersion: version, via: 'snapshot' };
  if (snap.status !== 200) throw new Error(`snapshot: HTTP ${snap.status}: ${await problem(snap)}`);
  const newEtag = snap.headers.get('ETag') ?? '';
  const serverVersion = Number(snap.headers.get('X-RedFlag-Version')) || undefined;
  if (serverVersion !== undefined && serverVersion <= version) {
    // Never a downgrade: a server that went back keeps us where we are.
    return { lastResult: 'current', serverVersion, via: 'snapshot', etag: newEtag };
  }
  const r = await list.replace(new Uint8Array(await snap.arrayBuffer()), { isDelta: false, etag: newEtag, key });
  if (!r.ok) throw new Error(`snapshot refused: ${r.error}`);
  return { lastResult: 'updated', serverVersion: r.version, via: 'snapshot', etag: newEtag };
}
