package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/quarantine"
)

// QuarantineFilter is what the quarantine list can be searched by; the
// page and the API read the same parameters.
type QuarantineFilter struct {
	Q        string  `json:"q,omitempty"`       // subject, sender (name or address) or recipient
	Subject  string  `json:"subject,omitempty"` // part of the subject
	Sender   string  `json:"sender,omitempty"`  // part of the From (name or address) or envelope sender
	Rcpt     string  `json:"rcpt,omitempty"`
	Signal   string  `json:"signal,omitempty"`
	Since    string  `json:"since,omitempty"` // a date (2006-01-02) or an age (7d, 36h)
	Until    string  `json:"until,omitempty"` // a date, inclusive
	MinScore float64 `json:"min_score,omitempty"`
	MaxScore float64 `json:"max_score,omitempty"`
	State    string  `json:"state,omitempty"` // held (default), released, deleted, all
	Before   string  `json:"before,omitempty"`
	After    string  `json:"after,omitempty"`
	Limit    int     `json:"limit,omitempty"`
}

// Page sizes: compact rows, 50 by default, 200 at most.
const (
	pageSize    = 50
	maxPageSize = 200
	// countCap bounds the count shown beside a search ("plus de 10 000").
	countCap = 10000
)

var states = []string{"held", "released", "deleted", "all"}

func quarantineFilter(q params) (QuarantineFilter, error) {
	f := QuarantineFilter{Q: q.get("q"), Subject: q.get("subject"), Sender: q.get("sender"), Rcpt: q.get("rcpt"),
		Signal: strings.ToUpper(q.get("signal")), Since: q.get("since"), Until: q.get("until"), State: q.get("state"),
		Before: q.get("before"), After: q.get("after")}
	if f.State == "" && (q.get("all") == "1" || q.get("all") == "true") {
		f.State = "all"
	}
	if f.State == "held" {
		f.State = ""
	}
	if f.State != "" && f.State != "released" && f.State != "deleted" && f.State != "all" {
		return f, badfr("état : « %s » (retenu, libéré, supprimé ou tous)", "state: %q (held, released, deleted, all)", f.State)
	}
	for _, x := range []struct {
		k   string
		dst *float64
	}{{"min_score", &f.MinScore}, {"max_score", &f.MaxScore}} {
		if v := q.get(x.k); v != "" {
			n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
			if err != nil {
				return f, badfr("%s : « %s » n'est pas un nombre", "%s: %q is not a number", x.k, v)
			}
			*x.dst = n
		}
	}
	if l := q.get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			return f, badfr("limit : « %s » n'est pas un nombre positif", "limit: %q is not a positive number", l)
		}
		f.Limit = min(n, maxPageSize)
	}
	return f, nil
}

// storeQuery turns the filter into the store's query.
func (s *Server) storeQuery(f QuarantineFilter) (quarantine.Query, error) {
	q := quarantine.Query{Text: f.Q, Subject: f.Subject, Sender: f.Sender, Rcpt: f.Rcpt, Signal: f.Signal,
		MinScore: f.MinScore, MaxScore: f.MaxScore, State: f.State, Limit: f.Limit}
	if q.Limit == 0 {
		q.Limit = pageSize
	}
	var err error
	if q.Since, err = since(f.Since, s.now()); err != nil {
		return q, err
	}
	if f.Until != "" {
		t, err := time.ParseInLocation("2006-01-02", f.Until, time.Local)
		if err != nil {
			return q, badfr("jusqu'au : « %s » n'est pas une date (2006-01-02)", "until: %q is not a date (2006-01-02)", f.Until)
		}
		q.Until = t.Add(24 * time.Hour)
	}
	if q.Before, err = parseCursor(f.Before); err != nil {
		return q, err
	}
	if q.After, err = parseCursor(f.After); err != nil {
		return q, err
	}
	return q, nil
}

// A cursor is an entry's creation time in Unix milliseconds and its id.
func cursorOf(e quarantine.Entry) string {
	return strconv.FormatInt(e.CreatedAt.UnixMilli(), 10) + "." + e.ID
}

func parseCursor(c string) (*quarantine.Cursor, error) {
	if c == "" {
		return nil, nil
	}
	ms, id, ok := strings.Cut(c, ".")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return nil, badfr("curseur de page « %s » illisible", "unreadable page cursor %q", c)
	}
	return &quarantine.Cursor{At: time.UnixMilli(n).UTC(), ID: id}, nil
}

