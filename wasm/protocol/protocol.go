// Package protocol is the byte format that crosses the boundary between the
// checker module and its JavaScript API (spec: wasm/PROTOCOL.md). A batch of
// inputs goes in as one length-prefixed buffer; the answers come out as
// fixed-meaning 32-bit words plus one UTF-8 text section that JavaScript
// decodes once and slices, so a batch of a thousand URLs costs one call and
// one string decode rather than thousands of crossings.
package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/lookalike"
)

// Modes of rf_check: bits.
const (
	Full         = 0 // check.Check: canonical URL and registrable domain too
	VerdictOnly  = 1 // check.Lookup: verdict, and match and entry when listed
	NoLookAlikes = 2 // answer clean where a name only resembles a listed one
)

// Verdict codes, the first word of every record.
const (
	Clean   = 0
	Seized  = 1
	Flagged = 2
	Invalid = 3
	Caution = 4
)

// MaxInputs bounds one batch, so a corrupt count cannot make the module
// reserve gigabytes.
const MaxInputs = 1 << 20

// ErrMalformed is wrapped by every request decoding error.
var ErrMalformed = errors.New("protocol: malformed request")

// Inputs decodes a batch request: a uint32 count, then for each input a
// uint32 byte length and that many UTF-8 bytes (little-endian). The strings
// alias b: they are valid only until b is reused, which is why results are
// written out before the call returns.
func Inputs(b []byte, dst []string) ([]string, error) {
	if len(b) < 4 {
		return dst, fmt.Errorf("%w: %d bytes, want at least 4", ErrMalformed, len(b))
	}
	n := binary.LittleEndian.Uint32(b)
	if n > MaxInputs || uint64(n)*4 > uint64(len(b)-4) {
		return dst, fmt.Errorf("%w: %d inputs in %d bytes", ErrMalformed, n, len(b))
	}
	b = b[4:]
	for i := uint32(0); i < n; i++ {
		if len(b) < 4 {
			return dst, fmt.Errorf("%w: input %d: truncated length", ErrMalformed, i)
		}
		l := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if uint64(l) > uint64(len(b)) {
			return dst, fmt.Errorf("%w: input %d: %d bytes, %d left", ErrMalformed, i, l, len(b))
		}
		dst = append(dst, unsafe.String(unsafe.SliceData(b), int(l)))
		b = b[l:]
	}
	if len(b) != 0 {
		return dst, fmt.Errorf("%w: %d bytes after the last input", ErrMalformed, len(b))
	}
	return dst, nil
}

// AppendInputs encodes a batch request (what the JavaScript side writes;
// used by tests and benchmarks).
func AppendInputs(b []byte, inputs []string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(inputs)))
	for _, s := range inputs {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b
}

// Results accumulates the answers to one batch. Its buffers are reused
// from batch to batch.
type Results struct {
	Words []uint32 // records, see PROTOCOL.md
	Text  []byte   // every string of every record, UTF-8, back to back
	units uint32   // length of Text in UTF-16 code units
	Count int
	last  int // index of the last record's first word
}

// ListShift places a list id in a record's first word, above the verdict
// code: word = verdict | list<<ListShift (wasm/PROTOCOL.md).
const ListShift = 8

// FromList records that the last record was answered by list id.
func (r *Results) FromList(id int) {
	r.Words[r.last] |= uint32(id) << ListShift
}

// Reset empties r for the next batch, keeping its memory.
func (r *Results) Reset() {
	r.Words, r.Text, r.units, r.Count = r.Words[:0], r.Text[:0], 0, 0
}

// str appends s to the text section and records where it ends, in UTF-16
// code units, which is what JavaScript's substring counts in.
func (r *Results) str(s string) {
	n, ascii := asciiLen(s)
	if !ascii {
		// Invalid UTF-8 would decode to a number of U+FFFD that depends on
		// the decoder; make it valid so both sides count the same units.
		s = strings.ToValidUTF8(s, "\uFFFD")
		n = utf16Len(s)
	}
	r.Text = append(r.Text, s...)
	r.units += n
	r.Words = append(r.Words, r.units)
}

