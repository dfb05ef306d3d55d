// The background's current settings, kept fresh when the user or a policy
// changes them.
import { readSettings, onSettingsChanged } from '../shared/settings.js';

// latest resolves to the newest read of the settings; a change starts a
// new read, so nothing acts on settings older than the last change.
let latest = read();
let now = null; // the values of the newest read that has finished
const listeners = [];

function read() {
  const reading = readSettings();
  reading.then((s) => { if (latest === reading) now = s.values; }, () => {});
  return reading;
}

// settings resolves to {values, locked, problems}.
export function settings() {
  return latest;
}

// fresh reads the settings anew: for an action right after a change,
// which may come before the change's event.
export function fresh() {
  latest = read();
  return latest;
}

// onChange calls fn(newSettings) after every change.
export function onChange(fn) {
  listeners.push(fn);
}

// valuesNow is the settings' values for a caller that cannot wait (a
// blocking webRequest listener in Chromium): the newest read that has
// finished, or null before the first.
export function valuesNow() {
  return now;
}

onSettingsChanged(() => {
  latest = read();
  latest.then((s) => { for (const fn of listeners) fn(s); });
});
