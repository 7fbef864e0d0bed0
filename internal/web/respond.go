package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/suppliers"
)

// maxUpload bounds uploaded files (evidence, feeds).
const maxUpload = 64 << 20

// apiError is the JSON body of a failed call: error for scripts (stable,
// English), message for people (in the caller's language).
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message,omitempty"`
}

// badRequest marks an error as the caller's.
type badRequest struct{ err error }

func (e badRequest) Error() string { return e.err.Error() }
func (e badRequest) Unwrap() error { return e.err }

// badf is a caller's error whose text is the same in both languages
// (service errors, identifiers).
func badf(format string, a ...any) error { return badRequest{fmt.Errorf(format, a...)} }

// frenchError carries a French wording of an English error.
type frenchError struct {
	err error
	fr  string
}

func (e frenchError) Error() string { return e.err.Error() }
func (e frenchError) Unwrap() error { return e.err }

// badfr is a caller's error written for people: French, then English.
func badfr(fr, en string, a ...any) error {
	return badRequest{frenchError{err: fmt.Errorf(en, a...), fr: fmt.Sprintf(fr, a...)}}
}

// forbidden marks an action the caller's role does not allow.
type forbidden struct{ err error }

func (e forbidden) Error() string { return e.err.Error() }
func (e forbidden) Unwrap() error { return e.err }

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

// errNoNextHop: the console was started without a way to release mail.
var errNoNextHop = errors.New("web: no next hop configured for releases")

// explain maps a service error to an HTTP status and what to tell a
// person, in language l. Nothing of an internal error is shown.
func explain(err error, l string) (int, string) {
	var (
		br  badRequest
		del *quarantine.DeletedError
		dlv *quarantine.DeliveryError
		bsy *quarantine.BusyError
	)
	// A release the deliverer refused or that looped back into the
	// quarantine is said as the command line says it, not as a next hop's
	// failure to retry.
	if why, ok := quarantine.ReleaseRefusal(l, err); ok {
		return http.StatusConflict, tr(l, "err.release", why)
	}
	switch {
	case errors.As(err, &dlv): // a next hop's network error is not the database's
		return http.StatusBadGateway, tr(l, "err.nexthop", dlv.Err.Error())
	case dberr.Unavailable(err):
		return http.StatusServiceUnavailable, tr(l, "err.dbdown")
	case isRefusal(err):
		if f, ok := ioc.Refusal(err); ok {
			return http.StatusUnprocessableEntity, refusalText(f, l)
		}
		return http.StatusUnprocessableEntity, tr(l, "err.bad", err.Error())
	case errors.As(err, new(forbidden)):
		return http.StatusForbidden, tr(l, "err.role")
	case errors.As(err, &br):
		var fe frenchError
		if l != "en" && errors.As(br.err, &fe) {
			return http.StatusBadRequest, tr(l, "err.bad", fe.fr)
		}
		return http.StatusBadRequest, tr(l, "err.bad", br.err.Error())
	case errors.As(err, &del):
		return http.StatusGone, tr(l, "err.deleted", del.By, fmtTime(del.At, "02/01/2006 15:04"))
	case errors.As(err, &dlv):
		return http.StatusBadGateway, tr(l, "err.nexthop", dlv.Err.Error())
	case errors.Is(err, errNoNextHop):
		return http.StatusServiceUnavailable, tr(l, "err.nonexthop")
	case errors.Is(err, quarantine.ErrNotHeld):
		return http.StatusConflict, tr(l, "err.notheld")
	case errors.As(err, &bsy):
		return http.StatusConflict, tr(l, "err.busy", bsy.By)
	case errors.Is(err, incident.ErrClosed):
		return http.StatusConflict, incident.Message(err, l)
	case errors.Is(err, dberr.ErrNotFound), errors.Is(err, incident.ErrNotFound), errors.Is(err, ioc.ErrNotFound),
		errors.Is(err, account.ErrNotFound), errors.Is(err, suppliers.ErrNotFound):
		return http.StatusNotFound, tr(l, "err.notfound")
	}
	// A refusal of the incident service that explains itself (a close with
	// open P0 actions, a date in the future, an unknown TLP…) is the
	// caller's to fix.
	var said interface{ FR() string }
	if errors.As(err, &said) {
		return http.StatusBadRequest, incident.Message(err, l)
	}
	return http.StatusInternalServerError, tr(l, "error.internal")
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := explain(err, lang(r))
	if code == http.StatusServiceUnavailable && dberr.Unavailable(err) {
		s.log.Warn("console request: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "30")
	}
	if code == http.StatusInternalServerError || code == http.StatusBadGateway {
		s.log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if !wantsHTML(r) {
		_, en := explain(err, "en")
		writeJSON(w, code, apiError{Error: en, Message: msg})
		return
	}
	s.failStatus(w, r, code, msg)
}

// failStatus answers an error already put into words for people.
func (s *Server) failStatus(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if !wantsHTML(r) {
		writeJSON(w, code, apiError{Error: msg})
		return
	}
	if code == http.StatusUnauthorized {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p, _ := s.fromSession(r)
	s.render(w, r, p, "error", code, map[string]any{"Status": code, "Message": msg, "Back": backTo(r)})
}

// backTo is the page a failed action came from, when it is a message:
// the error page links back to it (the message is still there).
func backTo(r *http.Request) string {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v1/quarantine/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	if id == "" || id == "bulk" {
		return "/quarantine"
	}
	return "/quarantine/" + id
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
			return nil, badfr("corps de la requête illisible : %v", "body: %v", err)
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
			return nil, badfr("formulaire illisible : %v", "form: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = append(p[k], v...)
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err != nil {
			return nil, badfr("formulaire illisible : %v", "form: %v", err)
		}
		for k, v := range r.PostForm {
			p[k] = append(p[k], v...)
		}
	}
	return p, nil
}
