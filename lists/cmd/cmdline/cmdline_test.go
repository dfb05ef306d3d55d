package cmdline

import (
	"bytes"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		args       []string
		wantStatus int
		wantDone   bool
		wantOut    string
	}{
		{[]string{"-name", "a", "rest"}, ExitOK, false, ""},
		{[]string{"--help"}, ExitOK, true, "Usage: redflag demo [flags] FILE\n\nDoes a thing."},
		{[]string{"-nope"}, ExitUsage, true, "flag provided but not defined: -nope"},
		{[]string{"-name"}, ExitUsage, true, "flag needs an argument: -name"},
	}
	for _, tc := range tests {
		var stderr bytes.Buffer
		fs := NewFlags("demo", "FILE", "Does a thing.", &stderr)
		var names Strings
		fs.Var(&names, "name", "repeatable")
		status, done := Parse(fs, tc.args)
		if status != tc.wantStatus || done != tc.wantDone || !strings.Contains(stderr.String(), tc.wantOut) {
			t.Errorf("Parse(%q) = %d, %v, stderr %q; want %d, %v, containing %q", tc.args, status, done, stderr.String(), tc.wantStatus, tc.wantDone, tc.wantOut)
		}
	}
}

func TestStringsRepeat(t *testing.T) {
	fs := NewFlags("demo", "", "", &bytes.Buffer{})
	var names Strings
	fs.Var(&names, "name", "")
	if _, done := Parse(fs, []string{"-name", "a", "-name", "b,c"}); done {
		t.Fatal("unexpected done")
	}
	if got := names.String(); got != "a,b,c" || len(names) != 2 {
		t.Errorf("names = %q (%d values), want a and b,c", got, len(names))
	}
}

func TestFail(t *testing.T) {
	var stderr bytes.Buffer
	if got := Fail(&stderr, "check", 1, "  %s: bad \n", "x.example"); got != 1 {
		t.Errorf("status %d, want 1", got)
	}
	if want := "redflag check: x.example: bad\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}
