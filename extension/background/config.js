// The background's current settings, kept fresh when the user or a policy
// changes them.
import { readSettings, onSettingsChanged } from '../shared/settings.js';

let current;
let loading = readSettings().then((s) => (current = s));
const listeners = [];

// settings resolves to {values, locked, problems}.
export function settings() {
  return current ? Promise.resolve(current) : loading;
}

// onChange calls fn(newSettings) after every change.
export function onChange(fn) {
  listeners.push(fn);
}

onSettingsChanged(() => {
  loading = readSettings().then((s) => {
    current = s;
    for (const fn of listeners) fn(s);
    return s;
  });
});
