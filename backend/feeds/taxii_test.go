package feeds

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/feeds/feedtest"
	"github.com/redflag/redflag/lists/entry"
)

// TestTAXIIPaging: a pull walks every page with next; the next pull asks
// only for what was added after the last one.
func TestTAXIIPaging(t *testing.T) {
	srv := feedtest.NewTAXII()
	defer srv.Close()
	srv.Add(
		feedtest.Indicator("00000000-0000-4000-8000-000000000001", "one.example", "Front one", "2026-10-01T08:00:00.000Z"),
		feedtest.Indicator("00000000-0000-4000-8000-000000000002", "two.example", "Front two", "2026-10-02T08:00:00.000Z"),
		feedtest.Indicator("00000000-0000-4000-8000-000000000003", "three.example", "Front three", "2026-10-03T08:00:00.000Z"),
	)
	var fe Fetcher
	ctx := context.Background()
	p1, err := fe.TAXII(ctx, Request{URL: srv.CollectionURL()}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Objects) != 3 || p1.Pages != 2 || p1.Cursor == "" {
		t.Fatalf("first pull: %d objects in %d pages, cursor %q", len(p1.Objects), p1.Pages, p1.Cursor)
	}
	asked := srv.Requests()
	if !strings.HasSuffix(asked[len(asked)-1], "/objects/?next=2") {
		t.Errorf("second page asked as %q", asked[len(asked)-1])
	}
	p2, err := fe.TAXII(ctx, Request{URL: srv.CollectionURL()}, p1.Cursor)
	if err != nil || len(p2.Objects) != 0 || p2.Cursor != p1.Cursor {
		t.Fatalf("nothing new: %+v %v", p2, err)
	}
	srv.Add(feedtest.Indicator("00000000-0000-4000-8000-000000000004", "four.example", "Front four", "2026-10-04T08:00:00.000Z"))
	p3, err := fe.TAXII(ctx, Request{URL: srv.CollectionURL()}, p1.Cursor)
	if err != nil || len(p3.Objects) != 1 || p3.Cursor <= p1.Cursor {
		t.Fatalf("one new object: %+v %v", p3, err)
	}
	asked = srv.Requests()
	if last := asked[len(asked)-1]; !strings.Contains(last, "added_after=") {
		t.Errorf("the pull after asked %q, without added_after", last)
	}

	// The objects read as entries with the indicator's provenance.
	c, _ := DecodeCollection(nil)
	if _, err := c.Merge(append(p1.Objects, p3.Objects...)); err != nil {
		t.Fatal(err)
	}
	res, err := Read(c.Bundle(time.Now()), TAXII, entry.Provenance{Kind: entry.Flagged, Authority: "ISAC", Date: "2026-12-01", Reference: "https://isac.example/"})
	if err != nil || len(res.Entries) != 4 {
		t.Fatalf("read %v, %v", res, err)
	}
	got := res.Entries[0]
	want := entry.Provenance{Kind: entry.Flagged, Authority: "ISAC", Date: "2026-10-01", Reference: "https://cert.example/advisories/one.example", Note: "Front one"}
	if got.Pattern.String() != "one.example" || got.Provenance != want {
		t.Errorf("first entry %v %+v, want one.example %+v", got.Pattern, got.Provenance, want)
	}
}

// TestTAXIINotACollection: a discovery or API root URL names the
// collections to use instead.
func TestTAXIINotACollection(t *testing.T) {
	srv := feedtest.NewTAXII()
	defer srv.Close()
	var fe Fetcher
	for _, u := range []string{srv.DiscoveryURL(), srv.APIRootURL()} {
		_, err := fe.TAXII(context.Background(), Request{URL: u}, "")
		if err == nil || !strings.Contains(err.Error(), "not a collection; use one of: "+srv.CollectionURL()+" (Fronts)") {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestTAXIIFailures(t *testing.T) {
	srv := feedtest.NewTAXII()
	defer srv.Close()
	srv.Require("Authorization", "Bearer k")
	var fe Fetcher
	ctx := context.Background()
	if _, err := fe.TAXII(ctx, Request{URL: srv.CollectionURL()}, ""); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("without the secret header: %v", err)
	}
	if _, err := fe.TAXII(ctx, Request{URL: srv.CollectionURL(), SecretHeader: "Authorization", Secret: "Bearer k"}, ""); err != nil {
		t.Errorf("with it: %v", err)
	}
	srv.Fail(http.StatusBadGateway)
	if _, err := fe.TAXII(ctx, Request{URL: srv.CollectionURL()}, ""); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("502: %v", err)
	}
	srv.Fail(0)
	srv.Require("", "")
	if _, err := fe.TAXII(ctx, Request{URL: srv.APIRootURL() + "collections/nope/"}, ""); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("unknown collection: %v", err)
	}
}

func TestCollectionVersions(t *testing.T) {
	c, _ := DecodeCollection(nil)
	id := "00000000-0000-4000-8000-00000000000a"
	v1 := feedtest.Indicator(id, "a.example", "A", "2026-10-01T00:00:00.000Z")
	revoked := feedtest.Revoked(id, "a.example", "A", "2026-10-01T00:00:00.000Z", "2026-10-05T00:00:00.000Z")
	expired := strings.Replace(feedtest.Indicator("00000000-0000-4000-8000-00000000000b", "b.example", "B", "2026-10-01T00:00:00.000Z"),
		`"name"`, `"valid_until":"2026-11-01T00:00:00Z","name"`, 1)
	skipped, err := c.Merge([]json.RawMessage{[]byte(v1), []byte(expired), []byte(`{"no":"id"}`)})
	if err != nil || skipped != 1 || c.Len() != 2 {
		t.Fatalf("merge: skipped %d, len %d, %v", skipped, c.Len(), err)
	}
	before := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	if b := string(c.Bundle(before)); !strings.Contains(b, "a.example") || !strings.Contains(b, "b.example") {
		t.Errorf("both in force before b expires: %s", b)
	}
	if b := string(c.Bundle(before.AddDate(0, 1, 0))); strings.Contains(b, "b.example") {
		t.Errorf("b is expired: %s", b)
	}
	c.Merge([]json.RawMessage{[]byte(revoked)})
	c.Merge([]json.RawMessage{[]byte(v1)}) // an older version served again changes nothing
	if b := string(c.Bundle(before)); strings.Contains(b, "a.example") {
		t.Errorf("a is revoked: %s", b)
	}
	back, err := DecodeCollection(c.Encode())
	if err != nil || string(back.Bundle(before)) != string(c.Bundle(before)) || back.Len() != c.Len() {
		t.Errorf("round trip: %v", err)
	}
	if _, err := DecodeCollection([]byte("not gzip")); err == nil {
		t.Error("decoded garbage")
	}
}
