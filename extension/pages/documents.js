// The document check page (from the popup and the toolbar button's
// context menu): files dropped or picked are read here (documents/),
// every URL, email and domain in them is checked by the background's
// list, and each file gets a report: what is listed, with its verdict,
// who listed it and where in the file it stands; then the rest. Nothing
// leaves the browser: the files are read in this page and only the found
// inputs go to the background, which checks them locally.
import { ask, Msg } from '../shared/messages.js';
import { localize, t, provenance } from '../shared/i18n.js';
import { readDocument } from '../documents/read.js';
import { findings } from '../documents/findings.js';

const $ = (id) => document.getElementById(id);
const CHECK_BATCH = 5000; // inputs per message to the background

const VERDICT_WORDS = { seized: 'verdictSeized', flagged: 'verdictFlagged', caution: 'verdictCaution', clean: 'verdictClean', invalid: 'verdictInvalid' };
// Verdicts this page knows nothing about (a newer checker's) are shown as
// listed: anything that is neither clean nor invalid is worth a look.
const isListed = (r) => r.verdict !== 'clean' && r.verdict !== 'invalid';

function verdictWord(v) {
  return VERDICT_WORDS[v] ? t(VERDICT_WORDS[v]) : v.charAt(0).toUpperCase() + v.slice(1);
}

// why says who listed it, when and as what, from whatever the checker
// answered.
function why(r) {
  const bits = [];
  if (r.verdict === 'caution') {
    const e = r.entry ?? {};
    const by = t(e.kind === 'seized' ? 'kindSeizedBy' : 'kindFlaggedBy', [e.authority || t('unknownAuthority'), e.date || '?']);
    return `${t('cautionResultWhy', [r.resembles, by])} ${t('cautionHow', [r.how])}`;
  }
  if (r.entry) bits.push(provenance(r.verdict, r.entry));
  if (r.resembles) bits.push(t('docsResembles', [r.resembles]) + (r.how ? ` (${r.how})` : ''));
  if (r.entry?.note) bits.push(r.entry.note);
  if (r.match) bits.push(`${t('warningListed')} ${r.match}`);
  return bits.join(' — ');
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

async function checkAll(inputs) {
  const results = [];
  for (let i = 0; i < inputs.length; i += CHECK_BATCH) {
    const { results: r } = await ask(Msg.CHECK_LIST, { inputs: inputs.slice(i, i + CHECK_BATCH) });
    results.push(...r);
  }
  return results;
}

const totals = { files: 0, listed: 0, unreadable: 0 };

function showSummary() {
  $('summary').textContent = t('docsSummary', [String(totals.files), String(totals.listed), String(totals.unreadable)]);
}

// checkFile reads, checks and reports one file; a file that cannot be
// read says why, and the next file is checked all the same.
async function checkFile(file) {
  const box = el('article', { class: 'file', 'data-file': file.name, 'data-status': 'reading' }, el('h3', {}, file.name));
  const status = el('p', { class: 'muted' }, t('docsReading'));
  box.append(status);
  $('files-report').append(box);
  totals.files++;
  const t0 = performance.now();
  let doc;
  try {
    doc = await readDocument(file.name, new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    totals.unreadable++;
    box.dataset.status = 'error';
    status.className = 'problem';
    status.textContent = t('docsUnreadable', [file.name, e.message]);
    return;
  }
  const t1 = performance.now();
  const found = findings(doc);
  const results = await checkAll(found.map((f) => f.input));
  const t2 = performance.now();
  const listed = [];
  const clean = [];
  found.forEach((f, i) => (isListed(results[i]) ? listed : clean).push({ ...f, result: results[i] }));
  totals.listed += listed.length;

  box.dataset.status = 'done';
  box.dataset.readMs = (t1 - t0).toFixed(1);
  box.dataset.checkMs = (t2 - t1).toFixed(1);
  status.textContent = t('docsFileSummary', [String(found.length), String(listed.length)]);
  if (listed.length > 0) {
    const rows = listed.map(({ input, where, result }) => el('tr', { class: 'finding', 'data-verdict': result.verdict },
      el('td', {}, el('span', { class: `verdict-word verdict-${VERDICT_WORDS[result.verdict] ? result.verdict : 'other'}` }, verdictWord(result.verdict))),
      el('td', { class: 'input' }, input),
      el('td', { class: 'where' }, where),
      el('td', { class: 'why' }, why(result))));
    box.append(el('table', {},
      el('thead', {}, el('tr', {}, ...['docsVerdict', 'docsFound', 'docsWhere', 'docsWhy'].map((h) => el('th', { scope: 'col' }, t(h))))),
      el('tbody', {}, ...rows)));
  }
  if (clean.length > 0) {
    box.append(el('details', {}, el('summary', {}, t('docsNotListed', [String(clean.length)])),
      el('ul', {}, ...clean.map(({ input, where, result }) => el('li', { 'data-verdict': result.verdict },
        `${input} — ${where}${result.verdict === 'invalid' ? ` (${t('verdictInvalid')})` : ''}`)))));
  }
  for (const p of doc.problems) box.append(el('p', { class: 'problem' }, p.message));
  if (doc.problems.length > 0) totals.unreadable++;
}

async function checkFiles(files) {
  $('report').hidden = false;
  document.body.dataset.busy = 'true';
  for (const f of files) {
    await checkFile(f).catch((e) => {
      totals.unreadable++;
      $('files-report').append(el('p', { class: 'problem' }, t('docsUnreadable', [f.name, e.message])));
    });
    showSummary();
  }
  document.body.dataset.busy = 'false';
}

localize();
$('files').addEventListener('change', () => {
  const files = [...$('files').files];
  $('files').value = '';
  checkFiles(files);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  checkFiles([...e.dataTransfer.files]);
});
// A file dropped anywhere else must not make the browser open it.
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => e.preventDefault());
document.body.dataset.busy = 'false';
