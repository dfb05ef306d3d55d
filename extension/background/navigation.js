// Navigation warnings: every top-level http(s) navigation is checked by the
// checker (no network) when it starts, and a listed site is replaced by the
// warning page before its content is shown. A site whose name only resembles
// a listed one (a caution) gets the same page in its milder form, once per
// registrable domain: continuing is remembered. Where blocking webRequest is
// allowed, the request itself waits for the verdict, so a listed site never
// receives it: in Firefox (its listener may answer later), and in Chromium
// for the managed build installed by policy (its listener must answer at
// once, see interceptNow). Elsewhere (Chromium MV3 otherwise installed),
// webNavigation starts the check alongside the request, and onCommitted is
// a second look for navigations that reach a listed site by a server
// redirect, which onBeforeNavigate does not see.
//
// In Chromium, where the list publishes its names, the browser blocks
// listed sites itself (rules.js: declarativeNetRequest), before any of
// this runs; the blocked navigation's error brings the warning page
// (onBlocked), and webNavigation stays the path for names the rules do not
// cover and for cautions.
import { api } from '../shared/browser.js';
import * as list from './list.js';
import * as rules from './rules.js';
import { settings, valuesNow } from './config.js';

const timings = { navigations: 0, checkMs: [], passedWhileLoading: 0, detouredWhileLoading: 0, blockedByBrowser: 0, blocked: [] };
// When each tab's last top-level navigation began (webNavigation's
// timeStamp): how long a blocked one took to show the warning.
const navigationStarts = new Map();
const MAIN_FRAME = { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] };
// webNavigation events for web pages only: the browser filters them, so a
// new tab's about:blank, browser and extension pages never wake the
// worker (a new tab's first load was five events, now three).
const WEB_PAGES = { url: [{ schemes: ['http', 'https'] }] };

// Only Firefox has getBrowserInfo; only its blocking listeners may answer
// with a promise.
const blockingMayWait = typeof api.runtime.getBrowserInfo === 'function';

export function register() {
  api.tabs.onRemoved.addListener((tabId) => forget(tabId));
  if (rules.available) api.webNavigation.onErrorOccurred.addListener(onBlocked, WEB_PAGES);
  if (api.webRequest?.onBeforeRequest && blockingMayWait) {
    // Firefox (its build asks for webRequestBlocking): the top-level
    // request waits for the verdict. Server redirects come through here
    // again, hop by hop.
    api.webRequest.onBeforeRequest.addListener(intercept, MAIN_FRAME, ['blocking']);
    return;
  }
  if (api.webRequest?.onBeforeRequest) {
    // The managed build. Chromium honours a blocking answer only from an
    // extension installed by policy; from any other (the same build loaded
    // from its folder) it ignores it without a word, so holding waits
    // for the install type.
    api.webRequest.onBeforeRequest.addListener(interceptNow, MAIN_FRAME, ['blocking']);
    api.management.getSelf().then(
      (self) => {
        holding = self.installType === 'admin';
        if (holding) keepAlive();
      },
      (e) => {
        holding = false;
        console.warn(`RedFlag: install type unknown (${e.message}); requests are not held`);
      },
    );
  }
  api.webNavigation.onBeforeNavigate.addListener((d) => guard(d, 'before'), WEB_PAGES);
  api.webNavigation.onCommitted.addListener((d) => guard(d, 'committed'), WEB_PAGES);
}

// holding: Chromium's blocking listener is registered and its answers
// count (managed build, installed by policy); undefined until the install
// type is known, in the worker's first milliseconds.
let holding = api.webRequest?.onBeforeRequest && !blockingMayWait ? undefined : false;

// warningUrl is the warning page for url; with checking, the page first
// asks whether to warn and goes on to url if not (see interceptNow).
export function warningUrl(url, { checking = false } = {}) {
  return `${api.runtime.getURL('pages/warning.html')}?url=${encodeURIComponent(url)}${checking ? '&checking=1' : ''}`;
}

// Proceed anyway, per tab: tabId → [match]. Kept in storage.session (it
// outlives a stopped worker, not the browser) and mirrored here, since
// interceptNow cannot wait for storage.
const proceeds = new Map();
let proceedsLoaded = false;
const loadingProceeds = api.storage.session.get(null).then(
  (all) => {
    for (const [key, matches] of Object.entries(all)) {
      const m = /^proceed:(\d+)$/.exec(key);
      if (m && Array.isArray(matches)) proceeds.set(Number(m[1]), matches);
    }
  },
  (e) => console.warn(`RedFlag: earlier Proceed anyway choices unreadable: ${e.message}`),
).finally(() => { proceedsLoaded = true; });

