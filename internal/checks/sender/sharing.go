package sender

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

// sharingService is a file-sharing service that mails its notices from
// its own notifier in the name of the person who shared, with that
// person as Reply-To: where the notice's links lead (hosts, and the paths
// there that are not the shared item itself, such as a form to fill).
type sharingService struct {
	from      string   // the notifier's registrable domain
	hosts     []string // the hosts the shared items open on
	otherPath []string // paths on those hosts that are not a shared file, folder or document
	pictures  []string // the registrable domains its notices' pictures are served from
}

// sharingServices are the services whose notices have that shape, from
// their own help pages:
//
//   - Google Drive, Docs, Sheets and Slides: "Name (via Google Drive)"
//     <drive-shares-dm-noreply@google.com>, Reply-To the sharer, the
//     sharer's address printed beside the name ("Name (name@…) a partagé
//     un dossier"), the item opened on docs.google.com or drive.google.com
//     (Google Drive Help, "Share files from Google Drive": people you share
//     with get an e-mail; "Report abuse in Google Drive"). Forms and
//     Drawings are not the shared item of an ordinary share but the
//     carriers of the abuse of Google's own notices (Check Point, "Google
//     Calendar Notifications Bypassing Email Security Policies", December
//     2024: Calendar and Drive notices linking to Forms and Drawings;
//     Kaspersky's Google Forms scams, 2025), so a link there is not spared.
//   - Dropbox: "Name (via Dropbox)" <no-reply@dropboxmail.com>, Reply-To
//     the sharer, the item on www.dropbox.com (Dropbox Help, "How to share
//     files or folders"; its e-mail domains dropbox.com and dropboxmail.com).
//   - Google Photos: "Name (via Google Photos)", Reply-To the sharer, the
//     album opened on photos.app.goo.gl, a host only Google's apps write
//     links on: goo.gl has made no short link for anyone since 2019, and
//     the links Google's own apps generate are the ones its shutdown of
//     the shortener spares (Google Developers Blog, "Google URL Shortener
//     links will no longer be available", July 2024, and its 2025 update);
//     the generic goo.gl/… stays a host anyone's link can be on.
//   - WeTransfer: an e-mail transfer's notice from noreply@wetransfer.com
//     names the sender's address in its text and answers to it, the
//     transfer opened on we.tl or wetransfer.com, where WeTransfer also
//     keeps the help and legal pages its notices link (WeTransfer Help
//     Center, "The difference between email transfers and link
//     transfers"; "What are confirmation emails?").
var sharingServices = []sharingService{
	{from: "google.com", hosts: []string{"docs.google.com", "drive.google.com", "photos.app.goo.gl"}, otherPath: []string{"/forms", "/drawings"}, pictures: []string{"gstatic.com"}},
	{from: "dropboxmail.com", hosts: []string{"www.dropbox.com"}},
	{from: "wetransfer.com", hosts: []string{"we.tl", "wetransfer.com"}},
}

