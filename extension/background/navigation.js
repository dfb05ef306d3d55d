// Navigation warnings: every top-level http(s) navigation is checked by the
// checker (no network) when it starts, and a listed site is replaced by the
// warning page before its content is shown. Where blocking webRequest is
// allowed (Firefox), the request itself waits for the verdict. Elsewhere
// (Chromium MV3) webNavigation starts the check alongside the request, and
// onCommitted is a second look for navigations that reach a listed site by
// a server redirect, which onBeforeNavigate does not see.
//
// Why not declarativeNetRequest: its rules need host names, and the list
// holds only fingerprints of them (which keeps the list from being a
// directory of the sites), so the browser cannot match them itself.
import { api } from '../shared/browser.js';
import * as list from './list.js';
import { settings } from './config.js';

const timings = { navigations: 0, checkMs: [] };

export function register() {
  if (api.webRequest?.onBeforeRequest) {
    // Firefox (its build asks for webRequestBlocking): the top-level
    // request waits for the verdict, so a listed site never receives it.
    // Server redirects come through here again, hop by hop.
    api.webRequest.onBeforeRequest.addListener(intercept, { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] }, ['blocking']);
  } else {
    api.webNavigation.onBeforeNavigate.addListener((d) => guard(d, 'before'));
    api.webNavigation.onCommitted.addListener((d) => guard(d, 'committed'));
  }
  api.tabs.onRemoved.addListener((tabId) => api.storage.session.remove(allowKey(tabId)));
}

export function warningUrl(url) {
  return `${api.runtime.getURL('pages/warning.html')}?url=${encodeURIComponent(url)}`;
}

function allowKey(tabId) {
  return `proceed:${tabId}`;
}

async function allowed(tabId, match) {
  const key = allowKey(tabId);
  const got = (await api.storage.session.get(key))[key] ?? [];
  return got.includes(match);
}

// allow remembers that the person chose to proceed to match in this tab.
export async function allow(tabId, match) {
  const key = allowKey(tabId);
  const got = (await api.storage.session.get(key))[key] ?? [];
  if (!got.includes(match)) await api.storage.session.set({ [key]: [...got, match] });
}

// warns tells whether the top-level navigation d must show the warning
// page instead; timed counts it in navigationTimings.
async function warns(d, timed) {
  if (d.frameId !== 0 || d.tabId < 0 || !/^https?:/.test(d.url)) return false;
  const t0 = performance.now();
  const r = await list.check(d.url);
  if (timed) {
    timings.navigations++;
    timings.checkMs.push(performance.now() - t0);
    if (timings.checkMs.length > 1000) timings.checkMs.shift();
  }
  if (!list.listed(r)) return false;
  const { values } = await settings();
  return values.mode === 'block' || !(await allowed(d.tabId, r.match));
}

async function guard(d, phase) {
  if (await warns(d, phase === 'before')) await api.tabs.update(d.tabId, { url: warningUrl(d.url) });
}

async function intercept(d) {
  return (await warns(d, true)) ? { redirectUrl: warningUrl(d.url) } : {};
}

export function navigationTimings() {
  return { navigations: timings.navigations, checkMs: [...timings.checkMs] };
}
