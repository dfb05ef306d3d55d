// RedFlag admin console. Everything goes through the admin API
// (/v1/admin, backend/API.md) with the token in the Authorization header;
// the token lives in sessionStorage only. Pages are built with
// textContent, never by parsing markup, so list data cannot inject any.
'use strict';

const API = '/v1/admin';
const TOKEN_KEY = 'redflag.token';
const $ = (id) => document.getElementById(id);

const state = {
  me: null, // whoami
  list: 'default',
  view: 'entries',
  pages: [], // "after" of each page visited, for Previous
  after: '',
  auditBefore: 0,
};

// ---- API ----

class APIError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  let data = null;
  try { data = await res.json(); } catch { /* empty body */ }
  if (res.status === 401 && state.me) {
    signOut('Your token is no longer accepted; sign in again.');
  }
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

// upload sends a file with XMLHttpRequest, the one browser API that
// reports upload progress.
function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', API + path);
    x.setRequestHeader('Authorization', `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ''}`);
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    x.upload.onload = () => onProgress(file.size, file.size, true);
    x.onerror = () => reject(new APIError(0, { message: 'network error during upload' }));
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { /* not JSON */ }
      if (x.status >= 200 && x.status < 300) resolve(data);
      else reject(new APIError(x.status, data));
    };
    x.send(file);
  });
}

const q = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null && v !== 0) u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
};
const enc = encodeURIComponent;

// ---- DOM helpers ----

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) if (k !== undefined && k !== null) el.append(k instanceof Node ? k : String(k));
  return el;
}

function status(msg) { $('status').textContent = msg; $('error').textContent = ''; }
function error(err) {
  let msg = err instanceof APIError ? err.message : String(err?.message || err);
  if (err instanceof APIError && err.body?.items?.length) {
    msg += ': ' + err.body.items.map((i) => `${i.input}: ${i.reason}${i.guard ? ' (force with a reason to list it anyway)' : ''}`).join('; ');
  }
  $('error').textContent = msg;
}

function when(t) { return t ? new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }
function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
function link(url) {
  return /^https?:\/\//.test(url || '') ? h('a', { href: url, rel: 'noreferrer noopener', target: '_blank' }, url) : (url || '');
}
function debounce(fn, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}
const isAdmin = () => state.me?.role === 'admin';

// ---- sign-in ----

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  let lists;
  try {
    // One round trip: both need only the token.
    [state.me, { lists }] = await Promise.all([api('GET', '/whoami'), api('GET', '/lists')]);
  } catch (err) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.me = null;
    throw err;
  }
  fillLists(lists);
  $('who').textContent = `${state.me.name} (${state.me.role}; review ${state.me.review})`;
  document.body.dataset.role = state.me.role;
  $('session').hidden = false;
  $('tabs').hidden = false;
  for (const el of document.querySelectorAll('[data-role="admin"]')) el.hidden = !isAdmin();
  await show(state.view);
}

// fillLists puts lists in the selector, keeping the selected one if it
// is among them.
function fillLists(lists) {
  $('list').replaceChildren(...lists.map((l) => h('option', { value: l.name }, l.name)));
  if (!lists.some((l) => l.name === state.list) && lists.length) state.list = lists[0].name;
  $('list').value = state.list;
}

// selectList makes name the list every tab works on.
async function selectList(name) {
  state.list = name;
  state.pages = [];
  state.after = '';
  $('list').value = name;
  await show(state.view);
}

function signOut(msg) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.me = null;
  delete document.body.dataset.role;
  $('session').hidden = true;
  $('tabs').hidden = true;
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== 'view-signin';
  $('token').value = '';
  status(msg || 'Signed out; the token is forgotten.');
  $('token').focus();
}

// ---- views ----

const loaders = { entries: loadEntries, import: async () => {}, review: loadReview, history: loadHistory, audit: () => loadAudit(true) };

