package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/trace"
)

// traceQuery reads the search form: the fields of trace.Query, since as
// an age or a date, until as a date (inclusive).
func (s *Server) traceQuery(q params) (trace.Query, error) {
	tq := trace.Query{Sender: q.get("sender"), Rcpt: q.get("rcpt"), Domain: q.get("domain"), URL: q.get("url"),
		IP: q.get("ip"), Hash: q.get("hash"), MsgID: q.get("message_id"), Action: q.get("action")}
	var err error
	if tq.Since, err = since(q.get("since"), s.now()); err != nil {
		return tq, err
	}
	if u := q.get("until"); u != "" {
		t, err := time.ParseInLocation("2006-01-02", u, time.Local)
		if err != nil {
			return tq, badfr("jusqu'au : « %s » n'est pas une date (2006-01-02)", "until: %q is not a date (2006-01-02)", u)
		}
		tq.Until = t.Add(24 * time.Hour)
	}
	if l := q.get("limit"); l != "" {
		tq.Limit, _ = strconv.Atoi(l)
	}
	return tq, nil
}

func (s *Server) tracePage(w http.ResponseWriter, r *http.Request, p *principal) {
	q, _ := readParams(r)
	tq, err := s.traceQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var recs []trace.Record
	searched := len(r.URL.Query()) > 0
	if searched {
		if tq.Limit == 0 {
			tq.Limit = maxListed
		}
		if recs, err = s.o.Trace.Search(r.Context(), tq); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, p, "trace", http.StatusOK, map[string]any{"Q": q, "Records": recs, "Searched": searched,
		"CSV": csvLink(r.URL.Query()), "Actions": actions})
}

// csvLink is the export of the search shown: the same parameters,
// re-encoded here (a raw query string given to the template would be
// escaped whole into one meaningless value, and the export would ignore
// the search).
func csvLink(q url.Values) template.URL {
	keep := url.Values{}
	for _, k := range []string{"sender", "rcpt", "domain", "url", "ip", "hash", "message_id", "action", "since", "until", "limit"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			keep.Set(k, v)
		}
	}
	return template.URL("/api/v1/trace.csv?" + keep.Encode())
}

// traceCSV exports a search (the same parameters as GET /api/v1/trace).
func (s *Server) traceCSV(w http.ResponseWriter, r *http.Request, p *principal) {
	q, _ := readParams(r)
	tq, err := s.traceQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tq.Limit == 0 {
		tq.Limit = 100000
	}
	recs, err := s.o.Trace.Search(r.Context(), tq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "vigie-trace-"+s.now().Format("20060102-1504")+".csv"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"time", "action", "score", "frontend", "client_ip", "helo", "mail_from", "from", "rcpt_to",
		"subject", "message_id", "signals", "urls", "attachments_sha256", "quarantine_id"})
	for _, rc := range recs {
		row := cells(rc.At.UTC().Format(time.RFC3339), rc.Action, "", rc.Frontend,
			rc.ClientIP, rc.HELO, rc.MailFrom, rc.From, strings.Join(rc.RcptTo, " "), rc.Subject, rc.MessageID,
			strings.Join(rc.Signals, " "), strings.Join(rc.URLs, " "), strings.Join(rc.Attachments, " "), rc.QuarantineID)
		row[2] = strconv.FormatFloat(rc.Score, 'f', 1, 64)
		cw.Write(row)
	}
	cw.Flush()
}

// cells defuses spreadsheet formulas: attacker-chosen subjects and
// addresses starting with = + - @ would otherwise run in the analyst's
// spreadsheet (OWASP "CSV injection").
func cells(vs ...string) []string {
	for i, v := range vs {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			vs[i] = "'" + v
		}
	}
	return vs
}
