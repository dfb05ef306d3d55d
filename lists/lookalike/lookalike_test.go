package lookalike

import (
	"slices"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ name, want string }{
		{"silverstarchina", "silverstarchina"},
		{"Silverstar-China", "silverstarchina"},
		{"silver-star-china", "silverstarchina"},
		{"g00gle", "google"},
		{"paypa1", "paypal"},
		{"modern", "modem"},                           // the skeleton reads "m" as "rn"; the fold writes "rn" as "m"
		{"rnodern", "modem"},                          // so both spellings meet
		{"xn--ilverstarchina-p9l", "silverstarchina"}, // Cyrillic ѕ
		{"ѕilverstarchina", "silverstarchina"},
		{"xn--loudfox-xjg", "cloudfox"},           // Cyrillic с
		{"xn--inyang-2vf", "jinyang"},             // Cyrillic ј
		{"xn--foxsunstudio-1hk", "foxysunstudio"}, // Cyrillic у
		{"JINYANG", "jinyang"},
	}
	for _, tt := range tests {
		if got := Fold(tt.name); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The per-byte table and the general path agree for every byte a host
// label can hold.
func TestASCIIFoldMatchesSkeleton(t *testing.T) {
	const host = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	for i := 0; i < len(host); i++ {
		for j := 0; j < len(host); j++ {
			s := string([]byte{host[i], host[j], 'q'})
			slow := string(joinRN([]byte(foldSlow(s)), 0))
			if got := Fold(s); got != slow {
				t.Fatalf("Fold(%q) = %q, general path %q", s, got, slow)
			}
		}
	}
	// Runs of the letters whose folds join ("m" is "rn"; "-" is nothing):
	// every string of up to six of them.
	const joining = "rnm-M"
	var each func(prefix string)
	each = func(prefix string) {
		if slow := string(joinRN([]byte(foldSlow(prefix)), 0)); Fold(prefix) != slow {
			t.Fatalf("Fold(%q) = %q, general path %q", prefix, Fold(prefix), slow)
		}
		if len(prefix) < 6 {
			for i := 0; i < len(joining); i++ {
				each(prefix + joining[i:i+1])
			}
		}
	}
	each("")
}

// Every character a fold of a host name can hold is tried by insertions.
func TestInsertableCoversFolds(t *testing.T) {
	for c := byte(0); c < 128; c++ {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			continue
		}
		for _, f := range []byte(Fold(string([]byte{c, 'q'}))) {
			if !strings.ContainsRune(insertable, rune(f)) {
				t.Errorf("fold of %q holds %q, which insertions never try", c, f)
			}
		}
	}
}

func TestCore(t *testing.T) {
	tests := []struct{ name, core, prefix, suffix string }{
		{"mycloudfox", "cloudfox", "my", ""},
		{"cloudfoxhub", "cloudfox", "", "hub"},
		{"thefoxesgroup", "foxes", "the", "group"},
		{"foxysunstudios", "foxysun", "", "studios"}, // the longest word first
		{"foxysunstudio", "foxysun", "", "studio"},
		{"cloudfox", "cloudfox", "", ""},
		{"hub", "hub", "", ""}, // nothing left without it: kept
	}
	for _, tt := range tests {
		core, pre, suf := Core([]byte(Fold(tt.name)))
		if string(core) != Fold(tt.core) || wordOf[pre] != tt.prefix && pre != "" || wordOf[suf] != tt.suffix && suf != "" {
			t.Errorf("Core(%q) = %q, %q, %q; want %q, %q, %q", tt.name, core, wordOf[pre], wordOf[suf], tt.core, tt.prefix, tt.suffix)
		}
	}
}

