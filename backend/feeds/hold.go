package feeds

import (
	"fmt"
	"strings"

	"github.com/redflag/redflag/backend/guard"
)

// Limits hold a pull for a person whatever the source's review rule.
type Limits struct {
	MaxAdds          int // a pull adding more is held
	MaxRemovePercent int // a feed dropping more of the source's entries is held
}

// Default limits of a new source.
const (
	DefaultMaxAdds          = 10_000
	DefaultMaxRemovePercent = 50
)

// Hold says why a plan must wait for a person ("" if it need not): it
// adds more than the limit, its feed dropped more than the limit's share
// of what the source carried (base entries), or it touches the guard
// list (lists/platforms: a shared platform listed whole), which only a
// person may force. touchesGuard reports the last case alone.
func Hold(p Plan, base int, lim Limits) (reason string, touchesGuard bool) {
	var why []string
	if len(p.Adds) > lim.MaxAdds {
		why = append(why, fmt.Sprintf("adds %d entries, more than the source's limit of %d", len(p.Adds), lim.MaxAdds))
	}
	if base > 0 && p.Dropped*100 > lim.MaxRemovePercent*base {
		why = append(why, fmt.Sprintf("the feed dropped %d of the source's %d entries (%d%%), more than its limit of %d%%",
			p.Dropped, base, p.Dropped*100/base, lim.MaxRemovePercent))
	}
	var guarded []string
	for _, e := range p.Adds {
		if r := guard.Check(e.Pattern); r != nil {
			guarded = append(guarded, fmt.Sprintf("%s (%s, a shared %s platform)", r.Pattern, r.Platform, r.Category))
		}
	}
	for _, pt := range p.Removes {
		if r := guard.Check(pt); r != nil {
			guarded = append(guarded, fmt.Sprintf("%s (%s, a shared %s platform)", r.Pattern, r.Platform, r.Category))
		}
	}
	if len(guarded) > 0 {
		if len(guarded) > 5 {
			guarded = append(guarded[:5], fmt.Sprintf("and %d more", len(guarded)-5))
		}
		why = append(why, "touches the guard list: "+strings.Join(guarded, ", "))
	}
	return strings.Join(why, "; "), len(guarded) > 0
}
