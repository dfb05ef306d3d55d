// A real `redflag serve` for the console's browser tests: its own data
// directory, a free port on 127.0.0.1, tokens made with `redflag token`.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import net from 'node:net';

const run = promisify(execFile);
export const REDFLAG = process.env.REDFLAG_BIN ?? fileURLToPath(new URL('../../../bin/redflag', import.meta.url));

export async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// startServe starts the server once tokens exist for names ({alice:
// 'admin', ...}) and resolves when it is ready: {data, url, tokens, stop}.
export async function startServe(prefix, names) {
  const data = mkdtempSync(join(tmpdir(), prefix));
  const tokens = {};
  for (const [name, role] of Object.entries(names)) {
    const { stdout } = await run(REDFLAG, ['token', 'create', '--data', data, '--name', name, '--role', role]);
    tokens[name] = stdout.trim().split(/\s+/).pop();
  }
  const addr = `127.0.0.1:${await freePort()}`;
  const url = `http://${addr}`;
  let logs = '';
  const proc = spawn(REDFLAG, ['serve', '--addr', addr, '--data', data, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => { logs += d; });
  proc.stderr.on('data', (d) => { logs += d; });
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    rmSync(data, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 20000; ;) {
    if (proc.exitCode !== null) throw new Error(`redflag serve exited: ${logs}`);
    try { if ((await fetch(`${url}/readyz`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error(`redflag serve not ready: ${logs}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { data, url, tokens, stop };
}