func TestRelate(t *testing.T) {
	tests := []struct {
		input, listed string
		classes       []Class // nil: not a look-alike
		text          string  // a part of How.Text
	}{
		{"cloudfox.io", "cloudfox.cloud", []Class{Suffix}, "the same name under .io instead of .cloud"},
		{"foxysunstudios.net", "foxysunstudios.com", []Class{Suffix}, ".net instead of .com"},
		{"silverstar-china.com", "silverstarchina.com", []Class{Hyphen}, "a hyphen added"},
		{"xn--ilverstarchina-p9l.com", "silverstarchina.com", []Class{Confusable}, "'ѕ' (U+0455) in place of 's'"},
		{"silverstarchinna.com", "silverstarchina.com", []Class{Insertion}, "one letter added ('n')"},
		{"silverstarchin.com", "silverstarchina.com", []Class{Deletion}, "one letter left out ('a')"},
		{"silverstarchima.com", "silverstarchina.com", []Class{Substitution}, "'m' in place of 'n'"},
		{"silverstarchian.com", "silverstarchina.com", []Class{Swap}, `two letters swapped ("an" for "na")`},
		{"edenprograms.net", "edenprogram.com", []Class{Insertion, Suffix}, "under .net instead of .com"},
		{"mycloudfox.io", "cloudfox.cloud", []Class{Affix, Suffix}, `the word "my" added`},
		{"cloudfoxgroup.cloud", "cloudfox.cloud", []Class{Affix}, `the word "group" added`},
		{"cloudfox.com", "mycloudfox.com", []Class{Affix}, `without the word "my"`},
		{"thecloudfox.com", "mycloudfox.com", []Class{Affix}, `the word "the" in place of "my"`},
		{"foxysun.com", "foxysunstudio.com", []Class{Affix}, `without the word "studio"`},
		{"babyb0xtech.com", "babyboxtech.com", []Class{Confusable}, "'0'"},
		// Not look-alikes:
		{"silverstarchina.com", "silverstarchina.com", nil, ""}, // the same name
		{"silverstarasia.com", "silverstarchina.com", nil, ""},  // more than one edit
		{"foxvsun.com", "foxvsun.net", []Class{Suffix}, ""},     // (a control: this one is)
		{"xinlu.com", "xinlu.net", []Class{Suffix}, ""},         // five letters: the same name still counts
		{"xinla.com", "xinlu.com", nil, ""},                     // but edits need seven
		{"kt.tech", "kt.com", nil, ""},                          // too short
		{"google.de", "google.xyz", nil, ""},                    // well known: never cautioned
		{"gooogle.com", "google.xyz", nil, ""},                  // a listed name that folds like a well-known one has no look-alikes
		{"hub.com", "cloudhub.com", nil, ""},                    // a core that short says nothing
		{"cloudfoxhubgroup.com", "cloudfox.cloud", nil, ""},     // two added words
		{"thefoxcloud.com", "cloudfox.cloud", nil, ""},          // reordered words are not a class
	}
	for _, tt := range tests {
		h, ok := Relate(tt.input, tt.listed)
		if ok != (tt.classes != nil) {
			t.Errorf("Relate(%q, %q) = %v, %v; want look-alike %v", tt.input, tt.listed, h, ok, tt.classes != nil)
			continue
		}
		if !ok {
			continue
		}
		if !slices.Equal(h.Classes, tt.classes) || !strings.Contains(h.Text, tt.text) {
			t.Errorf("Relate(%q, %q) = %v %q; want %v containing %q", tt.input, tt.listed, h.Classes, h.Text, tt.classes, tt.text)
		}
	}
}

