// RedFlag admin console: the Lists tab (the selected list's settings and
// new lists; API in backend/API.md "Admin API"). Loaded after console.js,
// whose helpers (api, enc, $, state, on, status, isAdmin, loaders,
// fillLists, selectList) it uses; like it, it sets text with textContent
// only.
'use strict';

const listsView = { shown: null }; // the settings as last read

loaders.lists = loadListSettings;

async function loadListSettings() {
  const { lists } = await api('GET', '/lists');
  const l = lists.find((x) => x.name === state.list);
  if (!l) throw new Error(`no list named ${state.list}`);
  listsView.shown = l;
  $('ls-name').textContent = l.name;
  $('ls-state').textContent = listState(l);
  $('ls-description').value = l.description;
  $('ls-browser-names').checked = l.browser_names;
  // Reviewers read the settings; only admins may change them.
  $('ls-description').disabled = !isAdmin();
  $('ls-browser-names').disabled = !isAdmin();
  refusal('ls', null);
}

function listState(l) {
  const names = l.browser_names ? 'names published for browser blocking rules' : 'names kept out of the published list';
  if (!l.published) return `${l.entries.toLocaleString('en')} entries; ${names}. Not published yet: nothing is served until it is.`;
  return `${l.entries.toLocaleString('en')} entries; ${names}; published version ${l.published}${l.unpublished ? '; changes wait for publication' : ''}.`;
}

// Which field an API refusal is about, by its message (workflow's).
const refusalFields = {
  nl: [[/^list name|already exists/, 'nl-name'], [/^description/, 'nl-description']],
  ls: [[/^description/, 'ls-description']],
};

// refusal shows an API refusal beside its form (prefix nl or ls) and on
// the field it is about, leaving what was typed in place; null clears it.
function refusal(prefix, err, verb) {
  $(`${prefix}-error`).textContent = err ? `${verb}: ${err.message}` : '';
  const bad = err && refusalFields[prefix].find(([re]) => re.test(err.message))?.[1];
  for (const [, id] of refusalFields[prefix]) {
    if (id === bad) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
  if (bad) $(bad).focus();
}

async function createList() {
  const name = $('nl-name').value.trim();
  const body = { name, description: $('nl-description').value.trim(), browser_names: $('nl-browser-names').checked };
  try {
    await api('POST', '/lists', body);
  } catch (err) {
    status('');
    refusal('nl', err, 'Not created');
    return;
  }
  $('new-list-form').reset();
  refusal('nl', null);
  const { lists } = await api('GET', '/lists');
  fillLists(lists);
  await selectList(name);
  status(`Created list ${name}; it is selected. Nothing is served until it is published (Publish & history).`);
}

// saveListSettings sends only what changed, so that it never undoes
// another admin's change to the other setting.
async function saveListSettings() {
  const l = listsView.shown;
  const body = {};
  const description = $('ls-description').value.trim();
  if (description !== l.description) body.description = description;
  if ($('ls-browser-names').checked !== l.browser_names) body.browser_names = $('ls-browser-names').checked;
  if (!Object.keys(body).length) { status(`Nothing to save: the settings of ${l.name} are as shown.`); return; }
  try {
    await api('PATCH', `/lists/${enc(l.name)}`, body);
  } catch (err) {
    status('');
    refusal('ls', err, 'Not saved');
    return;
  }
  await loadListSettings();
  status(`Saved the settings of ${l.name}; browsers see them from its next publication (Publish & history).`);
}

on('new-list-form', 'submit', createList);
on('list-settings', 'submit', saveListSettings);
