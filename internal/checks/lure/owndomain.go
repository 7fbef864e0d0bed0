package lure

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// toOwnDomain reports, where no organisation is configured, a From in
// the registrable domain of the message's recipient (envelope, else To):
// the company's own mail server warning its user (Zimbra's default
// quota warning from postmaster@ the company's domain) is then the
// organisation's as far as can be told. The forgery of the reader's own
// domain is what authentication and ORG_DOMAIN_SPOOF judge; it still
// raises the theme, as before LURE_MAILBOX_OUTSIDER. A sender on a
// domain of the phisher's own is never the recipient's: the envelope's
// recipients are the gateway's, and the To field, read only without
// them (vigie scan, vigie eval), counts neither when it is the sender's
// own address — the phisher's mass mailing to himself, its victims in
// Bcc. Another To of his domain under no envelope is the path left
// (TestMailboxNoticeOutsider). Where no authentication result can be
// believed (vigie eval, a stored message), the forged From on the
// reader's own domain is told apart only by where it leads: a message
// leading outside that domain is not the organisation's (leadsOutside).
func (c *Check) toOwnDomain(in *scan.Input) bool {
	if len(c.org) > 0 || in.FromOrg == "" {
		return false
	}
	if slices.Contains(in.RecipientOrgs(), in.FromOrg) {
		return !leadsOutside(in)
	}
	return false
}

// leadsOutside reports a message that sends its reader out of its
// sender's registrable domain: a link, a form, a refresh or an address
// in an attachment leading to another domain, a mailto: or a Reply-To
// elsewhere. The organisation's own mail server warns of the quota with
// no link or one to its own webmail (Zimbra, Dovecot, BlueMind:
// testdata/selfhosted), its IT department names its own portal; the
// phisher who forges the reader's own domain in the From cannot host his
// page or receive the answer there, and must lead elsewhere
// (TestOwnDomainForgeryLeadingOutside). Images and style sheets lead
// nowhere.
func leadsOutside(in *scan.Input) bool {
	for _, l := range in.Links {
		if l.Source == message.URLFromSrc || l.Source == message.URLFromCSS || l.Domain == "" {
			continue
		}
		if l.Domain != in.FromOrg {
			return true
		}
	}
	for _, d := range in.Msg.MailtoDomains {
		if urlx.Registrable(strings.ToLower(d)) != in.FromOrg {
			return true
		}
	}
	for _, a := range in.Msg.ReplyTo {
		if urlx.Registrable(strings.ToLower(a.Domain())) != in.FromOrg {
			return true
		}
	}
	return false
}

// ownPassword reports a sender that may name the reader's own password:
// the organisation (org.domains, or where none is configured the
// recipient's own domain: toOwnDomain) or a local user's authenticated
// submission. The organisation runs the mailbox and the single sign-on,
// and its IT department writes "connectez-vous avec vos identifiants de
// messagerie" of its own portals; no one else runs them, so from any other
// sender the ask is the credential harvest's (LURE_PASSWORD_REQUEST).
func (c *Check) ownPassword(in *scan.Input) bool {
	return in.Env.Authenticated || c.fromOrg(in) || c.toOwnDomain(in)
}
