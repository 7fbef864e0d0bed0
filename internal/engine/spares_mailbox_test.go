package engine

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/scan"
)

// TestMailboxNoticeOutsider: the notice about the reader's own mailbox
// ("your mailbox is full", "votre boîte aux lettres est pleine") from a
// domain the phisher registered counts whatever its authentication
// (lure.mailboxNotice), but the theme alone scored 3.5 once he signed
// with DKIM and DMARC passed: accepted. LURE_MAILBOX_OUTSIDER names the
// sender that cannot run the reader's mailbox. The genuine notices of the
// organisation and of mail providers (OVHcloud, Microsoft 365) stay
// silent in the lure family's testdata/95, 131 and 132, and the
// company's own Zimbra warning in testdata/selfhosted, no organisation
// configured, is accepted (From in the recipient's domain).
func TestMailboxNoticeOutsider(t *testing.T) {
	const (
		head = "From: Mail Administrator <admin@mail-quota-centre.com>\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <q2@mail-quota-centre.com>\n" + dayHTML
		from = "To: agent@chu-exemple.fr\n" + head
		en   = "<html><body><p>Dear agent@chu-exemple.fr,</p><p>Your mailbox is full. You have exceeded your mailbox quota (99%).\nIncoming messages will be rejected.</p><p><a href=\"https://mail-quota-centre.com/upgrade\">Increase quota</a></p><p>Mail Team</p></body></html>\n"
		fr   = "<html><body><p>Bonjour,</p><p>Votre boîte aux lettres est pleine : vous avez atteint votre quota de messagerie.\nLes nouveaux messages ne seront plus reçus.</p><p><a href=\"https://mail-quota-centre.com/quota\">Augmenter mon quota</a></p><p>Équipe Messagerie</p></body></html>\n"
	)
	dkim := auth.Results{SPF: auth.Pass, SPFDomain: "mail-quota-centre.com", DMARC: auth.Pass, DMARCDomain: "mail-quota-centre.com",
		DKIM: []auth.DKIMResult{{Domain: "mail-quota-centre.com", Result: auth.Pass}}}
	spf := auth.Results{SPF: auth.Pass, SPFDomain: "mail-quota-centre.com", DMARC: auth.None}
	env := scan.Envelope{MailFrom: "admin@mail-quota-centre.com"}
	// The company's own server warning its user (lure toOwnDomain) is
	// not an outsider where no organisation is configured; the phisher
	// cannot make his domain the reader's: the gateway's envelope names
	// the reader, and without one a To that is his own From is his mass
	// mailing with the victims in Bcc.
	toSelf := "To: admin@mail-quota-centre.com\n" + head
	toHisDomain := "To: users@mail-quota-centre.com\n" + head
	gateway := scan.Envelope{MailFrom: env.MailFrom, RcptTo: []string{"agent@chu-exemple.fr"}}
	forged := auth.Results{SPF: auth.Pass, SPFDomain: "mail-quota-centre.com", DMARC: auth.Fail, DMARCPolicy: "none", DMARCDomain: "chu-exemple.fr"}
	for _, c := range []struct {
		name, header, subject, body string
		r                           auth.Results
		env                         scan.Envelope
	}{
		{"en, DKIM and DMARC pass", from, "Your mailbox is full", en, dkim, env},
		{"fr, DKIM and DMARC pass", from, "Votre boîte aux lettres", fr, dkim, env},
		{"en, SPF only", from, "Your mailbox is full", en, spf, env},
		{"addressed to himself, no envelope", toSelf, "Your mailbox is full", en, dkim, env},
		{"addressed to his domain, the gateway's envelope naming the reader", toHisDomain, "Your mailbox is full", en, dkim, gateway},
		{"the reader's own domain forged", strings.Replace(from, "admin@mail-quota-centre.com", "postmaster@chu-exemple.fr", 1), "Your mailbox is full", en, forged, env},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := scanWith(t, c.r, msg(c.header+"\nSubject: "+c.subject, c.body), c.env)
			t.Logf("%5.2f %s %s", v.Score, v.Action, explainVerdict(v))
			if v.Action.Rank() < scan.Tag.Rank() {
				t.Errorf("%s %.2f, want at least tagged", v.Action, v.Score)
			}
			if own := strings.Contains(c.header, "@chu-exemple.fr>"); !own && !v.Has("LURE_MAILBOX_OUTSIDER") {
				t.Errorf("LURE_MAILBOX_OUTSIDER not raised (%.2f)", v.Score)
			}
		})
	}
}

// TestOwnDomainForgeryLeadingOutside: where no organisation is configured
// and no authentication result can be believed (the evaluation's trust, a
// stored message), the From on the reader's own domain is the company's
// own server only while the message leads nowhere else (lure
// leadsOutside). The webmail-quota and password-harvest families forge
// that From at no cost and must send the reader to their page or have
// him answer elsewhere: each stays flagged with the lure family's signal
// of the outsider. The company's own notice linking to its own webmail
// keeps the spare.
func TestOwnDomainForgeryLeadingOutside(t *testing.T) {
	s := newScanner(t, evalTrustConfig(t))
	const head = "From: Administrateur messagerie <postmaster@cabinet-durand.fr>\nTo: Jeanne Durand <j.durand@cabinet-durand.fr>\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <q7@cabinet-durand.fr>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
	quota := func(link string) string {
		return "<html><body><p>Bonjour,</p><p>Votre boîte aux lettres a atteint 99 % de son quota : les nouveaux messages seront rejetés.</p><p><a href=\"" + link + "\">Augmenter mon quota</a></p><p>L'administrateur</p></body></html>\n"
	}
	const reply = "<html><body><p>Bonjour,</p><p>Pour la migration de votre messagerie, merci de nous répondre en indiquant l'adresse et le mot de passe de votre messagerie.</p><p>Le service informatique</p></body></html>\n"
	for _, c := range []struct {
		name, header, body string
		want               []string
		flag               bool
	}{
		{"quota, link to the phisher's page", head + "Subject: Votre boite aux lettres est pleine", quota("https://webmail-quota-service.com/quota"), []string{"LURE_MAILBOX_OUTSIDER"}, true},
		{"quota, link to a free-hosted page", head + "Subject: Votre boite aux lettres est pleine", quota("https://cabinet-durand-webmail.weebly.com/"), []string{"LURE_MAILBOX_OUTSIDER"}, true},
		{"password asked by reply to another address", head + "Reply-To: support.messagerie@gmx.com\nSubject: Migration de votre messagerie", reply, []string{"LURE_PASSWORD_REQUEST"}, true},
		{"the company's own warning linking to its webmail", head + "Subject: Avertissement de quota", quota("https://webmail.cabinet-durand.fr/"), nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := s.Scan(t.Context(), msg(c.header, c.body), scan.Envelope{})
			t.Logf("%5.2f %s %s", v.Score, v.Action, explainVerdict(v))
			for _, sig := range c.want {
				if !v.Has(sig) {
					t.Errorf("%s not raised (%.2f)", sig, v.Score)
				}
			}
			if c.flag && v.Action.Rank() < scan.Tag.Rank() {
				t.Errorf("%s %.2f, want at least tagged", v.Action, v.Score)
			}
			if !c.flag && (v.Has("LURE_MAILBOX_OUTSIDER") || v.Action != scan.Accept) {
				t.Errorf("the organisation's own notice: %s %.2f", v.Action, v.Score)
			}
		})
	}
}
