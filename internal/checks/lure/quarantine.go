package lure

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// quarantineSource is the catalogue source of the quarantine notice's
// words (lures.yaml): the reader's messages held in quarantine. They are
// mailbox phrases (mailboxNotice), but besides the organisation and its
// mail provider, the mail-security service that filters its mail sends
// them in its own name: its digest of the messages it held.
const quarantineSource = "quarantine"

// securityVendors are the registrable domains from which the
// mail-security services send their users' quarantine digests and where
// their release links lead, each from the vendor's own help pages on the
// user's report (engine testdata/secmail/README.md): Mailinblack
// (noreply@mailinblack.com, app.mailinblack.com), Vade
// (vadesecure.com, portal.vadesecure.com), Proofpoint Essentials
// (proofpointessentials.com) and Proofpoint (proofpoint.com), Altospam
// (altospam.com), Sophos Central Email (sophos.com); and the end-user
// quarantines of the other hosted gateways, whose digests an
// organisation's own postmaster may send with release links on the
// vendor's portal: Mimecast's Personal Portal (login-*.mimecast.com),
// Barracuda Email Protection (ess.barracudanetworks.com), Hornetsecurity's
// Control Panel (cp.hornetsecurity.com), Trend Micro Email Security's
// end-user quarantine (trendmicro.com), each the vendor's own product
// documentation of its quarantine digest. Microsoft 365's notices
// (quarantine@messaging.microsoft.com) come from a top site already.
// Links are read unwrapped (scan.Link.Target), so a vendor's URL
// rewriter (urldefense.proofpoint.com, protect.mimecast.com) counts for
// the page it leads to, not for the vendor.
var securityVendors = []string{
	"mailinblack.com",
	"vadesecure.com",
	"proofpoint.com",
	"proofpointessentials.com",
	"altospam.com",
	"sophos.com",
	"mimecast.com",
	"barracudanetworks.com",
	"hornetsecurity.com",
	"trendmicro.com",
}

// heldOnly reports a theme t whose phrases found (distinct) are all the
// quarantine notice's.
func (c *Check) heldOnly(t int, distinct map[phrase]int) bool {
	held := false
	for p := range distinct {
		if p.theme != t {
			continue
		}
		if !c.quarantine[p.id] {
			return false
		}
		held = true
	}
	return held
}

// vendorsQuarantine reports a quarantine notice that a mail-security
// service or the reader's mail provider can have sent: every link leads
// to a vendor of securityVendors, to the organisation's own domains, or
// to the sender's when the sender is such a vendor or a top site (a mail
// provider: Microsoft 365's quarantine@messaging.microsoft.com and its
// security.microsoft.com), and the sender is such a vendor or a top site
// or there is one link at least — a reseller's or the organisation's
// gateway's digest whose release links stay on the product's portal.
// The fake digest (Cybermalveillance.gouv.fr, Microsoft's and
// Mailinblack's warnings) is sent from the phisher's domain and its
// "Libérer" / "Release" links lead to his page; a vendor's name forged
// in the From does not take its links there.
func (c *Check) vendorsQuarantine(in *scan.Input) bool {
	vendor := securityVendor(in.FromOrg) || in.TopSite(in.FromOrg)
	linked := false
	for _, l := range in.Links {
		if l.Source != message.URLFromHref && l.Source != message.URLFromText {
			continue
		}
		linked = true
		if securityVendor(l.Domain) || c.orgDomain(l.Domain) || vendor && l.Domain == in.FromOrg {
			continue
		}
		return false
	}
	return vendor || linked
}

// securityVendor reports a registrable domain of securityVendors.
func securityVendor(domain string) bool {
	return domain != "" && slices.Contains(securityVendors, strings.ToLower(domain))
}

// orgDomain reports a registrable domain of the organisation's own.
func (c *Check) orgDomain(domain string) bool {
	return domain != "" && slices.ContainsFunc(c.org, func(d string) bool {
		return urlx.InDomain(domain, d) || urlx.Registrable(strings.ToLower(d)) == domain
	})
}
