package check

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/idna"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/lookalike"
	"github.com/redflag/redflag/lists/snapshot"
)

// defaultSnapshot is the shipped default list, built with the test key.
func defaultSnapshot(t testing.TB) *snapshot.Snapshot {
	t.Helper()
	es, err := data.Entries()
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Build(snapshot.Options{Name: "default", Version: 1, Created: time.Unix(0, 0)}, es, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Cyrillic letters that look like Latin ones, for confusable variants
// made here independently of the confusables table.
var cyrillic = map[byte]rune{'a': 'а', 'c': 'с', 'e': 'е', 'i': 'і', 'j': 'ј', 'o': 'о', 'p': 'р', 's': 'ѕ', 'x': 'х', 'y': 'у'}

// variants returns, by class, variants of a listed registrable domain made
// the simple way: one change in the middle of the name, or at its ends.
func variants(t *testing.T, registrable string) map[string][]string {
	name, suffix, _ := strings.Cut(registrable, ".")
	mid := len(name) / 2
	other := "io"
	if suffix == "io" {
		other = "net"
	}
	at := func(n string) string { return n + "." + suffix }
	v := map[string][]string{
		"suffix":       {name + "." + other, name + ".com.br"},
		"insertion":    {at(name[:mid] + "q" + name[mid:]), at(name + "z")},
		"deletion":     {at(name[:mid] + name[mid+1:]), at(name[1:])},
		"substitution": {at(name[:mid] + string(rotate(name[mid])) + name[mid+1:])},
		"hyphen":       {at(name[:mid] + "-" + name[mid:])},
		"affix added":  {at("my" + name), at(name + "hub"), at("get" + name), at(name + "-group")},
	}
	// An adjacent swap of two different letters.
	for i := mid; i+1 < len(name); i++ {
		if name[i] != name[i+1] {
			v["swap"] = []string{at(name[:i] + name[i+1:i+2] + name[i:i+1] + name[i+2:])}
			break
		}
	}
	if core, _, _ := lookalike.Core([]byte(name)); len(core) < len(name) && len(core) >= lookalike.MinCore {
		v["affix removed"] = []string{at(string(core))}
	}
	for i := 0; i < len(name); i++ {
		if r, ok := cyrillic[name[i]]; ok {
			u := name[:i] + string(r) + name[i+1:]
			a, err := idna.Punycode.ToASCII(u)
			if err != nil {
				t.Fatal(err)
			}
			v["confusable"] = []string{at(u), at(a)}
			break
		}
	}
	return v
}

func rotate(c byte) byte {
	if c == 'z' {
		return 'a'
	}
	return c + 1
}

// TestSeizedVariants: for each of the 17 seized domains, variants of every
// class are cautioned, naming that domain (or a listed name the variant
// is closer to); the domain itself and its subdomains stay seized.
func TestSeizedVariants(t *testing.T) {
	s := defaultSnapshot(t)
	es, _ := data.Entries()
	if len(es) != 17 {
		t.Fatalf("%d shipped entries, want the 17 seized domains", len(es))
	}
	classes := map[string]int{}
	for _, e := range es {
		listed := e.Pattern.Host
		for _, in := range []string{listed, "https://careers." + listed + "/apply", "hr@" + listed} {
			if r := Check(s, in, Options{}); r.Verdict != Seized {
				t.Errorf("%s: %s, want seized", in, r.Verdict)
			}
		}
		for class, vs := range variants(t, listed) {
			for _, v := range vs {
				r := Check(s, "https://"+v+"/", Options{})
				if r.Listed() {
					continue // the variant is itself a listed name
				}
				if r.Verdict != Caution {
					t.Errorf("%s variant %s of %s: %s, want caution", class, v, listed, r.Verdict)
					continue
				}
				if r.Entry == nil || *r.Entry != e.Provenance || r.How == "" {
					t.Errorf("%s variant %s: entry %v, how %q", class, v, r.Entry, r.How)
				}
				if r.Resembles != listed {
					got, _ := lookalike.Relate(r.Registrable, r.Resembles)
					want, _ := lookalike.Relate(r.Registrable, listed)
					if got.Rank > want.Rank {
						t.Errorf("%s variant %s: resembles %s (%s), want %s (%s)", class, v, r.Resembles, got.Text, listed, want.Text)
					}
				}
				classes[class]++
			}
		}
	}
	t.Logf("variants cautioned by class: %v", classes)
	for _, class := range []string{"suffix", "insertion", "deletion", "substitution", "swap", "hyphen", "affix added", "affix removed", "confusable"} {
		if classes[class] == 0 {
			t.Errorf("no %s variant was cautioned", class)
		}
	}
}

// Real-world-shaped names around the seized families, picked by hand.
func TestCautionHandPicked(t *testing.T) {
	s := defaultSnapshot(t)
	tests := []struct {
		input, verdict, resembles string
		similarity                []lookalike.Class
	}{
		{"https://cloudfox.io/", Caution, "cloudfox.cloud", []lookalike.Class{lookalike.Suffix}},
		{"https://foxysunstudios.net/", Caution, "foxysunstudios.com", []lookalike.Class{lookalike.Suffix}},
		{"https://silverstar-china.com/", Caution, "silverstarchina.com", []lookalike.Class{lookalike.Hyphen}},
		{"https://ѕilverstarchina.com/", Caution, "silverstarchina.com", []lookalike.Class{lookalike.Confusable}},
		{"https://www.xn--ilverstarchina-p9l.com/jobs", Caution, "silverstarchina.com", []lookalike.Class{lookalike.Confusable}},
		{"hr@cloudfox-hub.com", Caution, "cloudfoxhub.com", []lookalike.Class{lookalike.Hyphen}},
		{"https://jinyang.services.example.net/", Clean, "", nil}, // a subdomain of another site
		{"https://careers.jinyang.tech/apply", Caution, "jinyang.asia", []lookalike.Class{lookalike.Suffix}},
		{"https://edenprograms.com/", Caution, "edenprogram.com", []lookalike.Class{lookalike.Insertion}},
		{"https://babyboxtech.co.uk/", Caution, "babyboxtech.com", []lookalike.Class{lookalike.Suffix}},
		{"https://thefoxesgroup.org/", Caution, "thefoxesgroup.com", []lookalike.Class{lookalike.Suffix}},
		{"https://foxysunstudio.com.cn/", Caution, "foxysunstudio.com", []lookalike.Class{lookalike.Suffix}},
		{"https://danieliu.info/", Caution, "danielliu.info", []lookalike.Class{lookalike.Deletion}},
		{"https://xinlusoft.tech/", Caution, "xinlusoft.com", []lookalike.Class{lookalike.Suffix}},
		{"https://www.linkedin.com/in/jinyang", Clean, "", nil},       // a platform is never cautioned
		{"https://cloud.google.com/", Clean, "", nil},                 // nor a popular site
		{"https://foxnews.com/", Clean, "", nil},                      // shares a word, nothing more
		{"https://silverstar.com/", Clean, "", nil},                   // a part of a name
		{"https://chinasilverstar.com/", Clean, "", nil},              // words reordered
		{"http://195.127.0.11/", Clean, "", nil},                      // an address has no name
		{"https://silverstarchina.com.evil.example/", Clean, "", nil}, // the name in a subdomain: not this class
	}
	for _, tt := range tests {
		r := Check(s, tt.input, Options{})
		if r.Verdict != tt.verdict || r.Resembles != tt.resembles || !slices.Equal(r.Similarity, tt.similarity) {
			t.Errorf("Check(%q) = %s %q %v (%s), want %s %q %v", tt.input, r.Verdict, r.Resembles, r.Similarity, r.How, tt.verdict, tt.resembles, tt.similarity)
		}
		a, err := Lookup(s, tt.input, Options{})
		if err != nil || (a.Caution != nil) != (r.Verdict == Caution) || a.Caution != nil && a.Caution.Resembles != r.Resembles {
			t.Errorf("Lookup(%q) = %+v, %v; Check says %s", tt.input, a, err, r.Verdict)
		}
		if r := Check(s, tt.input, Options{NoLookAlikes: true}); r.Verdict == Caution {
			t.Errorf("Check(%q) with look-alikes off: caution", tt.input)
		}
	}
}

// An entry with lookalikes off causes no caution; its exact matches hold.
func TestLookAlikesOffEntry(t *testing.T) {
	es, _ := data.Entries()
	for i := range es {
		if es[i].Pattern.Host == "cloudfox.cloud" {
			es[i].LookAlikesOff = true
		}
	}
	s, err := snapshot.Build(snapshot.Options{Name: "default", Version: 1, Created: time.Unix(0, 0)}, es, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	if r := Check(s, "https://cloudfox.cloud/", Options{}); r.Verdict != Seized {
		t.Errorf("cloudfox.cloud: %s", r.Verdict)
	}
	// cloudfox.io is the same name as cloudfox.cloud, off now; mycloudfox
	// and cloudfoxhub still have theirs, and cloudfox.io lacks their words.
	r := Check(s, "https://cloudfox.io/", Options{})
	if r.Resembles == "cloudfox.cloud" {
		t.Errorf("cloudfox.io still resembles an entry with look-alikes off: %+v", r)
	}
	t.Logf("cloudfox.io with cloudfox.cloud's look-alikes off: %s %s (%s)", r.Verdict, r.Resembles, r.How)
}

// A look-alike never hides a listing, and a listed name in one list is not
// a caution of itself.
func TestExactWins(t *testing.T) {
	var es []entry.Entry
	for _, p := range []string{"cloudfox.cloud", "cloudfox.io"} {
		es = append(es, entry.Entry{Pattern: entry.Pattern{Host: p}, Provenance: entry.Provenance{Kind: entry.Flagged, Authority: "Acme", Date: "2026-01-01", Reference: "https://acme.example/" + p}})
	}
	s, err := snapshot.Build(snapshot.Options{Name: "t", Version: 1, Created: time.Unix(0, 0)}, es, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"cloudfox.io", "https://a.cloudfox.cloud/"} {
		if r := Check(s, in, Options{}); r.Verdict != Flagged {
			t.Errorf("%s: %s", in, r.Verdict)
		}
	}
	r := Check(s, "cloudfox.net", Options{})
	if r.Verdict != Caution || r.Entry.Reference != fmt.Sprintf("https://acme.example/%s", r.Resembles) {
		t.Errorf("cloudfox.net: %+v", r)
	}
}

// FuzzLookAlike: no input breaks the look-alike search, and every caution
// it gives is a relation lookalike.Relate confirms, never a listed name.
func FuzzLookAlike(f *testing.F) {
	for _, s := range []string{"cloudfox.io", "https://ѕilverstarchina.com/", "xn--ilverstarchina-p9l.com", "silverstar-china.com",
		"mycloudfoxhub.com", "a.b", "xn--.com", "rnrnrnrn.com", strings.Repeat("a", 63) + ".com", "foxysunstudios.net"} {
		f.Add(s)
	}
	s := defaultSnapshot(f)
	f.Fuzz(func(t *testing.T, input string) {
		r := Check(s, input, Options{})
		if r.Verdict != Caution {
			return
		}
		if _, ok := lookalike.Relate(r.Registrable, r.Resembles); !ok {
			t.Fatalf("%q cautioned as resembling %s, which Relate denies", input, r.Resembles)
		}
		if rr := Check(s, r.Resembles, Options{}); !rr.Listed() {
			t.Fatalf("%q resembles %s, which is not listed", input, r.Resembles)
		}
	})
}

// TestScratchAnswersAsFresh: one Scratch lent to every check of a run
// answers each input as a fresh probe does, whatever the input before it
// left behind (a longer name, a Unicode one, a caution, an invalid input).
func TestScratchAnswersAsFresh(t *testing.T) {
	s := defaultSnapshot(t)
	es, _ := data.Entries()
	inputs := []string{
		"https://" + strings.Repeat("verylongname", 5) + ".com/", // a long fold, then short ones
		"xn--ilverstarchina-5sj.com",                             // Cyrillic ѕ: a confusable
		"silverstar-china.com", "cloudfox.io", "mycloudfox.com", "github.com", "exa.com", "not a url", "",
		"https://xn--80ak6aa92e.com/", // Cyrillic "apple"
	}
	for _, e := range es {
		for _, vs := range variants(t, e.Pattern.Host) {
			inputs = append(inputs, vs...)
		}
	}
	for _, noLookAlikes := range []bool{false, true} {
		scratch := new(Scratch)
		for _, in := range inputs {
			fresh := Check(s, in, Options{NoLookAlikes: noLookAlikes})
			lent := Check(s, in, Options{NoLookAlikes: noLookAlikes, Scratch: scratch})
			if !reflect.DeepEqual(fresh, lent) {
				t.Errorf("%q: with a scratch %+v, fresh %+v", in, lent, fresh)
			}
			fa, _ := Lookup(s, in, Options{NoLookAlikes: noLookAlikes})
			la, _ := Lookup(s, in, Options{NoLookAlikes: noLookAlikes, Scratch: scratch})
			if !reflect.DeepEqual(fa, la) {
				t.Errorf("%q: verdict with a scratch %+v, fresh %+v", in, la, fa)
			}
		}
	}
	if n := len(inputs); n < 100 {
		t.Fatalf("only %d inputs", n)
	}
}
