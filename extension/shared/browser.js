// The WebExtension API object: `browser` in Firefox (promise-based),
// `chrome` in Chromium (promise-based in Manifest V3).
export const api = globalThis.browser ?? globalThis.chrome;
