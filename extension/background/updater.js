// Updates from the publisher's public API (backend/API.md): a delta from
// the version held when the server offers one, the full snapshot
// otherwise; the checker verifies either before it replaces anything. An
// alarm schedules the next try (schedule.js says when).
import { api } from '../shared/browser.js';
import * as list from './list.js';
import { settings, fresh } from './config.js';
import { nextDelay } from './schedule.js';

export const ALARM = 'redflag-update';
const STATE_KEY = 'updateState';
const TIMEOUT_MS = 60_000;

let running;

export function register() {
  api.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) updateNow();
  });
}

// ensureScheduled makes sure an alarm is set (after a browser restart
// alarms usually survive; after an install they do not).
export async function ensureScheduled(soon = false) {
  const alarm = await api.alarms.get(ALARM);
  if (alarm && !soon) return;
  const { values } = await settings();
  if (!values.updateUrl) {
    await api.alarms.clear(ALARM);
    return;
  }
  // A first try within a minute of install or start.
  await schedule(soon ? 0.1 : nextDelay(1, 0));
}

async function schedule(minutes) {
  const when = Date.now() + Math.max(minutes, 0.05) * 60_000;
  await api.alarms.create(ALARM, { when });
  await patchState({ nextAt: when });
}

export async function readState() {
  return (await api.storage.local.get(STATE_KEY))[STATE_KEY] ?? { failures: 0 };
}

async function patchState(patch) {
  const state = { ...(await readState()), ...patch };
  await api.storage.local.set({ [STATE_KEY]: state });
  return state;
}

// updateNow runs one update (concurrent callers share it) and schedules
// the next. It never throws: the outcome is in the returned state.
export function updateNow() {
  running ??= (async () => {
    const { values } = await fresh();
    await list.configure(values);
    const before = await readState();
    const attempt = { lastAttempt: Date.now() };
    let state;
    try {
      if (!values.updateUrl) throw new Error('no update server is set');
      const outcome = await fetchNewer(values.updateUrl, before.etag);
      state = await patchState({ ...attempt, ...outcome, lastSuccess: Date.now(), lastError: '', failures: 0 });
    } catch (e) {
      state = await patchState({ ...attempt, lastError: e.message, failures: (before.failures ?? 0) + 1 });
    }
    if (values.updateUrl) await schedule(nextDelay(values.checkIntervalMinutes, state.failures));
    return readState();
  })().finally(() => { running = undefined; });
  return running;
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

// fetchNewer brings the list up to the server's version and returns what
// happened: {lastResult: 'updated'|'current', serverVersion, via, etag}.
async function fetchNewer(base, etag) {
  const { name, version } = await list.info();
  const path = `${base}/v1/lists/${encodeURIComponent(name)}`;

  const res = await get(`${path}/delta?from=${version}`);
  if (res.status === 304) return { lastResult: 'current', serverVersion: version, via: 'delta' };
  if (res.status === 200) {
    const r = await list.replace(new Uint8Array(await res.arrayBuffer()), { isDelta: true, etag: '' });
    if (r.ok) return { lastResult: 'updated', serverVersion: r.version, via: 'delta', etag: '' };
    // A delta that does not apply (e.g. built on another base): the
    // snapshot still can. Its failure, if any, is the one reported.
    console.warn(`RedFlag: delta from ${version} refused: ${r.error}; fetching the snapshot`);
  } else if (res.status !== 404 && res.status !== 410) {
    throw new Error(`delta from version ${version}: HTTP ${res.status}: ${await problem(res)}`);
  }

  const snap = await get(`${path}/snapshot`, etag ? { 'If-None-Match': etag } : {});
  if (snap.status === 304) return { lastResult: 'current', serverVersion: version, via: 'snapshot' };
  if (snap.status !== 200) throw new Error(`snapshot: HTTP ${snap.status}: ${await problem(snap)}`);
  const newEtag = snap.headers.get('ETag') ?? '';
  const serverVersion = Number(snap.headers.get('X-RedFlag-Version')) || undefined;
  if (serverVersion !== undefined && serverVersion <= version) {
    // Never a downgrade: a server that went back keeps us where we are.
    return { lastResult: 'current', serverVersion, via: 'snapshot', etag: newEtag };
  }
  const r = await list.replace(new Uint8Array(await snap.arrayBuffer()), { isDelta: false, etag: newEtag });
  if (!r.ok) throw new Error(`snapshot refused: ${r.error}`);
  return { lastResult: 'updated', serverVersion: r.version, via: 'snapshot', etag: newEtag };
}
