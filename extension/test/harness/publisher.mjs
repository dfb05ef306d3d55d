// A real `redflag serve` process on 127.0.0.1, signing with the
// development key the checker embeds, and the `redflag admin` client to
// change its list.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import net from 'node:net';

const run = promisify(execFile);
export const REDFLAG = fileURLToPath(new URL('../../../bin/redflag', import.meta.url));
export const DEV_KEY = process.env.REDFLAG_DEV_KEY ?? join(homedir(), '.config/redflag/dev-signing.key');

// freePort returns a TCP port free on 127.0.0.1 at the time of asking.
export async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// startPublisher starts `redflag serve` signing with key (the development
// key unless said), on port (a free one unless said) and data (a fresh
// directory unless said: a restart keeps its lists).
export async function startPublisher({ key = DEV_KEY, port, data } = {}) {
  data ??= mkdtempSync(join(tmpdir(), 'redflag-serve-'));
  port ??= await freePort();
  const addr = `127.0.0.1:${port}`;
  const proc = spawn(REDFLAG, ['serve', '--addr', addr, '--data', data, '--key', key, '--review', 'off', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const url = `http://${addr}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redflag serve exited: ${output}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`redflag serve not ready: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { stdout, stderr } = await run(REDFLAG, ['token', 'create', '--data', data, '--name', 'browser-tests', '--role', 'admin']);
  const token = (stdout.trim() || stderr.trim().split('\n').pop()).split(/\s+/).pop();
  const admin = (...args) => run(REDFLAG, ['admin', ...args], { env: { ...process.env, REDFLAG_SERVER: url, REDFLAG_TOKEN: token } });
  return {
    url,
    addr,
    port,
    data,
    admin,
    output: () => output,
    // publish lists patterns, flagged by "Acme security team" unless said
    // otherwise (look-alikes on unless lookAlikes is 'off'), and returns
    // the new version.
    // (to list, "default" unless said).
    async publish(patterns, { kind = 'flagged', authority = 'Acme security team', date, reference, note, lookAlikes = 'on', list = 'default' }) {
      const args = ['propose', '--json', '--list', list, ...patterns.flatMap((p) => ['--add', p]), '--kind', kind, '--authority', authority, '--date', date,
        '--lookalikes', lookAlikes, '--reason', 'browser test'];
      if (reference) args.push('--reference', reference);
      if (note) args.push('--note', note);
      const proposed = await admin(...args);
      const id = JSON.parse(proposed.stdout).id;
      await admin('approve', '--list', list, String(id));
      return JSON.parse((await admin('publish', '--list', list, '--json')).stdout).version;
    },
    // stop ends the process and keeps its data (for a restart).
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    },
    async close() {
      await this.stop();
      rmSync(data, { recursive: true, force: true });
    },
  };
}
