package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line progress bar on a terminal-like writer,
// redrawn at most ten times a second.
type progress struct {
	w      io.Writer
	label  string
	total  int
	n      int
	start  time.Time
	drawn  time.Time
	active bool
}

func newProgress(w io.Writer, label string, total int) *progress {
	return &progress{w: w, label: label, total: total, start: time.Now(), active: total > 0}
}

func (p *progress) add(n int) {
	p.n += n
	if time.Since(p.drawn) >= 100*time.Millisecond || p.n >= p.total {
		p.draw()
	}
}

func (p *progress) draw() {
	if !p.active {
		return
	}
	p.drawn = time.Now()
	const width = 30
	filled := width * p.n / p.total
	rate := float64(p.n) / max(time.Since(p.start).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d entries (%3d%%) %.0f/s", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		p.n, p.total, 100*p.n/p.total, rate)
}

func (p *progress) done() {
	if p.active {
		p.draw()
		fmt.Fprintln(p.w)
		p.active = false
	}
}
