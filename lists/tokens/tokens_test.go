package tokens

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAll(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Write to hr@jinyang.asia or visit silverstarchina.com.", []string{"hr@jinyang.asia", "silverstarchina.com"}},
		{"see https://www.cloudfox.cloud/about?x=1, then (cloudfox.cloud/jobs).", []string{"https://www.cloudfox.cloud/about?x=1", "cloudfox.cloud/jobs"}},
		{"no tokens here: version 1.2, e.g. fine", nil},
		{"x.y z", nil},
		{"http://localhost:8080/x and http://3232235777/", []string{"http://localhost:8080/x", "http://3232235777/"}},
		{"@jinyang.asia", nil},
		{"a\u00a0jinyang.asia\u2003b", []string{"jinyang.asia"}},
		{"«jinyang.asia»", []string{"jinyang.asia"}},
		{`"jinyang.asia"<cloudfox.cloud>[x.example.com]{y.example.org}`, []string{"jinyang.asia", "cloudfox.cloud", "x.example.com", "y.example.org"}},
		{"mail:hr@jinyang.asia;ceo@cloudfox.cloud!", []string{"hr@jinyang.asia", "ceo@cloudfox.cloud"}},
		{"jinyang.asia/path/to/page?.", []string{"jinyang.asia/path/to/page"}},
		{"foo.com.x1 and a@b.c.d", []string{"foo.com"}},
		{"HTTP://upper.example", nil}, // as the extension: lower-case schemes only
		{"", nil},
		{".", nil},
	}
	for _, tt := range tests {
		if got := All(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("All(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// randomTexts are texts made of pieces chosen to hit every boundary of the
// pattern, the same way the extension's test makes them.
func randomTexts(n int) []string {
	pieces := []string{"a", "Z", "0", "9", "-", "_", ".", ".", "@", "/", ":", "://", "http", "https://", "%", "+", " ", "\n", "\u00a0",
		`"`, "'", "(", ")", "[", "]", "{", "}", "<", ">", ",", ";", "!", "?", "com", "asia", "example", "é", "\u2028", "😀", "\t"}
	seed := uint32(12345)
	rand := func(n int) int { seed = (seed*1103515245 + 12345) & 0x7fffffff; return int(seed) % n }
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range rand(40) {
			b.WriteString(pieces[rand(len(pieces))])
		}
		out[i] = b.String()
	}
	return out
}

// TestSameAsExtension runs the extension's tokens.js in Node on the same
// texts: both must find the same tokens.
func TestSameAsExtension(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: cannot compare with content/tokens.js")
	}
	script, _ := filepath.Abs("../../extension/content/tokens.js")
	texts := append(randomTexts(20000), "foo.com.x1", strings.Repeat("a", 70)+".com", strings.Repeat("b.", 30)+"xn--p1ai")
	cmd := exec.Command(node, "-e", `
require(process.argv[1]);
const rl = require('readline').createInterface({ input: process.stdin });
const out = [];
rl.on('line', (l) => { const t = []; globalThis.RedFlagTokens.eachToken(JSON.parse(l), (x) => t.push(x)); out.push(JSON.stringify(t)); });
rl.on('close', () => process.stdout.write(out.join('\n') + '\n'));`, script)
	var in strings.Builder
	for _, s := range texts {
		b, _ := json.Marshal(s)
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd.Stdin = strings.NewReader(in.String())
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var want []string
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		if got := All(texts[i]); !(len(got) == 0 && len(want) == 0) && !reflect.DeepEqual(got, want) {
			t.Errorf("All(%q) = %q, tokens.js finds %q", texts[i], got, want)
		}
	}
	if i != len(texts) {
		t.Fatalf("node answered %d of %d texts", i, len(texts))
	}
}

func FuzzEach(f *testing.F) {
	for _, s := range []string{"hr@jinyang.asia", "see https://x.example/a?b", "a.b.c.com/x-", "x@y.z.ab1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Each(s, func(tok string) {
			if !strings.Contains(s, tok) {
				t.Fatalf("token %q is not in the text", tok)
			}
			if !strings.Contains(tok, ".") && !strings.Contains(tok, "://") {
				t.Fatalf("token %q has neither '.' nor '://'", tok)
			}
		})
	})
}

func BenchmarkEach(b *testing.B) {
	text := strings.Repeat("Senior engineer, 10 years. Contact me at jane.doe@example.com or see https://janedoe.dev/portfolio and github.com/janedoe. ", 400)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Each(text, func(string) {})
	}
}