// Add appends the record of one result.
func (r *Results) Add(res check.Result) {
	r.Count++
	r.last = len(r.Words)
	switch res.Verdict {
	case check.Invalid:
		r.Words = append(r.Words, Invalid)
		r.str(res.Error)
		return
	case check.Clean:
		r.Words = append(r.Words, Clean)
		r.str(res.Canonical)
		r.str(res.Registrable)
		return
	case check.Caution:
		r.Words = append(r.Words, Caution)
		r.str(res.Canonical)
		r.str(res.Registrable)
		r.caution(res.Resembles, res.How, res.Similarity, res.Entry)
		return
	}
	e := res.Entry
	if e == nil { // listed results always carry their entry; keep the format total anyway
		e = &entry.Provenance{}
	}
	r.Words = append(r.Words, listedVerdict(e.Kind))
	r.str(res.Canonical)
	r.str(res.Registrable)
	r.entry(res.Match, e)
}

func listedVerdict(k entry.Kind) uint32 {
	if k == entry.Flagged {
		return Flagged
	}
	return Seized
}

// entry appends the strings every listed record ends with.
func (r *Results) entry(match string, p *entry.Provenance) {
	r.str(match)
	r.str(p.Date)
	r.str(p.Authority)
	r.str(p.Reference)
	r.str(p.Note)
}

// caution appends the strings of a caution record after its canonical URL
// and registrable domain: the listed name it resembles, how, the classes
// (comma-separated), and that entry's kind and provenance.
func (r *Results) caution(resembles, how string, similarity []lookalike.Class, p *entry.Provenance) {
	if p == nil {
		p = &entry.Provenance{}
	}
	r.str(resembles)
	r.str(how)
	var classes []byte
	for i, c := range similarity {
		if i > 0 {
			classes = append(classes, ',')
		}
		classes = append(classes, c...)
	}
	r.str(string(classes))
	r.str(p.Kind.String())
	r.str(p.Date)
	r.str(p.Authority)
	r.str(p.Reference)
	r.str(p.Note)
}

// AddVerdict appends the record of a verdict-only answer (check.Lookup):
// a listed input carries its match and entry, a caution what it resembles,
// an invalid one its error, a clean one nothing beyond its verdict.
func (r *Results) AddVerdict(a check.Answer, err error) {
	r.Count++
	r.last = len(r.Words)
	switch {
	case err != nil:
		r.Words = append(r.Words, Invalid)
		r.str(err.Error())
	case a.Listed:
		r.Words = append(r.Words, listedVerdict(a.Match.Kind))
		r.entry(a.Match.Expression, &a.Match.Provenance)
	case a.Caution != nil:
		r.Words = append(r.Words, Caution)
		c := a.Caution
		r.caution(c.Resembles, c.How.Text, c.How.Classes, &c.Provenance)
	default:
		r.Words = append(r.Words, Clean)
	}
}

// Header is the fixed part of a response, written at the start of the
// output region.
type Header struct {
	Count       uint32 // records
	WordsAt     uint32 // address of the first record word
	WordCount   uint32
	TextAt      uint32 // address of the text section
	TextBytes   uint32
	Status      uint32 // 0 ok, else the request was malformed and Text holds the error
	ListVersion uint64
}

// HeaderSize is the encoded size of a Header.
const HeaderSize = 32

// AppendHeader encodes h.
func AppendHeader(b []byte, h Header) []byte {
	for _, v := range []uint32{h.Count, h.WordsAt, h.WordCount, h.TextAt, h.TextBytes, h.Status} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return binary.LittleEndian.AppendUint64(b, h.ListVersion)
}

// ReadHeader decodes a header.
func ReadHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, fmt.Errorf("%w: header of %d bytes", ErrMalformed, len(b))
	}
	u := func(i int) uint32 { return binary.LittleEndian.Uint32(b[4*i:]) }
	return Header{u(0), u(1), u(2), u(3), u(4), u(5), binary.LittleEndian.Uint64(b[24:])}, nil
}

// asciiLen returns len(s) and whether s is ASCII, where bytes and UTF-16
// units agree.
func asciiLen(s string) (uint32, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return 0, false
		}
	}
	return uint32(len(s)), true
}

// utf16Len counts the UTF-16 units of valid UTF-8: a rune above U+FFFF is
// two units.
func utf16Len(s string) uint32 {
	var n uint32
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
