// The largest file read, and the most any one part of a DOCX or ODT may
// expand to (lists/document.MaxSize).
export const MAX_SIZE = 64 * 1024 * 1024;
