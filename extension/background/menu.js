// The context-menu item "Check link with RedFlag" on links and selected
// text: it opens the checker page (the popup's page, in a tab) with the
// link or text filled in. Nothing is sent anywhere.
import { api } from '../shared/browser.js';

const ID = 'redflag-check';

export function create() {
  api.contextMenus.create({
    id: ID,
    title: api.i18n.getMessage('menuCheck'),
    contexts: ['link', 'selection'],
  }, () => void api.runtime.lastError); // already there after an update: fine
}

export function register() {
  api.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== ID) return;
    const input = (info.linkUrl || info.selectionText || '').trim().slice(0, 2048);
    if (!input) return;
    const url = `${api.runtime.getURL('pages/popup.html')}?check=${encodeURIComponent(input)}`;
    api.tabs.create({ url, index: tab ? tab.index + 1 : undefined, openerTabId: tab?.id });
  });
}
