package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/ir/report"
)

func incidentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badf("%q is not an incident number", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) incidentsPage(w http.ResponseWriter, r *http.Request, p *principal) {
	st := incident.Status(r.URL.Query().Get("status"))
	if st == "" {
		st = incident.Open
	}
	if st == "all" {
		st = ""
	}
	list, err := s.o.Incidents.List(r.Context(), incident.ListFilter{Status: st})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "incidents", http.StatusOK, map[string]any{"List": list, "Status": r.URL.Query().Get("status")})
}

func (s *Server) incidentList(r *http.Request, p *principal) (any, string, error) {
	list, err := s.o.Incidents.List(r.Context(), incident.ListFilter{Status: incident.Status(r.URL.Query().Get("status"))})
	if list == nil {
		list = []incident.Incident{}
	}
	return list, "", err
}

// CaseView is an incident as the board shows it.
type CaseView struct {
	incident.Case
	ChainOK      bool                     `json:"journal_verified"`
	ChainError   string                   `json:"journal_error,omitempty"`
	Next         []incident.ChecklistItem `json:"next"`
	Declarations []report.Declaration     `json:"declarations"`
	CNIL         *report.Declaration      `json:"cnil,omitempty"` // the 72-hour notification, when it applies
	Hunt         *incident.HuntResult     `json:"last_hunt,omitempty"`
}

func (s *Server) caseView(r *http.Request, id int64) (CaseView, error) {
	c, err := s.o.Incidents.Load(r.Context(), id)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: c, ChainOK: true}
	slices.SortStableFunc(v.Checklist, func(a, b incident.ChecklistItem) int {
		return a.Def.Priority.Rank() - b.Def.Priority.Rank()
	})
	v.Next = incident.Next(v.Checklist)
	if _, _, err := s.o.Incidents.Verify(r.Context(), id); err != nil {
		var ce *journal.ChainError
		if !errors.As(err, &ce) {
			return v, err
		}
		v.ChainOK, v.ChainError = false, ce.Error()
	}
	now := s.now()
	v.Declarations = report.Declarations(c, now)
	for i, d := range v.Declarations {
		if d.Applies && !d.Deadline.IsZero() && d.Deadline.Sub(c.Incident.AwareAt) == 72*time.Hour {
			v.CNIL = &v.Declarations[i]
		}
	}
	s.mu.Lock()
	if h, ok := s.hunts[id]; ok {
		v.Hunt = &h
	}
	s.mu.Unlock()
	return v, nil
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, p *principal) {
	id, err := incidentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.caseView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "incident", http.StatusOK, v)
}

func (s *Server) incidentGet(r *http.Request, p *principal) (any, string, error) {
	id, err := incidentID(r)
	if err != nil {
		return nil, "", err
	}
	v, err := s.caseView(r, id)
	return v, "", err
}

func (s *Server) incidentOpen(r *http.Request, p *principal) (any, string, error) {
	q, err := readParams(r)
	if err != nil {
		return nil, "", err
	}
	typ, err := incident.ParseType(q.get("type"))
	if err != nil {
		return nil, "", badRequest{err}
	}
	req := incident.OpenRequest{Type: typ, Title: q.get("title"), Summary: q.get("summary"), Assignee: q.get("assignee"),
		PersonalData: q.get("personal_data") == "1" || q.get("personal_data") == "true", By: p.User}
	if req.Title == "" {
		return nil, "", badf("title is required")
	}
	for _, a := range []struct {
		axis incident.Axis
		dst  *incident.Level
	}{{incident.Perimeter, &req.Perimeter}, {incident.Impact, &req.Impact}, {incident.Urgency, &req.Urgency}} {
		if v := q.get(string(a.axis)); v != "" {
			if *a.dst, err = incident.ParseLevel(a.axis, v); err != nil {
				return nil, "", badRequest{err}
			}
		}
	}
	inc, err := s.o.Incidents.Open(r.Context(), req)
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.open", strconv.FormatInt(inc.ID, 10), inc.Title)
	return inc, fmt.Sprintf("/incidents/%d?done=opened", inc.ID), nil
}

func (s *Server) incidentCheck(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	var c incident.ItemChange
	if v := q.get("status"); v != "" {
		st, err := incident.ParseItemStatus(v)
		if err != nil {
			return nil, "", badRequest{err}
		}
		c.Status = &st
	}
	if _, ok := q["note"]; ok {
		n := q.get("note")
		c.Note = &n
	}
	if _, ok := q["assignee"]; ok {
		a := q.get("assignee")
		c.Assignee = &a
	}
	item := r.PathValue("item")
	it, err := s.o.Incidents.Check(r.Context(), id, item, c, p.User)
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.check", fmt.Sprintf("%d/%s", id, item), string(it.Status))
	return it, fmt.Sprintf("/incidents/%d?done=checked#item-%s", id, item), nil
}

func (s *Server) incidentLog(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	k, err := journal.ParseKind(q.get("kind"))
	if err != nil {
		return nil, "", badRequest{err}
	}
	if q.get("text") == "" {
		return nil, "", badf("text is required")
	}
	e, err := s.o.Incidents.Log(r.Context(), id, journal.Draft{Author: p.User, Kind: k, Text: q.get("text"),
		Accounts: q.all("account"), Machines: q.all("machine")})
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.log", strconv.FormatInt(id, 10), fmt.Sprintf("entry %d", e.Seq))
	return e, fmt.Sprintf("/incidents/%d?done=logged#journal", id), nil
}

