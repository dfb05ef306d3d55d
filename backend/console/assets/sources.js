// RedFlag admin console: the Sources tab (feeds a list follows; API in
// backend/API.md "Sources"). Loaded after console.js, whose helpers (api,
// h, $, state, on, show, status, error, when, link, isAdmin, loaders,
// updatePending) it uses; like it, it builds pages with textContent only.
'use strict';

const sourcesView = { editing: null, shown: null };

loaders.sources = loadSources;

async function loadSources() {
  const { sources } = await api('GET', `/lists/${enc(state.list)}/sources`);
  const body = $('sources-table').tBodies[0];
  if (!sources.length) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, 'This list follows no source yet.')));
  } else {
    const rows = await Promise.all(sources.map(sourceRow));
    body.replaceChildren(...rows);
  }
  if (sourcesView.shown && sources.some((s) => s.name === sourcesView.shown)) await showPulls(sourcesView.shown);
  else $('source-pulls').hidden = true;
}

function lastPull(s) {
  if (!s.last_pull) return 'never';
  return `${when(s.last_pull)}: ${s.last_result}${s.last_error ? ` — ${s.last_error}` : ''}`;
}

// sourceRow shows a source with its last pulls' changes, which it reads
// from the source's own answer.
async function sourceRow(s) {
  const { pulls } = await api('GET', `/lists/${enc(state.list)}/sources/${enc(s.name)}`);
  const proposed = pulls.filter((p) => p.change);
  const last = pulls[0];
  const counts = last?.result === 'proposed' && s.last_result === 'proposed' ? ` (read ${last.entries}, +${last.added} −${last.removed}${last.held ? `; held: ${last.held}` : ''})` : '';
  const tr = h('tr', { id: `source-${s.name}`, class: s.last_result === 'error' ? 'rejected' : '' },
    h('td', {}, h('strong', {}, s.name), ` · ${s.format} · ${s.enabled ? 'enabled' : 'disabled'}`,
      h('div', { class: 'hint' }, link(s.url)),
      h('div', { class: 'hint' }, `${s.kind}, ${s.authority}, ${s.reference}${s.has_secret ? ` · sends ${s.secret_header}` : ''} · ${s.entries} entries carried`)),
    h('td', {}, `every ${s.every} · ${s.review}`, h('div', { class: 'hint' }, `held over +${s.max_adds} or −${s.max_remove_percent}%`)),
    h('td', { class: 'last-pull' }, lastPull(s), counts, s.failures ? h('div', { class: 'hint' }, `${s.failures} failed in a row; retried with backoff`) : null),
    h('td', { class: 'date' }, s.enabled ? when(s.next_pull) : '—'),
    h('td', {}, proposed.length ? proposed.slice(0, 5).map((p) => h('button', { type: 'button', onclick: () => openChange(p.change) }, `#${p.change}`)) : 'none',
      h('div', {}, h('button', { type: 'button', onclick: () => showPulls(s.name).catch(error) }, `Pulls of ${s.name}`))),
    isAdmin() ? h('td', {},
      h('button', { type: 'button', onclick: () => pullNow(s.name).catch(error) }, `Pull ${s.name} now`),
      h('button', { type: 'button', onclick: () => editSource(s) }, `Edit ${s.name}`),
      h('button', { type: 'button', onclick: () => setEnabled(s.name, !s.enabled).catch(error) }, `${s.enabled ? 'Disable' : 'Enable'} ${s.name}`)) : null);
  return tr;
}

async function showPulls(name) {
  const { pulls } = await api('GET', `/lists/${enc(state.list)}/sources/${enc(name)}/pulls?limit=50`);
  sourcesView.shown = name;
  $('sp-name').textContent = name;
  $('sp-table').tBodies[0].replaceChildren(...pulls.map((p) => h('tr', { class: p.result === 'error' ? 'rejected' : '' },
    h('td', { class: 'date' }, when(p.at)), h('td', {}, p.by), h('td', {}, p.result), h('td', {}, p.http_status || ''),
    h('td', {}, p.result === 'proposed' || p.entries ? p.entries : ''), h('td', {}, p.added), h('td', {}, p.removed),
    h('td', {}, p.change ? h('button', { type: 'button', onclick: () => openChange(p.change) }, `#${p.change}`) : ''),
    h('td', {}, p.error || (p.held ? `held: ${p.held}` : '')))));
  $('source-pulls').hidden = false;
}

