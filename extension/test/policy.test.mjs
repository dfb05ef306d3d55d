// Settings precedence with a managed policy, against an in-memory stand-in
// for the browser's storage areas (the real ones are exercised by the
// browser tests; a real policy cannot be set there without changing the
// machine's browser configuration).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

const areas = { local: {}, managed: {} };
function area(name) {
  return {
    async get(key) {
      const all = areas[name];
      if (key === null) return { ...all };
      return key in all ? { [key]: all[key] } : {};
    },
    async set(items) { Object.assign(areas[name], items); },
  };
}
globalThis.chrome = { storage: { local: area('local'), managed: area('managed'), onChanged: { addListener() {} } } };
const { readSettings, saveSettings, DEFAULTS } = await import('../shared/settings.js');

beforeEach(() => {
  areas.local = {};
  areas.managed = {};
});

test('without policy or choices, the defaults apply and nothing is locked', async () => {
  assert.deepEqual(await readSettings(), { values: { ...DEFAULTS }, locked: [], problems: [] });
});

test('policy wins over the user and locks its keys; a bad policy value is reported and ignored', async () => {
  areas.local.settings = { updateUrl: 'http://127.0.0.1:9999', mode: 'warn', reportUrl: 'me@home.example' };
  areas.managed = { updateUrl: 'https://lists.acme.example/', mode: 'block', checkIntervalMinutes: -5, allowlist: ['Intranet.Acme.Example'] };
  const s = await readSettings();
  assert.equal(s.values.updateUrl, 'https://lists.acme.example');
  assert.equal(s.values.mode, 'block');
  assert.equal(s.values.reportUrl, 'mailto:me@home.example', 'not set by policy: the user\'s');
  assert.equal(s.values.checkIntervalMinutes, 30, 'invalid policy value: the default');
  assert.deepEqual(s.values.allowlist, ['intranet.acme.example']);
  assert.deepEqual(s.locked.sort(), ['allowlist', 'mode', 'updateUrl']);
  assert.deepEqual(s.problems, ['policy checkIntervalMinutes: "-5": the check interval is a number of minutes from 1 to 10080']);
});

test('saving refuses locked keys and wrong values, and then saves nothing', async () => {
  areas.managed = { mode: 'block' };
  assert.deepEqual(await saveSettings({ mode: 'warn', reportUrl: 'https://acme.example/report' }), { errors: { mode: 'set by your organization' } });
  assert.deepEqual(areas.local, {});
  assert.deepEqual(await saveSettings({ reportUrl: 'ftp://x' }), { errors: { reportUrl: '"ftp://x": use an https:// URL or an email address' } });
  assert.deepEqual(areas.local, {});
  assert.deepEqual(await saveSettings({ reportUrl: 'https://acme.example/report', checkIntervalMinutes: '15' }), { errors: {} });
  assert.deepEqual(areas.local.settings, { reportUrl: 'https://acme.example/report', checkIntervalMinutes: 15 });
});
