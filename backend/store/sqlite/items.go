package sqlite

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
)

// A batch of change items is stored as one blob, so that a
// million-entry change reads back in one query:
//
//	P<TAB>kind<TAB>date<TAB>authority<TAB>reference<TAB>note   (provenance table, numbered from 0)
//	+<TAB>pattern<TAB>provenance number                        (add)
//	-<TAB>pattern                                              (remove)
//
// Entries were validated on the way in and their text fields hold no
// control characters, so tabs and newlines are safe separators.

func encodeItems(items []store.Item) []byte {
	var b bytes.Buffer
	provs := make(map[entry.Provenance]int)
	for _, it := range items {
		if it.Op != store.Add {
			continue
		}
		if _, ok := provs[it.Entry.Provenance]; !ok {
			p := it.Entry.Provenance
			provs[p] = len(provs)
			fmt.Fprintf(&b, "P\t%s\t%s\t%s\t%s\t%s\n", p.Kind, p.Date, p.Authority, p.Reference, p.Note)
		}
	}
	for _, it := range items {
		if it.Op == store.Add {
			b.WriteString("+\t")
			b.WriteString(it.Entry.Pattern.String())
			b.WriteByte('\t')
			b.WriteString(strconv.Itoa(provs[it.Entry.Provenance]))
		} else {
			b.WriteString("-\t")
			b.WriteString(it.Entry.Pattern.String())
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// splitPattern rebuilds a pattern from its canonical text without parsing
// it again: the host ends at the first '/'.
func splitPattern(s string) entry.Pattern {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return entry.Pattern{Host: s[:i], Path: s[i:]}
	}
	return entry.Pattern{Host: s}
}

func decodeItems(data []byte, n int) ([]store.Item, error) {
	text := string(data) // one copy; patterns and fields alias it
	items := make([]store.Item, 0, n)
	var provs []entry.Provenance
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		op, body, _ := strings.Cut(line, "\t")
		switch op {
		case "P":
			f := strings.Split(body, "\t")
			if len(f) != 5 {
				return nil, fmt.Errorf("sqlite: corrupt item batch: provenance line %q", line)
			}
			k, err := entry.ParseKind(f[0])
			if err != nil {
				return nil, fmt.Errorf("sqlite: corrupt item batch: %w", err)
			}
			provs = append(provs, entry.Provenance{Kind: k, Date: f[1], Authority: f[2], Reference: f[3], Note: f[4]})
		case "+":
			pat, num, _ := strings.Cut(body, "\t")
			i, err := strconv.Atoi(num)
			if err != nil || i < 0 || i >= len(provs) {
				return nil, fmt.Errorf("sqlite: corrupt item batch: line %q", line)
			}
			items = append(items, store.Item{Op: store.Add, Entry: entry.Entry{Pattern: splitPattern(pat), Provenance: provs[i]}})
		case "-":
			items = append(items, store.Item{Op: store.Remove, Entry: entry.Entry{Pattern: splitPattern(body)}})
		default:
			return nil, fmt.Errorf("sqlite: corrupt item batch: line %q", line)
		}
	}
	if len(items) != n {
		return nil, fmt.Errorf("sqlite: corrupt item batch: %d items, want %d", len(items), n)
	}
	return items, nil
}
