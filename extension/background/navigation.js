// Navigation warnings: every top-level http(s) navigation is checked by the
// checker (no network) when it starts, and a listed site is replaced by the
// warning page before its content is shown. onCommitted is a second look
// for navigations that reach a listed site by a server redirect, which
// onBeforeNavigate does not see.
//
// Why not declarativeNetRequest: its rules need host names, and the list
// holds only fingerprints of them (which keeps the list from being a
// directory of the sites), so the browser cannot match them itself.
import { api } from '../shared/browser.js';
import * as list from './list.js';
import { settings } from './config.js';

const timings = { navigations: 0, checkMs: [] };

export function register() {
  api.webNavigation.onBeforeNavigate.addListener((d) => guard(d, 'before'));
  api.webNavigation.onCommitted.addListener((d) => guard(d, 'committed'));
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

async function guard(d, phase) {
  if (d.frameId !== 0 || d.tabId < 0 || !/^https?:/.test(d.url)) return;
  const t0 = performance.now();
  const r = await list.check(d.url);
  if (phase === 'before') {
    timings.navigations++;
    timings.checkMs.push(performance.now() - t0);
    if (timings.checkMs.length > 1000) timings.checkMs.shift();
  }
  if (!list.listed(r)) return;
  const { values } = await settings();
  if (values.mode !== 'block' && await allowed(d.tabId, r.match)) return;
  await api.tabs.update(d.tabId, { url: warningUrl(d.url) });
}

export function navigationTimings() {
  return { navigations: timings.navigations, checkMs: [...timings.checkMs] };
}
