// Marks listed links, email addresses and domains on job and freelance
// platforms. It collects candidates from the page (link targets, and
// emails and bare domains in text), asks the background to check them in
// batches, and puts an accessible badge next to the listed ones (and an
// amber one next to names that only resemble a listed one). Content
// added later is picked up by a MutationObserver, batched and throttled.
// Page content never leaves the browser: only the extension's checker
// sees it.
//
// A classic script (content scripts cannot be modules); shared/protocol.js
// runs before it.
(() => {
  const Msg = globalThis.RedFlagProtocol;
  const api = globalThis.browser ?? globalThis.chrome;
  const THROTTLE_MS = 250;
  // Inputs per message. Sending costs the page more than linearly in the
  // message's size, so a big page goes in several: in Chromium, the page of
  // 5,000 links spent 8.4–11 ms sending one message, 5.8–7.4 ms sending
  // five of 1,000 and 1.9–4.8 ms sending ten of 500 (README, "Measured").
  const BATCH = 500;
  const MAX_REMEMBERED = 100000; // verdicts kept per page
  const OURS = 'data-redflag';
  const { eachToken } = globalThis.RedFlagTokens;
  // Elements whose text is not shown as text: scripts, form fields.
  // (Code blocks are shown, and a listed domain in a "coding test" is worth
  // a badge.) Tag names only, which match fast; marking also skips
  // editable text and ours.
  const NOT_PROSE = 'script,style,noscript,textarea,select,template,svg,math,title';
  const NO_MARK = `a,${NOT_PROSE},[contenteditable],[${OURS}]`;

  // known: input → {batch, i, summary}: the input is batch.inputs[i].
  // While batch.targets is not null the answer has not come and
  // batch.targets[i] holds what waits for it (one target, or an array of
  // them); after, summary is the listed entry or null (clean). Absent: not
  // asked yet. Answering costs a step per listed input, not per input.
  const known = new Map();
  const stats = { scans: 0, scriptMs: 0, lastScan: null, marked: 0 };

  const timing = { linksMs: 0, proseMs: 0 };
  let pendingRoots = [];
  let timer = 0;

  function say(name, subs) {
    return api.i18n.getMessage(name, subs) || name;
  }

  // why is the tooltip and accessible label of a badge.
  function why(summary) {
    const e = summary.entry ?? {};
    if (summary.verdict === 'caution') {
      const by = say(e.kind === 'seized' ? 'kindSeizedBy' : 'kindFlaggedBy', [e.authority || say('unknownAuthority'), e.date || '?']);
      return say('badgeCaution', [summary.resembles, by, summary.how]) + fromList(summary);
    }
    const kind = summary.verdict === 'seized' ? 'badgeSeized' : 'badgeFlagged';
    let text = say(kind, [e.authority || say('unknownAuthority'), e.date || '?']);
    if (e.note) text += ` — ${e.note}`;
    return `${text} (${say('badgeListedAs', [summary.match])})${fromList(summary)}`;
  }

  // fromList names the list that answered, when several are followed.
  function fromList(summary) {
    return summary.list ? ` — ${say('badgeFromList', [summary.list])}` : '';
  }

  function outlineClass(summary) {
    return summary.verdict === 'caution' ? 'redflag-caution' : 'redflag-listed';
  }

  function badge(summary) {
    const b = document.createElement('span');
    b.setAttribute(OURS, 'badge');
    b.className = `redflag-badge redflag-${summary.verdict}`;
    b.setAttribute('role', 'img');
    const label = why(summary);
    b.setAttribute('aria-label', `RedFlag: ${label}`);
    b.title = `RedFlag: ${label}`;
    b.tabIndex = 0; // the tooltip's text is reachable by keyboard too
    b.textContent = say({ seized: 'badgeTextSeized', flagged: 'badgeTextFlagged', caution: 'badgeTextCaution' }[summary.verdict] ?? 'badgeTextFlagged');
    return b;
  }

  function ours(node) {
    const el = node.nodeType === 1 ? node : node.parentElement;
    return el !== null && el.closest(`[${OURS}]`) !== null;
  }

  // collect finds the candidates under root and adds them to scanning (see
  // want): for a link the <a> is its target, for an email or domain in the
  // text {input, text: root}. Native calls do the walking
  // (querySelectorAll, textContent): touching each node from script costs
  // a binding crossing per property in a content script.
  function collect(root, scanning) {
    if (root.nodeType === 3) root = root.parentElement;
    if (root === null || root.nodeType !== 1 && root.nodeType !== 9) return;
    if (root.nodeType === 1) {
      if (ours(root)) return;
      const a = root.closest('a[href]');
      if (a !== null) { link(a, scanning); return; }
    }
    // document.links is kept by the browser; a query walks the tree.
    const t0 = performance.now();
    const links = root === document.body || root === document ? document.links : root.querySelectorAll('a[href]');
    for (let i = 0; i < links.length; i++) link(links[i], scanning);
    addresses(root, scanning);
    const t1 = performance.now();
    for (const token of proseTokens(root)) want(scanning, token, { input: token, text: root });
    timing.linksMs += t1 - t0;
    timing.proseMs += performance.now() - t1;
  }

  // proseTokens returns the emails and domains in root's text, leaving out
  // text that is not prose (scripts, form fields): occurrences inside those
  // are counted and subtracted.
  function proseTokens(root) {
    const text = root.textContent ?? '';
    // Every token holds "." or "://": without either, skip the query below.
    if (text.length < 4 || (text.indexOf('.') < 0 && text.indexOf('://') < 0)) return [];
    let hidden; // token → occurrences in text that is not prose
    for (const el of root.querySelectorAll(NOT_PROSE)) {
      eachToken(el.textContent, (t) => {
        hidden ??= new Map();
        hidden.set(t, (hidden.get(t) ?? 0) + 1);
      });
    }
    const out = new Set();
    eachToken(text, (t) => {
      const n = hidden?.get(t);
      if (n === undefined) out.add(t);
      else if (n > 1) hidden.set(t, n - 1);
      else hidden.delete(t);
    });
    return out;
  }

  // want adds one candidate found by a scan: an input not asked about yet
  // goes into the scan's current batch, one already asked waits for that
  // answer, one known to be listed goes to scanning.listed to be marked at
  // once.
  function want(scanning, input, target) {
    scanning.found++;
    const k = known.get(input);
    if (k === undefined) {
      let b = scanning.batch;
      if (b.inputs.length === BATCH) {
        b = scanning.batch = newBatch();
        scanning.batches.push(b);
      }
      known.set(input, { batch: b, i: b.inputs.length, summary: null });
      b.inputs.push(input);
      b.targets.push(target);
    } else if (k.batch.targets !== null) {
      const waiting = k.batch.targets[k.i];
      if (Array.isArray(waiting)) waiting.push(target);
      else k.batch.targets[k.i] = [waiting, target];
    } else if (k.summary !== null) {
      scanning.listed.push([target, k.summary]);
    }
  }

  function newBatch() {
    return { inputs: [], targets: [] };
  }

  // An absolute http(s) link as written, needing nothing done to it: most
  // links, so one pattern test settles them.
  const PLAIN_WEB_LINK = /^https?:[^\t\n\r]*$/i;

  // Outlook's Safe Links wrap each link of a message in a redirect,
  // https://….safelinks.protection.outlook.com/?url=ORIGINAL&…: the
  // original is what to check.
  const SAFE_LINKS = /^https:\/\/[a-z0-9.-]*\.safelinks\.protection\.outlook\.com\/[^#]*?[?&]url=([^&#]+)/i;

  function link(a, scanning) {
    // Absolute links as written (the checker canonicalizes); only relative
    // ones need the browser to resolve them.
    let raw = a.getAttribute('href');
    if (raw.includes('.safelinks.')) {
      const m = SAFE_LINKS.exec(raw);
      try { if (m) raw = decodeURIComponent(m[1]); } catch { /* as written */ }
    }
    if (PLAIN_WEB_LINK.test(raw)) {
      want(scanning, raw, a);
      return;
    }
    const cleaned = raw.replace(/[\t\n\r]/g, ''); // as browsers do
    const href = /^(https?:|mailto:)/i.test(cleaned) ? cleaned : a.href;
    if (/^mailto:/i.test(href)) {
      let addr = href.slice(7).split('?')[0];
      try { addr = decodeURIComponent(addr); } catch { /* as written */ }
      if (addr.includes('@') && !/\s/.test(addr)) want(scanning, addr, a);
    } else if (/^https?:/i.test(href)) {
      want(scanning, href, a);
    }
  }

  // Elements that hold an email address in an attribute rather than in
  // their text: webmail shows a sender, reply-to or recipient by name and
  // keeps the address in `email` (Gmail, also in its hovercard id).
  const ADDRESS_HOLDERS = '[email],[data-hovercard-id*="@"]';

  function addresses(root, scanning) {
    const holders = root.querySelectorAll(ADDRESS_HOLDERS);
    if (root.nodeType === 1 && root.matches(ADDRESS_HOLDERS)) address(root, scanning);
    for (let i = 0; i < holders.length; i++) address(holders[i], scanning);
  }

  function address(el, scanning) {
    if (ours(el)) return;
    const addr = (el.getAttribute('email') || el.getAttribute('data-hovercard-id') || '').trim();
    if (addr.includes('@') && !/\s/.test(addr)) want(scanning, addr, el);
  }

  // mark marks a target: an element (a link, an address holder), or
  // {input, text: root} for text.
  function mark(target, summary) {
    if (target.nodeType === 1) {
      const a = target;
      if (!a.isConnected || a.nextElementSibling?.getAttribute(OURS) === 'badge') return;
      a.classList.add(outlineClass(summary));
      a.after(badge(summary));
    } else {
      markText(target.text, target.input, summary);
      return;
    }
    stats.marked++;
  }

  // markText wraps every prose occurrence of token under root, as a whole
  // token (not inside a longer word, address or link), with a badge.
  // Only listed tokens get here, so walking the text nodes is rare.
  function markText(root, token, summary) {
    if (!root.isConnected) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const hits = [];
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      if (n.data.indexOf(token) < 0) continue;
      const p = n.parentElement;
      if (p === null || p.closest(NO_MARK) !== null) continue;
      hits.push(n);
    }
    for (const node of hits) {
      for (let at = node.data.lastIndexOf(token); at >= 0; at = at > 0 ? node.data.lastIndexOf(token, at - 1) : -1) {
        const before = node.data[at - 1] ?? ' ';
        const after = node.data[at + token.length] ?? ' ';
        if (/[\w@.\/%+-]/.test(before) || /[\w@-]/.test(after)) continue;
        const hit = at > 0 ? node.splitText(at) : node;
        hit.splitText(token.length);
        const wrap = document.createElement('span');
        wrap.setAttribute(OURS, 'hit');
        wrap.className = outlineClass(summary);
        hit.replaceWith(wrap);
        wrap.append(hit, badge(summary));
        stats.marked++;
        if (hit === node) break;
      }
    }
  }

  // scan collects under roots, marks what is already known, and asks the
  // background about the rest in batches.
  function scan(roots) {
    const t0 = performance.now();
    timing.linksMs = timing.proseMs = 0;
    // batches: the inputs to ask about, BATCH to a message; listed:
    // [target, summary] already known to be listed.
    const first = newBatch();
    const scanning = { found: 0, batch: first, batches: [first], listed: [] };
    for (const r of roots) if (r.isConnected) collect(r, scanning);
    const t1 = performance.now();
    markAll(scanning.listed);
    const t2 = performance.now();
    stats.scans++;
    stats.scriptMs += t2 - t0;
    const asked = (scanning.batches.length - 1) * BATCH + scanning.batch.inputs.length;
    stats.lastScan = { targets: scanning.found, asked, collectMs: t1 - t0, ...timing, markMs: t2 - t1, startedAt: t0 };
    for (const b of scanning.batches) {
      if (b.inputs.length === 0) continue;
      b.scanStats = stats.lastScan;
      send(b);
    }
  }

  // markAll marks [target, summary] pairs.
  function markAll(pairs) {
    if (pairs.length === 0) return;
    // Our own changes are not new content: hand the page's pending
    // records to the queue, mark, then drop the records marking made.
    queue(observer.takeRecords());
    for (const [t, summary] of pairs) mark(t, summary);
    observer.takeRecords();
  }

  // The port batches go over (Msg.CHECK_PORT): opened by a batch, closed
  // once no batch waits for its answer (in Firefox an open port keeps the
  // background awake), and lost when the worker stops, which sends the
  // batches that were waiting again.
  let port = null;
  const waiting = new Map(); // batch.id → batch
  let lastId = 0;

  function openPort() {
    const p = api.runtime.connect({ name: Msg.CHECK_PORT });
    p.onMessage.addListener(answered);
    p.onDisconnect.addListener(() => {
      if (port === p) port = null;
      const lost = [...waiting.values()];
      waiting.clear();
      for (const batch of lost) again(batch);
    });
    return p;
  }

  // send asks the background about a batch; answered marks its listed
  // inputs.
  function send(batch) {
    const t = performance.now();
    batch.id = ++lastId;
    waiting.set(batch.id, batch);
    try {
      port ??= openPort();
      port.postMessage({ id: batch.id, inputs: batch.inputs.join('\n') });
    } catch {
      // The extension was reloaded, or the port closed under us.
      waiting.delete(batch.id);
      port = null;
      again(batch);
    }
    const sendMs = performance.now() - t; // serializing the batch
    batch.scanStats.sendMs = (batch.scanStats.sendMs ?? 0) + sendMs;
    stats.scriptMs += sendMs;
  }

  // again sends a batch that got no answer a little later (the worker was
  // stopping or starting); after three tries its inputs are forgotten, so
  // that a later scan asks again.
  function again(batch) {
    batch.attempt = (batch.attempt ?? 0) + 1;
    if (batch.attempt <= 3) setTimeout(() => send(batch), 500 * 2 ** (batch.attempt - 1));
    else finish(batch, undefined);
  }

  function answered(answer) {
    const batch = waiting.get(answer?.id);
    if (batch === undefined) return;
    waiting.delete(batch.id);
    if (waiting.size === 0 && port !== null) {
      port.disconnect();
      port = null;
    }
    if (answer.ok) finish(batch, answer);
    else again(batch);
  }

  // finish records a batch's answer (undefined: none came) and marks.
  function finish(batch, answer) {
    const t0 = performance.now();
    const toMark = [];
    if (answer !== undefined) {
      // Only inputs to mark come back (listed, or cautions); every other
      // one is clean, which dropping the targets says (see known).
      for (const [i, summary] of answer.marked) {
        const rec = known.get(batch.inputs[i]);
        if (rec?.batch === batch) rec.summary = summary; // unless forgotten since
        const waitingTargets = batch.targets[i];
        if (Array.isArray(waitingTargets)) for (const t of waitingTargets) toMark.push([t, summary]);
        else toMark.push([waitingTargets, summary]);
      }
      if (known.size > MAX_REMEMBERED) known.clear(); // a long-lived page: start over
    } else {
      for (const input of batch.inputs) if (known.get(input)?.batch === batch) known.delete(input);
    }
    batch.targets = null;
    markAll(toMark);
    const t1 = performance.now();
    const scanStats = batch.scanStats;
    stats.scriptMs += t1 - t0;
    scanStats.answerMarkMs = (scanStats.answerMarkMs ?? 0) + (t1 - t0);
    scanStats.doneMs = t1 - scanStats.startedAt;
    scanStats.checkMs = (scanStats.checkMs ?? 0) + (answer?.checkMs ?? 0); // in the background
  }

  function queue(records) {
    for (const rec of records) {
      if (rec.type === 'attributes') pendingRoots.push(rec.target);
      else for (const n of rec.addedNodes) if (!ours(n)) pendingRoots.push(n);
    }
    if (pendingRoots.length && !timer) timer = setTimeout(flush, THROTTLE_MS);
  }

  function flush() {
    timer = 0;
    const roots = pendingRoots;
    pendingRoots = [];
    // Drop roots inside other roots: they are scanned with them.
    const set = new Set(roots);
    scan(roots.filter((r) => {
      for (let p = r.parentNode; p; p = p.parentNode) if (set.has(p)) return false;
      return true;
    }));
  }

  const observer = new MutationObserver(queue);
  observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['href'] });

  api.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
    if (msg?.type === Msg.CONTENT_STATS) {
      sendResponse({ ok: true, stats: { ...stats, lastScan: stats.lastScan && { ...stats.lastScan } } });
    }
    return false;
  });

  scan([document.body ?? document.documentElement]);
})();