func (s *Server) incidentEvidence(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	if r.MultipartForm == nil {
		return nil, "", badf("send the file as multipart/form-data, field file")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, "", badf("file: %v", err)
	}
	defer f.Close()
	rec, inds, err := s.o.Incidents.AddEvidence(r.Context(), id, incident.EvidenceRequest{Name: hdr.Filename, Content: f,
		Note: q.get("note"), By: p.User})
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.evidence", strconv.FormatInt(id, 10), rec.SHA256)
	return map[string]any{"evidence": rec, "proposed": inds}, fmt.Sprintf("/incidents/%d?done=evidence#evidence", id), nil
}

func (s *Server) incidentEvidenceGet(w http.ResponseWriter, r *http.Request, p *principal) {
	id, err := incidentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, b, err := s.o.Incidents.EvidenceBytes(r.Context(), id, r.PathValue("sha256"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", rec.Name))
	w.Write(b)
}

func (s *Server) incidentBlock(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	req := incident.BlockRequest{Values: q.all("value"), All: q.get("all") == "1" || q.get("all") == "true",
		Mode: q.get("mode"), By: p.User}
	if _, req.TTL, err = lifetime(params{"ttl": {q.get("ttl")}}, s.now()); err != nil {
		return nil, "", err
	}
	if len(req.Values) == 0 && !req.All {
		return nil, "", badf("give value (repeatable) or all")
	}
	inds, err := s.o.Incidents.Block(r.Context(), id, req)
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.block", strconv.FormatInt(id, 10), fmt.Sprintf("%d indicator(s), mode=%s", len(inds), req.Mode))
	return inds, fmt.Sprintf("/incidents/%d?done=blocked#indicators", id), nil
}

func (s *Server) incidentHunt(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	days := 30
	if d := q.get("days"); d != "" {
		if days, err = strconv.Atoi(d); err != nil || days <= 0 {
			return nil, "", badf("days: want a positive number")
		}
	}
	res, err := s.o.Incidents.Hunt(r.Context(), id, days, p.User)
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	s.hunts[id] = res
	s.mu.Unlock()
	s.audit(r, p, "incident.hunt", strconv.FormatInt(id, 10), fmt.Sprintf("%d days, %d messages", days, res.Messages))
	return res, fmt.Sprintf("/incidents/%d?done=hunted#hunt", id), nil
}

func (s *Server) incidentClose(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	inc, err := s.o.Incidents.Close(r.Context(), id, q.get("reason"), p.User)
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.close", strconv.FormatInt(id, 10), q.get("reason"))
	return inc, fmt.Sprintf("/incidents/%d?done=closed", id), nil
}

// reportFormats are the downloads of the board: name, media type, French
// label for the main courante.
var reportFormats = map[string]struct{ ext, media, label string }{
	"md":   {"md", "text/markdown; charset=utf-8", "rapport d'incident (Markdown)"},
	"html": {"html", "text/html; charset=utf-8", "rapport d'incident (HTML)"},
	"arf":  {"eml", "message/rfc822", "signalement d'abus ARF"},
	"misp": {"misp.json", "application/json", "événement MISP"},
	"stix": {"stix.json", "application/json", "bundle STIX 2.1"},
}

// incidentReport renders a report as a download and journals its
// production, as `vigie incident report` does.
func (s *Server) incidentReport(w http.ResponseWriter, r *http.Request, p *principal) {
	id, err := incidentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := readParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format := q.get("format")
	rf, ok := reportFormats[format]
	if !ok {
		s.fail(w, r, badf("format: want md, html, arf, misp or stix"))
		return
	}
	c, err := s.o.Incidents.Load(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	share := report.ShareOptions{Org: q.get("org"), Now: now, TLP: q.get("tlp")}
	var b bytes.Buffer
	switch format {
	case "md":
		err = report.Markdown(&b, c, now)
	case "html":
		err = report.HTML(&b, c, now)
	case "misp":
		err = report.MISP(&b, c, share)
	case "stix":
		err = report.STIX(&b, c, share)
	case "arf":
		rec, raw, rerr := s.o.Incidents.EvidenceBytes(r.Context(), id, q.get("evidence"))
		if rerr != nil {
			s.fail(w, r, badf("arf needs a reported message among the evidence: %v", rerr))
			return
		}
		err = report.ARF(&b, c, raw, rec.SHA256, report.ARFOptions{From: q.get("from"), To: q.get("to"),
			ReportingMTA: q.get("reporting_mta"), Now: now})
	}
	if err != nil {
		s.fail(w, r, badRequest{err})
		return
	}
	if _, err := s.o.Incidents.Log(r.Context(), id, journal.Draft{Author: p.User, Kind: journal.Communication,
		Text: fmt.Sprintf("Production : %s (console).", rf.label)}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, p, "incident.report", strconv.FormatInt(id, 10), format)
	w.Header().Set("Content-Type", rf.media)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fmt.Sprintf("incident-%d.%s", id, rf.ext)))
	w.Write(b.Bytes())
}

// incidentParams reads the incident number of the path and the request's
// parameters: the preamble of every incident action.
func incidentParams(r *http.Request) (int64, params, error) {
	id, err := incidentID(r)
	if err != nil {
		return 0, nil, err
	}
	q, err := readParams(r)
	return id, q, err
}
