package web

import (
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
	// Sent is the last correspondents search of this run of the
	// service; Correspondents the newest one the journal records.
	Sent           *incident.SentByResult `json:"last_correspondents_search,omitempty"`
	Correspondents []string               `json:"correspondents,omitempty"`
	Verified       *VerifyView            `json:"last_verification,omitempty"`
	Formats        []incident.Format      `json:"report_formats"`
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
	v.Correspondents = incident.Correspondents(c.Journal, "")
	v.Formats = s.o.Incidents.ReportFormats()
	if _, err := s.o.Incidents.Verify(r.Context(), id, incident.VerifyRequest{}); err != nil {
		var ce *journal.ChainError
		if !errors.As(err, &ce) {
			return v, err
		}
		v.ChainOK, v.ChainError = false, incident.Message(err, lang(r))
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
	if r, ok := s.sent[id]; ok {
		v.Sent = &r
	}
	if r, ok := s.verified[id]; ok {
		v.Verified = &r
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
	inc, err := s.o.Incidents.Close(r.Context(), id, incident.CloseRequest{Resolution: incident.Resolution(q.get("resolution")),
		Reason: q.get("reason"), Confirm: q.get("confirm") == "1" || q.get("confirm") == "true" || q.get("confirm") == "on", By: p.User})
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.close", strconv.FormatInt(id, 10), q.get("reason"))
	return inc, fmt.Sprintf("/incidents/%d?done=closed", id), nil
}

// incidentReport renders a report through the incident service, which
// journals its production, and sends it as a download: the console and
// `vigie incident report` produce the same documents.
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
	doc, err := s.o.Incidents.Report(r.Context(), id, incident.ReportRequest{Format: q.get("format"), Lang: lang(r),
		TLP: q.get("tlp"), Org: q.get("org"), From: q.get("from"), To: q.get("to"), ReportingMTA: q.get("reporting_mta"),
		Evidence: q.get("evidence"), Indicator: q.get("url"), Account: q.get("account"), Contact: q.get("contact"),
		Target: q.get("target"), By: p.User})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, p, "incident.report", strconv.FormatInt(id, 10), doc.Format)
	w.Header().Set("Content-Type", doc.MediaType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", doc.FileName))
	w.Write(doc.Data)
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
