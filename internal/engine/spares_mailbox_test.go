package engine

import (
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
// silent in the lure family's testdata/95, 131 and 132.
func TestMailboxNoticeOutsider(t *testing.T) {
	const (
		from = "From: Mail Administrator <admin@mail-quota-centre.com>\nTo: agent@chu-exemple.fr\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <q2@mail-quota-centre.com>\n" + dayHTML
		en   = "<html><body><p>Dear agent@chu-exemple.fr,</p><p>Your mailbox is full. You have exceeded your mailbox quota (99%).\nIncoming messages will be rejected.</p><p><a href=\"https://mail-quota-centre.com/upgrade\">Increase quota</a></p><p>Mail Team</p></body></html>\n"
		fr   = "<html><body><p>Bonjour,</p><p>Votre boîte aux lettres est pleine : vous avez atteint votre quota de messagerie.\nLes nouveaux messages ne seront plus reçus.</p><p><a href=\"https://mail-quota-centre.com/quota\">Augmenter mon quota</a></p><p>Équipe Messagerie</p></body></html>\n"
	)
	dkim := auth.Results{SPF: auth.Pass, SPFDomain: "mail-quota-centre.com", DMARC: auth.Pass, DMARCDomain: "mail-quota-centre.com",
		DKIM: []auth.DKIMResult{{Domain: "mail-quota-centre.com", Result: auth.Pass}}}
	spf := auth.Results{SPF: auth.Pass, SPFDomain: "mail-quota-centre.com", DMARC: auth.None}
	env := scan.Envelope{MailFrom: "admin@mail-quota-centre.com"}
	for _, c := range []struct {
		name, subject, body string
		r                   auth.Results
	}{
		{"en, DKIM and DMARC pass", "Your mailbox is full", en, dkim},
		{"fr, DKIM and DMARC pass", "Votre boîte aux lettres", fr, dkim},
		{"en, SPF only", "Your mailbox is full", en, spf},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := scanWith(t, c.r, msg(from+"\nSubject: "+c.subject, c.body), env)
			t.Logf("%5.2f %s %s", v.Score, v.Action, explainVerdict(v))
			if v.Action.Rank() < scan.Tag.Rank() || !v.Has("LURE_MAILBOX_OUTSIDER") {
				t.Errorf("%s %.2f, want at least tagged with LURE_MAILBOX_OUTSIDER", v.Action, v.Score)
			}
		})
	}
}
