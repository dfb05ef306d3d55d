package e2e

import (
	"fmt"
	"net/url"
	"testing"
)

// TestImportInParts: a file uploaded in parts (as the admin console sends
// a large file) becomes one draft change: the first part proposes it with
// draft=true, later parts append to it through /changes/{id}/import, and
// submit sends it to review. Bad lines are reported per part and never
// stored; only the proposer may append; a submitted change takes no more.
func TestImportInParts(t *testing.T) {
	s := start(t, "")
	alice, bob := s.token("alice", "admin"), s.token("bob", "reviewer")
	q := url.Values{"kind": {"flagged"}, "authority": {"Acme"}, "date": {"2026-11-21"}, "reference": {"https://acme.example/a"}, "reason": {"acme feed"}, "format": {"plain"}}
	status, ans := raw(t, "POST", s.url+"/v1/admin/lists/default/import?"+q.Encode()+"&draft=true", "Bearer "+alice, "part-1.example\npart-2.example\n", nil)
	if status != 201 {
		t.Fatalf("first part: %d %v", status, ans)
	}
	ch := ans["change"].(map[string]any)
	id := int64(ch["id"].(float64))
	if ch["state"] != "draft" || ch["adds"].(float64) != 2 {
		t.Fatalf("first part's change %v", ch)
	}
	partOf := func(id int64, token, body string) (int, map[string]any) {
		return raw(t, "POST", fmt.Sprintf("%s/v1/admin/changes/%d/import?%s", s.url, id, q.Encode()), "Bearer "+token, body, nil)
	}
	part := func(token, body string) (int, map[string]any) { return partOf(id, token, body) }
	for _, tc := range []struct {
		name, token, body string
		change            int64
		status, adds      int
		rejected          int
		code              string
	}{
		{"second part with a bad line", alice, "part-3.example\nnot a domain!\npart-4.example\n", id, 200, 4, 1, ""},
		{"only bad lines", alice, "co.uk\n", id, 200, 4, 1, ""},
		{"reviewer may not append", bob, "part-5.example\n", id, 403, 0, 0, "forbidden"},
		{"unknown change", alice, "part-5.example\n", 999, 404, 0, 0, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, ans := partOf(tc.change, tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, ans)
			}
			if tc.code != "" {
				if ans["error"] != tc.code {
					t.Errorf("error %v, want %s", ans["error"], tc.code)
				}
				return
			}
			if got := ans["change"].(map[string]any)["adds"].(float64); int(got) != tc.adds {
				t.Errorf("change has %v adds, want %d", got, tc.adds)
			}
			if got := len(ans["rejected"].([]any)); got != tc.rejected {
				t.Errorf("%d rejected, want %d: %v", got, tc.rejected, ans["rejected"])
			}
		})
	}
	if status, ans := raw(t, "POST", fmt.Sprintf("%s/v1/admin/changes/%d/submit", s.url, id), "Bearer "+alice, "", nil); status != 200 || ans["state"] != "pending" {
		t.Fatalf("submit: %d %v", status, ans)
	}
	if status, ans := part(alice, "part-6.example\n"); status != 409 || ans["error"] != "conflict" {
		t.Errorf("append after submit: %d %v", status, ans)
	}
	c := s.client(bob)
	if _, err := c.Review(ctx(t), id, true, "ok"); err != nil {
		t.Fatal(err)
	}
	p, err := c.Entries(ctx(t), "default", url.Values{"q": {"part-"}})
	if err != nil || p.Matched != 4 || p.Entries[0].Authority != "Acme" {
		t.Fatalf("entries after approval: %+v, %v", p, err)
	}
}
