package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/trace"
)

// Dashboard is the overview: traffic by action over time from the message
// trace, what stood out, and what needs attention.
type Dashboard struct {
	Since      time.Time           `json:"since"`
	Step       time.Duration       `json:"step_ns"`
	Buckets    []Bucket            `json:"buckets"`
	Totals     map[string]int      `json:"totals"` // by action
	Messages   int                 `json:"messages"`
	Truncated  bool                `json:"truncated,omitempty"` // more trace rows than read
	TopSignals []Count             `json:"top_signals"`
	TopDomains []Count             `json:"top_sender_domains"`
	TopIPs     []Count             `json:"top_client_ips"`
	Held       int                 `json:"quarantine_messages"`
	HeldBytes  int64               `json:"quarantine_bytes"`
	Incidents  []incident.Incident `json:"active_incidents"`
	Expiring   []ioc.Indicator     `json:"blocks_expiring"` // within 7 days
}

// Bucket counts messages by action over one step.
type Bucket struct {
	At     time.Time      `json:"at"`
	Counts map[string]int `json:"counts"`
	Total  int            `json:"total"`
}

// Count is one row of a top list.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// actions in display order (and chart colour order). "unscanned" is a
// message passed on without a verdict to act on (serve.fail_open: the
// scan failed or is incomplete below quarantine), traced as such.
var actions = []string{"accept", "tag", "quarantine", "reject", "tempfail", "unscanned"}

const maxDashboardRows = 200000

func (s *Server) dashboard(ctx context.Context, period string) (Dashboard, error) {
	now := s.now()
	d := Dashboard{Totals: map[string]int{}, Step: time.Hour}
	n := 24
	if period == "7d" {
		d.Step, n = 6*time.Hour, 28
	}
	end := now.Truncate(d.Step).Add(d.Step)
	d.Since = end.Add(-time.Duration(n) * d.Step)
	for i := range n {
		d.Buckets = append(d.Buckets, Bucket{At: d.Since.Add(time.Duration(i) * d.Step), Counts: map[string]int{}})
	}
	sig, dom, ip := map[string]int{}, map[string]int{}, map[string]int{}
	err := s.o.Trace.Summaries(ctx, d.Since, maxDashboardRows+1, func(r trace.Summary) bool {
		if d.Messages == maxDashboardRows {
			d.Truncated = true
			return false
		}
		d.Messages++
		d.Totals[r.Action]++
		if i := int(r.At.Sub(d.Since) / d.Step); i >= 0 && i < n {
			d.Buckets[i].Counts[r.Action]++
			d.Buckets[i].Total++
		}
		for _, f := range r.Signals {
			sig[f]++
		}
		addr := r.From
		if addr == "" {
			addr = r.MailFrom
		}
		if at := strings.LastIndexByte(addr, '@'); at >= 0 {
			dom[strings.ToLower(strings.Trim(addr[at+1:], ">"))]++
		}
		if r.ClientIP != "" {
			ip[r.ClientIP]++
		}
		return true
	})
	if err != nil {
		return d, fmt.Errorf("web: dashboard: %w", err)
	}
	d.TopSignals, d.TopDomains, d.TopIPs = top(sig, 10), top(dom, 10), top(ip, 10)
	if d.Held, d.HeldBytes, err = s.o.Quarantine.Held(ctx); err != nil {
		return d, fmt.Errorf("web: dashboard: %w", err)
	}
	if d.Incidents, err = s.o.Incidents.List(ctx, incident.ListFilter{Status: incident.Open}); err != nil {
		return d, err
	}
	soon := now.Add(7 * 24 * time.Hour)
	err = s.o.Indicators.Each(ctx, ioc.Filter{Mode: ioc.Block}, func(i *ioc.Indicator) error {
		if !i.ExpiresAt.IsZero() && i.ExpiresAt.After(now) && i.ExpiresAt.Before(soon) && len(d.Expiring) < 50 {
			d.Expiring = append(d.Expiring, *i)
		}
		return nil
	})
	sort.Slice(d.Expiring, func(i, j int) bool { return d.Expiring[i].ExpiresAt.Before(d.Expiring[j].ExpiresAt) })
	return d, err
}

func top(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Name < out[j].Name
	})
	return out[:min(n, len(out))]
}

// bar is one segment of the chart, in SVG user units.
type bar struct {
	X, Y, W, H float64
	Action     string
	Title      string
}

// chart lays the buckets out as stacked bars in a 100×40 box.
func chart(d Dashboard) []bar {
	peak := 1
	for _, b := range d.Buckets {
		peak = max(peak, b.Total)
	}
	w := 100.0 / float64(max(len(d.Buckets), 1))
	var out []bar
	for i, b := range d.Buckets {
		y := 40.0
		for _, a := range actions {
			c := b.Counts[a]
			if c == 0 {
				continue
			}
			h := 40 * float64(c) / float64(peak)
			y -= h
			out = append(out, bar{X: float64(i)*w + w*0.1, Y: y, W: w * 0.8, H: h, Action: a,
				Title: fmt.Sprintf("%s %s: %d", fmtTime(b.At, "02/01 15:04"), a, c)})
		}
	}
	return out
}

// dashboardMaxAge is how stale a dashboard may be served: its figures
// aggregate up to a week of trace (100,000 records take a few hundred
// milliseconds to read), so it is computed at most this often, in the
// background once a first view exists, and every view answers at once.
const dashboardMaxAge = 30 * time.Second

type cachedDashboard struct {
	d          Dashboard
	at         time.Time
	refreshing bool
}

// cachedDashboard returns the period's dashboard from the cache, starting
// a refresh when it is older than dashboardMaxAge; the first view of a
// period computes it.
func (s *Server) cachedDashboard(ctx context.Context, period string) (Dashboard, error) {
	if period != "7d" {
		period = "24h"
	}
	s.mu.Lock()
	c := s.dashboards[period]
	if c != nil && !c.refreshing && s.now().Sub(c.at) > dashboardMaxAge {
		c.refreshing = true
		go func() {
			bg, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			d, err := s.dashboard(bg, period)
			s.mu.Lock()
			defer s.mu.Unlock()
			c.refreshing = false
			if err != nil {
				s.log.Warn("dashboard refresh failed", "err", err)
				return
			}
			c.d, c.at = d, s.now()
		}()
	}
	s.mu.Unlock()
	if c != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return c.d, nil
	}
	d, err := s.dashboard(ctx, period)
	if err != nil {
		return d, err
	}
	s.mu.Lock()
	s.dashboards[period] = &cachedDashboard{d: d, at: s.now()}
	s.mu.Unlock()
	return d, nil
}

// forgetDashboards drops the cached dashboards after a decision changed
// what they count.
func (s *Server) forgetDashboards() {
	s.mu.Lock()
	clear(s.dashboards)
	s.mu.Unlock()
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, p *principal) {
	period := r.URL.Query().Get("period")
	d, err := s.cachedDashboard(r.Context(), period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "dashboard", http.StatusOK, map[string]any{"D": d, "Bars": chart(d), "Actions": actions, "Period": period})
}

func (s *Server) dashboardAPI(r *http.Request, p *principal) (any, string, error) {
	d, err := s.cachedDashboard(r.Context(), r.URL.Query().Get("period"))
	return d, "", err
}
