// The browser's own blocking rules (Chromium): declarativeNetRequest block
// rules for the names the list publishes in clear (its browser-names
// section, lists/FORMAT.md), so that the browser refuses a top-level or
// frame request to a listed site in its network stack, with no worker
// running — also as the browser starts, before any extension code has
// run. navigation.js then shows the warning page for the blocked
// navigation (webNavigation.onErrorOccurred). Names that do not fit the
// quota, and lists that keep their names out, stay on the webNavigation
// path; cautions (names that only resemble a listed one) always do.
//
// Dynamic rules persist across browser starts; they are replaced in one
// updateDynamicRules call (atomic) whenever the list, the allowlist or the
// mode changes, and checked against the loaded list when the worker
// starts. Proceed anyway adds a session rule allowing that name in that
// tab only.
//
// With the rules go warning cards: for each blocked host name (up to
// MAX_CARDS), the check result the warning page shows, in storage.local
// under `card:NAME`. As the browser starts, the page renders from its card
// before the checker has started (list.js), and the worker knows the names
// the browser blocks without it (blocksHost).
import { api } from '../shared/browser.js';
import { cardKey, namesOf } from '../shared/cards.js';

const dnr = api.declarativeNetRequest;
// Firefox holds top-level requests with its blocking webRequest listener
// (navigation.js) and has no use for these rules.
export const available = Boolean(dnr?.updateDynamicRules) && typeof api.runtime.getBrowserInfo !== 'function';

const RESOURCE_TYPES = ['main_frame', 'sub_frame'];
const BLOCK = 1;
const ALLOW = 2; // the allowlist
const PROCEED = 3; // Proceed anyway, one tab
// Names a rule's requestDomains carries. Chromium takes a million in one
// rule; smaller rules keep each update's parse and the browser's memory
// per rule modest (README, "Measured").
export const NAMES_PER_RULE = 20_000;
// Rules kept free below the quota: the allowlist's rule and room to grow.
const RESERVED = 10;
const STATE_KEY = 'browserRules';
// Cards kept: a few hundred bytes each, written at each rules update.
export const MAX_CARDS = 2000;

// plan turns the list's names and the allowlist into rules: host names in
// requestDomains rules (which cover subdomains), URL prefixes and pages as
// urlFilter rules, as many as the quota holds. It returns the rules and
// what they cover.
export function plan(names, allowlist, maxRules = dnr?.MAX_NUMBER_OF_DYNAMIC_RULES ?? 30_000) {
  const hosts = [];
  const prefixes = [];
  for (const n of names) (n.includes('/') ? prefixes : hosts).push(n);
  const rules = [];
  const add = (priority, action, condition) => rules.push({ id: rules.length + 1, priority, action: { type: action }, condition: { ...condition, resourceTypes: RESOURCE_TYPES } });
  for (let i = 0; i < hosts.length; i += NAMES_PER_RULE) add(BLOCK, 'block', { requestDomains: hosts.slice(i, i + NAMES_PER_RULE) });
  if (allowlist.length > 0) add(ALLOW, 'allow', { requestDomains: allowlist });
  const limit = maxRules - RESERVED;
  const uncovered = [];
  for (const p of prefixes) {
    const filters = urlFilters(p);
    if (rules.length + filters.length > limit) {
      uncovered.push(p);
      continue;
    }
    for (const f of filters) add(BLOCK, 'block', { urlFilter: f });
  }
  return { rules, blocked: names.length - uncovered.length, uncovered };
}

// urlFilters are the filters that match what a prefix pattern lists: a
// directory and what is below it, and the directory's own page without
// its slash ("github.com/some-user"); a page with a query, that page.
// "||" anchors at the host or any subdomain of it; "|" at the end is the
// end of the URL.
export function urlFilters(pattern) {
  if (pattern.endsWith('/')) return [`||${pattern}`, `||${pattern.slice(0, -1)}|`];
  return [`||${pattern}|`];
}

let state = { key: '', rules: 0, blocked: 0, names: 0, uncovered: [], cards: [], updateMs: 0, error: '' };
let carded = new Set(); // state.cards as a set
let loading = null;

function loadState() {
  loading ??= api.storage.local.get(STATE_KEY).then((r) => { if (r[STATE_KEY]) setState(r[STATE_KEY]); }, () => {});
  return loading;
}

function setState(s) {
  state = s;
  carded = new Set(s.cards ?? []);
}

// Read as the worker starts: a navigation's first event asks blocksHost
// before anything else.
if (available) loadState();

