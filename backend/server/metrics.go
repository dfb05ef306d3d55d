package server

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/redflag/redflag/backend/store"
)

// metrics are the server's Prometheus series, in their own registry.
type metrics struct {
	cache         sync.Map // seriesKey -> *routeSeries
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	publish       prometheus.Histogram
	listVersion   *prometheus.GaugeVec
	listEntries   *prometheus.GaugeVec
	snapshotBytes *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redflag_http_requests_total",
			Help: "HTTP requests by route, method and status."}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "redflag_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: []float64{.0005, .001, .005, .01, .05, .1, .3, 1, 3, 10}}, []string{"route"}),
		publish: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "redflag_publish_duration_seconds",
			Help: "Time to build, sign and store a version.", Buckets: []float64{.01, .05, .1, .3, 1, 2, 5, 10, 30}}),
		listVersion: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "redflag_list_version",
			Help: "Current published version (Unix ms) by list."}, []string{"list"}),
		listEntries: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "redflag_list_entries",
			Help: "Entries in the current published version by list."}, []string{"list"}),
		snapshotBytes: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "redflag_snapshot_bytes",
			Help: "Size of the current snapshot by list."}, []string{"list"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.publish, m.listVersion, m.listEntries, m.snapshotBytes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		var he *echo.HTTPError
		if err != nil {
			status = http.StatusInternalServerError
			if asHTTPError(err, &he) {
				status = he.Code
			}
		}
		m.series(route, c.Request().Method, status).observe(time.Since(start))
		return err
	}
}

// routeSeries are one route's counter and histogram, looked up once per
// label set rather than hashed on every request.
type routeSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

func (r *routeSeries) observe(d time.Duration) {
	r.count.Inc()
	r.duration.Observe(d.Seconds())
}

type seriesKey struct {
	route, method string
	status        int
}

func (m *metrics) series(route, method string, status int) *routeSeries {
	k := seriesKey{route, method, status}
	if s, ok := m.cache.Load(k); ok {
		return s.(*routeSeries)
	}
	s := &routeSeries{m.requests.WithLabelValues(route, method, strconv.Itoa(status)), m.duration.WithLabelValues(route)}
	m.cache.Store(k, s)
	return s
}

func asHTTPError(err error, target **echo.HTTPError) bool {
	he, ok := err.(*echo.HTTPError)
	if ok {
		*target = he
	}
	return ok
}

func (m *metrics) published(v store.Version, took time.Duration) {
	m.publish.Observe(took.Seconds())
	m.listVersion.WithLabelValues(v.List).Set(float64(v.Version))
	m.listEntries.WithLabelValues(v.List).Set(float64(v.Entries))
	m.snapshotBytes.WithLabelValues(v.List).Set(float64(v.Size))
}
