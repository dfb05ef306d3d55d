package ingest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/redflag/redflag/lists/entry"
)

type stixObject struct {
	Type         string `json:"type"`
	ID           string `json:"id"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	Pattern      string `json:"pattern"`
	PatternType  string `json:"pattern_type"`
	Value        string `json:"value"`
	Created      string `json:"created"`
	ValidFrom    string `json:"valid_from"`
	CreatedByRef string `json:"created_by_ref"`
	ExternalRefs []struct {
		SourceName string `json:"source_name"`
		URL        string `json:"url"`
	} `json:"external_references"`
}

// stixComparison finds "domain-name:value = '...'" and "url:value = '...'"
// comparisons in a STIX pattern; quotes inside values are escaped as \'.
var stixComparison = regexp.MustCompile(`(domain-name|url):value\s*=\s*'((?:[^'\\]|\\.)*)'`)

// readSTIX reads a STIX 2.1 bundle: indicators whose patterns compare
// domain-name or url values, and bare domain-name and url objects.
// Identities named by created_by_ref become the authority.
func readSTIX(data []byte, defaults entry.Provenance, acc *accumulator) error {
	var bundle struct {
		Type    string       `json:"type"`
		Objects []stixObject `json:"objects"`
	}
	if err := json.Unmarshal(data, &bundle); err != nil {
		return fmt.Errorf("ingest: STIX bundle: %w", err)
	}
	if bundle.Type != "bundle" {
		return fmt.Errorf("ingest: STIX: top-level type %q, want \"bundle\"", bundle.Type)
	}
	identities := make(map[string]string)
	for _, o := range bundle.Objects {
		if o.Type == "identity" {
			identities[o.ID] = o.Name
		}
	}
	for i, o := range bundle.Objects {
		n := i + 1
		prov := defaults
		if name := identities[o.CreatedByRef]; name != "" {
			prov.Authority = name
		}
		// The report date is when the object was first made; valid_from
		// may lie before or after it.
		if d := firstDate(o.Created, o.ValidFrom); d != "" {
			prov.Date = d
		}
		for _, ref := range o.ExternalRefs {
			if strings.HasPrefix(ref.URL, "http") {
				prov.Reference = ref.URL
				break
			}
		}
		if note := oneLine(firstNonEmpty(o.Name, o.Description)); note != "" {
			prov.Note = note
		}
		switch o.Type {
		case "domain-name", "url":
			acc.add(n, o.Value, prov)
		case "indicator":
			if o.PatternType != "" && o.PatternType != "stix" {
				acc.reject(n, o.ID, fmt.Sprintf("pattern type %q; only STIX patterns are read", o.PatternType))
				continue
			}
			ms := stixComparison.FindAllStringSubmatch(o.Pattern, -1)
			if len(ms) == 0 {
				acc.reject(n, o.Pattern, "indicator has no domain-name or url comparison")
				continue
			}
			for _, m := range ms {
				acc.add(n, strings.ReplaceAll(m[2], `\'`, `'`), prov)
			}
		}
	}
	return nil
}

func firstDate(ts ...string) string {
	for _, t := range ts {
		if len(t) >= 10 {
			return t[:10]
		}
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// oneLine makes free text fit a note: one line, bounded length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > entry.MaxNoteLen {
		s = strings.ToValidUTF8(s[:entry.MaxNoteLen-3], "") + "..."
	}
	return s
}
