// The Worker's entry module. syumai/workers' generated entry starts a new
// Go instance for every request (tens of milliseconds of CPU each); this
// one starts the Go program once per isolate and hands it every request,
// so a poll costs only the handler. wasm_exec.js comes from
// workers-assets-gen (make edge), app.wasm from backend/edge/worker.
import "./build/wasm_exec.js";
import mod from "./build/app.wasm";

// What the Go side reads as globalThis.context: env holds the bindings
// (R2 bucket, vars, secret), the same object for every request an isolate
// serves; binding receives handleRequest when the program starts.
const context = { env: undefined, ctx: undefined, binding: {} };
let started; // Promise of the started program's binding

function start(env, ctx) {
  context.env = env;
  context.ctx = ctx;
  context.binding = {};
  const go = new Go();
  let ready;
  const isReady = new Promise((resolve) => { ready = resolve; });
  const instance = new WebAssembly.Instance(mod, {
    ...go.importObject,
    workers: { ready: () => ready() },
  });
  const program = go.run(instance, context);
  // A program that exits (a panic) is started again by the next request.
  const stopped = program.then(() => { started = undefined; throw new Error("the Go program exited"); });
  return Promise.race([isReady, stopped]).then(() => context.binding);
}

export default {
  async fetch(request, env, ctx) {
    if (started === undefined) {
      started = start(env, ctx);
    }
    const binding = await started;
    return binding.handleRequest(request);
  },
};
