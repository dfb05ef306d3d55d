// The background's current settings, kept fresh when the user or a policy
// changes them.
import { readSettings, onSettingsChanged } from '../shared/settings.js';

// latest resolves to the newest read of the settings; a change starts a
// new read, so nothing acts on settings older than the last change.
let latest = readSettings();
const listeners = [];

// settings resolves to {values, locked, problems}.
export function settings() {
  return latest;
}

// fresh reads the settings anew: for an action right after a change,
// which may come before the change's event.
export function fresh() {
  latest = readSettings();
  return latest;
}

// onChange calls fn(newSettings) after every change.
export function onChange(fn) {
  listeners.push(fn);
}

onSettingsChanged(() => {
  latest = readSettings();
  latest.then((s) => { for (const fn of listeners) fn(s); });
});
