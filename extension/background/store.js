// Persistent store of the newest good list, in IndexedDB: snapshots of a
// million entries are tens of megabytes, which IndexedDB keeps as binary
// (storage.local would need base64 and a JSON round trip).
const DB_NAME = 'redflag';
const STORE = 'lists';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function run(mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(req?.result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
    tx.onabort = () => { db.close(); reject(tx.error ?? new Error('IndexedDB transaction aborted')); };
  }));
}

// loadList returns {bytes: Uint8Array, version, etag, savedAt} for list
// name, or undefined.
export async function loadList(name) {
  const rec = await run('readonly', (s) => s.get(name));
  if (!rec) return undefined;
  return { ...rec, bytes: new Uint8Array(rec.bytes) };
}

// saveList stores the verified snapshot bytes of list name.
export function saveList(name, { bytes, version, etag }) {
  const copy = bytes.slice().buffer; // own the bytes: the checker's may be views into wasm memory
  return run('readwrite', (s) => s.put({ bytes: copy, version, etag: etag ?? '', savedAt: Date.now() }, name));
}

export function deleteList(name) {
  return run('readwrite', (s) => s.delete(name));
}
