package scan

import (
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
)

// listDomain returns the registrable domain of the mailing list that
// delivered a message, or "" when it does not read as list traffic. Lists
// say who they are in List-Id (RFC 2919) or List-Post (RFC 2369), older
// list software in Mailing-List (ezmlm, Yahoo Groups) or X-Mailing-List;
// LISTSERV writes neither List-Id nor List-Post but the other RFC 2369
// fields of a list manager (List-Owner, List-Subscribe, List-Help).
// List-Unsubscribe alone is not enough: every newsletter carries it. Older
// list managers are known by their administrative address in Sender or
// Errors-To.
func listDomain(h message.Header) string {
	if id := h.Get("List-Id"); id != "" {
		// "Name <list.example.org>": the id is a host-like name.
		if i := strings.LastIndexByte(id, '<'); i >= 0 {
			id = strings.TrimSuffix(id[i+1:], ">")
		}
		// An id under no public suffix (RFC 2919 §3's "localhost"
		// namespace for a list with no domain of its own, an ESP's
		// "<123.xt.local>") names no domain to compare with the sender's.
		if id = strings.ToLower(strings.TrimSpace(id)); urlx.PublicName(id) {
			if d := urlx.Registrable(id); d != "" {
				return d
			}
		}
	}
	for _, name := range []string{"List-Post", "Mailing-List", "X-Mailing-List", "List-Owner", "List-Subscribe", "List-Help"} {
		v := h.Get(name)
		if v == "" {
			continue
		}
		if d := domainOfAddressIn(v); d != "" {
			return d
		}
	}
	// List managers older than RFC 2369 (Majordomo, LISTSERV, early
	// Mailman) say so in Sender or Errors-To with the list's administrative
	// address: owner-LIST@, LIST-owner@, LIST-request@ (RFC 2142 §4),
	// LIST-bounces@.
	for _, name := range []string{"Sender", "Errors-To"} {
		v := strings.ToLower(h.Get(name))
		at := strings.IndexByte(v, '@')
		if at <= 0 {
			continue
		}
		local := v[strings.LastIndexAny(v[:at], " <\"'")+1 : at]
		if strings.HasPrefix(local, "owner-") || strings.HasSuffix(local, "-owner") || strings.HasSuffix(local, "-request") || strings.HasSuffix(local, "-bounces") {
			if d := domainOfAddressIn(v); d != "" {
				return d
			}
		}
	}
	return ""
}

// domainOfAddressIn returns the registrable domain of the first address
// in a header value ("<mailto:x@example.org>", "list x@example.org; contact…").
func domainOfAddressIn(v string) string {
	at := strings.IndexByte(v, '@')
	if at <= 0 {
		return ""
	}
	end := at + 1
	for end < len(v) && !strings.ContainsRune(" \t>;,?\"')", rune(v[end])) {
		end++
	}
	return urlx.Registrable(strings.ToLower(v[at+1 : end]))
}

// ListAuthenticated reports whether the message comes from a mailing list
// whose own domain is authenticated: a DKIM signature of the list's domain
// passed, or SPF passed for an envelope sender in it. Such a list vouches
// for what it distributes, so a DMARC failure caused by its rewriting (a
// subject tag, a footer) is expected (RFC 7960 §3.2.3).
func (in *Input) ListAuthenticated() bool {
	if in.List == "" {
		return false
	}
	for _, d := range in.Auth.DKIMPass() {
		if urlx.Registrable(strings.ToLower(d)) == in.List {
			return true
		}
	}
	return in.Auth.SPF == "pass" && urlx.Registrable(strings.ToLower(in.Auth.SPFDomain)) == in.List
}

// ListVouched reports a message from a mailing list that answers for its
// own domain: authenticated (ListAuthenticated), or, where no
// authentication result was read at all, taken for what its headers say,
// as ListRewroteFrom does. List-Id is one header anyone writes: a list
// domain whose SPF and DKIM did not pass vouches for nothing.
func (in *Input) ListVouched() bool {
	return in.List != "" && (in.ListAuthenticated() || !in.Auth.Known())
}

// ListResends reports a vouched list (ListVouched) delivering a message
// someone outside the list's domain wrote: the list's own domain, in its
// envelope, footer links and opt-out, is then the list's, not the
// author's.
func (in *Input) ListResends() bool {
	return in.ListVouched() && in.FromOrg != in.List
}

// ListRewroteFrom reports a From in the own, authenticated domain of the
// list that delivered the message: list software that rewrites From for
// authors whose domain publishes p=reject or p=quarantine (RFC 7960
// §4.1.3) mints the address and display name itself — Mailman's and
// Sympa's "Author via list", LISTSERV's hex-token-dmarc-request address,
// groups.io's author=domain — so their shape says nothing about a
// throw-away sender. Where no authentication result was read at all (a
// relay whose Authentication-Results are not trusted), the list is not
// shown to be unauthenticated either, and its rewriting is taken for what
// its headers say; a list whose domain failed SPF and DKIM is not.
func (in *Input) ListRewroteFrom() bool {
	return in.FromOrg != "" && in.FromOrg == in.List && in.ListVouched()
}

// Body returns the message's text as the reader sees it: the plain part
// or the HTML part's visible text, whichever is longer.
func (in *Input) Body() string {
	if len(in.Msg.Text) > len(in.Msg.HTMLText) {
		return in.Msg.Text
	}
	return in.Msg.HTMLText
}

// OwnBody returns what the sender wrote as the reader sees it: Body, or
// for a forward (Forward) only the forwarder's words above the
// original's header block — the original's are the original's sender's,
// judged in its own scan (internal/checks/forward).
func (in *Input) OwnBody() string {
	if in.Forward != nil {
		return in.Forward.Own
	}
	return in.Body()
}

// CarriedSubject reports a forward whose subject is the original's, a
// forward's prefix aside (fwdblock.Found.CarriesSubject): its words are
// the original's sender's, not the forwarder's.
func (in *Input) CarriedSubject() bool {
	return in.Forward != nil && in.Forward.CarriesSubject(in.Subject())
}

// Subject returns the subject without the tag a list puts in front of it
// ("Re: [forteana] …" gives "Re: …"): the tag is the list's name, not
// something the author wrote.
func (in *Input) Subject() string {
	s := in.Msg.Subject
	if in.List == "" {
		return s
	}
	i := strings.IndexByte(s, '[')
	if i < 0 || i > 12 {
		return s
	}
	j := strings.IndexByte(s[i:], ']')
	if j < 0 {
		return s
	}
	return s[:i] + strings.TrimLeft(s[i+j+1:], " ")
}