// sharingNotice reports a file-sharing service's notice in the name of
// the person who shared (sharingServices), whose Reply-To is that person
// as the service writes it: the From's display name is the Reply-To's
// followed by " (via …)", the Reply-To's address is printed in the text
// as the sharer's, every link opens a shared item on the service (its
// pictures are not links), nothing is attached, and the words ask
// nothing beyond opening what was shared nor press (asksBeyond: an
// invoice, a payment, a sign-in; "urgent"). A friend sharing a
// spreadsheet from her Gmail account has this shape, and the Reply-To to
// her free mailbox is the service's default, not a reply redirected
// elsewhere. A forged notice that leads off the service, to a form or a
// drawing, or whose message asks for anything, keeps REPLYTO_FREEMAIL; a
// real share of an attacker's document says what the document is for
// ("facture", "paiement reçu", "vérifiez votre compte"), which the lure
// family reads (internal/engine TestSharingNoticeReplyTo).
func sharingNotice(in *scan.Input, rt, from message.Address, asksBeyond func(*scan.Input) bool) bool {
	m := in.Msg
	name := strings.TrimSpace(rt.Name)
	if name == "" || len(m.Attachments) > 0 || len(m.Enclosed) > 0 || len(in.Links) == 0 {
		return false
	}
	fromName := strings.ToLower(strings.TrimSpace(from.Name))
	if !strings.HasPrefix(fromName, strings.ToLower(name)+" (via ") || !strings.HasSuffix(fromName, ")") {
		return false
	}
	var svc *sharingService
	for i := range sharingServices {
		if sharingServices[i].from == in.FromOrg {
			svc = &sharingServices[i]
		}
	}
	if svc == nil || !strings.Contains(in.LowerText(), strings.ToLower(rt.Addr)) {
		return false
	}
	// The notice comes from the service: its envelope sender is the
	// service's bounce address (doclist.bounces.google.com,
	// bounce.dropboxmail.com), and DMARC, when read, passes. A copy of
	// the notice forged from the phisher's own server, with the sharer's
	// name and his Reply-To, has neither (FROM_RETURN_PATH_MISMATCH,
	// AUTH_DMARC_FAIL_*): its Reply-To is judged.
	if in.Registrable(in.MailFromDomain) != svc.from || in.Auth.Known() && in.Auth.DMARC != "pass" {
		return false
	}
	if namesReadersOrganisation(in, name) {
		return false
	}
	// A picture or a style sheet of the service's is fetched, not
	// followed: its logo and the shared item's icon (www.gstatic.com,
	// ssl.gstatic.com in Google's notices) take the reader nowhere. A
	// picture served from elsewhere is not the service's notice (a
	// forged one's QR code on the phisher's host). What the reader can
	// follow must all open a shared item, and there must be one.
	opened := false
	for _, l := range in.Links {
		if (l.Source == message.URLFromSrc || l.Source == message.URLFromCSS) && svc.pictured(l) {
			continue
		}
		if !svc.opens(l) {
			return false
		}
		opened = true
	}
	return opened && (asksBeyond == nil || !asksBeyond(in))
}

// pictured reports a picture or a style sheet served by the service: from
// its notices' picture hosts, its notifier's domain or the hosts its
// items open on.
func (s *sharingService) pictured(l scan.Link) bool {
	reg := urlx.Registrable(l.Host)
	return reg == s.from || slices.Contains(s.pictures, reg) || slices.Contains(s.hosts, strings.ToLower(l.Host))
}

// opens reports a link that opens a shared item on the service.
func (s *sharingService) opens(l scan.Link) bool {
	host := strings.ToLower(l.Host)
	for _, h := range s.hosts {
		if host != h {
			continue
		}
		path := strings.ToLower(l.Target)
		if i := strings.Index(path, "://"); i >= 0 {
			path = path[i+3:]
		}
		if i := strings.IndexByte(path, '/'); i >= 0 {
			path = path[i:]
		} else {
			path = "/"
		}
		for _, p := range s.otherPath {
			if strings.HasPrefix(path, p) {
				return false
			}
		}
		return true
	}
	return false
}

// namesReadersOrganisation reports a sharer's name that spells the
// reader's own domain's name whole (a recipient's registrable domain's
// label, hyphens aside, of six letters or more: "Atelier Exemple
// Comptabilité" to c.martin@atelier-exemple.fr): a free mailbox calling
// itself the reader's own company or one of its services is no friend
// sharing a spreadsheet, and its Reply-To is judged. The whole label,
// not one of its words: Jean Martin sharing from his Gmail with his
// family's firm at martin-btp.fr is a person.
func namesReadersOrganisation(in *scan.Input, name string) bool {
	spelled := strings.ReplaceAll(textmatch.Normalize(name), " ", "")
	check := func(addr string) bool {
		_, d, ok := strings.Cut(addr, "@")
		if !ok {
			return false
		}
		label, _, _ := strings.Cut(in.Registrable(strings.ToLower(d)), ".")
		label = strings.ReplaceAll(label, "-", "")
		return len(label) >= 6 && strings.Contains(spelled, label)
	}
	for _, r := range in.Env.RcptTo {
		if check(r) {
			return true
		}
	}
	for _, a := range in.Msg.To {
		if check(a.Addr) {
			return true
		}
	}
	return false
}

