// The popup: check a pasted link, email or domain, and see the list's
// status. Also opened in a tab by the context menu, with ?check=INPUT.
import { ask, Msg } from '../shared/messages.js';
import { localize, t, provenance, versionDate } from '../shared/i18n.js';

const $ = (id) => document.getElementById(id);

function when(ms) {
  if (!ms) return t('never');
  return new Date(ms).toLocaleString();
}

async function showStatus() {
  const s = await ask(Msg.STATUS);
  $('list-name').textContent = s.list.name;
  $('list-version').textContent = versionDate(s.list.version);
  $('list-entries').textContent = Number(s.list.entries ?? 0).toLocaleString();
  const u = s.update;
  $('last-update').textContent = u.lastSuccess
    ? `${when(u.lastSuccess)} (${t(u.lastResult === 'updated' ? 'updateUpdated' : 'updateCurrent')})`
    : t('never');
  $('next-update').textContent = s.settings.values.updateUrl ? when(u.nextAt) : t('updatesOff');
  const reachable = u.lastAttempt && !u.lastError;
  $('connection').textContent = !navigator.onLine
    ? t('offline')
    : reachable ? t('onlineServerReachable', [s.settings.values.updateUrl]) : t('onlineServerUnknown');
  $('protection').textContent = protection(s);
  $('update-error').hidden = !u.lastError;
  $('update-error').textContent = u.lastError ? t('updateFailed', [when(u.lastAttempt), u.lastError]) : '';
  showFollowed(s.lists ?? []);
  document.body.dataset.status = 'ready';
}

// showFollowed lists each list followed besides the built-in one: its
// title, version, entries, last update and last error.
function showFollowed(lists) {
  $('followed').hidden = lists.length === 0;
  $('followed-lists').replaceChildren(...lists.map((l) => {
    const li = document.createElement('li');
    li.dataset.list = l.key;
    const info = l.info ?? {};
    li.textContent = info.loaded
      ? t('popupFollowedList', [l.title, versionDate(info.version), Number(info.entries).toLocaleString(), when(l.update.lastSuccess)])
      : t('popupFollowedListNotYet', [l.title]);
    if (l.update.lastError) {
      const err = document.createElement('p');
      err.className = 'error';
      err.textContent = t('popupFollowedListError', [when(l.update.lastAttempt), l.update.lastError]);
      li.append(err);
    }
    return li;
  }));
}

// protection says what happens on the way to a listed site: the request is
// held for the verdict (Firefox, the managed build), the browser blocks it
// by its own rules (Chromium, where the list publishes its names), or the
// page is replaced as it starts loading.
function protection(s) {
  if (s.timings.navigation.requestsHeld) return t('protectionHeld');
  const r = s.browserRules;
  if (r?.available && r.blocked > 0) {
    const n = (x) => Number(x).toLocaleString();
    return r.blocked === r.names ? t('protectionBrowserBlocks', [n(r.blocked)]) : t('protectionBrowserBlocksSome', [n(r.blocked), n(r.names)]);
  }
  return t('protectionWarned');
}

function showResult(r) {
  $('result').hidden = false;
  $('result-verdict').className = `verdict verdict-${r.verdict}`;
  const word = { seized: 'verdictSeized', flagged: 'verdictFlagged', caution: 'verdictCaution', clean: 'verdictClean', invalid: 'verdictInvalid' }[r.verdict];
  $('result-verdict').textContent = t(word ?? 'verdictInvalid');
  if (r.verdict === 'caution') {
    const e = r.entry ?? {};
    const by = t(e.kind === 'seized' ? 'kindSeizedBy' : 'kindFlaggedBy', [e.authority || t('unknownAuthority'), e.date || '?']);
    $('result-why').textContent = t('cautionResultWhy', [r.resembles, by]);
    $('result-detail').textContent = t('cautionHow', [r.how]);
  } else if (r.verdict === 'seized' || r.verdict === 'flagged') {
    $('result-why').textContent = provenance(r.verdict, r.entry) + (r.entry?.note ? ` — ${r.entry.note}` : '');
    $('result-detail').textContent = `${t('warningListed')} ${r.match}`;
  } else if (r.verdict === 'invalid') {
    $('result-why').textContent = r.error ?? '';
    $('result-detail').textContent = '';
  } else {
    $('result-why').textContent = r.allowlisted ? t('allowlisted') : t('notListed');
    $('result-detail').textContent = r.canonical ?? '';
  }
}

async function check(input) {
  if (!input.trim()) return;
  const { result } = await ask(Msg.CHECK, { input: input.trim() });
  showResult(result);
}

function showError(e) {
  $('update-error').hidden = false;
  $('update-error').textContent = e.message ?? String(e);
}

localize();
$('check-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  check($('check-input').value).catch(showError);
});
$('update-now').addEventListener('click', async () => {
  $('update-now').disabled = true;
  try {
    await ask(Msg.UPDATE_NOW);
    await showStatus();
  } catch (e) {
    showError(e);
  } finally {
    $('update-now').disabled = false;
  }
});
const preset = new URLSearchParams(location.search).get('check');
if (preset) {
  $('check-input').value = preset;
  check(preset).catch(showError);
}
showStatus().catch(showError);
