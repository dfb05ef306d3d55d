// Why a file could not be read: DocumentError with a kind the report
// names, and a detail in the words lists/document uses.
export class DocumentError extends Error {
  // kind: 'encrypted', 'damaged', 'too large' or 'unknown format'.
  constructor(kind, detail) {
    super(detail ? `${kind}: ${detail}` : kind);
    this.kind = kind;
  }
}

export const encrypted = (detail) => new DocumentError('encrypted', detail);
export const damaged = (detail) => new DocumentError('damaged', detail);
export const tooLarge = (detail) => new DocumentError('too large', detail);
export const unknownFormat = (detail) => new DocumentError('unknown format', detail ?? 'not a PDF, DOCX, ODT, email or text file');
