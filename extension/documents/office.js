// DOCX and ODT: ZIP archives of XML, opened with fflate (bundled as
// vendor/fflate.js) and read with the page's DOMParser. Paragraphs are
// numbered in document order, as lists/document numbers them.
import { unzipSync } from '../vendor/fflate.js';
import { damaged, encrypted, tooLarge } from './errors.js';
import { MAX_SIZE } from './limits.js';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const TEXT = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0';
const XLINK = 'http://www.w3.org/1999/xlink';

// unzip returns the archive's files that want(name) picks, refusing a
// damaged archive and a part that expands past MAX_SIZE.
function unzip(bytes, want) {
  let big;
  let files;
  try {
    files = unzipSync(bytes, {
      filter(f) {
        if (!want(f.name)) return false;
        if (f.originalSize > MAX_SIZE) { big = f.name; return false; }
        return true;
      },
    });
  } catch (e) {
    throw damaged(`not a complete ZIP archive (${e.message})`);
  }
  if (big) throw tooLarge(`${big} expands to more than ${MAX_SIZE} bytes`);
  return files;
}

const utf8 = (b) => new TextDecoder().decode(b);

function parseXML(name, bytes) {
  const doc = new DOMParser().parseFromString(utf8(bytes), 'application/xml');
  const err = doc.getElementsByTagName('parsererror')[0];
  if (err) throw damaged(`${name}: ${err.textContent.trim().split('\n')[0]}`);
  return doc;
}

// zipFormat tells DOCX from ODT by the parts inside (lists/document's
// zipFormat); an archive that does not open goes to the reader its name
// says, which says it is damaged.
export function zipFormat(bytes, ext) {
  let files;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'word/document.xml' || f.name === 'mimetype' });
  } catch {
    return ext === '.odt' ? 'odt' : 'docx';
  }
  if (files['word/document.xml']) return 'docx';
  if (files.mimetype && utf8(files.mimetype).trim() === 'application/vnd.oasis.opendocument.text') return 'odt';
  return '';
}

// The Word parts with text, and how a location names them.
const DOCX_PARTS = [['word/document', ''], ['word/header', 'header, '], ['word/footer', 'footer, '],
  ['word/footnotes', 'footnotes, '], ['word/endnotes', 'endnotes, ']];

export function readDOCX(bytes) {
  const files = unzip(bytes, (n) => /^word\/[^/]+\.xml$/.test(n) || /^word\/_rels\/[^/]+\.xml\.rels$/.test(n));
  if (!files['word/document.xml']) throw damaged('no word/document.xml in the archive');
  const names = Object.keys(files).filter((n) => /^word\/[^/]+\.xml$/.test(n)).sort();
  const parts = [];
  for (const [prefix, where] of DOCX_PARTS) {
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const rels = docxRels(files, name);
      parts.push(...wordParagraphs(parseXML(name, files[name]), rels, where));
    }
  }
  return { parts };
}

function docxRels(files, part) {
  const name = `word/_rels/${part.slice('word/'.length)}.rels`;
  const rels = new Map();
  if (!files[name]) return rels;
  for (const r of parseXML(name, files[name]).getElementsByTagName('Relationship')) {
    if (r.getAttribute('TargetMode') === 'External') rels.set(r.getAttribute('Id'), r.getAttribute('Target'));
  }
  return rels;
}

const HYPERLINK_FIELD = /HYPERLINK\s+"([^"]+)"/g;

// paragraphs turns paragraph elements (in document order) into parts:
// visit(element, para) adds what one element inside a paragraph holds to
// para = {text, code, links} ('leaf': nothing more below it), onText
// (when given) adds a text node; a nested paragraph is left to its own
// turn.
function paragraphs(list, where, isParagraph, visit, onText) {
  const parts = [];
  list.forEach((p, i) => {
    const para = { text: '', code: '', links: [] };
    const walk = (node) => {
      for (let c = node.firstChild; c !== null; c = c.nextSibling) {
        if (c.nodeType === 3 && onText) onText(c, para);
        if (c.nodeType !== 1 || isParagraph(c)) continue;
        if (visit(c, para) !== 'leaf') walk(c);
      }
    };
    visit(p, para);
    walk(p);
    for (const m of para.code.matchAll(HYPERLINK_FIELD)) para.links.push(m[1]);
    const loc = `${where}paragraph ${i + 1}`;
    if (para.text.trim() !== '') parts.push({ where: loc, text: para.text, link: false });
    for (const l of para.links) parts.push({ where: `${loc}, link`, text: l, link: true });
  });
  return parts;
}

function wordParagraphs(doc, rels, where) {
  const isP = (e) => e.namespaceURI === W && e.localName === 'p';
  return paragraphs([...doc.getElementsByTagNameNS(W, 'p')], where, isP, (e, para) => {
    if (e.namespaceURI !== W) return undefined;
    switch (e.localName) {
      case 't': para.text += e.textContent; return 'leaf';
      case 'instrText': para.code += e.textContent; return 'leaf';
      case 'tab': para.text += '\t'; return 'leaf';
      case 'br': case 'cr': para.text += '\n'; return 'leaf';
      case 'hyperlink': {
        const target = rels.get(e.getAttributeNS(R, 'id'));
        if (target) para.links.push(target);
        return undefined;
      }
      case 'fldSimple': {
        const m = /HYPERLINK\s+"([^"]+)"/.exec(e.getAttributeNS(W, 'instr') ?? '');
        if (m) para.links.push(m[1]);
        return undefined;
      }
      default: return undefined;
    }
  });
}

export function readODT(bytes) {
  const files = unzip(bytes, (n) => n === 'content.xml' || n === 'META-INF/manifest.xml');
  // An ODF package encrypts each part and says so in its manifest.
  if (files['META-INF/manifest.xml'] && utf8(files['META-INF/manifest.xml']).includes('encryption-data')) {
    throw encrypted('the ODT needs a password to open');
  }
  if (!files['content.xml']) throw damaged('no content.xml in the archive');
  const doc = parseXML('content.xml', files['content.xml']);
  const isP = (e) => e.namespaceURI === TEXT && (e.localName === 'p' || e.localName === 'h');
  const list = [...doc.getElementsByTagNameNS(TEXT, '*')].filter(isP);
  return {
    parts: paragraphs(list, '', isP, (e, para) => {
      if (e.namespaceURI !== TEXT) return undefined;
      switch (e.localName) {
        case 's': case 'tab': para.text += ' '; return 'leaf';
        case 'line-break': para.text += '\n'; return 'leaf';
        case 'a': {
          const href = e.getAttributeNS(XLINK, 'href');
          if (href) para.links.push(href);
          return undefined;
        }
        default: return undefined;
      }
    }, (t, para) => { para.text += t.data; }),
  };
}
