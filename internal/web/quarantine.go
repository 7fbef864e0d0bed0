package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/trace"
	"vigie.dev/vigie/internal/web/safehtml"
)

// since reads a date or a look-back age.
func since(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := trace.ParseAge(s)
	if err != nil {
		return time.Time{}, badfr("« %s » n'est ni une date (2006-01-02) ni une durée (7d, 36h)", "%q is neither a date (2006-01-02) nor an age (7d, 36h)", s)
	}
	return now.Add(-d), nil
}

// maxListed bounds the lists that are not paged yet (trace, indicators).
const maxListed = 500

// MessageView is a quarantined message as the console shows it.
type MessageView struct {
	// BodyURL frames the sanitised HTML. It carries its own short-lived
	// capability token: the sandboxed frame has an opaque origin, so the
	// browser does not send it the SameSite=Strict session cookie.
	BodyURL     string           `json:"body_url,omitempty"`
	Entry       quarantine.Entry `json:"entry"`
	Held        bool             `json:"held"`
	Reasons     []Reason         `json:"reasons"`
	Headers     []message.Field  `json:"headers"`
	Text        string           `json:"text"`
	HasHTML     bool             `json:"has_html"`
	URLs        []string         `json:"urls"`
	Attachments []AttachmentView `json:"attachments"`
	SenderAddr  string           `json:"sender"`
	Domain      string           `json:"sender_domain"`
	Defects     []string         `json:"defects,omitempty"`
	// Decisions taken on the message, and whether the classifier learned them.
	Decisions []quarantine.Decision `json:"decisions,omitempty"`
}

// Reason is one signal of the verdict, explained.
type Reason struct {
	Name string `json:"name"`
	FR   string `json:"fr"`
	EN   string `json:"en"`
}

// AttachmentView describes an attachment without its bytes.
type AttachmentView struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func (s *Server) messageView(ctx context.Context, id string) (MessageView, *message.Message, error) {
	raw, e, err := s.o.Quarantine.Raw(ctx, id)
	if err != nil {
		return MessageView{}, nil, err
	}
	m := message.Parse(raw, message.DefaultLimits())
	v := MessageView{Entry: e, Held: e.ReleasedAt.IsZero() && e.DeletedAt.IsZero(), Headers: m.Header.Fields,
		HasHTML: strings.TrimSpace(m.HTML) != ""}
	detailed := map[string]scan.Signal{}
	if s.o.Explain != nil {
		for _, sig := range s.o.Explain(ctx, raw, m).Signals {
			detailed[sig.Name] = sig
		}
	}
	for _, n := range e.Signals {
		r := Reason{Name: n, FR: signalText(s.o.Signals, "fr", n), EN: signalText(s.o.Signals, "en", n)}
		if d, ok := detailed[n]; ok {
			r.FR, r.EN = d.FR, d.EN
		}
		v.Reasons = append(v.Reasons, r)
	}
	v.BodyURL = "/quarantine/" + url.PathEscape(id) + "/body?t=" + s.bodyToken(id, s.now().Add(bodyTokenTTL))
	v.Text = m.Text
	if strings.TrimSpace(v.Text) == "" {
		v.Text = m.HTMLText
	}
	seen := map[string]bool{}
	for _, u := range m.URLs {
		if !seen[u.Raw] && len(v.URLs) < 100 {
			seen[u.Raw] = true
			v.URLs = append(v.URLs, u.Raw)
		}
	}
	for _, a := range m.Attachments {
		v.Attachments = append(v.Attachments, AttachmentView{Name: a.Filename, Type: a.SniffedType, Size: a.Size, SHA256: a.SHA256})
	}
	for _, d := range m.Defects {
		v.Defects = append(v.Defects, d.Code)
	}
	v.SenderAddr = strings.ToLower(m.FromAddr().Addr)
	if v.SenderAddr == "" {
		v.SenderAddr = strings.ToLower(e.MailFrom)
	}
	if i := strings.LastIndexByte(v.SenderAddr, '@'); i >= 0 {
		v.Domain = v.SenderAddr[i+1:]
	}
	v.Decisions, _ = s.o.Quarantine.Decisions(ctx, id, 0)
	return v, m, nil
}

func (s *Server) messagePage(w http.ResponseWriter, r *http.Request, p *principal) {
	v, _, err := s.messageView(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "message", http.StatusOK, v)
}

// messageBody serves the sanitised HTML for the sandboxed iframe, under
// a policy that forbids every fetch and every script.
func (s *Server) messageBody(w http.ResponseWriter, r *http.Request) {
	if !s.validBodyToken(r.PathValue("id"), r.URL.Query().Get("t")) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	raw, _, err := s.o.Quarantine.Raw(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := message.Parse(raw, message.DefaultLimits())
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "+
		"frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(safehtml.Sanitize(m.HTML)))
}

func (s *Server) quarantineGet(r *http.Request, p *principal) (any, string, error) {
	v, _, err := s.messageView(r.Context(), r.PathValue("id"))
	return v, "", err
}

// quarantineRaw downloads the original message (as an attachment: the
// browser never renders it).
func (s *Server) quarantineRaw(w http.ResponseWriter, r *http.Request, p *principal) {
	raw, e, err := s.o.Quarantine.Raw(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", e.ID+".eml"))
	w.Write(raw)
}

// quarantineIncident opens a phishing-campaign incident with the message
// as its first evidence, which proposes its indicators.
func (s *Server) quarantineIncident(r *http.Request, p *principal) (any, string, error) {
	id := r.PathValue("id")
	raw, e, err := s.o.Quarantine.Raw(r.Context(), id)
	if err != nil {
		return nil, "", err
	}
	title := "Hameçonnage : " + e.Subject
	if e.Subject == "" {
		title = "Hameçonnage : message " + id
	}
	inc, err := s.o.Incidents.Open(r.Context(), incident.OpenRequest{Type: incident.PhishingCampaign, Title: title,
		Summary: fmt.Sprintf("Ouvert depuis la console à partir du message mis en quarantaine %s (de %s).", id, e.From), By: p.User})
	if err != nil {
		return nil, "", err
	}
	if _, _, err := s.o.Incidents.AddEvidence(r.Context(), inc.ID, incident.EvidenceRequest{Name: id + ".eml",
		Content: bytes.NewReader(raw), Note: "message mis en quarantaine " + id, By: p.User}); err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.open", strconv.FormatInt(inc.ID, 10), "from quarantine "+id)
	return inc, fmt.Sprintf("/incidents/%d?done=opened", inc.ID), nil
}

// bodyTokenTTL bounds how long a framed body URL stays valid.
const bodyTokenTTL = 10 * time.Minute

// bodyToken signs a quarantine id with an expiry: "UNIX.HEXMAC".
func (s *Server) bodyToken(id string, exp time.Time) string {
	e := strconv.FormatInt(exp.Unix(), 10)
	mac := hmac.New(sha256.New, s.bodyKey[:])
	mac.Write([]byte(id + "\x00" + e))
	return e + "." + hex.EncodeToString(mac.Sum(nil))
}

func (s *Server) validBodyToken(id, tok string) bool {
	e, _, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	if err != nil || s.now().Unix() > exp {
		return false
	}
	return hmac.Equal([]byte(tok), []byte(s.bodyToken(id, time.Unix(exp, 0))))
}
