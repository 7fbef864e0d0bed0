package rbl

import (
	"net/netip"

	"vigie.dev/vigie/internal/ioc"
)

// Indicators serves the indicator store's live matcher: every indicator
// added or expired is answered for at the next query, with no reload.
// Block indicators answer 127.0.0.2, watched ones 127.0.0.3, blocks from a
// feed 127.0.0.4, and an entry imported from an rbldnsd zone the code the
// zone gave it (ioc.Indicator.AnswerCode), so that a Postfix
// `reject_rbl_client zone=127.0.0.[2;4]` rejects only what is blocked.
// Allow entries are never answered: the matcher hides them and the feed
// entries they cover.
type Indicators struct {
	M *ioc.Matcher
}

func entryOf(ind ioc.Indicator) Entry {
	e := Entry{Code: byte(ind.AnswerCode()), Reason: ind.Reason}
	if e.Reason == "" {
		e.Reason = "Listed by Vigie: $"
	}
	return e
}

// LookupIP implements Source.
func (s Indicators) LookupIP(a netip.Addr) (Entry, bool) {
	ind, ok := s.M.LookupIP(a)
	if !ok {
		return Entry{}, false
	}
	return entryOf(ind), true
}

// LookupDomain implements Source.
func (s Indicators) LookupDomain(name string) (Entry, bool) {
	ind, ok := s.M.LookupDomain(name)
	if !ok {
		return Entry{}, false
	}
	return entryOf(ind), true
}

// LookupURLHash implements Source.
func (s Indicators) LookupURLHash(hexSHA256 string) (Entry, bool) {
	ind, ok := s.M.LookupURLHash(hexSHA256)
	if !ok {
		return Entry{}, false
	}
	return entryOf(ind), true
}