// actedFor reports a service's notice about something a person did
// through it, sent by the service in that person's name with that person
// as Reply-To: a scheduling service's "new event" to the host, Reply-To
// the invitee (Calendly Help Center, "Calendly invitee notifications":
// replies to its notices reach the other party of the booking); an
// e-signature request, "Name via Yousign", Reply-To the requester (the
// sender's name in Yousign's notices, Yousign's developer changelog,
// "Email sender can now be personalised"; SignatureAPI's "Sender": the
// sender's address is the request's Reply-To). Answering it reaches the
// person the notice is about; it is no reply redirected elsewhere. It
// holds when all of these do:
//
//   - the sender is a service the brand catalogue names (Catalogued: a
//     brand's own domain or its infrastructure, from its own pages), no
//     free mailbox, and the notice came from it: its envelope sender is
//     at the same domain and, where authentication is read, the domain
//     answers for the message (scan.Input.SenderAnswers). A look-alike
//     of the service is no catalogued domain; a forged From fails its
//     DMARC where it is read. A top site is not enough: the top lists
//     hold mailbox providers the free-mail list does not (fastmail.com,
//     comcast.net, btinternet.com), whose user, writing in his own name
//     "answer me at my personal Gmail" beside a link to his provider's
//     home page, had that shape;
//   - the Reply-To is the person the notice names: its address printed
//     in the text, or its display name written first in the From's
//     ("Isabelle Roche via Yousign"), and not the reader's own
//     organisation's name (namesReadersOrganisation);
//   - there is a link to follow and every one leads to the service's own
//     domains (the From's, a same-name sister, another the catalogue
//     names as the same brand's own), never to a host where the brand's
//     customers publish (Published: a Google form or site) nor to a path
//     of a sharing service that is no shared item (sharingServices'
//     otherPath); pictures are fetched, not followed, and must be the
//     service's (its domains, or its notices' picture hosts:
//     sharingServices' pictures);
//   - nothing is attached, the words ask nothing beyond the notice and
//     nothing presses (asksBeyondNotice: an invoice, a payment, a
//     sign-in; "urgent").
//
// The genuine service's notice whose link leads off the service (a
// booking's answers carrying an attacker's address) keeps its Reply-To
// judged, as does a notice with no link, whose only way on is the reply.
func (c *Check) actedFor(in *scan.Input, rt, from message.Address) bool {
	m := in.Msg
	if c.AsksBeyondSharing == nil || in.FromOrg == "" || c.Catalogued == nil || !c.Catalogued(in.FromOrg) || c.freemailIn(in, from.Domain()) {
		return false
	}
	if len(m.Attachments) > 0 || len(m.Enclosed) > 0 || len(in.Links) == 0 {
		return false
	}
	if in.Registrable(in.MailFromDomain) != in.FromOrg || in.Auth.Known() && !in.SenderAnswers() {
		return false
	}
	name := strings.TrimSpace(rt.Name)
	printed := rt.Addr != "" && strings.Contains(in.LowerText(), strings.ToLower(rt.Addr))
	named := name != "" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(from.Name)), strings.ToLower(name)+" ")
	if !printed && !named || name != "" && namesReadersOrganisation(in, name) {
		return false
	}
	var svc *sharingService
	for i := range sharingServices {
		if sharingServices[i].from == in.FromOrg {
			svc = &sharingServices[i]
		}
	}
	followed := false
	for _, l := range in.Links {
		// A same-name sister is a domain registered under a top-level
		// domain, not a name claimed on a hosting platform's suffix
		// (the Public Suffix List's private section: pages.dev,
		// web.app), where anyone writes "wetransfer-fichiers".
		home := l.Domain == in.FromOrg || urlx.ICANNDomain(l.Domain) && urlx.SameName(l.Domain, in.FromOrg) || c.SameOwner != nil && c.SameOwner(l.Domain, in.FromOrg)
		if l.Source == message.URLFromSrc || l.Source == message.URLFromCSS {
			// The service's pictures are fetched, not followed; one
			// served from elsewhere is not the service's notice (a
			// forged one's QR code on the phisher's host).
			if home && (c.Published == nil || !c.Published(l.Host)) || svc != nil && svc.pictured(l) {
				continue
			}
			return false
		}
		followed = true
		if svc != nil && svc.item(l) {
			if !svc.opens(l) {
				return false
			}
			continue
		}
		if !home || c.Published != nil && c.Published(l.Host) {
			return false
		}
	}
	return followed && !c.asksBeyondNotice(in)
}

// item reports a link to one of the hosts the service's shared items
// open on, whatever its path.
func (s *sharingService) item(l scan.Link) bool {
	return slices.Contains(s.hosts, strings.ToLower(l.Host))
}
