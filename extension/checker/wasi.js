// The few WASI preview 1 functions the Go runtime of redflag.wasm imports
// (GOOS=wasip1), for hosts that have no WASI of their own: browsers and
// service workers. The module reads no files, arguments or environment;
// it needs a clock, randomness and somewhere to print a crash report.
// Node's own node:wasi would do, but one shim everywhere means one
// behaviour everywhere.

const ESUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;

// Raised by proc_exit: the Go runtime only exits on a fatal error, after
// which the instance must not be called again.
export class WasiExit extends Error {
  constructor(code) {
    super(`checker: module exited with status ${code}`);
    this.code = code;
  }
}

// wasiImports returns the import object; memory() must return the
// instance's memory once it exists.
export function wasiImports(memory) {
  const view = () => new DataView(memory().buffer);
  const bytes = () => new Uint8Array(memory().buffer);
  const decoder = new TextDecoder();
  const lines = { 1: '', 2: '' };
  // The monotonic clock counts from this context's time origin as Unix
  // time, not from 0: the shipped module's Go runtime was started when the
  // module was built and kept that clock's readings (wasm/PROTOCOL.md,
  // "Pre-initialized"), so counting from 0 would run time backwards.
  const origin = BigInt(Math.round(performance.timeOrigin * 1e3)) * 1000n;
  const nowNs = (id) =>
    id === 1
      ? origin + BigInt(Math.round(performance.now() * 1e6)) // monotonic
      : BigInt(Date.now()) * 1000000n;

  return {
    wasi_snapshot_preview1: {
      args_sizes_get(argc, size) {
        const v = view();
        v.setUint32(argc, 0, true);
        v.setUint32(size, 0, true);
        return ESUCCESS;
      },
      args_get: () => ESUCCESS,
      environ_sizes_get(count, size) {
        const v = view();
        v.setUint32(count, 0, true);
        v.setUint32(size, 0, true);
        return ESUCCESS;
      },
      environ_get: () => ESUCCESS,
      clock_time_get(id, _precision, out) {
        view().setBigUint64(out, nowNs(id), true);
        return ESUCCESS;
      },
      random_get(ptr, len) {
        const b = bytes();
        for (let i = 0; i < len; i += 65536) {
          crypto.getRandomValues(b.subarray(ptr + i, ptr + Math.min(len, i + 65536)));
        }
        return ESUCCESS;
      },
      // Only stdout and stderr exist; they go to the console line by line
      // (the Go runtime writes here only to report a crash).
      fd_write(fd, iovs, iovsLen, written) {
        if (fd !== 1 && fd !== 2) return EBADF;
        const v = view();
        let n = 0;
        for (let i = 0; i < iovsLen; i++) {
          const ptr = v.getUint32(iovs + 8 * i, true);
          const len = v.getUint32(iovs + 8 * i + 4, true);
          lines[fd] += decoder.decode(bytes().subarray(ptr, ptr + len));
          n += len;
        }
        const parts = lines[fd].split('\n');
        lines[fd] = parts.pop();
        for (const line of parts) (fd === 1 ? console.log : console.error)(`redflag.wasm: ${line}`);
        v.setUint32(written, n, true);
        return ESUCCESS;
      },
      proc_exit(code) {
        throw new WasiExit(code);
      },
      sched_yield: () => ESUCCESS,
      // The module never sleeps; should the runtime ever wait on a clock,
      // report every subscription as due at once rather than block the
      // only thread.
      poll_oneoff(subs, events, n, nevents) {
        const v = view();
        for (let i = 0; i < n; i++) {
          const s = subs + 48 * i;
          const e = events + 32 * i;
          v.setBigUint64(e, v.getBigUint64(s, true), true); // userdata
          v.setUint16(e + 8, 0, true); // error
          v.setUint8(e + 10, v.getUint8(s + 8)); // type
          for (let j = 11; j < 32; j++) v.setUint8(e + j, 0);
        }
        v.setUint32(nevents, n, true);
        return ESUCCESS;
      },
      // No files: no preopened directories, nothing to open or read.
      fd_prestat_get: () => EBADF,
      fd_prestat_dir_name: () => EBADF,
      fd_fdstat_get: () => EBADF,
      fd_fdstat_set_flags: () => EBADF,
      fd_filestat_get: () => EBADF,
      fd_close: () => EBADF,
      fd_read: () => EBADF,
      fd_readdir: () => EBADF,
      path_open: () => ENOSYS,
      path_filestat_get: () => ENOSYS,
    },
  };
}