async function show(view) {
  state.view = view;
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== `view-${view}`;
  for (const b of document.querySelectorAll('#tabs button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  try {
    await loaders[view]();
    await updatePending();
  } catch (err) { error(err); }
}

async function updatePending() {
  const { changes } = await api('GET', `/lists/${enc(state.list)}/changes?state=pending&limit=100`);
  $('pending-count').textContent = changes.length ? `(${changes.length})` : '';
}

// Entries: server-side search and paging by the last pattern of a page.
let entriesSeq = 0;
async function loadEntries() {
  const seq = ++entriesSeq;
  const page = await api('GET', `/lists/${enc(state.list)}/entries${q({ q: $('q').value.trim(), kind: $('q-kind').value, after: state.after, limit: 50, reach: 'true' })}`);
  if (seq !== entriesSeq) return; // a newer search answered meanwhile
  const rows = page.entries.map((e) => h('tr', {},
    h('td', {}, h('code', {}, e.pattern), h('div', { class: 'hint' }, e.describe)),
    h('td', {}, h('span', { class: `kind ${e.kind}` }, e.kind)),
    h('td', {}, e.authority), h('td', { class: 'date' }, e.date), h('td', {}, link(e.reference)), h('td', {}, e.note || ''),
    h('td', {}, e.lookalikes === 'off' ? 'off' : `on${e.reach ? ` · ${e.reach} known-legit ${e.reach === 1 ? 'name' : 'names'} cautioned` : ''}`),
    h('td', {}, e.change ? `#${e.change}` : 'seed'),
    isAdmin() ? h('td', {}, h('button', { type: 'button', 'aria-label': `Remove ${e.pattern}`, onclick: () => askRemove(e.pattern) }, 'Remove')) : null));
  $('entries-table').tBodies[0].replaceChildren(...rows);
  const first = page.entries.length ? state.pages.length * 50 + 1 : 0;
  const filtered = $('q').value.trim() || $('q-kind').value;
  $('entries-summary').textContent = `${filtered ? `${page.matched.toLocaleString('en')} matching of ` : ''}${page.total.toLocaleString('en')} entries; showing ${first.toLocaleString('en')}–${(first + page.entries.length - (first ? 1 : 0)).toLocaleString('en')} (server ${page.took_ms} ms)`;
  $('next-page').disabled = !page.next;
  $('next-page').dataset.next = page.next || '';
  $('prev-page').disabled = state.pages.length === 0;
  $('first-page').disabled = state.pages.length === 0;
}

function askRemove(pattern) {
  $('remove-form').hidden = false;
  $('remove-pattern').textContent = pattern;
  $('remove-reason').value = '';
  $('remove-reason').focus();
}

async function propose(body) {
  const ch = await api('POST', `/lists/${enc(state.list)}/changes`, body);
  status(`Proposed change #${ch.id} (${ch.adds} to add, ${ch.removes} to remove); it waits for review.`);
  await updatePending();
  return ch;
}

function entryInput() {
  return {
    pattern: $('add-pattern').value.trim(), kind: $('add-kind').value, date: $('add-date').value.trim(),
    authority: $('add-authority').value.trim(), reference: $('add-reference').value.trim(), note: $('add-note').value.trim(),
    lookalikes: $('add-lookalikes').value,
  };
}

// reachText says what an entry's look-alikes would caution among the
// known-legit names the publisher ships (lists/reach).
function reachText(r) {
  if (!r) return '';
  const names = r.names.toLocaleString('en');
  if (r.cautioned === 0) return `Look-alikes: no known-legit name of ${names} would be cautioned.`;
  const ex = r.entries[0]?.examples ?? [];
  return `Look-alikes: ${r.cautioned.toLocaleString('en')} of ${names} known-legit names would be cautioned, e.g. ${ex.slice(0, 5).join(', ')}. Consider turning look-alikes off for this entry.`;
}

// validateEntry asks the API, so the messages are the lists core's own.
let validateSeq = 0;
async function validateEntry() {
  const input = entryInput();
  const out = $('add-verdict');
  if (!input.pattern) { out.textContent = ''; out.className = 'verdict'; $('add-force').hidden = true; $('add-reach').textContent = ''; return null; }
  const seq = ++validateSeq;
  const v = await api('POST', `/lists/${enc(state.list)}/validate`, input);
  if (seq !== validateSeq) return null; // a newer keystroke answered meanwhile
  $('add-force').hidden = !v.guard;
  if (v.ok) {
    out.className = 'verdict ok';
    out.textContent = `OK: ${v.pattern} — ${v.describe}${v.listed ? ' (already listed: this replaces its provenance)' : ''}`;
  } else {
    out.className = 'verdict bad';
    out.textContent = v.guard ? `Refused by the guard: ${v.error}` : `Invalid: ${v.error}`;
  }
  $('add-reach').textContent = v.ok || v.guard ? reachText(v.reach) : '';
  return v;
}
const validateSoon = debounce(() => validateEntry().catch(error), 250);

// ---- import ----

// A file larger than one part goes up in parts (line-based formats only,
// split at line boundaries; a CSV part repeats the header): the API takes
// at most 100,000 entries per request.
const PART_BYTES = 2 << 20;
const PART_LINES = 50000;

let importChecked = null; // what the last check saw, to propose exactly that

function importParams(extra = {}) {
  return {
    format: $('imp-format').value, kind: $('imp-kind').value, authority: $('imp-authority').value.trim(), date: $('imp-date').value.trim(),
    reference: $('imp-reference').value.trim(), note: $('imp-note').value.trim(), reason: $('imp-reason').value.trim(),
    lookalikes: $('imp-lookalikes').value, ...extra,
  };
}

// splitFile returns the parts to upload: [{blob, firstLine, header}], where
// a rejected line n of the part is line firstLine + n - (header ? 1 : 0) of
// the file.
async function splitFile(file) {
  if (file.size <= PART_BYTES) return [{ blob: file, firstLine: 0, header: false }];
  const text = await file.text();
  if (/^\s*[{[]/.test(text)) return [{ blob: file, firstLine: 0, header: false }]; // STIX: one JSON document
  const lines = text.split('\n');
  const isCSV = $('imp-format').value === 'csv' || ($('imp-format').value === '' && /,/.test(lines.find((l) => l.trim() && !l.trim().startsWith('#')) || ''));
  const headerAt = isCSV ? lines.findIndex((l) => l.trim() && !l.trim().startsWith('#')) : -1;
  const parts = [];
  let start = 0;
  while (start < lines.length) {
    let end = start;
    let size = 0;
    while (end < lines.length && end - start < PART_LINES && size < PART_BYTES) size += lines[end++].length + 1;
    const withHeader = headerAt >= 0 && start > headerAt;
    const body = lines.slice(start, end).join('\n');
    parts.push({ blob: new Blob([withHeader ? `${lines[headerAt]}\n${body}` : body]), firstLine: start, header: withHeader });
    start = end;
  }
  return parts;
}

// sendParts uploads every part to the path pathOf(i) returns, reporting
// progress over the whole file, and returns each part's answer.
async function sendParts(parts, pathOf, verb) {
  const bar = $('imp-progress');
  const text = $('imp-progress-text');
  bar.hidden = false;
  bar.value = 0;
  const total = parts.reduce((n, p) => n + p.blob.size, 0);
  let before = 0;
  const answers = [];
  for (let i = 0; i < parts.length; i++) {
    const path = pathOf(i, answers);
    if (path === null) { answers.push(null); before += parts[i].blob.size; continue; }
    const of = parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : '';
    answers.push(await upload(path, parts[i].blob, (done, _t, finished) => {
      bar.value = Math.round(((before + done) / total) * 100);
      text.textContent = finished ? `${verb}: the server is reading ${bytes(before + done)} of ${bytes(total)}${of}…` : `${verb}: uploading ${bytes(before + done)} of ${bytes(total)}${of}`;
    }));
    before += parts[i].blob.size;
  }
  bar.value = 100;
  text.textContent = `${verb}: ${bytes(total)} read${parts.length > 1 ? ` in ${parts.length} parts` : ''}.`;
  return answers;
}

async function checkImport() {
  const file = $('imp-file').files[0];
  if (!file) throw new Error('choose a file first');
  const parts = await splitFile(file);
  const params = importParams();
  // The first part's answer fixes the format for the others.
  const answers = await sendParts(parts, (i, done) => {
    if (i > 0 && !params.format) params.format = done[0].format;
    return `/lists/${enc(state.list)}/import${q({ ...params, dry_run: 'true' })}`;
  }, 'checking');
  const sum = { format: answers[0].format, accepted: 0, rejected: [], entries: [], perPart: [], reach: { names: 0, cautioned: 0, entries: [] } };
  answers.forEach((a, i) => {
    const p = parts[i];
    sum.accepted += a.accepted;
    sum.perPart.push(a.accepted);
    for (const r of a.rejected) sum.rejected.push({ ...r, line: p.firstLine + r.line - (p.header ? 1 : 0) });
    if (sum.entries.length < 200) sum.entries.push(...a.entries.slice(0, 200 - sum.entries.length));
    if (a.reach) {
      sum.reach.names = a.reach.names;
      sum.reach.cautioned += a.reach.cautioned;
      sum.reach.entries.push(...a.reach.entries);
    }
  });
  sum.reach.entries.sort((x, y) => y.cautioned - x.cautioned);
  if (!params.format) params.format = sum.format;
  importChecked = { file, parts, params, perPart: sum.perPart, form: JSON.stringify(importParams()) };
  return sum;
}

function showImport(ans) {
  $('imp-result').hidden = false;
  $('imp-summary').textContent = `${ans.format} file: ${ans.accepted.toLocaleString('en')} entries accepted, ${ans.rejected.length.toLocaleString('en')} lines rejected.`;
  const r = ans.reach;
  $('imp-reach').textContent = !r || r.cautioned === 0
    ? `No accepted entry's look-alikes would caution any of ${(r?.names ?? 0).toLocaleString('en')} known-legit names.`
    : `The look-alikes of ${r.entries.length.toLocaleString('en')} accepted entries would caution ${r.cautioned.toLocaleString('en')} of ${r.names.toLocaleString('en')} known-legit names (the most first). Turn look-alikes off for such entries, or import them separately.`;
  $('imp-reach-table').tBodies[0].replaceChildren(...(r?.entries ?? []).slice(0, 50).map((e) => h('tr', {}, h('td', {}, h('code', {}, e.pattern)), h('td', {}, e.cautioned.toLocaleString('en')), h('td', {}, e.examples.join(', ')))));
  $('imp-rejected').tBodies[0].replaceChildren(...ans.rejected.slice(0, 1000).map((r) => h('tr', { class: 'rejected' }, h('td', {}, r.line), h('td', {}, h('code', {}, r.input)), h('td', {}, r.reason))));
  const shown = ans.entries;
  $('imp-accepted-note').textContent = ans.accepted > shown.length ? `(first ${shown.length} of ${ans.accepted.toLocaleString('en')})` : '';
  $('imp-accepted').tBodies[0].replaceChildren(...shown.map((e) => h('tr', {}, h('td', {}, h('code', {}, e.pattern)), h('td', {}, e.kind), h('td', {}, e.authority), h('td', {}, e.date), h('td', {}, link(e.reference)))));
  $('imp-propose').disabled = ans.accepted === 0;
  $('imp-propose').textContent = `Propose ${ans.accepted.toLocaleString('en')} accepted entries`;
}

// proposeImport sends what was checked: one import, or a draft filled
// part by part and then submitted.
async function proposeImport() {
  const c = importChecked;
  if (!c || c.file !== $('imp-file').files[0] || c.form !== JSON.stringify(importParams())) {
    throw new Error('The file or its settings changed since the check: check it again first.');
  }
  const list = enc(state.list);
  if (c.parts.length === 1) {
    const [ans] = await sendParts(c.parts, () => `/lists/${list}/import${q(c.params)}`, 'proposing');
    return { change: ans.change, accepted: ans.accepted, rejected: ans.rejected.length };
  }
  let draft = null;
  const answers = await sendParts(c.parts, (i, done) => {
    if (!c.perPart[i]) return null; // nothing accepted in this part
    draft ||= done.find((a) => a)?.change;
    return draft ? `/changes/${draft.id}/import${q({ ...c.params, reason: '' })}` : `/lists/${list}/import${q({ ...c.params, draft: 'true' })}`;
  }, 'proposing');
  const first = answers.find((a) => a);
  const change = await api('POST', `/changes/${first.change.id}/submit`);
  return { change, accepted: change.adds, rejected: answers.reduce((n, a) => n + (a ? a.rejected.length : 0), 0) };
}

// ---- review ----

async function loadReview() {
  const { changes } = await api('GET', `/lists/${enc(state.list)}/changes${q({ state: $('rv-state').value, limit: 50 })}`);
  const ul = $('rv-list');
  if (!changes.length) { ul.replaceChildren(h('li', {}, 'No changes in this state.')); return; }
  ul.replaceChildren(...changes.map(changeItem));
}

function changeItem(c) {
  const own = c.proposed_by === state.me.name;
  const li = h('li', { class: `change ${c.state}`, id: `change-${c.id}` });
  const head = h('h3', {}, `Change #${c.id}: `, c.reason || '(no reason)');
  const meta = h('p', { class: 'meta' },
    `${c.state} · proposed by `, h('strong', {}, c.proposed_by), ` on ${when(c.proposed)} · +${c.adds} −${c.removes}`,
    c.restore_version ? ` · rollback to version ${c.restore_version}` : '',
    c.reviewed_by ? ` · ${c.state} by ${c.reviewed_by} on ${when(c.reviewed)}${c.review_comment ? `: “${c.review_comment}”` : ''}${c.review_off ? ' (review off)' : ''}` : '');
  li.append(head, meta);
  if (c.force) li.append(h('p', { class: 'warn' }, `Forced past the shared-platform guard: ${c.force_reason}`));
  const diff = h('div', { class: 'diff' });
  const toggle = h('button', { type: 'button', 'aria-expanded': 'false', onclick: async () => {
    if (toggle.getAttribute('aria-expanded') === 'true') { diff.replaceChildren(); toggle.setAttribute('aria-expanded', 'false'); toggle.textContent = 'Show diff'; return; }
    try { await loadDiff(c.id, diff, 0); toggle.setAttribute('aria-expanded', 'true'); toggle.textContent = 'Hide diff'; } catch (err) { error(err); }
  } }, 'Show diff');
  li.append(toggle, diff);
  if (c.state === 'pending') {
    const cid = `comment-${c.id}`;
    const comment = h('textarea', { id: cid, rows: 2 });
    const selfBlocked = own && state.me.review === 'on';
    const note = selfBlocked ? h('p', { class: 'hint', id: `self-${c.id}` }, 'You proposed this change: another admin or a reviewer must approve it. You may reject (withdraw) it.') : null;
    const act = (approve) => async () => {
      try {
        const r = await api('POST', `/changes/${c.id}/${approve ? 'approve' : 'reject'}`, { comment: comment.value.trim() });
        status(`Change #${c.id} ${r.state}.`);
        await loadReview();
        await updatePending();
      } catch (err) { error(err); }
    };
    li.append(h('div', { class: 'review' },
      h('label', { for: cid }, 'Comment (required to reject)'), comment, note,
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'approve', onclick: act(true), disabled: selfBlocked, 'aria-describedby': note ? note.id : undefined }, `Approve #${c.id}`),
        h('button', { type: 'button', class: 'reject', onclick: act(false) }, `Reject #${c.id}`))));
  }
  return li;
}

