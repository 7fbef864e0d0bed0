package lure

import (
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// linksHome reports a message with a link (an anchor or a written
// address) to its sender's own organisation, or an e-mail address there
// to write to (a mailto: anchor, an address in the text). Before the
// bulk-sender rules Gmail and Yahoo enforce since February 2024,
// List-Unsubscribe (RFC 2369) was optional, and a sender's newsletter
// offered its opt-out in the footer only, on its own site or by return
// mail to its own domain ("send REMOVE to remove@…"), as CAN-SPAM (15
// U.S.C. §7704(a)(3): a functioning return e-mail address or another
// Internet-based mechanism) and the CNIL ask of it (the FTC's CAN-SPAM
// compliance guide; CNIL, "prospection commerciale par courrier
// électronique"); RFC 2369's mailto: List-Unsubscribe is the same opt-out
// in a header. The footer copied into bulk fraud sends its reader
// elsewhere or nowhere. A forged From names any organisation, and a kit
// that forges a carrier's From copies the carrier's own "Aide" and
// "Mentions légales" links beside its payment page: the sender's own
// domain must answer for the message (scan.Input.SenderAnswers), or no
// authentication result be read at all (a stored message of a relay not
// trusted), for its links to be its opt-out. This only takes back the
// bulk-footer signal, which says no more than "no List-Unsubscribe".
//
// A brand's own notice may send its reader to another of the brand's own
// domains: Microsoft's account-security notices, from
// accountprotection.microsoft.com, put "to opt out or change where you
// receive security notifications" on account.live.com, where its
// Recent activity page is too (Microsoft Support, "Can I trust email
// from the Microsoft account team?"; Microsoft Q&A's answers on the
// unusual sign-in notice). Such a link is home when the catalogue names both domains as
// one brand's own (SameOwner), under the same condition on the sender's
// authentication: a look-alike or throw-away sender's copy of the notice
// is no such domain, and a forged From is caught by the sender's DMARC
// where it is read.
func (c *Check) linksHome(in *scan.Input) bool {
	if in.FromOrg != "" && (in.SenderAnswers() || !in.Auth.Known()) && c.optOutAt(in, in.FromOrg) {
		return true
	}
	// The mailing's envelope sender: the ESP or the list host that sends a
	// mailing in a customer's name takes its bounces and its opt-outs on
	// its own domain (an ESP's tracked "click here to unsubscribe" on
	// link.exactis.com beside Return-Path …@exactis.com; a Topica list's
	// "EASY UNSUBSCRIBE" on topica.com beside …@lists.topica.com), as the
	// ESP's List-Unsubscribe would (RFC 8058 §3.1: the sender's, or its
	// ESP's, URI). As for the envelope itself (the sender family's
	// FROM_RETURN_PATH_MISMATCH), what tells the customer of an ESP from
	// a forger is the From domain answering for the message where
	// authentication is read (scan.Input.SenderAuthenticated): a brand's
	// name forged above a throw-away sending domain that carries its own
	// opt-out keeps the signal. Where nothing is read, the footer on the
	// phisher's own sending domain spares what a List-Unsubscribe header
	// of his would: the bulk-footer signal only. Never a free mailbox's.
	if mf := in.Registrable(in.MailFromDomain); mf != "" && mf != in.FromOrg && (c.Freemail == nil || !c.Freemail(mf)) &&
		(!in.Auth.Known() || in.SenderAuthenticated()) && c.optOutAt(in, mf) {
		return true
	}
	// A list that resends someone else's message appends its own footer:
	// how to leave the list, at the list's site or by mail to its
	// manager (RFC 2369 §3.2 writes the same in List-Unsubscribe, which
	// Majordomo, ezmlm and older LISTSERV lists do not add).
	return in.ListResends() && c.optOutAt(in, in.List)
}

// optOutAt reports a link (an anchor or a written address) to the
// registrable domain org or a sister domain of the same name (the site
// expedia.com of mail from expediamail.com: urlx.SameName), or an e-mail
// address at org to write to. A lookalike sender that links to the
// brand it copies is spared no more than by adding a List-Unsubscribe
// header, which anyone can write; the brand's name in its domain is the
// brand family's to weigh. A link to another domain one catalogued brand
// names as org's owner's own (SameOwner) is home too — never from a
// free mailbox: a brand that is also a mail provider lists its users'
// domain among its own (Microsoft's hotmail.com and outlook.com beside
// live.com, Google's gmail.com beside google.com), and anyone's Hotmail
// account linking its "opt out" to account.live.com is no Microsoft
// notice (the sender family's sameOwner keeps the same exception).
func (c *Check) optOutAt(in *scan.Input, org string) bool {
	sisters := c.SameOwner != nil && (c.Freemail == nil || !c.Freemail(org))
	for _, l := range in.Links {
		home := l.Domain == org || urlx.SameName(l.Domain, org) || sisters && c.SameOwner(l.Domain, org)
		if home && (l.Source == message.URLFromHref || l.Source == message.URLFromText) {
			return true
		}
	}
	for _, d := range in.Msg.MailtoDomains {
		if urlx.Registrable(d) == org {
			return true
		}
	}
	return addressAt(in.Body(), org)
}

// addressAt reports an e-mail address under the registrable domain org
// written in text ("send REMOVE to unsubscribe@news.example.com").
func addressAt(text, org string) bool {
	for i := 0; ; {
		j := strings.IndexByte(text[i:], '@')
		if j < 0 {
			return false
		}
		i += j + 1
		end := i
		for end < len(text) && (isHostByte(text[end])) {
			end++
		}
		host := strings.TrimRight(strings.ToLower(text[i:end]), ".-")
		if host != "" && urlx.Registrable(host) == org {
			return true
		}
	}
}

func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}
