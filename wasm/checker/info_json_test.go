package checker

import (
	"encoding/json"
	"testing"
)

func TestInfoJSON(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	infos := []Info{c.Default().Info(), {Name: "<odd> \"name\"\n", TrustedKeys: []string{}}, {Version: 1<<64 - 1, Entries: -1, TrustedKeys: []string{"a", "b"}}}
	for _, in := range infos {
		want, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := in.JSON(); string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}