function allowKey(tabId) {
  return `proceed:${tabId}`;
}

function proceeded(tabId, match) {
  return proceeds.get(tabId)?.includes(match) ?? false;
}

// allow remembers that the person chose to proceed to match in this tab.
export async function allow(tabId, match) {
  await loadingProceeds;
  if (proceeded(tabId, match)) return;
  proceeds.set(tabId, [...(proceeds.get(tabId) ?? []), match]);
  await Promise.all([api.storage.session.set({ [allowKey(tabId)]: proceeds.get(tabId) }), rules.allowInTab(tabId, match)]);
}

function forget(tabId) {
  navigationStarts.delete(tabId);
  // Most tabs never proceeded anywhere: nothing stored, no rule to drop.
  if (proceedsLoaded && !proceeds.has(tabId)) return Promise.resolve();
  proceeds.delete(tabId);
  return Promise.all([api.storage.session.remove(allowKey(tabId)), rules.forgetTab(tabId)]);
}

// Cautions continued past: registrable domains the person chose to go on
// to. Kept in storage.local (asked once per site, also after a restart;
// it never leaves the browser), at most MAX_CONTINUED, the oldest dropped,
// and mirrored here for interceptNow.
const CONTINUED_KEY = 'cautionsContinued';
const MAX_CONTINUED = 5000;
let continued = new Set();
const loadingContinued = api.storage.local.get(CONTINUED_KEY).then(
  (r) => { if (Array.isArray(r[CONTINUED_KEY])) continued = new Set(r[CONTINUED_KEY]); },
  (e) => console.warn(`RedFlag: earlier Continue to site choices unreadable: ${e.message}`),
).finally(() => { continuedLoaded = true; });
let continuedLoaded = false;

// continueTo remembers that the person chose to continue to a site whose
// name resembles a listed one.
export async function continueTo(registrable) {
  await loadingContinued;
  if (!registrable || continued.has(registrable)) return;
  continued.add(registrable);
  const all = [...continued].slice(-MAX_CONTINUED);
  continued = new Set(all);
  await api.storage.local.set({ [CONTINUED_KEY]: all });
}

function timed(t0) {
  timings.navigations++;
  timings.checkMs.push(performance.now() - t0);
  if (timings.checkMs.length > 1000) timings.checkMs.shift();
}

// warns tells whether the top-level navigation d must show the warning
// page instead; counted (navigationTimings) when count is true. With
// unlessBlocked, not when the browser's rules block it (onBlocked warns).
async function warns(d, count, { unlessBlocked = false } = {}) {
  if (d.frameId !== 0 || d.tabId < 0 || !/^https?:/.test(d.url)) return false;
  const t0 = performance.now();
  const r = await list.check(d.url);
  if (count) timed(t0);
  if (unlessBlocked && list.listed(r) && rules.covers(r)) return false;
  return (list.listed(r) || list.cautioned(r)) && shouldWarn(d.tabId, r);
}

// onBlocked shows the warning page for a top-level navigation the
// browser's rules blocked (an ad blocker's block is told apart by the
// check: only a listed site is warned about).
//
// A block that wakes the worker (the usual case as the browser starts)
// comes before the list is in: the tab goes at once to the warning page in
// its checking state, which renders while the checker starts, asks, and
// goes on to the site if it is not to be warned about (blocked by someone
// else: the error comes back, and by then the list is in and answers).
async function onBlocked(d) {
  if (d.frameId !== 0 || d.error !== 'net::ERR_BLOCKED_BY_CLIENT' || d.tabId < 0 || !/^https?:/.test(d.url)) return;
  const early = !list.isStarted();
  if (!early) {
    const r = await list.check(d.url);
    if (!list.listed(r) || !(await shouldWarn(d.tabId, r))) return;
  }
  timings.blockedByBrowser++;
  const start = navigationStarts.get(d.tabId);
  timings.blocked.push({ url: d.url, navigationAt: start?.url === d.url ? start.at : null, blockedAt: d.timeStamp, warningAt: Date.now(), early });
  if (timings.blocked.length > 20) timings.blocked.shift();
  await api.tabs.update(d.tabId, { url: warningUrl(d.url, { checking: early }) });
}

