package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// TAXII 2.1 (OASIS, "TAXII Version 2.1", sections 4 and 5): a source's URL
// is a collection, e.g. https://host/api1/collections/ID/. A pull reads
// the collection resource (must be readable), then GET objects/ with
// added_after set to the X-TAXII-Date-Added-Last of the previous pull,
// page by page: while the envelope says "more", the next request carries
// its "next" (or, when a server gives none, added_after moves to the
// page's X-TAXII-Date-Added-Last).

// MediaTAXII is the media type of TAXII 2.1 resources.
const MediaTAXII = "application/taxii+json;version=2.1"

// MaxPages bounds one pull's pages, against a server that always says
// "more".
const MaxPages = 10_000

// taxiiCollection is the collection resource (section 5.2).
type taxiiCollection struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	CanRead *bool  `json:"can_read"`
}

// taxiiEnvelope is the objects resource (section 3.7).
type taxiiEnvelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next"`
	Objects []json.RawMessage `json:"objects"`
}

// TAXIIPull is what one pull of a collection brought.
type TAXIIPull struct {
	Objects []json.RawMessage // in the order served
	Cursor  string            // added_after for the next pull
	Pages   int
	Bytes   int64
}

// TAXII reads the objects a collection added after cursor ("" for all).
// A URL that is a discovery or API root resource is an error naming the
// collections found there, so an admin can pick one.
func (f *Fetcher) TAXII(ctx context.Context, req Request, cursor string) (TAXIIPull, error) {
	out := TAXIIPull{Cursor: cursor}
	base := req.URL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	req.URL = base
	var info struct {
		taxiiCollection
		APIRoots []string `json:"api_roots"` // a discovery resource
		Versions []string `json:"versions"`  // an API root resource
	}
	if err := f.taxiiGet(ctx, req, &info, nil); err != nil {
		return out, err
	}
	switch {
	case len(info.APIRoots) > 0 || len(info.Versions) > 0:
		return out, f.notACollection(ctx, req, info.APIRoots)
	case info.ID == "" || info.CanRead == nil:
		return out, fmt.Errorf("feed %s: not a TAXII 2.1 collection (no id or can_read)", base)
	case !*info.CanRead:
		return out, fmt.Errorf("feed %s: TAXII collection %q is not readable with these credentials (can_read is false)", base, info.Title)
	}
	addedAfter, next := cursor, ""
	for page := 0; ; page++ {
		if page == MaxPages {
			return out, fmt.Errorf("feed %s: more than %d pages in one pull", base, MaxPages)
		}
		q := url.Values{}
		if addedAfter != "" {
			q.Set("added_after", addedAfter)
		}
		if next != "" {
			q.Set("next", next)
		}
		objReq := req
		objReq.URL = base + "objects/"
		if len(q) > 0 {
			objReq.URL += "?" + q.Encode()
		}
		var env taxiiEnvelope
		var hdr http.Header
		n, err := f.taxiiGetCounted(ctx, objReq, &env, &hdr)
		if err != nil {
			return out, err
		}
		out.Pages++
		out.Bytes += n
		out.Objects = append(out.Objects, env.Objects...)
		last := hdr.Get("X-TAXII-Date-Added-Last")
		if later(last, out.Cursor) {
			out.Cursor = last
		}
		if !env.More {
			return out, nil
		}
		switch {
		case env.Next != "":
			next = env.Next
		case last != "" && last != addedAfter:
			addedAfter, next = last, ""
		default:
			return out, fmt.Errorf("feed %s: the server says more objects follow but gives neither next nor X-TAXII-Date-Added-Last", base)
		}
	}
}

// later reports whether TAXII timestamp a is after b ("" is before all).
func later(a, b string) bool {
	if a == "" {
		return false
	}
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	if errA != nil || errB != nil {
		return b == "" || (errA == nil && errB != nil)
	}
	return ta.After(tb)
}

func (f *Fetcher) taxiiGet(ctx context.Context, req Request, v any, hdr *http.Header) error {
	_, err := f.taxiiGetCounted(ctx, req, v, hdr)
	return err
}

// taxiiGetCounted GETs a TAXII resource into v and returns its size.
func (f *Fetcher) taxiiGetCounted(ctx context.Context, req Request, v any, hdr *http.Header) (int64, error) {
	req.ETag, req.LastModified = "", ""
	resp, err := f.Get(ctx, req, MediaTAXII)
	if err != nil {
		return 0, err
	}
	if hdr != nil {
		*hdr = resp.Header
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return 0, fmt.Errorf("feed %s: %w: not TAXII JSON: %v", req.URL, ErrGarbled, err)
	}
	return int64(len(resp.Body)), nil
}

// notACollection lists the collections under a discovery resource's API
// roots (or under the API root req.URL itself) for the error an admin
// reads.
func (f *Fetcher) notACollection(ctx context.Context, req Request, roots []string) error {
	what := "a TAXII discovery resource"
	if len(roots) == 0 {
		what, roots = "a TAXII API root", []string{req.URL}
	}
	var found []string
	for _, root := range roots {
		ru, err := url.Parse(req.URL)
		if err != nil {
			break
		}
		r, err := ru.Parse(root)
		if err != nil {
			continue
		}
		rootURL := strings.TrimSuffix(r.String(), "/") + "/"
		var cs struct {
			Collections []taxiiCollection `json:"collections"`
		}
		creq := req
		creq.URL = rootURL + "collections/"
		if f.taxiiGet(ctx, creq, &cs, nil) != nil {
			continue
		}
		for _, c := range cs.Collections {
			found = append(found, fmt.Sprintf("%s (%s)", creq.URL+url.PathEscape(c.ID)+"/", c.Title))
		}
	}
	if len(found) == 0 {
		return fmt.Errorf("feed %s is %s, not a collection, and lists no collection readable here", req.URL, what)
	}
	return fmt.Errorf("feed %s is %s, not a collection; use one of: %s", req.URL, what, strings.Join(found, ", "))
}
