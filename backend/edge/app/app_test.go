package app

import (
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		vars    map[string]string
		want    Config
		wantErr bool
	}{
		{map[string]string{}, Config{MaxAge: time.Minute, MaxObjectBytes: DefaultMaxObjectBytes}, false},
		{map[string]string{"EDGE_TOKEN": "s", "MAX_AGE_SECONDS": "0", "MAX_OBJECT_BYTES": "10"}, Config{Token: "s", MaxObjectBytes: 10}, false},
		{map[string]string{"MAX_AGE_SECONDS": "-1"}, Config{}, true},
		{map[string]string{"MAX_AGE_SECONDS": "1m"}, Config{}, true},
		{map[string]string{"MAX_OBJECT_BYTES": "0"}, Config{}, true},
		{map[string]string{"MAX_OBJECT_BYTES": "x"}, Config{}, true},
	}
	for _, tt := range tests {
		got, err := ParseConfig(func(k string) string { return tt.vars[k] })
		if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
			t.Errorf("ParseConfig(%v) = %+v, %v; want %+v, error %v", tt.vars, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		key  string
		ok   bool
		list string
	}{
		{"lists.json", true, ""},
		{"keys.json", true, ""},
		{"lists/default/index.json", true, "default"},
		{"lists/a.b_c-d/snapshots/1795564800000.snap", true, "a.b_c-d"},
		{"lists/default/deltas/1-2.delta", true, "default"},
		{"lists/Default/index.json", false, ""},
		{"lists/default/snapshots/x.snap", false, ""},
		{"lists/default/deltas/1.delta", false, ""},
		{"lists//index.json", false, ""},
		{"lists/a/b/index.json", false, ""},
		{"signing.key", false, ""},
		{"/lists.json", false, ""},
	}
	for _, tt := range tests {
		m := keyRE.FindStringSubmatch(tt.key)
		if (m != nil) != tt.ok || (m != nil && m[1] != tt.list) {
			t.Errorf("key %q: match %q, want ok=%v list %q", tt.key, m, tt.ok, tt.list)
		}
	}
}