// shouldWarn tells whether the check result r is to be warned about in
// tabId (also for the warning page's own look at it).
export async function shouldWarn(tabId, r) {
  const { values } = await settings();
  await Promise.all([loadingProceeds, loadingContinued]);
  return warnsAbout(r, values, tabId);
}

// warnsAbout tells whether result r is to be warned about in tabId: a
// listed site unless the person proceeded in this tab (not in block mode),
// a caution unless look-alikes are off or the person continued to it.
function warnsAbout(r, values, tabId) {
  if (list.cautioned(r)) return values.lookAlikes !== 'off' && !continued.has(r.registrable);
  return list.listed(r) && (values.mode === 'block' || !proceeded(tabId, r.match));
}

// warnsNow is warns without waiting: undefined while the list, the
// settings or the tabs' choices are still loading.
function warnsNow(d) {
  if (!canAnswerNow()) return undefined;
  const values = valuesNow();
  const t0 = performance.now();
  const r = list.checkNow(d.url, values);
  timed(t0);
  return warnsAbout(r, values, d.tabId);
}

// keepAlive keeps the worker, and with it the loaded list, from stopping:
// a worker woken by a request has to send it through the checking page
// (its list loads after the event), and Chromium stops an idle worker
// after 30 s. Any extension API call starts that count again. Only the
// managed build does this: a company chose it to hold every request.
const KEEP_ALIVE_MS = 20_000;
function keepAlive() {
  setInterval(() => api.runtime.getPlatformInfo(), KEEP_ALIVE_MS);
}

function canAnswerNow() {
  return valuesNow() !== null && proceedsLoaded && continuedLoaded && list.isStarted();
}

async function guard(d, phase) {
  const start = d.frameId === 0 ? navigationStarts.get(d.tabId) : undefined;
  if (phase === 'before' && d.frameId === 0) navigationStarts.set(d.tabId, { url: d.url, at: d.timeStamp });
  // The blocking listener answers every request it can (it sees redirects
  // hop by hop too); this one is for the worker's first moments. Were the
  // list to come in between the two events, both would send the tab to the
  // same warning page.
  if (holding === true && canAnswerNow()) return;
  // A page committed at the address already checked and passed needs no
  // second look (onCommitted is for server redirects).
  if (phase === 'committed' && start?.passed === d.url) return;
  // Before the checker has started (as the browser starts), a name the
  // browser's rules block needs no check and begins no checker: the
  // blocked request's error brings the warning page (onBlocked), which
  // renders from its card while nothing else takes the processor.
  if (d.frameId === 0 && !list.isStarted() && await rules.blocksHost(d.url)) return;
  const warn = await warns(d, phase === 'before', { unlessBlocked: true });
  if (warn) {
    await api.tabs.update(d.tabId, { url: warningUrl(d.url) });
  } else if (phase === 'before' && d.frameId === 0) {
    const now = navigationStarts.get(d.tabId);
    if (now?.url === d.url) now.passed = d.url;
  }
}

// intercept holds a top-level request until the verdict (Firefox).
async function intercept(d) {
  return (await warns(d, true)) ? { redirectUrl: warningUrl(d.url) } : {};
}

// interceptNow answers a top-level request at once (Chromium, managed
// build): a listed site's request never leaves. A request that wakes the
// worker comes before the list is in: a GET goes to the warning page in
// its checking state, which goes on to the site unless it is to be warned
// about (once per worker start, kept rare by keepAlive); any other method
// is let go (its body cannot be replayed), and guard warns once the list
// is in.
function interceptNow(d) {
  if (holding === false || d.tabId < 0) return {};
  const warn = warnsNow(d);
  if (warn !== undefined) return warn ? { redirectUrl: warningUrl(d.url) } : {};
  if (d.method === 'GET') {
    timings.detouredWhileLoading++;
    return { redirectUrl: warningUrl(d.url, { checking: true }) };
  }
  timings.passedWhileLoading++;
  return {};
}

export function navigationTimings() {
  return {
    navigations: timings.navigations,
    checkMs: [...timings.checkMs],
    requestsHeld: holding === true || (blockingMayWait && Boolean(api.webRequest?.onBeforeRequest)),
    passedWhileLoading: timings.passedWhileLoading,
    detouredWhileLoading: timings.detouredWhileLoading,
    blockedByBrowser: timings.blockedByBrowser,
    blocked: [...timings.blocked],
  };
}
