// Fills extension pages from _locales: data-i18n="name" sets the text,
// data-i18n-attr="attr:name,…" sets attributes.
import { api } from './browser.js';

export function t(name, subs) {
  return api.i18n.getMessage(name, subs) || name;
}

export function localize(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, name] = pair.split(':');
      el.setAttribute(attr, t(name));
    }
  }
  document.documentElement.lang = api.i18n.getUILanguage();
}

// versionDate shows a list version (publication time in Unix milliseconds).
export function versionDate(version) {
  const n = Number(version);
  if (!Number.isFinite(n) || n <= 0) return String(version ?? '?');
  return `${new Date(n).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC')} (${n})`;
}

// provenance says in one sentence who listed an entry and when.
export function provenance(verdict, entry = {}) {
  const who = entry.authority || t('unknownAuthority');
  const when = entry.date || '?';
  return t(verdict === 'seized' ? 'provenanceSeized' : 'provenanceFlagged', [who, when]);
}
