// The context-menu items: "Check link with RedFlag" on links and selected
// text opens the checker page (the popup's page, in a tab) with the link
// or text filled in; "Check documents with RedFlag" on the toolbar button
// and on pages opens the document check page. Nothing is sent anywhere.
import { api } from '../shared/browser.js';

const ID = 'redflag-check';
const DOCUMENTS_ID = 'redflag-documents';

export function create() {
  const done = () => void api.runtime.lastError; // already there after an update: fine
  api.contextMenus.create({ id: ID, title: api.i18n.getMessage('menuCheck'), contexts: ['link', 'selection'] }, done);
  api.contextMenus.create({ id: DOCUMENTS_ID, title: api.i18n.getMessage('menuDocuments'), contexts: ['action', 'page'] }, done);
}

export function register() {
  api.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === DOCUMENTS_ID) {
      api.tabs.create({ url: api.runtime.getURL('pages/documents.html'), index: tab ? tab.index + 1 : undefined });
      return;
    }
    if (info.menuItemId !== ID) return;
    const input = (info.linkUrl || info.selectionText || '').trim().slice(0, 2048);
    if (!input) return;
    const url = `${api.runtime.getURL('pages/popup.html')}?check=${encodeURIComponent(input)}`;
    api.tabs.create({ url, index: tab ? tab.index + 1 : undefined, openerTabId: tab?.id });
  });
}
