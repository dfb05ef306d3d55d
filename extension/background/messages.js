// Answers the protocol's messages (shared/protocol.js). Content scripts,
// which run in web pages, may only ask batches over CHECK_PORT; the
// extension's own pages may ask everything else.
import '../shared/protocol.js';
import { api } from '../shared/browser.js';
import * as list from './list.js';
import * as updater from './updater.js';
import * as rules from './rules.js';
import { allow, continueTo, navigationTimings, shouldWarn } from './navigation.js';
import { settings } from './config.js';

const Msg = globalThis.RedFlagProtocol;
const MAX_BATCH = 20_000;
const extensionOrigin = new URL(api.runtime.getURL('')).origin;

const handlers = {
  async [Msg.CHECK]({ input }) {
    if (typeof input !== 'string') throw new Error('input must be a string');
    return { result: await list.check(input.slice(0, 4096)) };
  },

  async [Msg.CHECK_LIST]({ inputs }) {
    if (!Array.isArray(inputs) || inputs.length > MAX_BATCH) throw new Error(`inputs must be a list of at most ${MAX_BATCH}`);
    return { results: await list.checkMany(inputs.map((s) => String(s).slice(0, 4096))) };
  },

  async [Msg.WARNING_INFO]({ url }, sender) {
    const [result, { values }] = await Promise.all([list.check(String(url)), settings()]);
    const warn = await shouldWarn(sender.tab?.id ?? -1, result);
    return { result, mode: values.mode, reportUrl: values.reportUrl, warn };
  },

  // Proceed anyway past a warning (not in block mode), or Continue to a
  // site whose name only resembles a listed one (remembered for the site).
  async [Msg.PROCEED]({ url }, sender) {
    const { values } = await settings();
    const r = await list.check(String(url));
    if (!/^https?:/.test(url)) throw new Error('not a web address');
    if (list.cautioned(r)) {
      await continueTo(r.registrable);
    } else {
      if (values.mode === 'block') throw new Error('blocked by your organization');
      if (list.listed(r)) await allow(sender.tab.id, r.match);
    }
    await api.tabs.update(sender.tab.id, { url });
    return {};
  },

  async [Msg.GO_BACK](_, sender) {
    try {
      await api.tabs.goBack(sender.tab.id);
    } catch {
      // Nothing to go back to (the warning opened in a new tab).
      await api.tabs.update(sender.tab.id, { url: 'about:blank' });
    }
    return {};
  },

  async [Msg.STATUS]() {
    const [info, update, s, alarm, browserRules] = await Promise.all([list.info(), updater.readState(), settings(), api.alarms.get(updater.ALARM), rules.status()]);
    return {
      list: info,
      lists: await followedStatus(s.values),
      update: { ...update, nextAt: alarm?.scheduledTime ?? null },
      settings: s,
      browserRules,
      timings: { start: list.startTimings(), navigation: navigationTimings() },
    };
  },

  // Updates every list; status is the default list's state, states every
  // list's by key.
  async [Msg.UPDATE_NOW]() {
    const states = await updater.updateAll();
    return { status: states.default, states };
  },
};

// followedStatus describes each list followed besides the default one:
// [{key, title, url, name, info, update}].
async function followedStatus(values) {
  const all = list.followedLists(values).filter((l) => l.key !== 'default');
  return Promise.all(all.map(async (l) => {
    const [info, update, alarm] = await Promise.all([list.info(l.key), updater.readState(l.key), api.alarms.get(`${updater.ALARM}:${l.key}`)]);
    return { ...l, info, update: { ...update, nextAt: alarm?.scheduledTime ?? null } };
  }));
}

// checkBatch answers a content script's batch (Msg.CHECK_PORT).
async function checkBatch({ inputs }) {
  if (typeof inputs !== 'string') throw new Error('inputs must be a newline-joined string');
  const items = inputs.split('\n');
  if (items.length > MAX_BATCH) throw new Error(`at most ${MAX_BATCH} inputs at once`);
  const t0 = performance.now();
  const results = await list.checkMany(items.map((s) => s.slice(0, 4096)), { verdictOnly: true });
  const checkMs = performance.now() - t0;
  // Only the inputs to mark come back: listed ones, and cautions (names
  // resembling a listed one); every other input is clean.
  const marked = [];
  results.forEach((r, i) => {
    const from = r.listTitle ? { list: r.listTitle } : {};
    if (list.listed(r)) marked.push([i, { verdict: r.verdict, match: r.match, entry: r.entry, ...from }]);
    else if (list.cautioned(r)) marked.push([i, { verdict: r.verdict, entry: r.entry, resembles: r.resembles, how: r.how, ...from }]);
  });
  return { marked, checkMs };
}

export function register() {
  api.runtime.onConnect.addListener((port) => {
    if (port.name !== Msg.CHECK_PORT || port.sender?.id !== api.runtime.id) {
      port.disconnect();
      return;
    }
    port.onMessage.addListener((msg) => {
      checkBatch(msg ?? {}).then(
        (answer) => reply(port, { id: msg.id, ok: true, ...answer }),
        (e) => reply(port, { id: msg?.id, ok: false, error: e.message }),
      );
    });
  });

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    const handler = handlers[msg?.type];
    const fromExtension = sender.origin === extensionOrigin || (sender.url ?? '').startsWith(extensionOrigin);
    if (!handler || sender.id !== api.runtime.id || !fromExtension) {
      return false;
    }
    handler(msg, sender).then(
      (answer) => sendResponse({ ok: true, ...answer }),
      (e) => sendResponse({ ok: false, error: e.message }),
    );
    return true; // answer asynchronously
  });
}

function reply(port, answer) {
  try {
    port.postMessage(answer);
  } catch {
    // The page went away or the content script disconnected.
  }
}
