// PDF: each page's text and its link annotations' targets, by pdf.js
// (bundled into the build as vendor/pdfjs, with its worker and character
// maps: the extension loads no code from anywhere else).
import * as pdfjs from '../vendor/pdfjs/pdf.min.mjs';
import { damaged, encrypted } from './errors.js';

pdfjs.GlobalWorkerOptions.workerSrc = new URL('../vendor/pdfjs/pdf.worker.min.mjs', import.meta.url).href;

const MAX_PAGES = 10000; // as lists/document

export async function readPDF(bytes) {
  const task = pdfjs.getDocument({
    data: bytes.slice(), // the worker takes the buffer
    isEvalSupported: false, // the extension's CSP forbids it
    cMapUrl: new URL('../vendor/pdfjs/cmaps/', import.meta.url).href,
    cMapPacked: true,
    // The 14 standard fonts' metrics: without them pdf.js cannot tell
    // where words in those fonts end.
    standardFontDataUrl: new URL('../vendor/pdfjs/standard_fonts/', import.meta.url).href,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  // A password prompt would wait forever: refuse at once.
  task.onPassword = () => task.destroy();
  let pdf;
  try {
    pdf = await task.promise;
  } catch (e) {
    if (e?.name === 'PasswordException' || /password/i.test(e?.message ?? '')) throw encrypted('the PDF needs a password to open');
    if (/destroyed/i.test(e?.message ?? '')) throw encrypted('the PDF needs a password to open');
    throw damaged(e?.message ?? String(e));
  }
  try {
    const parts = [];
    for (let n = 1; n <= Math.min(pdf.numPages, MAX_PAGES); n++) {
      const page = await pdf.getPage(n);
      const where = `page ${n}`;
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) text += (item.str ?? '') + (item.hasEOL ? '\n' : '');
      if (text.trim() !== '') parts.push({ where, text, link: false });
      for (const a of await page.getAnnotations({ intent: 'display' })) {
        const url = a.subtype === 'Link' ? (a.unsafeUrl ?? a.url) : undefined;
        if (typeof url === 'string' && url.trim() !== '') parts.push({ where: `${where}, link`, text: url.trim(), link: true });
      }
      page.cleanup();
    }
    return { parts };
  } finally {
    await task.destroy();
  }
}
