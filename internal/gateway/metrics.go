package gateway

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the gateway's Prometheus metrics, on their own registry so
// that tests and several gateways in one process do not collide.
type Metrics struct {
	Registry   *prometheus.Registry
	Messages   *prometheus.CounterVec // by action (and "tempfail", "unscanned")
	ScanTime   prometheus.Histogram
	DataTime   prometheus.Histogram // relay: end of DATA to the reply
	QueueDepth prometheus.Gauge
	// Errors counts by stage; "partial" and "check" are the messages
	// not acted on because the scanner's deadline cut checks short or a
	// check failed (ErrIncomplete).
	Errors *prometheus.CounterVec
	// RcptVerify counts the relay's recipient verifications, by result
	// (exists, refused, unknown) and whether the cache answered.
	RcptVerify *prometheus.CounterVec
}

// NewMetrics registers the gateway metrics on a new registry, with the Go
// runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_messages_total", Help: "Messages scanned, by the action taken.",
		}, []string{"action"}),
		ScanTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vigie_scan_seconds", Help: "Time to scan one message.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		DataTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vigie_smtp_data_seconds", Help: "Relay: time from the end of DATA to the reply (scan and durable queueing).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		QueueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vigie_queue_depth", Help: "Messages in the relay's delivery queue.",
		}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_errors_total", Help: "Errors, by stage (scan, partial, check, quarantine, queue, deliver, milter, relay, api).",
		}, []string{"stage"}),
	}
	m.RcptVerify = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vigie_recipient_verify_total", Help: "Relay: recipients verified with the next hop, by result and cache use.",
	}, []string{"result", "cached"})
	m.Registry.MustRegister(m.Messages, m.ScanTime, m.DataTime, m.QueueDepth, m.Errors, m.RcptVerify,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