async function loadDiff(id, box, offset) {
  const p = await api('GET', `/changes/${id}/items?offset=${offset}&limit=100`);
  const prov = (v) => (v ? `${v.kind}, ${v.authority}, ${v.date}${v.reference ? `, ${v.reference}` : ''}${v.note ? ` — ${v.note}` : ''}` : '');
  const rows = p.items.map((it) => h('tr', { class: it.op },
    h('td', {}, it.op === 'add' ? (it.current ? '± replace' : '+ add') : '− remove'),
    h('td', {}, h('code', {}, it.pattern), h('div', { class: 'hint' }, it.describe)),
    h('td', {}, prov(it.provenance)), h('td', {}, prov(it.current))));
  const table = h('table', {}, h('caption', { class: 'sr' }, `Items of change ${id}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Op'), h('th', { scope: 'col' }, 'Pattern'), h('th', { scope: 'col' }, 'New provenance'), h('th', { scope: 'col' }, 'Listed now as'))),
    h('tbody', {}, rows));
  const nav = h('p', {}, `Items ${offset + 1}–${offset + p.items.length} of ${p.total}`,
    offset > 0 ? h('button', { type: 'button', onclick: () => loadDiff(id, box, Math.max(0, offset - 100)).catch(error) }, 'Previous items') : null,
    p.next ? h('button', { type: 'button', onclick: () => loadDiff(id, box, p.next).catch(error) }, 'Next items') : null);
  box.replaceChildren(h('div', { class: 'scroll' }, table), nav);
}

// ---- publish and history ----

async function loadHistory() {
  const [{ lists }, { versions }] = await Promise.all([api('GET', '/lists'), api('GET', `/lists/${enc(state.list)}/history?limit=50`)]);
  const l = lists.find((x) => x.name === state.list);
  $('pub-state').textContent = l ? `${l.entries.toLocaleString('en')} entries in the working list; ${l.unpublished ? 'approved changes wait for publication.' : 'everything approved is published.'}${l.deltas_pending ? ' Deltas from older versions are still being made.' : ''}` : '';
  $('publish').disabled = !l?.unpublished;
  const rows = versions.map((v, i) => h('tr', {},
    h('td', {}, h('code', {}, v.version)), h('td', {}, when(v.created)), h('td', {}, v.published_by),
    h('td', {}, v.entries.toLocaleString('en')), h('td', {}, bytes(v.size)),
    h('td', {}, (v.deltas || []).map((d) => `${d.from}: ${bytes(d.size)}`).join(', ') || '—'),
    isAdmin() ? h('td', {}, i === 0 ? 'current' : h('button', { type: 'button', onclick: () => askRollback(v.version) }, `Roll back to ${v.version}`)) : null));
  $('history-table').tBodies[0].replaceChildren(...rows);
}

function askRollback(version) {
  $('rollback-form').hidden = false;
  $('rollback-form').dataset.version = version;
  $('rb-version').textContent = version;
  $('rb-reason').value = '';
  $('rb-reason').focus();
}

// ---- audit ----

async function loadAudit(fresh) {
  if (fresh) state.auditBefore = 0;
  const tz = (d, end) => (d ? `${d}T${end ? '23:59:59' : '00:00:00'}Z` : '');
  const { events } = await api('GET', `/audit${q({ actor: $('au-actor').value.trim(), action: $('au-action').value, since: tz($('au-since').value), until: tz($('au-until').value, true), before: state.auditBefore, limit: 100 })}`);
  const rows = events.map((e) => h('tr', {},
    h('td', {}, e.id), h('td', {}, when(e.at)), h('td', { class: 'actor' }, e.actor), h('td', { class: 'action' }, e.action),
    h('td', {}, e.list || ''), h('td', {}, e.target || ''), h('td', {}, h('code', { class: 'detail' }, e.detail || ''))));
  const body = $('audit-table').tBodies[0];
  if (fresh) body.replaceChildren(...rows); else body.append(...rows);
  if (events.length) state.auditBefore = events[events.length - 1].id;
  $('audit-more').disabled = events.length < 100;
  status(`${body.rows.length} audit event${body.rows.length === 1 ? '' : 's'} shown.`);
}

// ---- wiring ----

function on(id, ev, fn) {
  $(id).addEventListener(ev, async (e) => {
    if (ev === 'submit') e.preventDefault();
    try { await fn(e); } catch (err) { error(err); }
  });
}

function init() {
  on('signin-form', 'submit', async () => {
    try {
      await signIn($('token').value.trim());
      status(`Signed in as ${state.me.name} (${state.me.role}).`);
      $('main').focus();
    } catch (err) {
      error(err.status === 401 ? new Error('Sign-in failed: that token is unknown or revoked.') : err);
      $('token').focus();
    }
  });
  on('signout', 'click', () => signOut());
  on('list', 'change', () => selectList($('list').value));
  for (const b of document.querySelectorAll('#tabs button')) {
    on(b.id || (b.id = `tab-${b.dataset.view}`), 'click', () => { status(''); return show(b.dataset.view); });
  }

  const search = async () => { state.pages = []; state.after = ''; await loadEntries(); };
  on('search-form', 'submit', search);
  $('q').addEventListener('input', debounce(() => search().catch(error), 300));
  on('q-kind', 'change', search);
  on('next-page', 'click', async () => { state.pages.push(state.after); state.after = $('next-page').dataset.next; await loadEntries(); });
  on('prev-page', 'click', async () => { state.after = state.pages.pop() || ''; await loadEntries(); });
  on('first-page', 'click', async () => { state.pages = []; state.after = ''; await loadEntries(); });

  on('remove-form', 'submit', async () => {
    await propose({ reason: $('remove-reason').value.trim(), remove: [$('remove-pattern').textContent] });
    $('remove-form').hidden = true;
  });
  on('remove-cancel', 'click', () => { $('remove-form').hidden = true; });

  for (const id of ['add-pattern', 'add-kind', 'add-date', 'add-authority', 'add-reference', 'add-note']) $(id).addEventListener('input', validateSoon);
  $('add-lookalikes').addEventListener('change', validateSoon);
  on('add-form', 'submit', async () => {
    const v = await validateEntry();
    if (v && !v.ok && !(v.guard && $('add-force-on').checked)) { $('add-pattern').focus(); throw new Error(`Not proposed: ${v.error}`); }
    const force = !$('add-force').hidden && $('add-force-on').checked;
    await propose({ reason: $('add-reason').value.trim(), add: [entryInput()], force, force_reason: force ? $('add-force-reason').value.trim() : '' });
    for (const id of ['add-pattern', 'add-note', 'add-reason', 'add-force-reason']) $(id).value = '';
    $('add-force-on').checked = false;
    $('add-force').hidden = true;
    $('add-verdict').textContent = '';
  });

  on('import-form', 'submit', async () => {
    $('imp-result').hidden = true;
    const ans = await checkImport();
    showImport(ans);
    status(`Checked: ${ans.accepted} accepted, ${ans.rejected.length} rejected. Nothing proposed yet.`);
  });
  on('imp-propose', 'click', async () => {
    const r = await proposeImport();
    $('imp-propose').disabled = true;
    importChecked = null;
    status(`Proposed change #${r.change.id} with ${r.accepted} entries (${r.rejected} rejected lines left out); it waits for review.`);
    await updatePending();
  });

  on('rv-state', 'change', loadReview);
  on('rv-refresh', 'click', loadReview);

  on('publish', 'click', async () => {
    const v = await api('POST', `/lists/${enc(state.list)}/publish`, {});
    status(`Published version ${v.version}: ${v.entries} entries, ${bytes(v.size)}.`);
    await loadHistory();
  });
  on('rollback-form', 'submit', async () => {
    const ch = await api('POST', `/lists/${enc(state.list)}/rollback`, { to: Number($('rollback-form').dataset.version), reason: $('rb-reason').value.trim() });
    $('rollback-form').hidden = true;
    status(`Proposed rollback as change #${ch.id}; it is published after approval.`);
    await updatePending();
  });
  on('rb-cancel', 'click', () => { $('rollback-form').hidden = true; });

  on('audit-form', 'submit', () => loadAudit(true));
  on('audit-more', 'click', () => loadAudit(false));

  if (sessionStorage.getItem(TOKEN_KEY)) {
    signIn(sessionStorage.getItem(TOKEN_KEY)).catch(() => signOut('Your saved session ended; sign in again.'));
  } else {
    $('token').focus();
  }
}

init();