// QuarantinePage is one page of the list.
type QuarantinePage struct {
	Entries []quarantine.Entry `json:"entries"`
	// Total counts the whole search, up to 10,000 (TotalCapped beyond).
	Total       int  `json:"total"`
	TotalCapped bool `json:"total_capped,omitempty"`
	// Older and Newer are the cursors to pass as before and after for the
	// next and previous pages ("" at the ends).
	Older  string           `json:"older,omitempty"`
	Newer  string           `json:"newer,omitempty"`
	Filter QuarantineFilter `json:"filter"`
}

func (s *Server) quarantinePageOf(ctx context.Context, f QuarantineFilter) (QuarantinePage, error) {
	q, err := s.storeQuery(f)
	if err != nil {
		return QuarantinePage{}, err
	}
	es, more, err := s.o.Quarantine.Page(ctx, q)
	if err != nil {
		return QuarantinePage{}, err
	}
	pg := QuarantinePage{Entries: es, Filter: f}
	if pg.Entries == nil {
		pg.Entries = []quarantine.Entry{}
	}
	if q.Before == nil && q.After == nil && !more {
		pg.Total = len(es) // the first page holds the whole search
	} else if pg.Total, err = s.o.Quarantine.Count(ctx, q, countCap); err != nil {
		return pg, err
	}
	pg.TotalCapped = pg.Total > countCap
	if len(es) > 0 {
		// Towards older: more rows past this page, or we came from older ones.
		if (q.After == nil && more) || q.After != nil {
			pg.Older = cursorOf(es[len(es)-1])
		}
		if (q.After != nil && more) || q.Before != nil {
			pg.Newer = cursorOf(es[0])
		}
	}
	return pg, nil
}

// values is the filter as query parameters, without the cursors.
func (f QuarantineFilter) values() url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("q", f.Q)
	set("subject", f.Subject)
	set("sender", f.Sender)
	set("rcpt", f.Rcpt)
	set("signal", f.Signal)
	set("since", f.Since)
	set("until", f.Until)
	set("state", f.State)
	if f.MinScore != 0 {
		v.Set("min_score", strconv.FormatFloat(f.MinScore, 'f', -1, 64))
	}
	if f.MaxScore != 0 {
		v.Set("max_score", strconv.FormatFloat(f.MaxScore, 'f', -1, 64))
	}
	if f.Limit != 0 {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	return v
}

// link is the list with this filter and one cursor (built here: a query
// string handed to the template would be escaped into one value).
func (f QuarantineFilter) link(cursor, value string) template.URL {
	v := f.values()
	if cursor != "" {
		v.Set(cursor, value)
	}
	if len(v) == 0 {
		return "/quarantine"
	}
	return template.URL("/quarantine?" + v.Encode())
}

// Values are the search parameters, for the bulk form's "the whole
// search" scope.
func (f QuarantineFilter) Values() url.Values { return f.values() }

// Searched reports whether any search criterion is set.
func (f QuarantineFilter) Searched() bool {
	g := f
	g.State, g.Before, g.After, g.Limit = "", "", "", 0
	return len(g.values()) > 0
}

func (s *Server) quarantinePage(w http.ResponseWriter, r *http.Request, p *principal) {
	q, _ := readParams(r)
	f, err := quarantineFilter(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg, err := s.quarantinePageOf(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"P": pg, "F": f, "States": states, "Query": f.values().Encode(),
		"First": f.link("", ""), "Requests": 0}
	if pg.Older != "" {
		data["OlderURL"] = f.link("before", pg.Older)
	}
	if pg.Newer != "" {
		data["NewerURL"] = f.link("after", pg.Newer)
	}
	if p.can(account.Quarantine) {
		if rs, err := s.o.Requests.List(r.Context(), "pending", 1000); err == nil {
			data["Requests"] = len(rs)
		}
	}
	s.render(w, r, p, "quarantine", http.StatusOK, data)
}

func (s *Server) quarantineList(r *http.Request, p *principal) (any, string, error) {
	q, _ := readParams(r)
	f, err := quarantineFilter(q)
	if err != nil {
		return nil, "", err
	}
	pg, err := s.quarantinePageOf(r.Context(), f)
	return pg, "", err
}
