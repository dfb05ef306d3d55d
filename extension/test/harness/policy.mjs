// A company's deployment, on this machine: Chromium's managed policy
// (/etc/chromium/policies/managed, writable by root only) force-installs
// the managed build, packed with a key made for the run and served from
// loopback the way a company serves it from its intranet.
import http from 'node:http';
import { accessSync, constants, chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack } from '../../tools/pack.mjs';

export const POLICY_DIR = '/etc/chromium/policies/managed';
const buildDir = (name) => fileURLToPath(new URL(`../../build/${name}`, import.meta.url));
const PREFIX = 'redflag-test-';

// policyWritable tells whether this run may set Chromium's policy.
export function policyWritable() {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// deployByPolicy packs and serves a build (the managed one unless said)
// and writes the policy that force-installs it, with extensionPolicy as its
// managed settings. Installed this way an extension loads as a store
// install does, early at browser start. close() removes the policy (and
// any a crashed run left behind).
export async function deployByPolicy({ extensionPolicy = {}, build = 'chromium-managed' } = {}) {
  removeTestPolicies();
  const scratch = mkdtempSync(join(tmpdir(), 'redflag-policy-'));
  const keyFile = join(scratch, 'packing-key.pem');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

  const served = [];
  const files = {};
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    served.push(path);
    const f = files[path];
    if (!f) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f.type }).end(readFileSync(f.file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = `127.0.0.1:${server.address().port}`;

  const packed = pack({ dir: buildDir(build), keyFile, out: join(scratch, 'out'), codebase: `http://${addr}/redflag.crx` });
  files['/redflag.crx'] = { file: packed.crx, type: 'application/x-chrome-extension' };
  files['/updates.xml'] = { file: packed.updates, type: 'text/xml' };

  const policyFile = join(POLICY_DIR, `${PREFIX}${process.pid}.json`);
  const writePolicy = (settings) => {
    writeFileSync(policyFile, JSON.stringify({
      ExtensionInstallForcelist: [`${packed.id};http://${addr}/updates.xml`],
      // Chromium closes DevTools to force-installed extensions by default;
      // the test drives the extension through them.
      DeveloperToolsAvailability: 1,
      '3rdparty': { extensions: { [packed.id]: settings } },
    }, null, 2));
    chmodSync(policyFile, 0o644);
  };
  writePolicy(extensionPolicy);

  return {
    id: packed.id,
    addr,
    served,
    // setExtensionPolicy changes the extension's managed settings; a
    // running Chromium notices the file change by itself.
    setExtensionPolicy: writePolicy,
    async close() {
      rmSync(policyFile, { force: true });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

function removeTestPolicies() {
  for (const name of readdirSync(POLICY_DIR)) {
    if (name.startsWith(PREFIX)) rmSync(join(POLICY_DIR, name), { force: true });
  }
}
