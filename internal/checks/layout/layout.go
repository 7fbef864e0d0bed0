// Package layout reads how a message is put together rather than what it
// says: credential forms in the body, text hidden from the reader (zero or
// one-pixel fonts, content pushed far off-screen, zero-width characters,
// invisible characters inside words), image-only bodies, base64-encoded
// HTML bodies, and the decorations of bulk fraud — look-alike Unicode
// letters, digits for letters (C0NTA), emoji, gibberish or shouted
// subjects, the recipient's address in the subject, a sender writing to
// itself.
package layout

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

//go:embed signals.yaml
var signals []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("layout", signals)

// Check is the layout check family. It has no data of its own.
type Check struct{}

// Name implements scan.Check.
func (Check) Name() string { return "layout" }

// Signals implements scan.Family.
func (Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c Check) Checks() []scan.Check { return []scan.Check{c} }

// Check implements scan.Check.
func (Check) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	m := in.Msg
	body := in.Body()
	f := scanHTML(m.HTML)
	if f.password {
		out.Emit("HTML_PASSWORD_FORM", formHost(m))
	} else if f.form {
		out.Emit("HTML_FORM", formHost(m))
	}
	// The parser drops invisible characters from the text it extracts; count
	// them in the HTML source, or as the parser counted them while dropping
	// them from the plain text (Message.TextZeroWidth: the text itself
	// holds none left to count).
	zw := zeroWidthInWords(m.Subject)
	if m.HTML != "" {
		zw += zeroWidthInWords(m.HTML)
	} else {
		zw += m.TextZeroWidth
	}
	if zw >= 5 {
		out.Emit("ZERO_WIDTH_CHARS", fmt.Sprint(zw))
	}
	if w := invisibleInWord(m.FromAddr().Name); w != "" {
		out.Emit("INVISIBLE_IN_NAME", w)
	} else if w := invisibleInWord(m.Subject); w != "" {
		out.Emit("INVISIBLE_IN_NAME", w)
	}
	if fancy(m.Subject) {
		out.Emit("FANCY_UNICODE_TEXT", m.Subject)
	} else if fancy(m.FromAddr().Name) {
		out.Emit("FANCY_UNICODE_TEXT", m.FromAddr().Name)
	}
	if hasEmoji(m.FromAddr().Name) {
		out.Emit("FROM_NAME_EMOJI", m.FromAddr().Name)
	}
	if m.HTML != "" && f.img && len(strings.TrimSpace(m.HTMLText)) < 80 && readable(m.Text) < 80 {
		// A mailto: link is the image's link too (an image wrapped in
		// <a href="mailto:…?subject=…"> is the whole body of advance-fee
		// and sextortion mail); the parser keeps no mailto: URL, so that
		// an address is never judged as a web site, and counts them.
		n, to := m.MailtoLinks, ""
		for _, l := range in.Links {
			if l.Source == "href" {
				n++
				if to == "" {
					to = l.Host
				}
			}
		}
		if n >= 1 && n <= 3 {
			if to == "" && m.MailtoLinks > 0 {
				to = "mailto:"
			}
			out.Emit("IMAGE_ONLY_BODY", to)
		}
	}
	subject := strings.ToLower(in.Subject())
	list := in.List != ""
	// The recipients: those of the envelope when the gateway knows them
	// (a bulk sender addressing To: itself or "undisclosed recipients"
	// still writes the real recipient into the subject), else To.
	recipients := make([]message.Address, 0, len(m.To)+len(in.Env.RcptTo))
	for _, r := range in.Env.RcptTo {
		recipients = append(recipients, message.Address{Addr: strings.Trim(r, "<> ")})
	}
	envelopeKnown := len(recipients) > 0
	for _, to := range m.To {
		// A list's own address in To is where the list posts, not a
		// reader's address: a digest names it in its subject ("Digest for
		// group@googlegroups.com", "Hygiene-hosp Digest, Vol 58"). It is
		// the list's when List-Id names it (RFC 2919 §2: the list's address
		// with "." for "@", as Mailman, Sympa, Google Groups and groups.io
		// build it). The envelope's recipients are judged all the same.
		if !listPostingAddress(m.Header.Get("List-Id"), to.Addr) {
			recipients = append(recipients, to)
		}
	}
	for _, to := range recipients {
		a := strings.ToLower(to.Addr)
		local := strings.ToLower(to.Local())
		if a != "" && strings.Contains(subject, a) || !list && personalLocal(local) && strings.Contains(subject, local) {
			if !invitation(in, out, a) {
				out.Emit("RECIPIENT_IN_SUBJECT", to.Addr)
			}
			break
		}
	}
	// The visible sender is the recipient: when the envelope is known,
	// the recipient is who the message is delivered to, not a To: that a
	// newsletter sets to its own address before sending in blind copy.
	self := len(m.To) == 1 && strings.EqualFold(m.To[0].Addr, m.FromAddr().Addr)
	if envelopeKnown {
		self = false
		for _, r := range in.Env.RcptTo {
			if strings.EqualFold(strings.Trim(r, "<> "), m.FromAddr().Addr) {
				self = true
			}
		}
	}
	// A list's headers (List-Id, a list manager's bounce address) say
	// that To: the list is where the list posts and its members are in
	// blind copy; anyone writes them. Where the envelope, or the receiving
	// server's Received field, says the message was delivered to the
	// address it is from, it was sent to oneself all the same: the
	// "mailbox full" lure From and To its reader, whatever list shape
	// its headers copy. The bounce address and the Received fields are
	// parsed only for a message From and To one address, not for every
	// message.
	if from := m.FromAddr().Addr; from != "" && self && in.NotAuthenticated() &&
		((!list && !listBounce(in.Env.MailFrom, from)) || envelopeKnown || deliveredTo(m.Header, from)) {
		out.Emit("FROM_EQUALS_TO", from)
	}
	if w := leet(m.Subject + " " + m.FromAddr().Name); w != "" {
		out.Emit("LEET_OBFUSCATION", w)
	}
	if hasEmoji(m.Subject) && !oneClickMailing(in) {
		out.Emit("SUBJECT_EMOJI", m.Subject)
	}
	if w := gibberish(in.Subject()); w != "" {
		out.Emit("SUBJECT_GIBBERISH", w)
	}
	for _, part := range m.Parts {
		if part.ContentType == "text/html" && part.Encoding == "base64" && part.Disposition != "attachment" && part.Filename == "" {
			out.Emit("BASE64_HTML_BODY", "")
			break
		}
	}
	if f.offset != "" {
		out.Emit("HIDDEN_FAR_OFFSET", f.offset)
	}
	if trick := f.hidden; trick != "" {
		out.Emit("HIDDEN_CONTENT", trick)
	}
	// Capitals are one habit of the writer's, or of the system that
	// printed the message (a pipeline's critical notice, a travel
	// agency's GDS itinerary, a telex): a subject in capitals above a
	// body in capitals says it once, not twice. A shouting subject over
	// an ordinary body is still its own sign.
	bodyShouts := len(body) > 300 && upperShareMin(body[:min(len(body), 4000)], 200, 7)
	if bodyShouts {
		out.Emit("BODY_SHOUTING", opening(body))
	}
	if !bodyShouts && upperShare(m.Subject) {
		out.Emit("SUBJECT_SHOUTING", m.Subject)
	}
}

