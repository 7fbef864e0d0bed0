package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/quarantine"
)

// What each decision is called in the audit trail and the flash message.
var actionDone = map[quarantine.Action]string{quarantine.Release: "released", quarantine.Delete: "deleted",
	quarantine.Phish: "phish", quarantine.NotPhish: "notphish"}

// decide applies one action to one message, audited.
func (s *Server) decide(ctx context.Context, r *http.Request, p *principal, id string, a quarantine.Action) (quarantine.Entry, error) {
	if a == quarantine.Release && s.o.Release == nil {
		return quarantine.Entry{}, fmt.Errorf("web: release %s: %w", id, errNoNextHop)
	}
	e, err := s.o.Quarantine.Decide(ctx, id, a, p.User, s.o.Release)
	if err != nil {
		return e, err
	}
	s.forgetDashboards()
	detail := ""
	if a == quarantine.Release {
		detail = strings.Join(e.RcptTo, ",")
		if note, _, ok := s.releaseNote(r, e); ok {
			detail = note // what the command line says and audits too
		}
	}
	if c := a.Class(); c != "" {
		detail = strings.TrimPrefix(detail+"; learned as "+c, "; ")
	}
	s.audit(r, p, "quarantine."+string(a), id, detail)
	return e, nil
}

// releaseNote is what the deliverer says of the release of e, when it
// keeps that (quarantine.ReleaseNoter), and whether Postfix still holds
// its own copy to delete.
func (s *Server) releaseNote(r *http.Request, e quarantine.Entry) (note string, todo, ok bool) {
	n, ok := s.o.Release.(quarantine.ReleaseNoter)
	if !ok {
		return "", false, false
	}
	note, todo = n.ReleaseNote(lang(r), e)
	return note, todo, true
}

// quarantineAction serves POST /api/v1/quarantine/{id}/{release,delete,phish,not-phish}.
func (s *Server) quarantineAction(a quarantine.Action) apiFunc {
	return func(r *http.Request, p *principal) (any, string, error) {
		id := r.PathValue("id")
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
		defer cancel()
		e, err := s.decide(ctx, r, p, id, a)
		if err != nil {
			return nil, "", err
		}
		next := "/quarantine?done=" + actionDone[a]
		if a == quarantine.NotPhish {
			next = "/quarantine/" + id + "?done=" + actionDone[a]
		}
		if _, todo, _ := s.releaseNote(r, e); a == quarantine.Release && todo {
			next = "/quarantine?done=released-held"
		}
		return e, next, nil
	}
}

// maxBulk bounds one bulk decision (a search selects at most this many).
const maxBulk = 5000

// BulkResult is the outcome of a bulk decision.
type BulkResult struct {
	Action quarantine.Action `json:"action"`
	Done   int               `json:"done"`
	Failed []BulkFailure     `json:"failed"`
}

// BulkFailure is one message a bulk decision could not apply to.
type BulkFailure struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}

// bulkSelection reads the messages a bulk form or call names: ids
// (repeatable), or scope=search with the list's search parameters.
func (s *Server) bulkSelection(ctx context.Context, q params) ([]string, error) {
	if q.get("scope") != "search" {
		ids := q.all("ids")
		if len(ids) == 0 {
			return nil, badfr("aucun message sélectionné", "no message selected (ids)")
		}
		if len(ids) > maxBulk {
			return nil, badfr("au plus %d messages à la fois", "at most %d messages at once", maxBulk)
		}
		return ids, nil
	}
	f, err := quarantineFilter(q)
	if err != nil {
		return nil, err
	}
	f.Before, f.After, f.Limit = "", "", maxPageSize
	sq, err := s.storeQuery(f)
	if err != nil {
		return nil, err
	}
	var ids []string
	for {
		es, more, err := s.o.Quarantine.Page(ctx, sq)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		if len(ids) > maxBulk {
			return nil, badfr("la recherche choisit plus de %d messages : affinez-la", "the search selects more than %d messages: narrow it", maxBulk)
		}
		if !more || len(es) == 0 {
			return ids, nil
		}
		sq.Before = &quarantine.Cursor{At: es[len(es)-1].CreatedAt, ID: es[len(es)-1].ID}
	}
}

// quarantineBulk applies one decision to many messages. Without
// confirm, a browser gets the confirmation page (what, how many, what
// Vigie will learn) and a script a 400: nothing happens unconfirmed.
func (s *Server) quarantineBulk(w http.ResponseWriter, r *http.Request, p *principal) {
	q, err := readParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := quarantine.ParseAction(q.get("action"))
	if err != nil {
		s.fail(w, r, badfr("action inconnue « %s » (release, delete, phish, not-phish)", "unknown action %q (release, delete, phish, not-phish)", q.get("action")))
		return
	}
	ids, err := s.bulkSelection(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c := q.get("confirm"); c != "1" && c != "true" {
		if !wantsHTML(r) {
			s.fail(w, r, badfr("confirmation requise : renvoyez la requête avec confirm=true", "confirmation required: send confirm=true"))
			return
		}
		s.confirmBulk(w, r, p, a, ids, q)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Minute)
	defer cancel()
	res := BulkResult{Action: a, Failed: []BulkFailure{}}
	for _, id := range ids {
		if _, err := s.decide(ctx, r, p, id, a); err != nil {
			_, msg := explain(err, lang(r))
			res.Failed = append(res.Failed, BulkFailure{ID: id, Error: msg})
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				break
			}
			continue
		}
		res.Done++
	}
	s.audit(r, p, "quarantine.bulk."+string(a), strconv.Itoa(len(ids))+" messages", fmt.Sprintf("done %d, failed %d", res.Done, len(res.Failed)))
	if !wantsHTML(r) {
		writeJSON(w, http.StatusOK, res)
		return
	}
	next := localPath(q.get("_next"))
	if next == "/" {
		next = "/quarantine"
	}
	sep := "?"
	if strings.Contains(next, "?") {
		sep = "&"
	}
	http.Redirect(w, r, fmt.Sprintf("%s%sdone=bulk-%s&n=%d&failed=%d", next, sep, actionDone[a], res.Done, len(res.Failed)), http.StatusSeeOther)
}

// confirmBulk shows what a bulk decision will do before it is done.
func (s *Server) confirmBulk(w http.ResponseWriter, r *http.Request, p *principal, a quarantine.Action, ids []string, q params) {
	var shown []quarantine.Entry
	for _, id := range ids[:min(len(ids), 20)] {
		if e, err := s.o.Quarantine.Get(r.Context(), id); err == nil {
			shown = append(shown, e)
		}
	}
	hidden := map[string][]string{}
	for k, v := range q {
		if k != "_csrf" && k != "confirm" && k != "action" {
			hidden[k] = v
		}
	}
	s.render(w, r, p, "confirm", http.StatusOK, map[string]any{"Action": string(a), "Count": len(ids), "Shown": shown,
		"Learns": a.Class(), "Hidden": hidden, "Back": localPath(q.get("_next"))})
}
