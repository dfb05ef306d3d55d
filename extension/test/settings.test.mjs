// Settings validation and update scheduling, without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate, allowlisted } from '../shared/settings.js';
import { nextDelay } from '../background/schedule.js';

test('validate normalizes good values and explains bad ones', () => {
  const key = 'ed25519:' + Buffer.alloc(32, 7).toString('base64');
  const cases = [
    ['updateUrl', 'https://lists.example.com/', { value: 'https://lists.example.com' }],
    ['updateUrl', ' http://127.0.0.1:8080 ', { value: 'http://127.0.0.1:8080' }],
    ['updateUrl', '', { value: '' }],
    ['updateUrl', 'ftp://x.example', /use https/],
    ['updateUrl', 'https://x.example/?a=1', /without \? or #/],
    ['updateUrl', 'not a url', /is not a URL/],
    ['trustedKeys', `${key}\n${key}`, { value: [key, key] }],
    ['trustedKeys', ['ed25519:short'], /is not a public key/],
    ['checkIntervalMinutes', '30', { value: 30 }],
    ['checkIntervalMinutes', 0, /from 1 to 10080/],
    ['checkIntervalMinutes', 'soon', /from 1 to 10080/],
    ['mode', 'block', { value: 'block' }],
    ['mode', 'ignore', /warn or block/],
    ['reportUrl', 'security@acme.example', { value: 'mailto:security@acme.example' }],
    ['reportUrl', 'mailto:security@acme.example', { value: 'mailto:security@acme.example' }],
    ['reportUrl', 'https://acme.example/report', { value: 'https://acme.example/report' }],
    ['reportUrl', 'javascript:alert(1)', /https:\/\/ URL or an email/],
    ['allowlist', 'Intranet.Acme.Example\n*.partner.example.', { value: ['intranet.acme.example', 'partner.example'] }],
    ['allowlist', ['bad domain!'], /is not a domain name/],
    ['colour', 'red', /unknown setting/],
  ];
  for (const [k, input, want] of cases) {
    const got = validate(k, input);
    if (want instanceof RegExp) assert.match(got.error ?? '', want, `${k}=${JSON.stringify(input)}`);
    else assert.deepEqual(got, want, `${k}=${JSON.stringify(input)}`);
  }
});

test('allowlisted covers the domain and its subdomains only', () => {
  const list = ['acme.example'];
  for (const [host, want] of [['acme.example', true], ['jobs.acme.example', true], ['notacme.example', false], ['acme.example.evil', false], ['', false]]) {
    assert.equal(allowlisted(host, list), want, host);
  }
});

test('next update: interval with jitter, exponential backoff after failures, capped', () => {
  const lo = () => 0;
  const hi = () => 1 - Number.EPSILON;
  const cases = [
    // interval, failures, min, max (minutes)
    [30, 0, 27, 33],
    [30, 1, 0.9, 1.1],
    [30, 2, 1.8, 2.2],
    [30, 5, 14.4, 17.6],
    [30, 8, 108, 132],
    [30, 20, 108, 132],
    [5, 10, 18, 22],
  ];
  for (const [interval, failures, min, max] of cases) {
    assert.ok(Math.abs(nextDelay(interval, failures, lo) - min) < 1e-9, `${interval}/${failures} low`);
    assert.ok(nextDelay(interval, failures, hi) <= max && nextDelay(interval, failures, hi) > max - 1e-6, `${interval}/${failures} high`);
  }
});
