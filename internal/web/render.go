package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/scan"
)

// pageNames are the templates under templates/, each rendered inside layout.html.
var pageNames = []string{"login", "error", "dashboard", "quarantine", "message", "trace", "indicators",
	"incidents", "incident", "suppliers", "supplier", "audit", "confirm", "requests", "request", "account", "posture"}

type pageTemplate struct{ t *template.Template }

// view is what every page template receives.
type view struct {
	L    string // language: fr or en
	User string
	Role account.Role
	CSRF string
	Path string // the current page with its query, for the language switch
	Here string // the current page without query, for forms' _next
	Nav  string // the active menu entry
	Done string // the key of the last action's confirmation
	// DoneN and DoneFailed count a bulk decision's messages.
	DoneN, DoneFailed int
	DoneCounts        bool
	Now               time.Time
	Data              any
}

// Can reports whether the user may perform perm (account.Permission names).
func (v view) Can(perm string) bool { return v.Role.Can(account.Permission(perm)) }

func loadPages(signals *scan.Catalogue) (map[string]*pageTemplate, error) {
	funcs := template.FuncMap{
		"t":          tr,
		"dt":         func(t time.Time) string { return fmtTime(t, "02/01/2006 15:04") },
		"day":        func(t time.Time) string { return fmtTime(t, "02/01/2006") },
		"isodate":    func(t time.Time) string { return fmtTime(t, "2006-01-02") },
		"size":       humanSize,
		"join":       strings.Join,
		"short":      func(s string) string { return s[:min(len(s), 12)] },
		"signal":     func(l, name string) string { return signalText(signals, l, name) },
		"itemStatus": func(l string, st incident.ItemStatus) string { return tr(l, "status."+string(st)) },
		"severity": func(l string, sv incident.Severity) string {
			if l == "en" {
				return sv.EN()
			}
			return sv.String()
		},
		"level":       func(a string, lv incident.Level) string { return lv.Label(incident.Axis(a)) },
		"duration":    fmtDuration,
		"add":         func(a, b int) int { return a + b },
		"neg":         func(a int) int { return -a },
		"resolutions": func() []incident.Resolution { return incident.Resolutions },
		"statuses": func() []incident.ItemStatus {
			return []incident.ItemStatus{incident.Todo, incident.InProgress, incident.Done, incident.NotApplied}
		},
		"journalKinds": func() []journal.Kind { return journal.Kinds },
		"unix":         func(t time.Time) int64 { return t.Unix() },
		"list":         func(a ...string) []string { return a },
		"sevBadge":     sevBadge,
		"iban":         invoice.FormatIBAN,
	}
	for k, f := range postureFuncs {
		funcs[k] = f
	}
	pages := map[string]*pageTemplate{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		pages[name] = &pageTemplate{t: t}
	}
	return pages, nil
}

// lang is the language chosen with the switch; French by default.
func lang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		if _, ok := catalogue[c.Value]; ok {
			return c.Value
		}
	}
	return "fr"
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, p *principal, name string, code int, data any) {
	v := view{L: lang(r), Path: r.URL.RequestURI(), Here: r.URL.Path, Nav: name, Done: r.URL.Query().Get("done"), Now: s.now(), Data: data}
	if strings.HasPrefix(v.Done, "bulk-") {
		v.DoneCounts = true
		v.DoneN, _ = strconv.Atoi(r.URL.Query().Get("n"))
		v.DoneFailed, _ = strconv.Atoi(r.URL.Query().Get("failed"))
	}
	if p != nil {
		v.User, v.Role, v.CSRF = p.User, p.Role, p.sess.CSRF
	}
	var b bytes.Buffer
	if err := s.pages[name].t.Execute(&b, v); err != nil {
		s.log.Error("render failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

func fmtTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return journal.Paris(t).Format(layout)
}

func fmtDuration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	s := fmt.Sprintf("%d h %02d min", h, m)
	if neg {
		return "−" + s
	}
	return s
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f Gio", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f Mio", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kio", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d o", n)
}

// signalText explains a signal in the reader's language, from the
// scanner's catalogue (its name when there is none); the detail of the
// occurrence is not kept with quarantined messages, so "{d}" reads as an
// ellipsis.
func signalText(signals *scan.Catalogue, l, name string) string {
	if signals == nil {
		return name
	}
	d, ok := signals.Lookup(name)
	if !ok {
		return name
	}
	t := d.FR
	if l == "en" && d.EN != "" {
		t = d.EN
	}
	return scan.Explain(t, "…")
}
