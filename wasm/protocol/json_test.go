package protocol

import (
	"encoding/json"
	"testing"
)

type sample struct {
	OK    bool     `json:"ok"`
	N     uint64   `json:"n"`
	I     int      `json:"i"`
	S     string   `json:"s"`
	Names []string `json:"names"`
}

func encodeSample(v sample) []byte {
	o := NewObject(nil)
	o.Bool("ok", v.OK)
	o.Uint("n", v.N)
	o.Int("i", v.I)
	o.String("s", v.S)
	o.Strings("names", v.Names)
	return o.Bytes()
}

var jsonStrings = []string{
	"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "line\u2028para\u2029", "ünïcödé 例え ѕ", "bad \xff utf-8 \xc3", "\xed\xa0\x80 surrogate",
	"emoji 😀", "ends with \xe2\x82",
}

func TestObjectAsJSON(t *testing.T) {
	cases := []sample{
		{},
		{OK: true, N: 1795564800000, I: -3, S: "x", Names: []string{}},
		{N: 1<<64 - 1, I: 1 << 40, Names: jsonStrings},
	}
	for _, s := range jsonStrings {
		cases = append(cases, sample{S: s, Names: []string{s, s}})
	}
	for _, c := range cases {
		if c.Names == nil {
			c.Names = []string{} // Strings writes [] for an empty array
		}
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodeSample(c); string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func FuzzObjectString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(struct {
			S string `json:"s"`
		}{s})
		o := NewObject(nil)
		o.String("s", s)
		if got := o.Bytes(); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}
