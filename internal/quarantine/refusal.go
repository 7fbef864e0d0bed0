package quarantine

import (
	"errors"
	"fmt"
	"strings"
)

// The deliverer's refusals (package release implements Deliverer for the
// gateway). They are defined here, beside the quarantine's own release
// errors, so that the command line and the console explain them in the
// same words (ReleaseRefusal).
var (
	// ErrPostfixCopyGone: in hold mode, Postfix's copy has left the hold
	// queue (postsuper -H or -d): delivering Vigie's would be a second copy.
	ErrPostfixCopyGone = errors.New("release: Postfix's held copy has left the hold queue (released with postsuper -H, or deleted): not delivered a second time")
	// ErrTruncated: Vigie kept only the scanned part of an oversize
	// message; only Postfix's held copy is whole.
	ErrTruncated = errors.New("release: Vigie's copy is only the scanned part of an oversize message: release Postfix's held copy (postsuper -H)")
	// ErrWholeCopyGone: Vigie kept only the scanned part of an oversize
	// message and Postfix's whole copy has left the hold queue: nothing
	// whole is left to release, forced or not.
	ErrWholeCopyGone = errors.New("release: Vigie's copy is only the scanned part of an oversize message and Postfix's whole copy has left the hold queue (released with postsuper -H, or deleted): no whole copy is left to release")
	// ErrWarningLost: the message must still carry a warning (a suspect
	// invoice) but is oversize: only Postfix's held copy is whole, and it
	// leaves as it came, without the warning.
	ErrWarningLost = errors.New("release: the message must keep its warning (suspect bank details) but only Postfix's held copy of this oversize message is whole, and it would leave without the warning: warn its recipients, then release with --force")
)

// RequarantinedError says the released copy came back into the
// quarantine: it went through a filter that did not honour the release
// (release_to pointing at a port whose milter has another key, say).
type RequarantinedError struct{ IDs []string }

func (e *RequarantinedError) Error() string {
	return fmt.Sprintf("release: the released copy was quarantined again as %s", strings.Join(e.IDs, ", "))
}

// ReleaseRefusal says why a release did not happen when err is one of the
// deliverer's refusals above, and what to do about it, in French or, for
// lang "en", in English; ok is false for any other error.
func ReleaseRefusal(lang string, err error) (text string, ok bool) {
	say := func(fr, en string) string {
		if lang == "en" {
			return en
		}
		return fr
	}
	var again *RequarantinedError
	switch {
	case errors.As(err, &again):
		ids := strings.Join(again.IDs, ", ")
		return say("revenu en quarantaine sous "+ids+" (la réinjection est repassée par un filtre qui ne reconnaît pas la libération : vérifiez serve.quarantine.release_to et que tous les nœuds partagent la base)",
			"it came back into the quarantine as "+ids+" (the re-injection went through a filter that did not honour the release: check serve.quarantine.release_to and that every node shares the database)"), true
	case errors.Is(err, ErrPostfixCopyGone):
		return say("la copie de Postfix a quitté sa file hold (libérée par postsuper -H ou supprimée)",
			"Postfix's copy left its hold queue (released with postsuper -H, or deleted)"), true
	case errors.Is(err, ErrWholeCopyGone):
		return say("Vigie n'a gardé que la partie analysée de ce message trop grand, et la copie entière de Postfix a quitté sa file hold (libérée par postsuper -H ou supprimée) : il n'en reste aucune copie entière à libérer",
			"Vigie kept only the scanned part of this oversize message, and Postfix's whole copy has left its hold queue (released with postsuper -H, or deleted): no whole copy is left to release"), true
	case errors.Is(err, ErrWarningLost):
		return say("ce message doit garder son avertissement (coordonnées bancaires à vérifier), mais il est trop grand : seule la copie de Postfix est entière, et elle partirait sans l'avertissement ; prévenez ses destinataires (la comptabilité), puis libérez-le avec « vigie quarantine release --force »",
			"this message must keep its warning (bank details to check) but is oversize: only Postfix's copy is whole, and it would leave without the warning; warn its recipients (accounting), then release it with \"vigie quarantine release --force\""), true
	case errors.Is(err, ErrTruncated):
		return say("Vigie n'a gardé que la partie analysée de ce message trop grand ; libérez la copie de Postfix (postsuper -H)",
			"Vigie kept only the scanned part of this oversize message; release Postfix's copy (postsuper -H)"), true
	}
	return "", false
}

// ReleaseNoter is implemented by a Deliverer that keeps what each release
// did (package release): the sentence telling whoever released entry e
// where it went, in French or, for lang "en", in English, and whether
// something is left to do by hand — Postfix still holding its own copy in
// its hold queue, which would reach the mailboxes a second time if it were
// released too.
type ReleaseNoter interface {
	ReleaseNote(lang string, e Entry) (note string, todo bool)
}
