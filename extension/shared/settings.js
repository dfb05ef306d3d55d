// Settings: defaults, the user's choices (storage.local) and the managed
// policy (storage.managed, schema in managed_schema.json). A value set by
// policy wins and is locked: the options page shows it but cannot change it.
import { api } from './browser.js';

// DEFAULT_UPDATE_URL is the local `redflag serve` of a development build;
// tools/build.mjs --update-url replaces it in a release build.
export const DEFAULT_UPDATE_URL = 'http://127.0.0.1:8080';

export const DEFAULTS = Object.freeze({
  updateUrl: DEFAULT_UPDATE_URL,
  trustedKeys: [],
  checkIntervalMinutes: 30,
  mode: 'warn',
  reportUrl: '',
  allowlist: [],
  lookAlikes: 'on',
  lists: [],
});

export const KEYS = Object.freeze(Object.keys(DEFAULTS));

const USER_KEY = 'settings';

// validate returns {value} normalized, or {error} saying what is wrong.
export function validate(key, raw) {
  switch (key) {
    case 'updateUrl': {
      const s = String(raw ?? '').trim();
      if (s === '') return { value: '' }; // updates off
      let u;
      try { u = new URL(s); } catch { return { error: `"${s}" is not a URL` }; }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return { error: `"${s}": use https:// (or http:// for a local server)` };
      if (u.search || u.hash) return { error: `"${s}": give the server's base URL, without ? or #` };
      return { value: u.href.replace(/\/+$/, '') };
    }
    case 'trustedKeys': {
      const list = toList(raw);
      for (const k of list) {
        if (!/^ed25519:[A-Za-z0-9+/]{43}=$/.test(k)) return { error: `"${k}" is not a public key of the form ed25519:BASE64 (32 bytes)` };
      }
      return { value: list };
    }
    case 'checkIntervalMinutes': {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 1 || n > 10080) return { error: `"${raw}": the check interval is a number of minutes from 1 to 10080` };
      return { value: Math.round(n) };
    }
    case 'mode': {
      if (raw !== 'warn' && raw !== 'block') return { error: `"${raw}": mode is warn or block` };
      return { value: raw };
    }
    case 'reportUrl': {
      const s = String(raw ?? '').trim();
      if (s === '') return { value: '' };
      if (/^mailto:[^@\s]+@[^@\s]+$/i.test(s)) return { value: s };
      if (/^[^@\s:/]+@[^@\s]+\.[^@\s]+$/.test(s)) return { value: `mailto:${s}` };
      let u;
      try { u = new URL(s); } catch { return { error: `"${s}" is neither a URL nor an email address` }; }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return { error: `"${s}": use an https:// URL or an email address` };
      return { value: u.href };
    }
    case 'allowlist': {
      const list = toList(raw).map((d) => d.toLowerCase().replace(/^\*\./, '').replace(/\.$/, ''));
      for (const d of list) {
        if (!/^([a-z0-9-]+\.)+[a-z0-9-]+$/.test(d)) return { error: `"${d}" is not a domain name` };
      }
      return { value: list };
    }
    case 'lookAlikes': {
      // Policy may say true/false; the options page says on/off.
      const v = raw === true ? 'on' : raw === false ? 'off' : String(raw ?? '').trim().toLowerCase();
      if (v !== 'on' && v !== 'off') return { error: `"${raw}": look-alike cautions are on or off` };
      return { value: v };
    }
    case 'lists':
      return validateLists(raw);
    default:
      return { error: `unknown setting "${key}"` };
  }
}

// Lists followed besides the default one (a company's own): policy gives
// an array of {url, list, keys, title}; the options page one a line,
// "URL LIST KEY [KEY...]". Normalized to objects.
const LIST_NAME = /^[a-z0-9_.-]{1,64}$/; // as the publisher names lists
const PUBLIC_KEY = /^ed25519:[A-Za-z0-9+/]{43}=$/;
export const MAX_LISTS = 16;

function validateLists(raw) {
  const items = Array.isArray(raw)
    ? raw
    : String(raw ?? '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((line) => {
      const [url, list, ...keys] = line.split(/\s+/);
      return { url, list, keys };
    });
  if (items.length > MAX_LISTS) return { error: `at most ${MAX_LISTS} lists` };
  const out = [];
  for (const item of items) {
    const sub = subscription(item);
    if (sub.error) return sub;
    if (out.some((o) => listKey(o) === listKey(sub.value))) return { error: `"${sub.value.list}" from ${sub.value.url} is given twice` };
    out.push(sub.value);
  }
  return { value: out };
}

