package lookalike

import (
	"slices"
	"strings"

	"golang.org/x/net/idna"
)

// Variant is one name an attacker could register beside a listed one, and
// the family of typo or disguise it belongs to.
type Variant struct {
	Class  string // e.g. "omission", "tld-swap", "homoglyph"
	Domain string // registrable domain, punycode for internationalized names
}

// VariantClasses are the families Variants makes, in the order it makes
// them: those a permutation engine such as dnstwist knows, plus affix words.
var VariantClasses = []string{
	"tld-swap", "addition", "insertion", "omission", "repetition", "replacement", "transposition",
	"vowel-swap", "hyphenation", "bitsquatting", "homoglyph", "plural", "affix",
}

// commonSuffixes are the public suffixes a front is most likely to move to.
var commonSuffixes = []string{
	"com", "net", "org", "io", "co", "info", "biz", "us", "tech", "app", "dev", "online", "site", "xyz",
	"cloud", "asia", "services", "group", "solutions", "agency", "co.uk", "com.br", "de", "ru", "cn", "in",
}

// qwerty gives each key its neighbours on a US keyboard: the typos a
// hurried hand makes.
var qwerty = map[byte]string{
	'1': "2q", '2': "13wq", '3': "24ew", '4': "35re", '5': "46tr", '6': "57yt", '7': "68uy", '8': "79iu", '9': "80oi", '0': "9po",
	'q': "12wa", 'w': "23qeas", 'e': "34wrsd", 'r': "45etdf", 't': "56ryfg", 'y': "67tugh", 'u': "78yihj", 'i': "89uojk", 'o': "90ipkl", 'p': "0ol",
	'a': "qwsz", 's': "weadzx", 'd': "erfsxc", 'f': "rtgdcv", 'g': "tyhfvb", 'h': "yujgbn", 'j': "uikhnm", 'k': "iolj,m", 'l': "opk",
	'z': "asx", 'x': "zsdc", 'c': "xdfv", 'v': "cfgb", 'b': "vghn", 'n': "bhjm", 'm': "njk",
}

// asciiGlyphs are ASCII spellings that read like a letter or two.
var asciiGlyphs = map[string][]string{
	"o": {"0"}, "l": {"1", "i"}, "i": {"1", "l"}, "m": {"rn", "nn"}, "w": {"vv"}, "d": {"cl"}, "g": {"q"}, "q": {"g"},
	"rn": {"m"}, "vv": {"w"}, "cl": {"d"}, "e": {"3"}, "a": {"4"}, "s": {"5"}, "b": {"6"},
}

// cyrillicGlyphs are Cyrillic letters drawn like Latin ones.
var cyrillicGlyphs = map[byte]string{'a': "а", 'c': "с", 'e': "е", 'i': "і", 'j': "ј", 'o': "о", 'p': "р", 's': "ѕ", 'x': "х", 'y': "у", 'h': "һ"}

// Variants returns the variants of a registrable domain ("cloudfox.cloud")
// by class, each once, never the domain itself.
func Variants(registrable string) []Variant {
	name, suffix, ok := Split(registrable)
	if !ok {
		return nil
	}
	if u, err := idna.Punycode.ToUnicode(name); err == nil {
		name = u
	}
	seen := map[string]bool{registrable: true}
	var out []Variant
	add := func(class, n, suf string) {
		if n == "" || strings.HasPrefix(n, "-") || strings.HasSuffix(n, "-") || strings.Contains(n, "--") {
			return
		}
		a, err := idna.Punycode.ToASCII(n)
		if err != nil {
			return
		}
		d := a + "." + suf
		if !seen[d] {
			seen[d] = true
			out = append(out, Variant{class, d})
		}
	}
	same := func(class, n string) { add(class, n, suffix) }
	for _, s := range commonSuffixes {
		add("tld-swap", name, s)
	}
	// The most telling family first: a name two families make is counted
	// in the first.
	same("plural", name+"s")
	if strings.HasSuffix(name, "s") || strings.HasSuffix(name, "x") {
		same("plural", name+"es")
	}
	for i := 0; i < len(name); i++ {
		for _, w := range []int{1, 2} {
			if i+w > len(name) {
				continue
			}
			for _, g := range asciiGlyphs[name[i:i+w]] {
				same("homoglyph", name[:i]+g+name[i+w:])
			}
		}
		if c, ok := cyrillicGlyphs[name[i]]; ok {
			same("homoglyph", name[:i]+c+name[i+1:])
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		same("addition", name+string(c))
	}
	for i := 0; i < len(name); i++ {
		for _, k := range []byte(qwerty[name[i]]) {
			if k != ',' {
				same("insertion", name[:i]+string(k)+name[i:])
				same("insertion", name[:i+1]+string(k)+name[i+1:])
			}
		}
	}
	for i := range name {
		same("omission", name[:i]+name[i+1:])
	}
	for i := range name {
		same("repetition", name[:i+1]+name[i:])
	}
	for i := 0; i < len(name); i++ {
		for _, k := range []byte(qwerty[name[i]]) {
			if k != ',' {
				same("replacement", name[:i]+string(k)+name[i+1:])
			}
		}
	}
	for i := 0; i+1 < len(name); i++ {
		if name[i] != name[i+1] {
			same("transposition", name[:i]+name[i+1:i+2]+name[i:i+1]+name[i+2:])
		}
	}
	for i := 0; i < len(name); i++ {
		if strings.IndexByte("aeiou", name[i]) >= 0 {
			for _, v := range "aeiou" {
				same("vowel-swap", name[:i]+string(v)+name[i+1:])
			}
		}
	}
	for i := 1; i < len(name); i++ {
		same("hyphenation", name[:i]+"-"+name[i:])
	}
	for i := 0; i < len(name); i++ {
		for bit := 0; bit < 8; bit++ {
			c := name[i] ^ 1<<bit
			if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' {
				same("bitsquatting", name[:i]+string(c)+name[i+1:])
			}
		}
	}
	for _, w := range prefixWords {
		same("affix", wordOf[w]+name)
		same("affix", wordOf[w]+"-"+name)
	}
	for _, w := range suffixWords {
		same("affix", name+wordOf[w])
		same("affix", name+"-"+wordOf[w])
	}
	if core, pre, suf := Core([]byte(Fold(name))); len(core) < len(Fold(name)) {
		stripped := name
		stripped = strings.TrimPrefix(stripped, wordOf[pre])
		stripped = strings.TrimSuffix(stripped, wordOf[suf])
		same("affix", strings.Trim(stripped, "-"))
	}
	slices.SortStableFunc(out, func(a, b Variant) int {
		return slices.Index(VariantClasses, a.Class) - slices.Index(VariantClasses, b.Class)
	})
	return out
}
