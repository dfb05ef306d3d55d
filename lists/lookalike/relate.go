package lookalike

import (
	"fmt"
	"slices"
	"strings"
)

// Class names one way a name resembles a listed one.
type Class string

// The classes of FORMAT.md, "Look-alike keys".
const (
	Suffix       Class = "suffix"       // same name under another public suffix
	Hyphen       Class = "hyphen"       // a hyphen added or removed
	Confusable   Class = "confusable"   // a letter replaced by a Unicode look-alike
	Insertion    Class = "insertion"    // one letter added
	Deletion     Class = "deletion"     // one letter left out
	Substitution Class = "substitution" // one letter changed
	Swap         Class = "swap"         // two adjacent letters swapped
	Affix        Class = "affix"        // a common word added, removed or swapped
)

// How says how an input resembles a listed name.
type How struct {
	Classes []Class
	Text    string // e.g. "one letter added ('s'); under .net instead of .com"
	// Rank orders matches by closeness: 0 same fold, 1 one edit, 2 affix.
	Rank int
}

// Relate reports whether the registrable domain input resembles the listed
// registrable domain listed by one of the classes, under the length and
// well-known rules of FORMAT.md. It is the exact check behind every
// caution: keys only find candidates.
func Relate(input, listed string) (How, bool) {
	nI, sI, ok := Split(input)
	if !ok || input == listed {
		return How{}, false
	}
	nL, sL, ok := Split(listed)
	if !ok {
		return How{}, false
	}
	fI, fL := AppendFold(nil, nI), AppendFold(nil, nL)
	if WellKnownFold(string(fI)) || !foldEligible(fL) {
		return How{}, false
	}
	var h How
	var parts []string
	uI, uL := unicodeName(nI), unicodeName(nL)
	switch {
	case string(fI) == string(fL):
		if d := describeHyphens(uI, uL); d != "" {
			h.Classes, parts = append(h.Classes, Hyphen), append(parts, d)
		}
		if d := describeConfusable(uI, uL); d != "" {
			h.Classes, parts = append(h.Classes, Confusable), append(parts, d)
		}
	case runeLen(fL) >= MinEdit && oneEdit(fI, fL) != "":
		class, d := describeEdit(fI, fL)
		h.Classes, parts, h.Rank = append(h.Classes, class), append(parts, d), 1
		if d := describeHyphens(uI, uL); d != "" {
			h.Classes, parts = append(h.Classes, Hyphen), append(parts, d)
		}
	default:
		d := describeAffix(fI, fL)
		if d == "" {
			return How{}, false
		}
		h.Classes, parts, h.Rank = append(h.Classes, Affix), append(parts, d), 2
	}
	if sI != sL {
		h.Classes = append(h.Classes, Suffix)
		if len(parts) == 0 {
			parts = append(parts, fmt.Sprintf("the same name under .%s instead of .%s", sI, sL))
		} else {
			parts = append(parts, fmt.Sprintf("under .%s instead of .%s", sI, sL))
		}
	}
	if len(parts) == 0 {
		return How{}, false // the same name, written the same way: not a look-alike
	}
	h.Text = strings.Join(parts, "; ")
	return h, true
}

func describeHyphens(uI, uL string) string {
	a, b := strings.Count(uI, "-"), strings.Count(uL, "-")
	switch {
	case a == b+1:
		return "a hyphen added"
	case a > b:
		return "hyphens added"
	case a+1 == b:
		return "a hyphen removed"
	case a < b:
		return "hyphens removed"
	case uI != uL && strings.ReplaceAll(uI, "-", "") == strings.ReplaceAll(uL, "-", ""):
		return "a hyphen moved"
	}
	return ""
}

// describeConfusable names the first character of the input that differs
// from the listed name once hyphens are set aside.
func describeConfusable(uI, uL string) string {
	rI := []rune(strings.ReplaceAll(uI, "-", ""))
	rL := []rune(strings.ReplaceAll(uL, "-", ""))
	for i := 0; i < len(rI); i++ {
		if i >= len(rL) || rI[i] != rL[i] {
			if i < len(rL) && len(rI) == len(rL) {
				return fmt.Sprintf("a look-alike character: %q (U+%04X) in place of %q", rI[i], rI[i], rL[i])
			}
			return fmt.Sprintf("look-alike characters: %q (U+%04X) …", rI[i], rI[i])
		}
	}
	if len(rI) != len(rL) {
		return "look-alike characters"
	}
	return ""
}

// oneEdit reports the one edit that turns listed into input: "insertion",
// "deletion", "substitution", "swap", or "" if it takes more (or none).
func oneEdit(input, listed []byte) Class {
	a, b := []rune(string(input)), []rune(string(listed))
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b)+1:
		if string(a[i+1:]) == string(b[i:]) {
			return Insertion
		}
	case len(a)+1 == len(b):
		if string(a[i:]) == string(b[i+1:]) {
			return Deletion
		}
	case len(a) == len(b) && i < len(a):
		if string(a[i+1:]) == string(b[i+1:]) {
			return Substitution
		}
		if i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == string(b[i+2:]) {
			return Swap
		}
	}
	return ""
}

func describeEdit(input, listed []byte) (Class, string) {
	a, b := []rune(string(input)), []rune(string(listed))
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch c := oneEdit(input, listed); c {
	case Insertion:
		return c, fmt.Sprintf("one letter added (%q)", a[i])
	case Deletion:
		return c, fmt.Sprintf("one letter left out (%q)", b[i])
	case Substitution:
		return c, fmt.Sprintf("%q in place of %q", a[i], b[i])
	default:
		return Swap, fmt.Sprintf("two letters swapped (%q for %q)", string(a[i:i+2]), string(b[i:i+2]))
	}
}

// describeAffix returns how input and listed differ by affix words, or ""
// if they do not: input is listed's core, listed is input's core, or both
// share a core.
func describeAffix(fI, fL []byte) string {
	cI, preI, sufI := Core(fI)
	cL, preL, sufL := Core(fL)
	has := func(strips [][]byte, s []byte) bool {
		return slices.ContainsFunc(strips, func(x []byte) bool { return string(x) == string(s) })
	}
	switch {
	case has(Strips(fI), fL): // words added to the listed name
		return "the word " + words(affixesBeyond(fI, fL)) + " added"
	case has(Strips(fL), fI) && coreEligible(cL): // words left out
		return "without the word " + words(affixesBeyond(fL, fI))
	case string(cI) == string(cL) && len(cI) < len(fI) && len(cL) < len(fL) && coreEligible(cL):
		if preI == preL {
			preI, preL = "", ""
		}
		if sufI == sufL {
			sufI, sufL = "", ""
		}
		return "the word " + words(preI, sufI) + " in place of " + words(preL, sufL)
	}
	return ""
}

// affixesBeyond returns the affix words that long has around short, one of
// its strips.
func affixesBeyond(long, short []byte) (prefix, suffix string) {
	i := strings.Index(string(long), string(short))
	return string(long[:i]), string(long[i+len(short):])
}

func words(prefix, suffix string) string {
	var ws []string
	if prefix != "" {
		ws = append(ws, fmt.Sprintf("%q", wordOf[prefix]))
	}
	if suffix != "" {
		ws = append(ws, fmt.Sprintf("%q", wordOf[suffix]))
	}
	return strings.Join(ws, " and ")
}
