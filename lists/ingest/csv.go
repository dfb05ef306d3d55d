package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/redflag/redflag/lists/entry"
)

// Column names a CSV header may use, by field.
var csvAliases = map[string][]string{
	"pattern":   {"pattern", "domain", "url", "host", "indicator", "value"},
	"kind":      {"kind"},
	"date":      {"date", "seized_on", "listed_on", "first_seen"},
	"authority": {"authority", "listed_by", "source_name"},
	"reference": {"reference", "reference_url", "source_url", "ref"},
	"note":      {"note", "notes", "comment", "description"},
}

// headerColumns maps fields to column positions, or returns nil when the
// row has no pattern column (so it is not a header).
func headerColumns(line string) map[string]int {
	r := csv.NewReader(strings.NewReader(line))
	row, err := r.Read()
	if err != nil {
		return nil
	}
	cols := make(map[string]int)
	for i, name := range row {
		name = strings.ToLower(strings.TrimSpace(name))
		for field, aliases := range csvAliases {
			for _, a := range aliases {
				if name == a {
					if _, dup := cols[field]; !dup {
						cols[field] = i
					}
				}
			}
		}
	}
	if _, ok := cols["pattern"]; !ok {
		return nil
	}
	return cols
}

func readCSV(data []byte, defaults entry.Provenance, acc *accumulator) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comment = '#'
	r.LazyQuotes = true // exported spreadsheets often carry stray quotes
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("ingest: csv header: %w", err)
	}
	cols := headerColumns(strings.Join(quoteAll(header), ","))
	if cols == nil {
		return fmt.Errorf("ingest: csv header %q has no pattern column (one of %v)", strings.Join(header, ","), csvAliases["pattern"])
	}
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("ingest: %w", err)
			}
			acc.reject(pe.StartLine, "", "csv: "+pe.Err.Error())
			continue
		}
		line, _ := r.FieldPos(0)
		get := func(field string) string {
			if i, ok := cols[field]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		prov := defaults
		if k := get("kind"); k != "" {
			kind, err := entry.ParseKind(k)
			if err != nil {
				acc.reject(line, get("pattern"), errText(err))
				continue
			}
			prov.Kind = kind
		}
		for field, dst := range map[string]*string{"date": &prov.Date, "authority": &prov.Authority, "reference": &prov.Reference, "note": &prov.Note} {
			if v := get(field); v != "" {
				*dst = v
			}
		}
		acc.add(line, get("pattern"), prov)
	}
}

func quoteAll(row []string) []string {
	out := make([]string, len(row))
	for i, s := range row {
		out[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return out
}
