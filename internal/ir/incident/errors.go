package incident

import (
	"errors"
	"fmt"

	"vigie.dev/vigie/internal/ir/journal"
)

// ErrClosed is returned for a change to a closed incident.
var ErrClosed = errors.New("incident: closed")

// Error is an error meant for a person: Error gives the English text (for
// logs), FR the French one the CLI and the console show by default.
type Error struct {
	EN, FRText string
	Err        error // wrapped, may be nil
}

func (e *Error) Error() string {
	if e.Err != nil && !errors.Is(e.Err, ErrClosed) && !errors.Is(e.Err, ErrNotFound) {
		return e.EN + ": " + e.Err.Error()
	}
	return e.EN
}

// FR returns the French text.
func (e *Error) FR() string {
	if e.Err != nil && !errors.Is(e.Err, ErrClosed) && !errors.Is(e.Err, ErrNotFound) {
		return e.FRText + " : " + Message(e.Err, "fr")
	}
	return e.FRText
}

func (e *Error) Unwrap() error { return e.Err }

// fail builds an Error; the format arguments are shared by both texts.
func fail(err error, fr, en string, a ...any) *Error {
	return &Error{FRText: fmt.Sprintf(fr, a...), EN: fmt.Sprintf(en, a...), Err: err}
}

// frenchError is any error that can say itself in French.
type frenchError interface {
	error
	FR() string
}

// Message returns err for a person in lang ("en", else French): the
// first error of the chain that knows its French text gives it, so the
// context the CLI adds in English never leaks into a French message.
func Message(err error, lang string) string {
	if err == nil {
		return ""
	}
	if lang == "en" {
		return err.Error()
	}
	var fe frenchError
	if errors.As(err, &fe) {
		return fe.FR()
	}
	var ce *journal.ChainError
	if errors.As(err, &ce) {
		return ce.FR()
	}
	if errors.Is(err, ErrNotFound) {
		return "introuvable (" + err.Error() + ")"
	}
	return err.Error()
}

func closedError(inc Incident) error {
	return fail(ErrClosed,
		"l'incident %d est clos depuis le %s : rouvrez-le d'abord (vigie incident reopen %d --reason …)",
		"incident %d was closed on %s: reopen it first (vigie incident reopen %d --reason …)",
		inc.ID, journal.FormatTime(inc.ClosedAt), inc.ID)
}
