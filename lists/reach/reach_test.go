package reach

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/synthetic"
)

// The shipped default list cautions none of the shipped known-legit names
// (goal: at most 1 in 10,000) and none of the popular sites.
func TestDefaultListReach(t *testing.T) {
	es, err := data.Entries()
	if err != nil {
		t.Fatal(err)
	}
	names := LegitNames()
	if len(names) < 10000 {
		t.Fatalf("%d known-legit names; the measure wants at least 10,000", len(names))
	}
	r, err := Of(es, names)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("default list: %d of %d known-legit names cautioned (%.2f per 10,000): %v", r.Cautioned, r.Names, r.PerTenThousand(), r.ByEntry)
	if r.PerTenThousand() > 1 {
		t.Errorf("%.2f false cautions per 10,000 known-legit names, goal at most 1", r.PerTenThousand())
	}
	popular, err := os.ReadFile("../lookalike/popular-sites.txt")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := Of(es, ParseNames(string(popular))); r.Cautioned != 0 {
		t.Errorf("popular sites cautioned: %v", r.ByEntry)
	}
}

// An entry's reach names what it would caution; with look-alikes off it
// reaches nothing.
func TestReachOfAnEntry(t *testing.T) {
	prov := entry.Provenance{Kind: entry.Flagged, Authority: "Acme", Date: "2026-01-01", Reference: "https://acme.example/"}
	es := []entry.Entry{{Pattern: entry.Pattern{Host: "mailbox.org"}, Provenance: prov}} // a real provider's name
	names := []string{"mailbox.com", "mail-box.org", "mailboxx.org", "example.org"}
	r, err := Of(es, names)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.ByEntry["mailbox.org"], ","); got != "mail-box.org,mailbox.com,mailboxx.org" || r.Cautioned != 3 {
		t.Errorf("reach %+v", r)
	}
	es[0].LookAlikesOff = true
	if r, _ := Of(es, names); r.Cautioned != 0 {
		t.Errorf("reach with look-alikes off: %+v", r)
	}
}

// TestFalseCautionsCorpus measures false cautions per 10,000 real
// registered names no list holds — disposable-email-domains (121,000
// names) and the shipped known-legit names — for the default list and a
// 1,000,000-entry synthetic list with look-alikes on. It needs the corpus
// packages (make reach-corpus) and a minute: make bench-lookalike runs it.
func TestFalseCautionsCorpus(t *testing.T) {
	dir := os.Getenv("REDFLAG_CORPUS")
	if dir == "" {
		t.Skip("REDFLAG_CORPUS unset: make bench-lookalike measures this")
	}
	b, err := os.ReadFile(filepath.Join(dir, "disposable-email-domains/index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var disposable []string
	if err := json.Unmarshal(b, &disposable); err != nil {
		t.Fatal(err)
	}
	es, _ := data.Entries()
	t0 := time.Now()
	big := synthetic.Entries(1_000_000, 1)
	corpora := map[string][]string{"disposable-email-domains@1.0.62": disposable, "known-legit (shipped)": LegitNames()}
	for name, list := range map[string][]entry.Entry{"default": es, "synthetic 1M": big} {
		for cname, names := range corpora {
			r, err := Of(list, names)
			if err != nil {
				t.Fatal(err)
			}
			var examples []string
			for listed, ns := range r.ByEntry {
				if len(examples) < 8 {
					examples = append(examples, ns[0]+"~"+listed)
				}
			}
			t.Logf("%s list, %s: %d of %d names cautioned = %.2f per 10,000 (e.g. %v)", name, cname, r.Cautioned, r.Names, r.PerTenThousand(), examples)
		}
	}
	t.Logf("(took %v)", time.Since(t0).Round(time.Second))
}
