// Warning cards (background/rules.js): what the warning page shows for a
// name the browser's own rules block, kept in storage.local so that the
// page can render before the checker has started.

// cardKey is the storage.local key of name's card.
export const cardKey = (name) => `card:${name}`;

// namesOf is url's host and each parent domain, nearest first: the names
// whose card (or block rule) covers it. Empty for an address without a
// host.
export function namesOf(url) {
  let host;
  try { host = new URL(url).hostname; } catch { return []; }
  const names = [];
  for (let h = host; h.includes('.'); h = h.slice(h.indexOf('.') + 1)) names.push(h);
  return names;
}
