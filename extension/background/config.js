// The background's current settings, kept fresh when the user or a policy
// changes them.
import { readSettings, onSettingsChanged } from '../shared/settings.js';

// The policy may come late as the browser starts (readPolicyQuickly):
// settings read meanwhile use the one last seen, and a read follows when
// the real one differs.
const POLICY_WAIT_MS = 40;

// latest resolves to the newest read of the settings; a change starts a
// new read, so nothing acts on settings older than the last change.
let latest = read();
let now = null; // the values of the newest read that has finished
const listeners = [];

function read() {
  const reading = readSettings({ policyWaitMs: POLICY_WAIT_MS });
  reading.then((s) => {
    if (latest === reading) now = s.values;
    s.late?.then((changed) => { if (changed && latest === reading) reread(); });
  }, () => {});
  return reading;
}

function reread() {
  latest = read();
  latest.then((s) => { for (const fn of listeners) fn(s); });
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

onSettingsChanged(reread);
