package lure

import "strings"

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
// least (listedMinLines). What a phisher could do with it: write his lure
// on lines that each name an address. The words of his request around
// the list — sign in to release, recover your messages, the link to his
// page — are read as always, and they are what the fake digests of the
// honeypot ask (secmail/twins); a lure that only a list's row says is
// one no reader is asked to act on.

const (
	listedMaxWords = 20 // sender, subject, date, the actions: a row, not a paragraph
	listedMinLines = 2  // one line naming an address is a sentence, two are a list
)

// withoutListedMessages returns body without its runs of listed messages
// (listedMessage lines, listedMinLines of them in a row at least), and
// whether it dropped any. A body without such a run is returned as it is.
func withoutListedMessages(body string) (string, bool) {
	if strings.IndexByte(body, '@') < 0 {
		return body, false
	}
	var kept strings.Builder
	from := 0             // body[from:] is not yet copied to kept
	run, runStart := 0, 0 // listed lines in a row, and where the run starts
	closeRun := func(end int) {
		if run >= listedMinLines {
			kept.WriteString(body[from:runStart])
			from = end
		}
		run = 0
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
		if listedMessage(body[at:end]) {
			if run == 0 {
				runStart = at
			}
			run++
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

// listedMessage reports a line of a digest's list: at most listedMaxWords
// words, one of which is a mail address (a local part, '@', a domain with
// a dot), bare or between '<' and '>'.
func listedMessage(line string) bool {
	if strings.IndexByte(line, '@') < 0 {
		return false
	}
	words, addresses := 0, 0
	for w := range strings.FieldsSeq(line) {
		if words++; words > listedMaxWords {
			return false
		}
		if mailAddress(strings.Trim(w, "<>()[],;:")) {
			addresses++
		}
	}
	return addresses == 1
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
