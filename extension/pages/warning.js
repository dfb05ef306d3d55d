// The warning page shown instead of a listed site. It asks the background
// why the site is listed and offers Go back (focused), Proceed anyway
// (not in block mode) and Report a mistake. For a site whose name only
// resembles a listed one it is a milder caution: which listed name, how,
// and Continue to site (remembered for the site, in any mode).
import { ask, Msg } from '../shared/messages.js';
import { localize, t, provenance, versionDate } from '../shared/i18n.js';
import { api } from '../shared/browser.js';
import { cardKey, namesOf } from '../shared/cards.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const url = params.get('url') ?? '';
// checking: sent here before the list was in (background/navigation.js,
// interceptNow); go on to url unless it is to be warned about.
const checking = params.get('checking') === '1' && /^https?:\/\//i.test(url);

function showError(e) {
  $('error').textContent = e.message ?? String(e);
  $('error').hidden = false;
}

function reportHref(reportUrl, site, result) {
  if (!reportUrl) return '';
  const body = `${t('reportBody')}\n\n${site}\n${result.match ?? ''}\nlist ${result.listVersion ?? ''}`;
  if (reportUrl.startsWith('mailto:')) {
    return `${reportUrl}?subject=${encodeURIComponent(t('reportSubject', [site]))}&body=${encodeURIComponent(body)}`;
  }
  const u = new URL(reportUrl);
  u.searchParams.set('site', site);
  if (result.match) u.searchParams.set('match', result.match);
  return u.href;
}

// Asked before anything else, the page's own work being done meanwhile.
const answer = ask(Msg.WARNING_INFO, { url });
const card = cardFor(url);

async function main() {
  performance.mark('script'); // timings read by the browser tests
  localize();
  if (checking) document.body.classList.add('checking');
  $('back').focus();
  $('back').addEventListener('click', () => ask(Msg.GO_BACK).catch(showError));
  let site = url;
  try { site = new URL(url).host; } catch { /* shown as given */ }
  $('site').textContent = site;

  // As the browser starts, the answer waits for the checker to start; the
  // card the browser's rules left for this name (background/rules.js)
  // shows the warning meanwhile. The answer has the last word.
  const early = await Promise.race([answer.then(() => null, () => null), card]);
  performance.mark('early');
  if (early) {
    document.body.classList.remove('checking');
    showListing(early);
    shown('card');
  }
  const { result, mode, reportUrl, warn } = await answer;
  performance.mark('answered');
  if (checking && !warn) {
    location.replace(url);
    return;
  }
  document.body.classList.remove('checking');
  if (result.verdict === 'caution') {
    showCaution(result);
    return;
  }
  const listed = showListing(result);
  if (mode === 'block' && listed) {
    $('blocked').hidden = false;
  } else {
    $('proceed').hidden = false;
    $('proceed').addEventListener('click', () => ask(Msg.PROCEED, { url }).catch(showError));
  }
  const href = reportHref(reportUrl, site, result);
  if (href) {
    $('report').href = href;
    $('report').target = '_blank';
    $('report').rel = 'noopener noreferrer';
    $('report').hidden = false;
  }
  ready();
}

// cardFor reads the warning card of url's host or its nearest parent
// domain that has one; null if none.
async function cardFor(address) {
  const names = namesOf(address);
  try {
    const cards = await api.storage.local.get(names.map(cardKey));
    for (const n of names) if (cards[cardKey(n)]) return cards[cardKey(n)];
  } catch { /* the answer comes anyway */ }
  return null;
}

// showListing fills the page with a listed result (or one no longer
// listed) and tells whether it is listed.
function showListing(result) {
  if (result.listTitle) {
    $('list-title').textContent = result.listTitle;
    $('from-list').hidden = false;
  }
  const listed = result.verdict === 'seized' || result.verdict === 'flagged';
  document.title = t(listed && result.verdict === 'seized' ? 'warningTitleSeized' : 'warningTitleFlagged');
  $('headline').textContent = document.title;
  $('headline').className = `verdict-${result.verdict}`;
  $('note').hidden = true;
  $('reference').hidden = true;
  if (listed) {
    showWhy(provenance(result.verdict, result.entry), result.entry?.date);
    if (result.entry?.note) {
      $('note').textContent = result.entry.note;
      $('note').hidden = false;
    }
    if (result.entry?.reference && /^https?:\/\//.test(result.entry.reference)) {
      $('reference-link').href = result.entry.reference;
      $('reference-link').textContent = result.entry.reference;
      $('reference').hidden = false;
    }
  } else {
    // Listed when the navigation started, not now (list updated, or
    // allowlisted since): say so and let the person go on.
    $('why').textContent = t('warningNoLongerListed');
  }
  $('match').textContent = result.match ?? '—';
  $('version').textContent = versionDate(result.listVersion);
  return listed;
}

// shown marks when the warning was first on screen with its reasons (from
// the card or the answer); ready, when the answer filled the page. Both
// read by the browser tests.
function shown(from = 'answer') {
  if (document.body.dataset.shown) return;
  document.body.dataset.shownAt = String(Date.now());
  document.body.dataset.shownFrom = from;
  document.body.dataset.shown = 'true';
}

function ready() {
  shown();
  document.body.dataset.readyAt = String(Date.now());
  document.body.dataset.ready = 'true';
}

main().catch(showError);

// showCaution fills the page for a name that resembles a listed one.
function showCaution(result) {
  const e = result.entry ?? {};
  document.body.classList.add('caution');
  document.title = t('cautionTitle');
  $('headline').textContent = document.title;
  $('headline').className = 'verdict-caution';
  const by = t(e.kind === 'seized' ? 'kindSeizedBy' : 'kindFlaggedBy', [e.authority || t('unknownAuthority'), e.date || '?']);
  showWhy(t('cautionWhy', [result.resembles, by]), e.date);
  $('how').textContent = t('cautionHow', [result.how]);
  $('how').hidden = false;
  $('not-listed').hidden = false;
  if (e.reference && /^https?:\/\//.test(e.reference)) {
    $('reference-link').href = e.reference;
    $('reference-link').textContent = e.reference;
    $('reference').hidden = false;
  }
  $('match-label').textContent = t('cautionResembles');
  $('match').textContent = result.resembles;
  $('version').textContent = versionDate(result.listVersion);
  $('proceed').textContent = t('continueToSite');
  $('proceed').hidden = false;
  $('proceed').addEventListener('click', () => ask(Msg.PROCEED, { url }).catch(showError));
  ready();
}

// showWhy puts the provenance sentence in #why, its date kept on one line
// (a browser would break 2023-10-17 at a hyphen).
function showWhy(sentence, date) {
  const why = $('why');
  const at = date ? sentence.lastIndexOf(date) : -1;
  if (at < 0) {
    why.textContent = sentence;
    return;
  }
  const kept = document.createElement('span');
  kept.className = 'nowrap';
  kept.textContent = date;
  why.replaceChildren(sentence.slice(0, at), kept, sentence.slice(at + date.length));
}
