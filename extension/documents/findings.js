// The inputs to check in a document's parts, as lists/scan finds them: a
// link's target (a mailto: link's addresses), or the emails, URLs and
// domains in text (content/tokens.js, the content script's finder).
import '../content/tokens.js';

const { eachToken } = globalThis.RedFlagTokens;

function tokens(s) {
  const out = [];
  eachToken(s, (t) => out.push(t));
  return out;
}

// unwrapSafeLink returns the original of a link Outlook's Safe Links
// wrapped (https://….safelinks.protection.outlook.com/?url=ORIGINAL&…).
function unwrapSafeLink(link) {
  try {
    const u = new URL(link);
    if (u.hostname.endsWith('.safelinks.protection.outlook.com')) return u.searchParams.get('url') || link;
  } catch { /* as written */ }
  return link;
}

export function inputs(part) {
  if (!part.link) return tokens(part.text);
  const t = part.text.trim();
  const lower = t.toLowerCase();
  if (lower.startsWith('mailto:')) {
    let addr = t.slice('mailto:'.length).split('?')[0];
    try { addr = decodeURIComponent(addr); } catch { /* as written */ }
    return addr.split(',').map((a) => a.trim()).filter((a) => a.includes('@'));
  }
  if (lower.startsWith('http://') || lower.startsWith('https://')) return [unwrapSafeLink(t)];
  // Another scheme, or none ("www.example.com"): what in it reads as one.
  return tokens(t);
}

// findings lists {input, where} once per input and location, in the
// document's order.
export function findings(doc) {
  const seen = new Set();
  const out = [];
  for (const part of doc.parts) {
    for (const input of inputs(part)) {
      const key = `${input}\n${part.where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ input, where: part.where });
    }
  }
  return out;
}
