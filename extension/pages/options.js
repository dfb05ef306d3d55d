// Options: the settings no policy sets. Policy-set ones are shown, locked.
import { api } from '../shared/browser.js';
import { KEYS, readSettings, saveSettings } from '../shared/settings.js';
import { localize, t } from '../shared/i18n.js';

const $ = (id) => document.getElementById(id);
const form = $('form');

function show(values, locked) {
  for (const key of KEYS) {
    const el = form.elements[key];
    const v = values[key];
    el.value = key === 'lists' ? v.map(listLine).join('\n') : Array.isArray(v) ? v.join('\n') : String(v);
    el.disabled = locked.includes(key);
    const field = form.querySelector(`[data-key="${key}"]`);
    field.querySelector('.locked')?.remove();
    if (el.disabled) {
      const p = document.createElement('p');
      p.className = 'locked';
      p.textContent = t('optLocked');
      field.append(p);
    }
  }
  $('policy-note').hidden = locked.length === 0;
}

// listLine is a followed list as the lists field takes it.
function listLine(sub) {
  return [sub.url, sub.list, ...sub.keys].join(' ');
}

function showErrors(errors) {
  for (const key of KEYS) {
    const field = form.querySelector(`[data-key="${key}"]`);
    let p = $(`${key}-error`);
    if (!p) {
      p = document.createElement('p');
      p.id = `${key}-error`;
      p.className = 'error';
      field.append(p);
    }
    p.textContent = errors[key] ?? '';
    form.elements[key].setAttribute('aria-invalid', errors[key] ? 'true' : 'false');
  }
  const first = KEYS.find((k) => errors[k]);
  if (first) form.elements[first].focus();
}

// The update server needs a host permission unless it is on this machine
// (granted at install) or answers with CORS headers.
async function askOrigin(updateUrl) {
  if (!updateUrl) return true;
  const origins = [`${new URL(updateUrl).origin}/*`];
  if (await api.permissions.contains({ origins })) return true;
  return api.permissions.request({ origins }).catch(() => false);
}

async function load() {
  const { values, locked, problems } = await readSettings();
  show(values, locked);
  $('problems').hidden = problems.length === 0;
  $('problems').textContent = problems.join('\n');
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const { locked } = await readSettings();
  const changes = {};
  for (const key of KEYS) if (!locked.includes(key)) changes[key] = form.elements[key].value;
  const { errors } = await saveSettings(changes);
  showErrors(errors);
  if (Object.keys(errors).length) {
    $('saved').textContent = '';
    return;
  }
  const { values } = await readSettings();
  let granted = true;
  for (const url of [values.updateUrl, ...values.lists.map((l) => l.url)]) granted = (await askOrigin(url)) && granted;
  $('saved').textContent = granted ? t('optSaved') : t('optSavedNoPermission');
  await load();
});

localize();
load();
