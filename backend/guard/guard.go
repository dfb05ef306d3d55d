// Package guard keeps a list from naming a widely used legitimate site
// wholesale by accident. A host entry on a shared platform (job boards,
// freelance marketplaces, code hosts, mail and search providers; see
// lists/platforms) would flag everyone who has a page there, so the
// publisher refuses it unless the change says force, with a reason. Prefix
// entries under a platform ("github.com/some-user/") are what lists
// should name and always pass.
package guard

import (
	"fmt"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/platforms"
)

// Refusal says why a pattern needs force.
type Refusal struct {
	Pattern  string `json:"pattern"`
	Platform string `json:"platform"` // the shared platform's domain
	Category string `json:"category"` // job, freelance, code, email, search, ...
	Reason   string `json:"reason"`
}

func (r *Refusal) Error() string { return r.Reason }

// Check returns a refusal when p lists a shared platform, or one of its
// hosts, as a whole.
func Check(p entry.Pattern) *Refusal {
	if p.IsPrefix() {
		return nil
	}
	pl, ok := platforms.Lookup(p.Host)
	if !ok {
		return nil
	}
	return &Refusal{
		Pattern: p.String(), Platform: pl.Domain, Category: pl.Category,
		Reason: fmt.Sprintf("%s is on %s, a shared %s platform: listing it whole would flag everyone on it; list a page prefix such as %s/NAME/ (%s), or resubmit with force and a reason",
			p.Host, pl.Domain, pl.Category, p.Host, pl.Paths),
	}
}
