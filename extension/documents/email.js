// Email (.eml): the address headers and Subject, the paragraphs and links
// of the text and HTML bodies, and what the attachments hold, read as
// files of their own. MIME is parsed by postal-mime (bundled as
// vendor/postal-mime); HTML by the page's DOMParser, which runs no script
// and loads nothing from a document it parses.
import PostalMime, { decodeWords } from '../vendor/postal-mime/postal-mime.js';
import { damaged } from './errors.js';

// As lists/document: each header a part, so a listed sender or reply-to
// address says so.
const HEADERS = ['From', 'Reply-To', 'Sender', 'Return-Path', 'To', 'Cc', 'Subject'];
const MAX_NESTING = 3;
const BLOCKS = new Set(['P', 'DIV', 'BR', 'LI', 'TR', 'TD', 'TABLE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'HR']);

// readEmail reads a message; readFile(name, bytes, depth) reads an
// attachment (read.js's readDocument, passed in to keep the modules apart).
export async function readEmail(bytes, depth, readFile) {
  let msg;
  try {
    msg = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  } catch (e) {
    throw damaged(`not an email message (${e.message})`);
  }
  const parts = [];
  const problems = [];
  for (const name of HEADERS) {
    for (const h of msg.headers ?? []) {
      if (h.key === name.toLowerCase()) parts.push({ where: `header ${name}`, text: decodeWords(h.value), link: false });
    }
  }
  let n = 0; // body paragraphs, across the text and HTML bodies
  const paragraph = (text, links = []) => {
    if (text.trim() === '' && links.length === 0) return;
    const where = `body, paragraph ${++n}`;
    if (text.trim() !== '') parts.push({ where, text, link: false });
    for (const l of links) parts.push({ where: `${where}, link`, text: l, link: true });
  };
  for (const p of (msg.text ?? '').replace(/\r\n/g, '\n').split('\n\n')) paragraph(p);
  if (msg.html) {
    const doc = new DOMParser().parseFromString(msg.html, 'text/html');
    let text = '';
    let links = [];
    const flush = () => { paragraph(text, links); text = ''; links = []; };
    const walk = (node) => {
      for (let c = node.firstChild; c !== null; c = c.nextSibling) {
        if (c.nodeType === 3) text += c.data;
        if (c.nodeType !== 1 || c.tagName === 'SCRIPT' || c.tagName === 'STYLE') continue;
        const block = BLOCKS.has(c.tagName);
        if (block) flush();
        if (c.tagName === 'A' && c.hasAttribute('href')) links.push(c.getAttribute('href'));
        walk(c);
        if (block) flush();
      }
    };
    walk(doc.body ?? doc.documentElement);
    flush();
  }
  for (const a of msg.attachments ?? []) {
    let name = a.filename || a.mimeType || 'attachment';
    if (a.mimeType === 'message/rfc822' && !/\.eml$/i.test(name)) name += '.eml';
    if (depth >= MAX_NESTING) {
      problems.push(new Error(`attachment ${name}: too large: attachments nested more than ${MAX_NESTING} deep`));
      continue;
    }
    try {
      const sub = await readFile(name, new Uint8Array(a.content), depth + 1);
      for (const p of sub.parts) parts.push({ ...p, where: `attachment ${name}, ${p.where}` });
      for (const e of sub.problems) problems.push(new Error(`attachment ${name}: ${e.message}`));
    } catch (e) {
      problems.push(new Error(`attachment ${name}: ${e.message}`));
    }
  }
  return { parts, problems };
}
