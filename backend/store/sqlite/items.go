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
			// "*" is an addition with look-alikes off; batches written
			// before the setting existed have only "+".
			if it.Entry.LookAlikesOff {
				b.WriteString("*\t")
			} else {
				b.WriteString("+\t")
			}
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

func decodeItems(data []byte, n int) (store.Batch, error) {
	text := string(data) // one copy; patterns and fields alias it
	b := store.Batch{Ops: make([]store.BatchOp, 0, n)}
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		if len(line) < 2 || line[1] != '\t' {
			return b, fmt.Errorf("sqlite: corrupt item batch: line %q", line)
		}
		body := line[2:]
		switch line[0] {
		case 'P':
			f := strings.Split(body, "\t")
			if len(f) != 5 {
				return b, fmt.Errorf("sqlite: corrupt item batch: provenance line %q", line)
			}
			k, err := entry.ParseKind(f[0])
			if err != nil {
				return b, fmt.Errorf("sqlite: corrupt item batch: %w", err)
			}
			b.Provenances = append(b.Provenances, entry.Provenance{Kind: k, Date: f[1], Authority: f[2], Reference: f[3], Note: f[4]})
		case '+', '*':
			tab := strings.LastIndexByte(body, '\t')
			if tab < 0 {
				return b, fmt.Errorf("sqlite: corrupt item batch: line %q", line)
			}
			i, err := strconv.Atoi(body[tab+1:])
			if err != nil || i < 0 || i >= len(b.Provenances) {
				return b, fmt.Errorf("sqlite: corrupt item batch: line %q", line)
			}
			b.Ops = append(b.Ops, store.BatchOp{Pattern: body[:tab], Prov: uint32(i), LookAlikesOff: line[0] == '*'})
		case '-':
			b.Ops = append(b.Ops, store.BatchOp{Remove: true, Pattern: body})
		default:
			return b, fmt.Errorf("sqlite: corrupt item batch: line %q", line)
		}
	}
	if len(b.Ops) != n {
		return b, fmt.Errorf("sqlite: corrupt item batch: %d items, want %d", len(b.Ops), n)
	}
	return b, nil
}
