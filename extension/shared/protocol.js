// The one message protocol between the extension's contexts: the background
// service worker answers, the content script and the extension pages ask.
//
// Written as a plain script without import/export so it loads both as a
// content script (content scripts cannot be ES modules) and as a module
// (`import '../shared/protocol.js'`); either way it defines
// globalThis.RedFlagProtocol.
//
// Every message is {type, ...fields}; every answer is {ok: true, ...} or
// {ok: false, error: 'text'}. The content script's batches go over a port
// instead (CHECK_PORT).
globalThis.RedFlagProtocol = Object.freeze({
  // Check one link, email or domain → {ok, result} (the checker's result
  // shape plus `allowlisted`).
  CHECK: 'check',
  // The port (runtime.connect name) a content script asks over: it posts
  // {id, inputs: 'one\ntwo\n…'} (newline-joined: one string crosses
  // between contexts much faster than thousands) and gets {id, ok, marked:
  // [[index, summary]], checkMs}, summary = {verdict, match, entry} (a
  // caution: {verdict, entry, resembles, how}), checkMs the checker's time
  // for the batch. Only listed and cautioned inputs come back, so a page
  // of clean links costs one short answer. A port, not a
  // message per batch: posting on an open port cost the page 0.4–0.6 ms
  // for ten batches of 500 links where sendMessage cost 0.9–2.4 ms.
  CHECK_PORT: 'checkMany',
  // Document check page → background: {inputs: [string]} (at most 20,000)
  // → {ok, results}, one checker result (with `allowlisted`) per input.
  CHECK_LIST: 'checkList',
  // Warning page → background: {url} → {ok, result, mode, reportUrl,
  // warn}; warn: whether this tab is to be warned about url now (listed,
  // not allowlisted, no Proceed anyway in block mode or before).
  WARNING_INFO: 'warningInfo',
  // Warning page → background: {url}; remembers the site for this tab and
  // navigates there (refused in block mode).
  PROCEED: 'proceed',
  // Warning page → background: leave the warning page for the previous
  // page, or a blank one when there is none.
  GO_BACK: 'goBack',
  // Popup → background: → {ok, list, lists, update, settings, timings}:
  // lists, the lists followed besides the built-in one, each {key, title,
  // url, name, info, update}.
  STATUS: 'status',
  // Popup → background: update every list now → {ok, status, states}
  // (status: the built-in list's; states: every list's by key).
  UPDATE_NOW: 'updateNow',
  // Background → content script (tabs.sendMessage): → {ok, stats} with the
  // content script's own timings; used by the benchmarks.
  CONTENT_STATS: 'contentStats',
});
