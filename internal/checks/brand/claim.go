package brand

import (
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// claimLeadsElsewhere judges a rebuilt original (scan.Envelope.Rebuilt: a
// forward's original, an attached message) whose sender is a brand's own
// address under the brand's name ("Microsoft account team
// <no-reply@microsoft.com>"). Arrived directly, that claim is checked by
// DMARC: the brands publish p=reject, and a copy sent by someone else
// fails it. In a forward's text it is only text, which a phisher's
// message shows as readily as the brand's own; what can still be read is
// where the message sends its reader. The genuine notice leads to the
// brand — Microsoft ("How to tell if an email is really from Microsoft":
// links to microsoft.com, account.microsoft.com, live.com), Google (the
// Gmail Help page on suspicious messages), the Assurance maladie (its
// notices lead to ameli.fr) tell their users so — while the copy leads
// the reader to the phisher: a link to a site or an address to write to
// (mailto:, the family that harvests credentials by e-mail reply) at a
// registrable domain that is neither the brand's nor a top site (MISP
// warning lists). A message with even one link or address of the brand
// is left alone: the genuine notice has its footer, the copy's action is
// then judged by the link checks.
//
// A free mailbox (the sender family's FROM_FREEMAIL) is no brand's
// notice: hotmail.com is Microsoft's domain and its users' mail is
// theirs, not Microsoft's.
func (c *Check) claimLeadsElsewhere(in *scan.Input, out *scan.Emitter, name string) {
	if !in.Env.Rebuilt || in.FromDomain == "" || out.Emitted("FROM_FREEMAIL") {
		return
	}
	c.display.Find(name, 50, func(i int) bool {
		b := &c.brands[i]
		if !b.Official(in.FromDomain) {
			return true
		}
		if away := leadsAway(in, b); away != "" {
			out.Emit("BRAND_CLAIM_LEADS_ELSEWHERE", b.Name+" <"+in.FromDomain+"> → "+away)
		}
		return false
	})
}

// leadsAway returns the first registrable domain the message sends its
// reader to — by a link or image, or an address to write to (mailto:)
// — that is neither brand b's, the sender's organisation nor a top
// site; "" when there is none, when any link or address is b's own, or
// when more than maxAwayActions distinct links to click lead away, every
// one through a known e-mailing platform: the template of a brand's mail
// sent through its platform, whose click tracker (not a top site)
// carries the logo, the button and each legal-notice and privacy link —
// a bank's e-document notice a colleague forwards
// (testdata/hospital/ght-transfert-avis-banque-edocument-routeur.eml)
// was quarantined for it. The phishing originals that raise the signal in
// the training part send their reader to one or two addresses; a kit
// that sends its reader to four addresses of its own, or through a
// tracker of its own, is no platform's template: the platforms are the
// ones whose shared tracking hosts a public list names (espTracker).
func leadsAway(in *scan.Input, b *Brand) string {
	away := ""
	actions := map[string]bool{}
	platform := true // every link to click away goes through a known platform
	consider := func(host, domain string) bool {
		if b.Official(host) {
			return false
		}
		if away == "" && domain != "" && domain != in.FromOrg && leaves(in, host, domain) {
			away = domain
		}
		return true
	}
	for _, l := range in.Links {
		if l.Host != "" && !consider(l.Host, l.Domain) {
			return ""
		}
		if clickable(l) && l.Domain != in.FromOrg && leaves(in, l.Host, l.Domain) {
			actions[l.Target] = true
			platform = platform && espTracker(in, l.Host)
		}
	}
	if len(actions) > maxAwayActions && platform {
		return ""
	}
	for _, d := range in.Msg.MailtoDomains {
		if !consider(d, urlx.Registrable(d)) {
			return ""
		}
	}
	return away
}

// leaves reports a host that is not the brand's and whose site is no
// top site's, or that is a known e-mailing platform's shared tracker
// (espTracker) though its domain is a top site: Mailchimp's
// list-manage.com and Twilio SendGrid's sendgrid.net are among the
// top sites of the Cloudflare and Tranco lists, and their click
// trackers redirect for every customer, the phisher who opens an
// account included. A forwarded brand template whose one button went
// through such a tracker was accepted at 1.47 where the same button on
// the kit's own host is quarantined at 7.66
// (TestForwardedTemplateThroughAPlatformTracker).
func leaves(in *scan.Input, host, domain string) bool {
	return !in.TopSite(domain) || espTracker(in, host)
}

// maxAwayActions is how many distinct links to click may lead away from
// the brand for a rebuilt original to be the phisher's rather than the
// template of the brand's e-mailing platform: the training part's
// phishing originals raising BRAND_CLAIM_LEADS_ELSEWHERE have one or two
// (a lure's button, a copied footer link), a sending platform's template
// four or more (logo, button, legal notice, privacy).
const maxAwayActions = 3

// clickable reports a link the reader follows (an anchor, a form, a
// written-out address), not an image the message loads.
func clickable(l scan.Link) bool {
	switch l.Source {
	case message.URLFromHref, message.URLFromForm, message.URLFromMeta, message.URLFromText:
		return true
	}
	return false
}

// fetched reports a link the message loads (an image, a stylesheet)
// rather than one the reader follows.
func fetched(l scan.Link) bool {
	return l.Source == message.URLFromSrc || l.Source == message.URLFromCSS
}

// espTracker reports a host of a known e-mailing platform's shared
// tracking or asset hosts (warninglist.ESPAssets).
func espTracker(in *scan.Input, host string) bool { return in.Lists.ESPAsset(host) }