function subscription(item) {
  if (typeof item !== 'object' || item === null) return { error: `${JSON.stringify(item)} is not a list (want {url, list, keys})` };
  const url = validate('updateUrl', item.url);
  if (url.error || url.value === '') return { error: `list ${JSON.stringify(item.list ?? '')}: ${url.error ?? 'the publisher URL is missing'}` };
  const list = String(item.list ?? '').trim();
  if (!LIST_NAME.test(list)) return { error: `"${list}" is not a list name (a-z, 0-9, . _ -)` };
  const keys = toList(item.keys);
  if (keys.length === 0) return { error: `list "${list}": give the publisher's public key (ed25519:BASE64) that signs it` };
  const bad = keys.find((k) => !PUBLIC_KEY.test(k));
  if (bad) return { error: `list "${list}": "${bad}" is not a public key of the form ed25519:BASE64 (32 bytes)` };
  const title = String(item.title ?? '').trim().slice(0, 80);
  return { value: { url: url.value, list, keys, title } };
}

// listKey names a followed list in the checker, storage and alarms.
export function listKey(sub) {
  return `${sub.url}|${sub.list}`;
}

// listTitle is how pages name a followed list.
export function listTitle(sub) {
  return sub.title || `${sub.list} (${new URL(sub.url).host})`;
}

function toList(raw) {
  if (Array.isArray(raw)) return raw.map((s) => String(s).trim()).filter(Boolean);
  return String(raw ?? '').split(/[\s,]+/).filter(Boolean);
}

// readPolicy returns the managed policy, {} where the browser has none
// (Firefox without a policy file throws).
export async function readPolicy() {
  try {
    return (await api.storage.managed.get(null)) ?? {};
  } catch {
    return {};
  }
}

// The policy last read, kept for readPolicyQuickly.
const POLICY_SEEN_KEY = 'policyLastSeen';

// readPolicyQuickly is readPolicy for the background, which must not wait:
// as the browser starts, Chromium answers storage.managed only after
// seconds (measured: 2.9 s with the worker woken by the first
// navigation), and every verdict waits for the settings. If the policy
// takes longer than waitMs, it returns the policy last seen instead, and
// late, a promise of the real one.
export async function readPolicyQuickly(waitMs) {
  const real = readPolicy().then((p) => {
    api.storage.local.set({ [POLICY_SEEN_KEY]: p }).catch(() => {});
    return p;
  });
  const first = await Promise.race([real, new Promise((r) => setTimeout(() => r(undefined), waitMs))]);
  if (first !== undefined) return { policy: first, late: null };
  const seen = (await api.storage.local.get(POLICY_SEEN_KEY))[POLICY_SEEN_KEY] ?? {};
  return { policy: seen, late: real };
}

// readSettings merges defaults, user settings and policy. It returns
// {values, locked: [key], problems: [text], late}: an invalid stored or
// policy value is ignored (the next source applies) and reported. With
// policyWaitMs (the background), a policy slower than that is the one last
// seen, and late resolves to the real one (else late is null).
export async function readSettings({ policyWaitMs } = {}) {
  const [{ policy, late }, stored] = await Promise.all([
    policyWaitMs === undefined ? readPolicy().then((p) => ({ policy: p, late: null })) : readPolicyQuickly(policyWaitMs),
    api.storage.local.get(USER_KEY).then((r) => r[USER_KEY] ?? {}),
  ]);
  const values = { ...DEFAULTS };
  const locked = [];
  const problems = [];
  for (const key of KEYS) {
    for (const [source, from] of [['policy', policy], ['settings', stored]]) {
      if (from[key] === undefined) continue;
      const v = validate(key, from[key]);
      if (v.error) {
        problems.push(`${source} ${key}: ${v.error}`);
        continue;
      }
      values[key] = v.value;
      if (source === 'policy') locked.push(key);
      break;
    }
  }
  const result = { values, locked, problems };
  // Not enumerable: settings are sent in messages, a promise cannot be.
  Object.defineProperty(result, 'late', { value: late && late.then((p) => (JSON.stringify(p) === JSON.stringify(policy) ? null : p)) });
  return result;
}

// saveSettings validates and stores the user's settings. It refuses
// policy-locked keys and returns {errors: {key: text}} without saving
// anything when one value is wrong.
export async function saveSettings(changes) {
  const { locked } = await readSettings();
  const errors = {};
  const clean = {};
  for (const [key, raw] of Object.entries(changes)) {
    if (locked.includes(key)) { errors[key] = 'set by your organization'; continue; }
    const v = validate(key, raw);
    if (v.error) errors[key] = v.error; else clean[key] = v.value;
  }
  if (Object.keys(errors).length) return { errors };
  const stored = (await api.storage.local.get(USER_KEY))[USER_KEY] ?? {};
  await api.storage.local.set({ [USER_KEY]: { ...stored, ...clean } });
  return { errors: {} };
}

// onSettingsChanged calls fn when user settings or policy change.
export function onSettingsChanged(fn) {
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed' || (area === 'local' && USER_KEY in changes)) fn();
  });
}

// allowlisted reports whether host is an allowlisted domain or below one.
export function allowlisted(host, allowlist) {
  if (!host) return false;
  host = host.toLowerCase().replace(/\.$/, '');
  return allowlist.some((d) => host === d || host.endsWith(`.${d}`));
}
