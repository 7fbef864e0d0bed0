package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/web/account"
)

// maxUpload bounds uploaded files (evidence, feeds).
const maxUpload = 64 << 20

type apiError struct {
	Error string `json:"error"`
}

// badRequest marks an error as the caller's.
type badRequest struct{ err error }

func (e badRequest) Error() string { return e.err.Error() }
func (e badRequest) Unwrap() error { return e.err }

func badf(format string, a ...any) error { return badRequest{fmt.Errorf(format, a...)} }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// wantsHTML tells a browser (a form submission or a page) from a script.
func wantsHTML(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/html") && !strings.Contains(a, "application/json")
}

// status maps a service error to an HTTP status.
func status(err error) int {
	var br badRequest
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest
	case errors.Is(err, store.ErrNotFound), errors.Is(err, incident.ErrNotFound), errors.Is(err, ioc.ErrNotFound),
		errors.Is(err, account.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, quarantine.ErrNotHeld):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	msg := err.Error()
	if code == http.StatusInternalServerError {
		s.log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	s.failStatus(w, r, code, msg)
}

func (s *Server) failStatus(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if !wantsHTML(r) {
		writeJSON(w, code, apiError{msg})
		return
	}
	if code == http.StatusUnauthorized {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p, _ := s.fromSession(r)
	s.render(w, r, p, "error", code, map[string]any{"Status": code, "Message": msg})
}

// params are a request's inputs, from a JSON object or form fields.
type params map[string][]string

func (p params) get(k string) string {
	if v := p[k]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// Get is get for templates.
func (p params) Get(k string) string { return p.get(k) }

func (p params) all(k string) []string {
	var out []string
	for _, v := range p[k] {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// readParams reads a JSON object (strings, numbers, booleans, arrays of
// them) or a form into params; the query string is included.
func readParams(r *http.Request) (params, error) {
	p := params{}
	for k, v := range r.URL.Query() {
		p[k] = append(p[k], v...)
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]any
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
			return nil, badf("body: %v", err)
		}
		for k, v := range m {
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					p[k] = append(p[k], fmt.Sprint(e))
				}
			case nil:
			default:
				p[k] = append(p[k], fmt.Sprint(x))
			}
		}
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return nil, badf("form: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = append(p[k], v...)
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err != nil {
			return nil, badf("form: %v", err)
		}
		for k, v := range r.PostForm {
			p[k] = append(p[k], v...)
		}
	}
	return p, nil
}
