package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/redflag/redflag/backend/store"
)

// sourceMetrics count feed sources' pulls by result, so that a feed that
// keeps failing shows in /metrics as well as in the console.
type sourceMetrics struct {
	pulls    *prometheus.CounterVec
	failures *prometheus.GaugeVec
	lastOK   *prometheus.GaugeVec
}

func newSourceMetrics(reg *prometheus.Registry) *sourceMetrics {
	m := &sourceMetrics{
		pulls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redflag_source_pulls_total",
			Help: "Pulls of feed sources by list, source and result (proposed, unchanged, error)."}, []string{"list", "source", "result"}),
		failures: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "redflag_source_failures",
			Help: "Consecutive failed pulls by list and source (0 when the last pull worked)."}, []string{"list", "source"}),
		lastOK: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "redflag_source_last_success_timestamp_seconds",
			Help: "Time of the last successful pull by list and source."}, []string{"list", "source"}),
	}
	reg.MustRegister(m.pulls, m.failures, m.lastOK)
	return m
}

// show sets a source's gauges from what the store says of it.
func (m *sourceMetrics) show(src store.Source) {
	m.failures.WithLabelValues(src.List, src.Name).Set(float64(src.Failures))
	if src.LastOK != nil {
		m.lastOK.WithLabelValues(src.List, src.Name).Set(float64(src.LastOK.UnixMilli()) / 1000)
	}
}

func (m *sourceMetrics) pulled(src store.Source, p store.Pull) {
	m.pulls.WithLabelValues(src.List, src.Name, p.Result).Inc()
	m.show(src)
}
