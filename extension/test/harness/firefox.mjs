// Debian's firefox-esr for the tests: the preferences that send its whole
// network through the test proxy and quiet its own traffic, launched by
// puppeteer-core over WebDriver BiDi or started by hand on a profile.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

export function firefoxPrefs(net) {
  return {
    // Everything through the test network's proxy, loopback included.
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': net.port,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': net.port,
    'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.no_proxies_on': '',
    'dom.security.https_first': false,
    // Firefox's own remote settings and blocklists, off as in Mozilla's
    // test profiles.
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    'extensions.blocklist.enabled': false,
    'security.remote_settings.crlite_filters.enabled': false,
    'security.remote_settings.intermediates.enabled': false,
    'services.settings.poll_interval': 86400,
  };
}

// writeUserPrefs makes prefs the profile's user.js.
export function writeUserPrefs(profile, prefs) {
  writeFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''));
}

// startFirefox starts Firefox on profile with args (e.g. a URL, as a link
// opened from a mail client starts it) and a WebDriver BiDi port; bidi
// resolves to its WebSocket address.
export function startFirefox(profile, args = []) {
  const proc = spawn(FIREFOX, ['--headless', '--profile', profile, '--no-remote', '--remote-debugging-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const bidi = new Promise((resolve, reject) => {
    const on = (d) => {
      out += d;
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    proc.stdout.on('data', on);
    proc.stderr.on('data', on);
    proc.once('exit', (code) => reject(new Error(`Firefox exited (${code}): ${out.slice(-2000)}`)));
  });
  bidi.catch(() => {});
  return {
    proc,
    bidi,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
