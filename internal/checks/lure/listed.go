package lure

import (
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// A quarantine digest lists the mail it held, one message a line: the
// held message's sender, its subject, when it came, what the reader may
// do with it (Mailinblack's, Vade's, Altospam's and Sophos's daily
// reports, each vendor's help pages on the user's report; Vigie's own
// digest, internal/web/digest.go). The subjects are the held messages'
// words, the spam the service stopped — "Vous avez gagné un iPhone", "Votre
// colis est bloqué" — not the words of the digest's sender, as the lines
// a reply quotes with ">" are not the replier's (unquotedLines): counted,
// Mailinblack's genuine report was tagged for the lottery spam it had
// stopped (internal/engine/testdata/secmail).
//
// A line of such a list (listedMessage) is short (listedMaxWords) and
// names one sender's address; a list is two such lines in a row at
// least (listedMinLines), naming two senders at least. A held message's
// sender is neither the reader nor the digest's own domain: a line that
// names a recipient's address or one at the sender's registrable domain
// (notListed) is no row. Without that, a phisher's lure written on two
// lines that each name the victim's address ("Bonjour c.martin@…,\n
// votre boîte c.martin@… a atteint son quota, vérifiez votre compte…",
// as kits personalise it) was a list and went unread. What a phisher can
// still do: write his lure on lines that each name another sender. The
// words of his request around the list — sign in to release, recover
// your messages, the link to his page — are read as always, and they are
// what the fake digests of the honeypot ask (secmail/twins); a lure that
// only a list's row says is one no reader is asked to act on.

const (
	listedMaxWords = 20 // sender, subject, date, the actions: a row, not a paragraph
	listedMinLines = 2  // one line naming an address is a sentence, two are a list
)

// withoutListedMessages returns body without its runs of listed messages
// (listedMessage lines, listedMinLines of them in a row at least, naming
// two addresses at least), and whether it dropped any. A line whose
// address notListed reports is no row. A body without such a run is
// returned as it is.
func withoutListedMessages(body string, notListed func(addr string) bool) (string, bool) {
	if strings.IndexByte(body, '@') < 0 {
		return body, false
	}
	var kept strings.Builder
	from := 0             // body[from:] is not yet copied to kept
	run, runStart := 0, 0 // listed lines in a row, and where the run starts
	first, senders := "", 0
	closeRun := func(end int) {
		if run >= listedMinLines && senders >= 2 {
			kept.WriteString(body[from:runStart])
			from = end
		}
		run, first, senders = 0, "", 0
	}
	for at := 0; at < len(body); {
		if run == 0 {
			// Skip to the line of the next address: the lines before it
			// are no list's.
			next := strings.IndexByte(body[at:], '@')
			if next < 0 {
				break
			}
			at = strings.LastIndexByte(body[:at+next], '\n') + 1
		}
		end := strings.IndexByte(body[at:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += at + 1
		}
		if addr := listedMessage(body[at:end]); addr != "" && (notListed == nil || !notListed(addr)) {
			if run == 0 {
				runStart = at
			}
			run++
			switch {
			case senders == 0:
				first, senders = addr, 1
			case senders == 1 && !strings.EqualFold(addr, first):
				senders = 2
			}
		} else {
			closeRun(at)
		}
		at = end
	}
	closeRun(len(body))
	if from == 0 {
		return body, false
	}
	kept.WriteString(body[from:])
	return kept.String(), true
}

// listedMessage returns the address of a line of a digest's list, or ""
// for any other line: at most listedMaxWords words, one of which is a
// mail address (a local part, '@', a domain with a dot), bare or between
// '<' and '>'.
func listedMessage(line string) string {
	if strings.IndexByte(line, '@') < 0 {
		return ""
	}
	words, addresses, addr := 0, 0, ""
	for w := range strings.FieldsSeq(line) {
		if words++; words > listedMaxWords {
			return ""
		}
		if w = strings.Trim(w, "<>()[],;:."); mailAddress(w) {
			addresses++
			addr = w
		}
	}
	if addresses != 1 {
		return ""
	}
	return addr
}

// mailAddress reports a word shaped as a mail address: something before
// one '@', and a domain after it with a dot neither first nor last.
func mailAddress(w string) bool {
	at := strings.IndexByte(w, '@')
	if at <= 0 || strings.IndexByte(w[at+1:], '@') >= 0 {
		return false
	}
	dot := strings.LastIndexByte(w, '.')
	return dot > at+1 && dot < len(w)-1
}

// heldSenderOf returns notListed for in: an address that is one of the
// message's recipients (envelope, To, Cc) or at its sender's registrable
// domain is no held message's sender.
func heldSenderOf(in *scan.Input) func(addr string) bool {
	return func(addr string) bool {
		for _, r := range in.Env.RcptTo {
			if strings.EqualFold(r, addr) {
				return true
			}
		}
		for _, as := range [...][]message.Address{in.Msg.To, in.Msg.Cc} {
			for _, a := range as {
				if strings.EqualFold(a.Addr, addr) {
					return true
				}
			}
		}
		_, domain, _ := strings.Cut(addr, "@")
		return in.FromOrg != "" && urlx.Registrable(strings.ToLower(domain)) == in.FromOrg
	}
}
