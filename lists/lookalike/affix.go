package lookalike

// Common words that fronts add to, or drop from, a name they already used:
// mycloudfox and cloudfoxhub beside cloudfox, foxysunstudio beside
// foxysun. The lists hold folded words (skeleton form: "m" folds to "rn",
// so "my" is held as "rny"); wordOf gives them back as written. Changing
// these lists changes the keys publishers compute (FORMAT.md).
var (
	prefixWords = foldWords("my", "the", "get", "go", "try", "join", "best", "top", "official", "real",
		"we", "our", "hello", "meet", "use", "team", "global", "pro")
	suffixWords = foldWords("hub", "group", "studio", "studios", "tech", "techs", "technology", "technologies",
		"soft", "software", "app", "apps", "team", "online", "inc", "llc", "ltd", "co", "corp", "company",
		"global", "labs", "lab", "hq", "pro", "dev", "devs", "digital", "solution", "solutions", "service",
		"services", "systems", "works", "web", "net", "it", "io", "us", "usa", "jobs", "careers", "hr",
		"site", "official", "world", "consulting", "agency", "network", "media", "international", "llp")
)

// wordOf maps a folded affix word to the word as written.
var wordOf = map[string]string{}

// foldWords folds each word and orders them longest first, so that the
// longest affix is the one removed ("studios" before "studio").
func foldWords(words ...string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = Fold(w)
		wordOf[out[i]] = w
	}
	// Longest first; equal lengths keep their order (a stable insertion sort
	// on a few dozen words).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// affixWord is an affix word with its polynomial hash, for candidates
// hashed without being written out.
type affixWord struct {
	word string
	poly uint64
}

var prefixPolys, suffixPolys = polys(prefixWords), polys(suffixWords)

func polys(words []string) []affixWord {
	out := make([]affixWord, len(words))
	for i, w := range words {
		out[i] = affixWord{w, poly([]byte(w))}
	}
	return out
}

// Affix words by their first and by their last byte, longest first: Core
// runs on every checked name, so it compares only words that can match.
var (
	prefixesByFirst = byByte(prefixWords, func(w string) byte { return w[0] })
	suffixesByLast  = byByte(suffixWords, func(w string) byte { return w[len(w)-1] })
)

func byByte(words []string, at func(string) byte) (t [256][]string) {
	for _, w := range words {
		t[at(w)] = append(t[at(w)], w)
	}
	return t
}

// Core returns fold without one leading and one trailing affix word, and
// the words it removed ("" for none). A word is removed only when
// something is left after it.
func Core(fold []byte) (core []byte, prefix, suffix string) {
	core = fold
	if len(core) == 0 {
		return core, "", ""
	}
	for _, w := range prefixesByFirst[core[0]] {
		if len(core) > len(w) && string(core[:len(w)]) == w {
			core, prefix = core[len(w):], w
			break
		}
	}
	for _, w := range suffixesByLast[core[len(core)-1]] {
		if len(core) > len(w) && string(core[len(core)-len(w):]) == w {
			core, suffix = core[:len(core)-len(w)], w
			break
		}
	}
	return core, prefix, suffix
}

// Strips returns the forms of fold without its affix words: without the
// leading word, without the trailing one, without both (as Core), each
// once and only where a word was removed. The last one is the core.
func Strips(fold []byte) [][]byte {
	spans, n := stripSpans(fold)
	out := make([][]byte, n)
	for i, s := range spans[:n] {
		out[i] = fold[s[0]:s[1]]
	}
	return out
}

// stripSpans is Strips as byte ranges of fold.
func stripSpans(fold []byte) (spans [3][2]int, n int) {
	_, prefix, suffix := Core(fold)
	add := func(lo, hi int) {
		for _, s := range spans[:n] {
			if s == [2]int{lo, hi} {
				return
			}
		}
		spans[n] = [2]int{lo, hi}
		n++
	}
	if prefix != "" {
		add(len(prefix), len(fold))
	}
	if suffix != "" {
		add(0, len(fold)-len(suffix))
	}
	if prefix != "" || suffix != "" {
		add(len(prefix), len(fold)-len(suffix))
	}
	return spans, n
}
