package document

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
)

// zipFormat tells DOCX from ODT by the parts inside.
func zipFormat(data []byte, ext string) string {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		// Damaged: the reader of the format its name says will say so.
		if ext == ".odt" {
			return ODT
		}
		return DOCX
	}
	for _, f := range z.File {
		switch f.Name {
		case "word/document.xml":
			return DOCX
		case "mimetype":
			if b, err := readZipFile(f); err == nil && string(bytes.TrimSpace(b)) == "application/vnd.oasis.opendocument.text" {
				return ODT
			}
		}
	}
	return ""
}

func openZip(data []byte) (*zip.Reader, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a complete ZIP archive (%v)", ErrDamaged, err)
	}
	return z, nil
}

// zipFile returns the named part, or nil when there is none.
func zipFile(z *zip.Reader, name string) *zip.File {
	for _, f := range z.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// readZipFile reads one part, at most MaxSize bytes of it (a small
// archive may expand to gigabytes).
func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, f.Name, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w: %s expands to more than %d bytes", ErrTooLarge, f.Name, MaxSize)
	}
	return b, nil
}