// openingWords is how many of a text's first words a detail quotes.
const openingWords = 8

// opening quotes the first words of a text, for a detail that shows how
// it reads ("WINNER CLAIM YOUR PRIZE NOW …").
func opening(text string) string {
	var b strings.Builder
	n := 0
	for w := range strings.FieldsSeq(text) {
		if n == openingWords {
			b.WriteString(" …")
			break
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		n++
	}
	return b.String()
}

// formHost is the host a form of the message sends what is typed into it
// to (its action), for the detail: "" when it names none, or only a path
// of the message's own page.
func formHost(m *message.Message) string {
	for _, u := range m.URLs {
		if u.Source == message.URLFromForm && u.Host != "" {
			return u.Host
		}
	}
	return ""
}

// personalLocal reports a local part that names a person or an account
// rather than a role: "jean.dupont", "j_dupont", "jdupont76" — what a bulk
// mailer pastes into the subject. A role mailbox is named by one word
// (achats, pharmacie, communication, direction) that a subject about the
// role's business contains naturally ("Comité achats", "Plan de
// communication"); only its full address in the subject counts.
func personalLocal(local string) bool {
	return len(local) >= 5 && strings.ContainsFunc(local, func(r rune) bool {
		return r == '.' || r == '_' || r == '-' || r == '+' || r >= '0' && r <= '9'
	})
}

// invitation reports a calendar invitation (a text/calendar or
// application/ics part, RFC 5545/6047) from an authenticated sender, or
// one that invites the recipient addr from its own hosts (ownInvitation).
// Calendar software writes the invitee into the subject — Google
// Calendar's "Invitation: <title> @ <date> (<invitee's address>)" — so
// there the recipient's address is the format, not a bulk-sending trick.
// Not in an invitation that carries the callback scam (LURE_CALLBACK, the
// lure family's, which runs first: a charge or an order and a number to
// call, from a sender posing as someone): the Norton, McAfee and PayPal
// "renewals" are mass-sent as calendar invitations through the genuine
// service, authenticated for a Gmail address (Norton, "Scammers using
// calendar invites to push fake Norton subscriptions"; Malwarebytes,
// "Fake Malwarebytes renewal notices in your calendar", March 2026), and
// there the guest's address in the subject is the campaign's.
func invitation(in *scan.Input, out *scan.Emitter, addr string) bool {
	if out.Emitted("LURE_CALLBACK") {
		return false
	}
	calendar := false
	for _, p := range in.Msg.Parts {
		if p.ContentType == "text/calendar" || p.ContentType == "application/ics" {
			calendar = true
			break
		}
	}
	if !calendar {
		return false
	}
	return in.SenderAuthenticated() || ownInvitation(in, addr)
}

// ownInvitation reports, where the sender's authentication is not read
// (vigie eval, a stored message, an MX that writes none), an invitation
// that is what its fields say: its iCalendar part invites addr (an
// ATTENDEE, RFC 5545 §3.8.4.1) from the From's address (the ORGANIZER),
// and every link of the message and of the event leads to the From's
// registrable domain or to the Sender field's — the calendar service that
// sends on the organiser's behalf (Google Calendar: Sender
// calendar-notification@google.com, links to calendar.google.com and
// meet.google.com; RFC 5322 §3.6.2). A copy of the format that leads the
// invitee anywhere else (the invitation-phishing kits' URL, ATTACH or
// LOCATION on a free host, the lure's page in the description) keeps the
// signal; one that leads only to the service's own pages leads nowhere of
// the phisher's. Two things are not read as its own: a message whose
// authentication was read and did not vouch for the sender (behind an
// MX, only authentication spares the invitation: the Sender field and the
// links are the forger's to write), and one with no link at all — every
// calendar service's invitation links to its own event page, while the
// callback copy ("call this number to cancel") leads the invitee to a
// telephone and would pass "every link goes home" with none.
func ownInvitation(in *scan.Input, addr string) bool {
	m := in.Msg
	from := strings.ToLower(m.FromAddr().Addr)
	if in.Auth.Known() || from == "" || !slices.Contains(m.CalendarAttendees, addr) || !slices.Contains(m.CalendarOrganizers, from) {
		return false
	}
	own := []string{in.FromOrg}
	for _, s := range m.Sender {
		own = append(own, urlx.Registrable(strings.ToLower(s.Domain())))
	}
	home := false
	for _, l := range in.Links {
		if l.Source == message.URLFromSrc || l.Source == message.URLFromCSS {
			continue
		}
		if l.Domain == "" || !slices.Contains(own, l.Domain) {
			return false
		}
		home = true
	}
	if !home {
		return false
	}
	return len(m.MailtoDomains) == 0 || !slices.ContainsFunc(m.MailtoDomains, func(d string) bool {
		return !slices.Contains(own, urlx.Registrable(strings.ToLower(d)))
	})
}

// listPostingAddress reports whether addr is the posting address of the
// list whose List-Id field is listID: "Name <local.domain>" for
// local@domain.
func listPostingAddress(listID, addr string) bool {
	if i := strings.LastIndexByte(listID, '<'); i >= 0 {
		listID = strings.TrimSuffix(strings.TrimSpace(listID[i+1:]), ">")
	}
	listID = strings.TrimSpace(listID)
	return listID != "" && addr != "" && strings.EqualFold(listID, strings.Replace(addr, "@", ".", 1))
}

// listBounce reports an envelope sender that is the bounce address a list
// manager builds on the list's own address addr, at its domain: Lyris
// ListManager's and Topica's "bounce-LIST-NNN@" (the member's id in the
// bounce address, Lyris ListManager's documentation on bounce handling),
// Mailman's "LIST-bounces@" and its VERP form "LIST-bounces+member=domain@"
// (GNU Mailman's documentation), ezmlm's "LIST-return-NNN-…@" (ezmlm-send's
// manual page). An announcement list posts To its own
// address, from it, the members in blind copy: To: the list is no
// message sent to oneself. It spares FROM_EQUALS_TO as a list header
// does (scan.Input.List), which anyone can write as well, and like it
// not where the message was delivered to the address it is from
// (deliveredTo).
func listBounce(mailFrom, addr string) bool {
	mailFrom = strings.ToLower(strings.Trim(strings.TrimSpace(mailFrom), "<>"))
	ml, md, ok1 := strings.Cut(mailFrom, "@")
	l, d, ok2 := strings.Cut(strings.ToLower(addr), "@")
	if !ok1 || !ok2 || l == "" {
		return false
	}
	if reg := urlx.Registrable(d); reg == "" || urlx.Registrable(md) != reg {
		return false
	}
	if i := strings.IndexByte(ml, '+'); i > 0 {
		ml = ml[:i]
	}
	return strings.HasPrefix(ml, "bounce-"+l+"-") || ml == l+"-bounces" || strings.HasPrefix(ml, l+"-return-")
}

// deliveredTo reports a message whose last delivery was to addr: the
// topmost Received field's "for" clause, the recipient the server
// that received it last accepted it for (RFC 5321 §4.4, the optional FOR
// clause, which Postfix, Exim and Exchange write for one recipient),
// names addr. The topmost only: a list's own server wrote "for" the
// list's address when the post reached it (Mailman's From rewritten to
// the list's address then reads as From and To the list), and the hop
// that delivered it to the member names the member. A phisher writes
// fields below the receiving server's, never above it.
//
// The topmost hop between hosts, not the topmost field with a "for"
// clause: Postfix and Exim leave the clause out when one transaction
// carries several recipients, as a list server's batched delivery to two
// members of one domain does (Mailman 3, Sympa, Google Groups), and the
// first clause below is then the list's own hop "for <list>": each
// member's copy of a post whose From the list rewrote to its own address
// read as sent to oneself (engine testdata/lists/*-propre-message-*-lot.eml).
// A field with no "from" clause is a hand-over inside the receiving
// host (Gmail's "by 2002:…  with SMTP id" above its MX's hop) and is
// passed over. Without the clause on that hop, where the message was
// delivered is unknown.
func deliveredTo(h message.Header, addr string) bool {
	for _, v := range h.Values("Received") {
		f := strings.Fields(strings.ToLower(v))
		if len(f) == 0 || f[0] != "from" {
			continue
		}
		for i := 0; i+1 < len(f); i++ {
			// "for <rcpt>" (Postfix, sendmail) or "for rcpt" (Exim).
			rcpt := strings.TrimRight(strings.TrimPrefix(f[i+1], "<"), ">;")
			if f[i] == "for" && strings.Contains(rcpt, "@") {
				return rcpt == strings.ToLower(addr)
			}
		}
		return false
	}
	return false
}

// oneClickMailing reports a bulk mailing that meets RFC 8058: an HTTPS
// List-Unsubscribe URI, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
// and a valid DKIM signature (which RFC 8058 requires to cover both fields)
// from an authenticated sender. Gmail and Yahoo have required exactly this
// of bulk senders since 2024, and the ESPs add it to every campaign, where an
// emoji in the subject is house style, not a filter-dodging trick.
func oneClickMailing(in *scan.Input) bool {
	h := in.Msg.Header
	if !strings.EqualFold(strings.TrimSpace(h.Get("List-Unsubscribe-Post")), "List-Unsubscribe=One-Click") {
		return false
	}
	if !strings.Contains(strings.ToLower(h.Get("List-Unsubscribe")), "<https://") {
		return false
	}
	return len(in.Auth.DKIMPass()) > 0 && in.SenderAuthenticated()
}

// readable returns the length of a plain text part without its written-out
// links: the plain part the mail clients generate beside an HTML body of
// linked images is the images' alt texts with their links written out
// ("[alt]<https://…>", Thunderbird's and Outlook's rendering), which no
// reader reads as text.
func readable(text string) int {
	n := 0
	for w := range strings.FieldsSeq(text) {
		if strings.Contains(w, "://") || strings.HasPrefix(strings.ToLower(strings.TrimLeft(w, "<([")), "www.") || strings.Contains(strings.ToLower(w), "mailto:") {
			continue
		}
		if n > 0 {
			n++
		}
		n += len(w)
	}
	return n
}
