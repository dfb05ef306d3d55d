// The background service worker. Listeners are registered synchronously at
// the top level, so that an event that wakes the worker is delivered; the
// list loads when first needed (list.js) and every handler awaits it.
import { api } from '../shared/browser.js';
import * as list from './list.js';
import * as navigation from './navigation.js';
import * as updater from './updater.js';
import * as menu from './menu.js';
import * as messages from './messages.js';
import { onChange } from './config.js';

navigation.register();
messages.register();
menu.register();
updater.register();

api.runtime.onInstalled.addListener(() => {
  menu.create();
  updater.ensureScheduled(true);
});

onChange((s) => {
  list.configure(s.values);
  updater.ensureScheduled(true);
});

list.afterStart.then(() => updater.ensureScheduled());