func TestKeysOf(t *testing.T) {
	tests := []struct {
		registrable string
		ok          bool
		deletions   int  // filter keys from deletions
		core        bool // a core key
	}{
		{"silverstarchina.com", true, 14, false}, // 15 letters, "aa"-free: 15 deletions, less one duplicate ("ss"? no: "ilverstarchina" appears once) — see below
		{"cloudfoxhub.com", true, 11, true},
		{"jinyang.asia", true, 7, false},
		{"xinlu.com", true, 0, false},     // too short for edits, long enough for the same name
		{"kt.tech", false, 0, false},      // too short
		{"linkedin.net", false, 0, false}, // folds like a platform
		{"google.xyz", false, 0, false},   // folds like a popular site
	}
	for _, tt := range tests {
		k, ok := KeysOf(tt.registrable)
		if ok != tt.ok {
			t.Errorf("KeysOf(%q) ok = %v, want %v", tt.registrable, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		name, _, _ := Split(tt.registrable)
		fold := []byte(Fold(name))
		distinct := map[string]bool{} // the fold and its deletions
		if runeLen(fold) >= MinEdit {
			distinct[string(fold)] = true
			eachDeletion(fold, make([]byte, len(fold)), func(d []byte) bool { distinct[string(d)] = true; return true })
		}
		core, _, _ := Core(fold)
		hasCore := len(core) < len(fold) && coreEligible(core)
		want := len(distinct)
		if hasCore {
			want++
		}
		if len(k.Filter) != want || hasCore != tt.core {
			t.Errorf("KeysOf(%q): %d filter keys (core %v), want %d (the fold and its distinct deletions) and core %v", tt.registrable, len(k.Filter), hasCore, len(distinct), tt.core)
		}
	}
}

func TestFilter(t *testing.T) {
	const n = 20000
	f := NewFilter(n)
	for i := uint64(0); i < n; i++ {
		f.Add(i * 0x9e3779b97f4a7c15)
	}
	for i := uint64(0); i < n; i++ {
		if !f.MayContain(i * 0x9e3779b97f4a7c15) {
			t.Fatalf("added key %d not found", i)
		}
	}
	fp := 0
	for i := uint64(n); i < 20*n; i++ {
		if f.MayContain(i*0x9e3779b97f4a7c15 + 1) {
			fp++
		}
	}
	// At 16 to 32 bits a key the design rate is about 1 in 1,000.
	if rate := float64(fp) / (19 * n); rate > 0.003 {
		t.Errorf("false positive rate %.4f", rate)
	}
	if (Filter{}).MayContain(1) {
		t.Error("an empty filter contains something")
	}
	for n, want := range map[int]uint8{0: 0, 16: 0, 17: 1, 1 << 20: 16} {
		if got := LogBlocksFor(n); got != want {
			t.Errorf("LogBlocksFor(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestSeal(t *testing.T) {
	sealed := Seal("silverstarchina.com", "silverstarchina")
	if strings.Contains(string(sealed), "silverstar") {
		t.Fatal("the sealed name is readable")
	}
	if got := Open(sealed, "silverstarchina"); got != "silverstarchina.com" {
		t.Errorf("Open with the fold = %q", got)
	}
	if got := Open(sealed, "silverstarchinb"); got == "silverstarchina.com" {
		t.Error("Open with another fold gave the name")
	}
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + ".example"
	if got := Open(Seal(long, "x"), "x"); got != long {
		t.Errorf("a name longer than one keystream block: %q", got)
	}
}

func TestVariants(t *testing.T) {
	vs := Variants("foxysunstudio.com")
	byClass := map[string][]string{}
	for _, v := range vs {
		if v.Domain == "foxysunstudio.com" {
			t.Fatal("the domain is its own variant")
		}
		if !isASCII(v.Domain) {
			t.Errorf("%s: not punycode", v.Domain)
		}
		byClass[v.Class] = append(byClass[v.Class], v.Domain)
	}
	want := map[string]string{
		"tld-swap": "foxysunstudio.net", "addition": "foxysunstudiox.com", "omission": "foxysnstudio.com",
		"transposition": "foxysnustudio.com", "hyphenation": "foxysun-studio.com", "plural": "foxysunstudios.com",
		"homoglyph": "foxysunstudi0.com", "affix": "foxysun.com", "vowel-swap": "foxysunstudia.com",
		"replacement": "foxysunstudii.com", "repetition": "foxysunnstudio.com", "bitsquatting": "boxysunstudio.com",
		"insertion": "foxysunstuduio.com",
	}
	for class, d := range want {
		if !slices.Contains(byClass[class], d) {
			t.Errorf("%s: %s not among %v", class, d, byClass[class])
		}
	}
	if !slices.Contains(byClass["homoglyph"], "xn--foxsunstudio-1hk.com") {
		t.Errorf("no Cyrillic homoglyph among %v", byClass["homoglyph"])
	}
	if Variants("localhost") != nil {
		t.Error("variants of a name without a suffix")
	}
}

// TestMayContainEach: the batched test answers as MayContain does, for
// added and other keys, in filters of one block and of many, and empty.
func TestMayContainEach(t *testing.T) {
	for _, n := range []int{0, 10, 5000} {
		f := NewFilter(n)
		if n == 0 {
			f = Filter{}
		}
		for i := uint64(0); i < uint64(n); i++ {
			f.Add(i * 0x9e3779b97f4a7c15)
		}
		keys := make([]uint64, 0, 2*n+2)
		for i := uint64(0); i < uint64(2*n+2); i++ {
			keys = append(keys, (i/2)*0x9e3779b97f4a7c15+i%2) // added, then not
		}
		maybe := make([]bool, len(keys))
		f.MayContainEach(keys, maybe)
		for i, k := range keys {
			if maybe[i] != f.MayContain(k) {
				t.Fatalf("filter of %d keys: MayContainEach says %v for key %d, MayContain %v", n, maybe[i], i, !maybe[i])
			}
		}
	}
}

// BenchmarkFilterTests is one search's dozen filter tests on a filter the
// size of a 1M-entry list's (11M keys, 32 MiB): one at a time with
// MayContain against together with MayContainEach, per dozen.
func BenchmarkFilterTests(b *testing.B) {
	const n, perSearch = 11_000_000, 12
	next := func() func() uint64 {
		x := uint64(1)
		return func() uint64 { x = x*6364136223846793005 + 1442695040888963407; return fmix(x) }
	}()
	f := NewFilter(n)
	for i := 0; i < n; i++ {
		f.Add(next())
	}
	keys := make([]uint64, perSearch<<20) // more than the caches hold
	for i := range keys {
		keys[i] = next()
	}
	search := func(i int) []uint64 { j := (i % (1 << 20)) * perSearch; return keys[j : j+perSearch] }
	b.Run("one-at-a-time", func(b *testing.B) {
		hits := 0
		for i := 0; i < b.N; i++ {
			for _, h := range search(i) {
				if f.MayContain(h) {
					hits++
				}
			}
		}
	})
	b.Run("together", func(b *testing.B) {
		maybe := make([]bool, perSearch)
		for i := 0; i < b.N; i++ {
			f.MayContainEach(search(i), maybe)
		}
	})
}
