// Sending protocol messages from ES modules (extension pages, background).
import './protocol.js';
import { api } from './browser.js';

export const Msg = globalThis.RedFlagProtocol;

// ask sends {type, ...fields} to the background and returns its answer,
// throwing when the answer says ok: false.
export async function ask(type, fields = {}) {
  const answer = await api.runtime.sendMessage({ type, ...fields });
  if (!answer || !answer.ok) {
    throw new Error(answer?.error ?? `no answer to ${type}`);
  }
  return answer;
}