// sync makes the dynamic rules those of the list {version, namesPublished,
// browserNames} (checker.info()) and the allowlist; names() gives the
// names, asked for only when the rules in place were made for something
// else (not at most worker starts: reading a million names is not free).
// cardsOf(hosts) gives the check results of http://HOST/ for the cards.
let syncing = Promise.resolve();
export function sync(info, names, allowlist, cardsOf) {
  syncing = syncing.then(() => syncNow(info, names, allowlist, cardsOf)).catch((e) => {
    setState({ ...state, error: e.message });
    console.warn(`RedFlag: browser rules not updated: ${e.message}`);
  });
  return syncing;
}

async function syncNow(info, names, allowlist, cardsOf) {
  if (!available) return;
  await loadState();
  const key = `${info.name}|${info.version}|${info.namesPublished ? info.browserNames : 'none'}|${allowlist.join(',')}`;
  if (state.key === key && !state.error && state.cards) return;
  const t0 = performance.now();
  const all = info.namesPublished ? names() : null;
  const { rules, blocked, uncovered } = all === null ? { rules: [], blocked: 0, uncovered: [] } : plan(all, allowlist);
  // Ids 1..n: removing ids no rule has is allowed, so the old set goes by
  // its count, without reading a million names back.
  const removeRuleIds = [];
  for (let id = 1; id <= Math.max(state.rules, rules.length); id++) removeRuleIds.push(id);
  // Cards the new rules no longer back go first: a page must not render
  // a card for a name the browser lets through.
  const hosts = (all ?? []).filter((n) => !n.includes('/')).slice(0, MAX_CARDS);
  const kept = new Set(hosts);
  const gone = (state.cards ?? []).filter((n) => !kept.has(n));
  if (gone.length) await api.storage.local.remove(gone.map(cardKey));
  await dnr.updateDynamicRules({ removeRuleIds, addRules: rules });
  const results = hosts.length ? cardsOf(hosts) : [];
  await api.storage.local.set(Object.fromEntries(hosts.map((h, i) => [cardKey(h), card(results[i])])));
  setState({ key, rules: rules.length, blocked, names: all?.length ?? 0, uncovered: uncovered.slice(0, 1000), uncoveredCount: uncovered.length, cards: hosts, updateMs: performance.now() - t0, error: '' });
  await api.storage.local.set({ [STATE_KEY]: state });
}

// card is what the warning page shows of a check result.
function card(r) {
  const { verdict, match, entry, list, listTitle, listVersion } = r;
  return { verdict, match, entry, list, listTitle, listVersion };
}

// blocksHost tells, without the checker, whether the browser's rules block
// url's host (it or a parent domain has a card): its navigation needs no
// check, the blocked request's error brings the warning page.
export async function blocksHost(url) {
  if (!available) return false;
  await loadState();
  return !state.error && namesOf(url).some((n) => carded.has(n));
}

// covers tells whether the rules in place block what the check result r
// matched, so the blocked navigation's error, not the webNavigation path,
// shows the warning.
export function covers(r) {
  if (!available || !state.key || state.error || state.blocked === 0) return false;
  if (isHostKey(r.match)) return true;
  return state.uncoveredCount === state.uncovered.length && !state.uncovered.includes(r.match) && !state.uncovered.includes(`${r.match}/`);
}

// isHostKey tells a host entry's lookup key ("cloudfox.cloud/") from a
// prefix entry's ("github.com/some-user/").
function isHostKey(match) {
  return match.indexOf('/') === match.length - 1;
}

// status is what the popup says: how many listed names the browser blocks.
export async function status() {
  await loadState();
  await syncing;
  return { available, blocked: state.blocked, names: state.names, rules: state.rules, updateMs: state.updateMs, error: state.error };
}

// allowInTab lets the browser load what match (a check result's match)
// names, in tab tabId only: Proceed anyway.
export async function allowInTab(tabId, match) {
  if (!available) return;
  const condition = isHostKey(match)
    ? { requestDomains: [match.slice(0, -1)] }
    : { urlFilter: `||${match}` };
  const existing = await dnr.getSessionRules();
  const id = existing.reduce((m, r) => Math.max(m, r.id), 0) + 1;
  await dnr.updateSessionRules({ addRules: [{ id, priority: PROCEED, action: { type: 'allow' }, condition: { ...condition, tabIds: [tabId], resourceTypes: RESOURCE_TYPES } }] });
}

// forgetTab drops a closed tab's Proceed anyway rules.
export async function forgetTab(tabId) {
  if (!available) return;
  const ids = (await dnr.getSessionRules()).filter((r) => r.condition.tabIds?.includes(tabId)).map((r) => r.id);
  if (ids.length) await dnr.updateSessionRules({ removeRuleIds: ids });
}
