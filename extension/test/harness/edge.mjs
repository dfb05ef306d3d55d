// The edge Worker (backend/edge, built by make edge) in workerd under
// wrangler dev on 127.0.0.1, its R2 bucket simulated in a temporary
// directory; the publisher pushes to it with redflag admin edge.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './publisher.mjs';

const EDGE = fileURLToPath(new URL('../../../backend/edge', import.meta.url));

export async function startEdge() {
  const dir = mkdtempSync(join(tmpdir(), 'redflag-edge-'));
  const token = 'browser-tests-edge-token';
  const tokenFile = join(dir, 'edge-token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const [port, inspector] = [await freePort(), await freePort()];
  const proc = spawn(join(EDGE, 'node_modules/.bin/wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-port', String(inspector), '--persist-to', join(dir, 'state'), '--show-interactive-dev-session=false',
    '--log-level', 'warn', '--var', `EDGE_TOKEN:${token}`],
  { cwd: EDGE, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' } });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const addr = `127.0.0.1:${port}`;
  const url = `http://${addr}`;
  const deadline = Date.now() + 120000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`wrangler dev exited: ${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`the edge Worker did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    addr,
    tokenFile,
    async close() {
      // wrangler runs workerd in its process group.
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
      await new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
