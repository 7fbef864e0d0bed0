package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/trace"
)

var errEnough = errors.New("enough")

// indicatorFilter reads kind, mode, source, q (part of the value) and all.
func indicatorFilter(q params) (ioc.Filter, string, error) {
	var f ioc.Filter
	var err error
	if k := q.get("kind"); k != "" {
		if f.Kind, err = ioc.ParseKind(k); err != nil {
			return f, "", badRequest{err}
		}
	}
	if m := q.get("mode"); m != "" {
		if f.Mode, err = ioc.ParseMode(m); err != nil {
			return f, "", badRequest{err}
		}
	}
	f.Source = q.get("source")
	f.All = q.get("all") == "1" || q.get("all") == "true"
	return f, strings.ToLower(q.get("q")), nil
}

func (s *Server) listIndicators(r *http.Request) ([]ioc.Indicator, params, bool, error) {
	q, _ := readParams(r)
	f, sub, err := indicatorFilter(q)
	if err != nil {
		return nil, q, false, err
	}
	out := []ioc.Indicator{}
	more := false
	err = s.o.Indicators.Each(r.Context(), f, func(i *ioc.Indicator) error {
		if sub != "" && !strings.Contains(i.Value, sub) {
			return nil
		}
		if len(out) == maxListed {
			more = true
			return errEnough
		}
		out = append(out, *i)
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	return out, q, more, err
}

func (s *Server) indicatorsPage(w http.ResponseWriter, r *http.Request, p *principal) {
	list, q, more, err := s.listIndicators(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "indicators", http.StatusOK, map[string]any{"Q": q, "List": list, "More": more,
		"Kinds": ioc.Kinds, "Formats": ioc.Formats, "Now": s.now()})
}

func (s *Server) indicatorList(r *http.Request, p *principal) (any, string, error) {
	list, _, _, err := s.listIndicators(r)
	return list, "", err
}

// lifetime reads "expires" (a date, RFC 3339 time or "never") or "ttl"
// (7d, 36h, never); both empty leaves the default.
func lifetime(q params, now time.Time) (at time.Time, ttl time.Duration, err error) {
	if e := q.get("expires"); e != "" {
		if e == "never" || e == "jamais" {
			return time.Time{}, ioc.Forever, nil
		}
		if t, err := time.ParseInLocation("2006-01-02", e, time.Local); err == nil {
			return t.Add(24*time.Hour - time.Second), 0, nil
		}
		t, err := time.Parse(time.RFC3339, e)
		if err != nil {
			return time.Time{}, 0, badfr("expiration : « %s » n'est pas une date", "expires: %q is not a date", e)
		}
		return t, 0, nil
	}
	switch t := q.get("ttl"); t {
	case "":
		return time.Time{}, 0, nil
	case "never", "jamais":
		return time.Time{}, ioc.Forever, nil
	default:
		d, err := trace.ParseAge(t)
		if err != nil {
			return time.Time{}, 0, badfr("durée : %v", "ttl: %v", err)
		}
		return time.Time{}, d, nil
	}
}

func (s *Server) indicatorAdd(r *http.Request, p *principal) (any, string, error) {
	q, err := readParams(r)
	if err != nil {
		return nil, "", err
	}
	n := ioc.NewIndicator{Value: q.get("value"), Reason: q.get("reason"), AddedBy: p.User}
	if k := q.get("kind"); k != "" && k != "auto" {
		if n.Kind, err = ioc.ParseKind(k); err != nil {
			return nil, "", badRequest{err}
		}
	}
	if n.Mode, err = ioc.ParseMode(q.get("mode")); err != nil {
		return nil, "", badRequest{err}
	}
	if n.ExpiresAt, n.TTL, err = lifetime(q, s.now()); err != nil {
		return nil, "", err
	}
	if n.Value == "" {
		return nil, "", badfr("indiquez une valeur", "value is required")
	}
	n.Tags = ioc.NormalizeTags(q.all("tags")...)
	n.TLP = q.get("tlp")
	if c := q.get("confidence"); c != "" {
		if n.Confidence, err = strconv.Atoi(c); err != nil {
			return nil, "", badfr("confiance : « %s » n'est pas un nombre", "confidence: %q is not a number", c)
		}
	}
	if q.get("force") == "1" || q.get("force") == "true" {
		// Forcing past the guard is an admin's decision, with a reason;
		// the service journals it and the audit trail keeps the request.
		if p.Role != account.Admin {
			return nil, "", forbidden{errors.New("forcing an indicator past the guard needs the admin role")}
		}
		n.Force = true
	}
	ind, err := s.o.Indicators.Add(r.Context(), n)
	if err != nil {
		return nil, "", inputErr(err)
	}
	detail := fmt.Sprintf("mode=%s reason=%s", ind.Mode, ind.Reason)
	if n.Force {
		detail += " forced"
	}
	s.audit(r, p, "indicator.add", fmt.Sprintf("%s:%s", ind.Kind, ind.Value), detail)
	return ind, "/indicators?done=added", nil
}

// inputErr marks an indicator service error as the caller's, unless the
// database failed (503) or the guard refused (422): status tells them apart.
func inputErr(err error) error {
	if dberr.Unavailable(err) || isRefusal(err) || errors.Is(err, ioc.ErrNotFound) {
		return err
	}
	return badRequest{err}
}

func isRefusal(err error) bool {
	_, ok := ioc.Refusal(err)
	return ok || errors.Is(err, ioc.ErrForceNeedsReason)
}

// refusalText explains a guard refusal in the console's language.
func refusalText(f *ioc.Finding, lang string) string {
	if lang == "en" {
		return "refused: " + f.Message("en") + " (an admin may force it, with a reason)"
	}
	return "refusé : " + f.Message("fr") + " (un administrateur peut forcer, avec un motif)"
}

func indicatorID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, badfr("« %s » n'est pas un numéro d'indicateur", "%q is not an indicator id", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) indicatorMode(r *http.Request, p *principal) (any, string, error) {
	id, err := indicatorID(r)
	if err != nil {
		return nil, "", err
	}
	q, err := readParams(r)
	if err != nil {
		return nil, "", err
	}
	m, err := ioc.ParseMode(q.get("mode"))
	if err != nil || q.get("mode") == "" {
		return nil, "", badfr("mode : bloquer (block) ou surveiller (watch)", "mode: want block or watch")
	}
	if err := s.o.Indicators.SetMode(r.Context(), id, m); err != nil {
		return nil, "", inputErr(err)
	}
	s.audit(r, p, "indicator.mode", strconv.FormatInt(id, 10), string(m))
	ind, err := s.o.Indicators.Get(r.Context(), id)
	return ind, "/indicators?done=updated", err
}

func (s *Server) indicatorExpiry(r *http.Request, p *principal) (any, string, error) {
	id, err := indicatorID(r)
	if err != nil {
		return nil, "", err
	}
	q, err := readParams(r)
	if err != nil {
		return nil, "", err
	}
	at, ttl, err := lifetime(q, s.now())
	if err != nil {
		return nil, "", err
	}
	switch {
	case ttl == ioc.Forever:
		at = time.Time{}
	case ttl > 0:
		at = s.now().Add(ttl)
	case at.IsZero():
		return nil, "", badfr("indiquez une expiration (une date ou « jamais ») ou une durée", "give expires (a date or never) or ttl")
	}
	if err := s.o.Indicators.SetExpiry(r.Context(), id, at); err != nil {
		return nil, "", err
	}
	detail := "never"
	if !at.IsZero() {
		detail = at.UTC().Format(time.RFC3339)
	}
	s.audit(r, p, "indicator.expiry", strconv.FormatInt(id, 10), detail)
	ind, err := s.o.Indicators.Get(r.Context(), id)
	return ind, "/indicators?done=updated", err
}

func (s *Server) indicatorRemove(r *http.Request, p *principal) (any, string, error) {
	id, err := indicatorID(r)
	if err != nil {
		return nil, "", err
	}
	if err := s.o.Indicators.Remove(r.Context(), id, p.User); err != nil {
		return nil, "", err
	}
	s.audit(r, p, "indicator.remove", strconv.FormatInt(id, 10), "")
	return map[string]int64{"removed": id}, "/indicators?done=removed", nil
}

// indicatorImport reads an uploaded feed file (multipart field "file").
func (s *Server) indicatorImport(r *http.Request, p *principal) (any, string, error) {
	q, err := readParams(r)
	if err != nil {
		return nil, "", err
	}
	if r.MultipartForm == nil {
		return nil, "", badfr("envoyez le flux comme fichier (multipart/form-data, champ file)", "send the feed as multipart/form-data, field file")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, "", badfr("fichier : %v", "file: %v", err)
	}
	defer f.Close()
	o := ioc.ImportOptions{Name: hdr.Filename, Reason: q.get("reason"), AddedBy: p.User}
	if o.Format, err = ioc.ParseFormat(q.get("format")); err != nil {
		return nil, "", badRequest{err}
	}
	if o.Mode, err = ioc.ParseMode(q.get("mode")); err != nil {
		return nil, "", badRequest{err}
	}
	if _, o.TTL, err = lifetime(params{"ttl": {q.get("ttl")}}, s.now()); err != nil {
		return nil, "", err
	}
	if src := q.get("source"); src != "" {
		o.Source = ioc.FeedSource(src)
	}
	res, err := s.o.Indicators.Import(r.Context(), f, o)
	if err != nil {
		return nil, "", inputErr(err)
	}
	s.audit(r, p, "indicator.import", hdr.Filename, fmt.Sprintf("format=%s imported=%d bad=%d", o.Format, res.Imported, res.Bad))
	return res, fmt.Sprintf("/indicators?done=imported&n=%d", res.Imported), nil
}
