// Reads the files a recruiter receives — PDF, DOCX, ODT, email (.eml) and
// plain text — into parts: pieces of text or hyperlink targets, each with
// where it was found ("page 2", "paragraph 14, link", "header Reply-To"),
// in the words lists/document (the redflag command's reader) uses. It all
// happens in this page: nothing is sent anywhere.
//
// A file that cannot be read is a DocumentError whose message names the
// reason: encrypted, damaged, too large, or not a format this reads.
import { readPDF } from './pdf.js';
import { readDOCX, readODT, zipFormat } from './office.js';
import { readEmail } from './email.js';
import { DocumentError, damaged, encrypted, tooLarge, unknownFormat } from './errors.js';

export { DocumentError };

import { MAX_SIZE } from './limits.js';

const MAIL_HEADERS = ['From:', 'Received:', 'Return-Path:', 'MIME-Version:', 'Delivered-To:', 'Message-ID:'];
const ascii = (bytes, n) => String.fromCharCode(...bytes.subarray(0, Math.min(n, bytes.length)));
const startsWith = (bytes, s) => s.length <= bytes.length && [...s].every((c, i) => bytes[i] === c.charCodeAt(0));

// detect names a file's format by its content, then its name's extension
// (the same rules as lists/document.Detect).
export function detect(name, bytes) {
  const ext = (/\.[^./]+$/.exec(name.toLowerCase()) ?? [''])[0];
  const head = ascii(bytes, 1024);
  if (MAIL_HEADERS.some((h) => head.startsWith(h))) return 'eml';
  if (head.includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, '\xd0\xcf\x11\xe0')) return '';
  if (startsWith(bytes, 'PK\x03\x04') || startsWith(bytes, 'PK\x05\x06')) return zipFormat(bytes, ext);
  if (ext === '.pdf') return 'pdf';
  if (ext === '.docx') return 'docx';
  if (ext === '.odt') return 'odt';
  if (!isText(bytes)) return '';
  return ext === '.eml' ? 'eml' : 'text';
}

function isText(bytes) {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true }); // a cut may split the last character
    return true;
  } catch {
    return false;
  }
}

function unknown(bytes) {
  if (startsWith(bytes, '\xd0\xcf\x11\xe0')) {
    // Office saves a password-protected DOCX as an OLE file with an
    // EncryptedPackage stream.
    const utf16 = [...'EncryptedPackage'].flatMap((c) => [c.charCodeAt(0), 0]);
    for (let i = 0; i + utf16.length <= bytes.length; i++) {
      if (bytes[i] === 69 && utf16.every((b, j) => bytes[i + j] === b)) return encrypted('the Office file needs a password to open');
    }
    return unknownFormat('an old Office file (.doc, .xls); save it as DOCX or PDF');
  }
  if (startsWith(bytes, '{\\rtf')) return unknownFormat('RTF; save it as DOCX or PDF');
  if (startsWith(bytes, 'PK')) return unknownFormat('a ZIP archive that is neither DOCX nor ODT');
  return unknownFormat();
}

// readDocument returns {format, parts: [{where, text, link}], problems:
// [Error]} for a file's bytes, or throws a DocumentError. depth counts
// attachments inside attachments.
export async function readDocument(name, bytes, depth = 0) {
  if (bytes.length > MAX_SIZE) throw tooLarge(`${bytes.length} bytes, more than ${MAX_SIZE}`);
  const format = detect(name, bytes);
  let doc;
  try {
    switch (format) {
      case 'pdf': doc = await readPDF(bytes); break;
      case 'docx': doc = readDOCX(bytes); break;
      case 'odt': doc = readODT(bytes); break;
      case 'eml': doc = await readEmail(bytes, depth, readDocument); break;
      case 'text': doc = { parts: readText(bytes), problems: [] }; break;
      default: throw unknown(bytes);
    }
  } catch (e) {
    if (e instanceof DocumentError) throw e;
    throw damaged(e?.message ?? String(e)); // a parser gave up on the file
  }
  return { format, problems: [], ...doc };
}

function readText(bytes) {
  const parts = [];
  new TextDecoder().decode(bytes).split('\n').forEach((line, i) => {
    line = line.replace(/\r$/, '');
    if (line.trim() !== '') parts.push({ where: `line ${i + 1}`, text: line, link: false });
  });
  return parts;
}