// openChange shows a change a source proposed in the review queue.
async function openChange(id) {
  $('rv-state').value = '';
  await show('review');
  document.getElementById(`change-${id}`)?.scrollIntoView();
}

async function pullNow(name) {
  status(`Pulling ${name}…`);
  const p = await api('POST', `/lists/${enc(state.list)}/sources/${enc(name)}/pull`);
  if (p.result === 'error') error(new Error(`${name}: the pull failed and changed nothing: ${p.error}`));
  else if (p.change) status(`${name}: change #${p.change} proposed (${p.added} to add, ${p.removed} to remove)${p.held ? `; held for a person: ${p.held}` : ''}.`);
  else status(`${name}: unchanged, nothing proposed.`);
  sourcesView.shown = name;
  await loadSources();
  await updatePending();
}

async function setEnabled(name, enabled) {
  const s = await api('PATCH', `/lists/${enc(state.list)}/sources/${enc(name)}`, { enabled });
  status(`${s.name} ${s.enabled ? `enabled; next pull ${when(s.next_pull)}` : 'disabled'}.`);
  await loadSources();
}

const sourceFields = { url: 'sf-url', format: 'sf-format', kind: 'sf-kind', authority: 'sf-authority', reference: 'sf-reference', every: 'sf-every', review: 'sf-review', secret_header: 'sf-secret-header' };

function editSource(s) {
  sourcesView.editing = s.name;
  $('sf-title').textContent = `Edit ${s.name}`;
  $('sf-name').value = s.name;
  $('sf-name').disabled = true;
  for (const [k, id] of Object.entries(sourceFields)) $(id).value = s[k] ?? '';
  $('sf-max-adds').value = s.max_adds;
  $('sf-max-remove').value = s.max_remove_percent;
  $('sf-secret').value = '';
  $('sf-secret').placeholder = s.has_secret ? 'unchanged unless typed' : '';
  $('sf-enabled').checked = s.enabled;
  $('sf-submit').textContent = 'Save source';
  $('sf-cancel').hidden = false;
  $('sf-url').focus();
}

function resetSourceForm() {
  sourcesView.editing = null;
  $('source-form').reset();
  $('sf-name').disabled = false;
  $('sf-title').textContent = 'Add a source';
  $('sf-submit').textContent = 'Add source';
  $('sf-secret').placeholder = '';
  $('sf-cancel').hidden = true;
}

// sourceSettings sends what the form says; empty optional fields are
// left out so the server's defaults (or the current values) apply.
function sourceSettings() {
  const body = {};
  for (const [k, id] of Object.entries(sourceFields)) {
    const v = $(id).value.trim();
    if (v || (sourcesView.editing && ['authority', 'reference', 'secret_header'].includes(k))) body[k] = v;
  }
  for (const [k, id] of [['max_adds', 'sf-max-adds'], ['max_remove_percent', 'sf-max-remove']]) {
    if ($(id).value !== '') body[k] = Number($(id).value);
  }
  if ($('sf-secret').value) body.secret = $('sf-secret').value;
  body.enabled = $('sf-enabled').checked;
  return body;
}

async function saveSource() {
  const body = sourceSettings();
  let s;
  if (sourcesView.editing) {
    s = await api('PATCH', `/lists/${enc(state.list)}/sources/${enc(sourcesView.editing)}`, body);
    status(`Saved ${s.name}.`);
  } else {
    s = await api('POST', `/lists/${enc(state.list)}/sources`, { name: $('sf-name').value.trim(), ...body });
    status(`Added ${s.name}${s.enabled ? '; its first pull is due now' : ' (disabled: pull it now to try it)'}.`);
  }
  resetSourceForm();
  await loadSources();
}

on('source-form', 'submit', saveSource);
on('sf-cancel', 'click', resetSourceForm);
