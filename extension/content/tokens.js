// Finds the email addresses, URLs and bare domain names in page text: the
// candidates the content script asks the checker about.
//
// A plain script, like shared/protocol.js: it loads as a content script
// and in Node (test/tokens.test.mjs); either way it defines
// globalThis.RedFlagTokens.
(() => {
  // An email address, a URL, or a domain name with an optional path, not
  // part of a longer word or address. Every token holds "." or "://".
  const TOKEN = /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}|\bhttps?:\/\/[^\s<>"'()\[\]{}]+|(?<![\w@.\/-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?:\/[^\s<>"'()\[\]{}]*)?(?![\w@-])/g;
  const TRAILING = /[.,;:!?]+$/; // sentence punctuation after a domain with a path

  // eachToken calls fn with each email, URL and domain (with its path, if
  // any) in s, in order, trailing sentence punctuation removed.
  function eachToken(s, fn) {
    if (s.length < 4 || (s.indexOf('.') < 0 && s.indexOf('://') < 0)) return;
    // One native call for all matches: an exec loop pays a match object
    // and a return to script per token, which on a page's first scan (cold
    // code) costs more than the matching.
    const all = s.match(TOKEN);
    if (all === null) return;
    for (let i = 0; i < all.length; i++) {
      const t = all[i];
      const last = t.charCodeAt(t.length - 1);
      // . , ; : ! ?
      fn(last === 46 || last === 44 || last === 59 || last === 58 || last === 33 || last === 63 ? t.replace(TRAILING, '') : t);
    }
  }

  globalThis.RedFlagTokens = Object.freeze({ TOKEN, eachToken });
})();
