package engine

import (
	"bytes"
	"encoding/base64"
	"os"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// A phishing message forwarded from a free mailbox carries its forwarder's
// genuine authentication; the original, rebuilt from the forward's header
// block, is what gets judged (internal/checks/forward).
func TestForwardedPhishingIsJudged(t *testing.T) {
	s, err := New(gatewayConfig(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := campaign("mail-oi1-f171.google.com", "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
		`From: Paul Girard <paul.girard.1962@gmail.com>
Subject: TR: Votre mot de passe expire aujourd'hui`,
		`<p>Regarde ce que j'ai reçu, c'est sérieux ?</p>
<p>De : Microsoft 365 &lt;it-support@m365-securite-exemple.com&gt;<br>
Envoyé : mardi 19 mars 2024 08:02<br>
À : Paul Girard &lt;paul.girard.1962@gmail.com&gt;<br>
Objet : Votre mot de passe expire aujourd'hui</p>
<p>Le mot de passe de votre compte expire aujourd'hui. <a href="https://login-m365-portail.firebaseapp.com/">Conserver le même mot de passe</a></p>`)
	v := s.Scan(t.Context(), raw, scan.Envelope{})
	if !v.Has("FORWARDED_PHISH") || v.Action.Rank() < scan.Tag.Rank() {
		t.Errorf("%s (%.1f) %v", v.Action, v.Score, names(v))
	}
}

// A phisher on a free mailbox can type a forward's header block naming any
// sender ("De : Doctolib <no-reply@doctolib.fr>") under "TR:": the outer
// message's lure checks then read only the words above the block, and
// the original must be judged on its own — its links lead away from the
// sender it names, so its account notice counts — and hold the forward.
// A relative's forward of the genuine notice, whose link is Doctolib's
// own, is accepted.
func TestFakeForwardIsJudgedByItsOriginal(t *testing.T) {
	s := campaignScanner(t)
	for f, held := range map[string]bool{
		"18-fake-forward-of-a-credential-phish-from-a-free-mailbox.eml": true,
		"19-relative-forward-of-a-genuine-doctolib-notice.eml":          false,
	} {
		raw, err := os.ReadFile("../checks/forward/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(t.Context(), raw, scan.Envelope{})
		t.Logf("%s: %s (%.2f) %v", f, v.Action, v.Score, names(v))
		if got := v.Has("FORWARDED_PHISH") && v.Action.Rank() >= scan.Quarantine.Rank(); got != held {
			t.Errorf("%s: %s (%.2f) %v, want held %v", f, v.Action, v.Score, names(v), held)
		}
		if !held && v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %v", f, v.Action, v.Score, names(v))
		}
	}
}

// A phishing message sent inside an attached .eml, and one a partner
// forwards as attachment, are judged as messages of their own: the
// carrier is at least tagged, whatever its sender's authentication.
func TestAttachedPhishingIsJudged(t *testing.T) {
	s := campaignScanner(t)
	for _, f := range []string{"13-phishing-in-an-attached-eml.eml", "17-outlook-forward-as-attachment-of-a-phish.eml"} {
		raw, err := os.ReadFile("../checks/forward/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(t.Context(), raw, scan.Envelope{})
		if !v.Has("ATTACHED_MESSAGE_PHISH") || v.Action.Rank() < scan.Tag.Rank() {
			t.Errorf("%s: %s (%.1f) %v", f, v.Action, v.Score, names(v))
		}
		t.Logf("%s: %s (%.1f) %v", f, v.Action, v.Score, names(v))
	}
}

// A phisher on a free mailbox who types a block over a weak original —
// one credential and one document-share phrase, a link to a top site, a
// sender name that is no service's — writes an original that would not be
// flagged on its own (3.0 at the expert weights, under the tag
// threshold). The forward's typed block and free mailbox do not vouch
// for it: FORWARDED_SUSPECT_UNVOUCHED counts it (2.5), which tags the
// forward as soon as the forwarder's own words add a lure (a subject of
// his own saying "URGENT"). The same original in a relative's Gmail
// forward (its marker, References) counts too — a free mailbox writes any
// thread header it likes, so they vouch for nothing — and is accepted as
// the typed one is: a genuine forward of a suspect message is the
// relative's question, and the forwarder's own signals decide.
func TestWeakFakeForwardCounts(t *testing.T) {
	s := campaignScanner(t)
	read := func(f string) []byte {
		raw, err := os.ReadFile("../checks/forward/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	fake := read("20-typed-forward-of-a-weak-notice-from-a-free-mailbox.eml")
	urgent := bytes.Replace(fake, []byte("Subject: TR: Votre compte sera suspendu"), []byte("Subject: TR: URGENT, action requise"), 1)
	relative := read("21-relative-gmail-forward-of-the-same-weak-notice.eml")
	for _, c := range []struct {
		name    string
		raw     []byte
		counted bool
		least   scan.Action
	}{
		{"typed fake forward", fake, true, scan.Accept},
		{"typed fake forward, the forwarder's urgent subject", urgent, true, scan.Tag},
		{"relative's Gmail forward", relative, true, scan.Accept},
	} {
		v := s.Scan(t.Context(), c.raw, scan.Envelope{})
		t.Logf("%s: %s (%.2f) %v", c.name, v.Action, v.Score, names(v))
		if v.Has("FORWARDED_SUSPECT_UNVOUCHED") != c.counted || v.Action.Rank() < c.least.Rank() || c.least == scan.Accept && v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %v", c.name, v.Action, v.Score, names(v))
		}
	}
}

// Outlook .msg files are judged as the messages they hold (internal/olemsg),
// and what a message carried as a file carries is judged too: a
// credential phish in a .msg tags the carrier, a program disguised as a
// PDF inside an attached .msg holds it as the program attached directly
// would; a supplier's notice in one is accepted.
func TestAttachedOutlookMessagesAreJudged(t *testing.T) {
	s := campaignScanner(t)
	for _, c := range []struct {
		f      string
		signal string
		least  scan.Action
	}{
		{"01-sharepoint-credential-phish.msg", "ATTACHED_MESSAGE_PHISH", scan.Tag},
		{"07-invoice-with-a-disguised-program.msg", "ATTACH_EXECUTABLE", scan.Quarantine},
		{"02-supplier-invoice-notice.msg", "", scan.Accept},
	} {
		f := c.f
		msg, err := os.ReadFile("../olemsg/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		raw := "From: Francis Bernard <f.bernard@transports-bernard-exemple.fr>\r\nTo: compta@chu-exemple.fr\r\nSubject: Documents\r\n" +
			"Date: Mon, 12 Oct 2026 10:14:50 +0200\r\nMessage-ID: <c1@transports-bernard-exemple.fr>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nCi-joint.\r\n--zz\r\n" +
			"Content-Type: application/vnd.ms-outlook; name=\"" + f + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString(msg) + "\r\n--zz--\r\n"
		v := s.Scan(t.Context(), []byte(raw), scan.Envelope{})
		if c.signal != "" && !v.Has(c.signal) || v.Action.Rank() < c.least.Rank() || c.signal == "" && v.Action != scan.Accept {
			t.Errorf("%s: %s (%.1f) %v, want %s and %s", f, v.Action, v.Score, names(v), c.signal, c.least)
		}
	}
}

// outlookForward is a partner's authenticated Outlook forward of an
// original: Outlook's rule and header division above the original's
// block ("De : … Envoyé : … À : … Objet : …") and body.
func outlookForward(from, subject, block, body string) []byte {
	return campaign("mail-eopbgr.partenaire-exemple.fr",
		"spf=pass smtp.mailfrom=partenaire-exemple.fr; dkim=pass header.d=partenaire-exemple.fr; dmarc=pass header.from=partenaire-exemple.fr",
		"From: Luc Martin <luc.martin@partenaire-exemple.fr>\nContent-Transfer-Encoding: 8bit\nSubject: TR: "+subject,
		`<div>Pour information.</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>De :</b> `+block+`<br>
<b>Envoyé :</b> mardi 19 mars 2024 08:02<br><b>À :</b> Luc Martin &lt;luc.martin@partenaire-exemple.fr&gt;<br><b>Objet :</b> `+subject+`</div><div>&nbsp;</div>
<div>`+body+`</div>`)
}

// A forward delivers its original to the reader as surely as the
// original's own sending would have: a forward whose original would be
// tagged is at least tagged, whatever the weight FORWARDED_PHISH was
// fitted to (README, "Delivered as the original would be"). A partner
// forwarding a genuine message is accepted.
func TestForwardIsFlaggedWhenItsOriginalWouldBe(t *testing.T) {
	s := campaignScanner(t)
	for _, c := range []struct {
		name, subject, block, body string
		flagged                    bool
	}{
		{"advance-fee letter from a free mailbox", "Your Notice",
			"Nigel Prideaux &lt;n.prideaux.claims@mail.com&gt;",
			`<p>Dear Beneficiary,</p><p>This is a notice: the sum of GBP 4,800,000.00 (Four Million Eight Hundred Thousand Pounds) has been approved in your favour. Reply with your full name and telephone number.</p>`, true},
		{"account notice whose only actions are mailto: to another domain", "Microsoft account unusual sign-in activity",
			"Microsoft account team &lt;no-reply@microsoft.com&gt;",
			`<p>We detected something unusual about a recent sign-in to your Microsoft account.</p><p>If this wasn't you, please report the user.</p><p><a href="mailto:account-check@verif-compte-exemple.online?subject=Report">Report The User</a></p>`, true},
		{"Microsoft's genuine notice", "Microsoft account unusual sign-in activity",
			"Microsoft account team &lt;account-security-noreply@accountprotection.microsoft.com&gt;",
			`<p>We detected something unusual about a recent sign-in to your Microsoft account.</p><p>If this wasn't you, please <a href="https://account.live.com/acsr">secure your account</a>.</p><p><a href="https://go.microsoft.com/fwlink/?LinkId=521839">Privacy statement</a></p>`, false},
		{"supplier's delivery note", "Bon de livraison 2024-0312",
			"Service client &lt;service.client@fournitures-exemple.fr&gt;",
			`<p>Bonjour,</p><p>Votre commande 2024-0312 a été expédiée ce jour. Le bon de livraison est disponible dans votre espace client.</p><p>Cordialement,<br>Fournitures Exemple</p>`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := s.Scan(t.Context(), outlookForward("", c.subject, c.block, c.body), scan.Envelope{})
			t.Logf("%s (%.2f) %v", v.Action, v.Score, names(v))
			if got := v.Action.Rank() >= scan.Tag.Rank(); got != c.flagged {
				t.Errorf("%s (%.2f) %v, want flagged %v", v.Action, v.Score, names(v), c.flagged)
			}
			if c.flagged && !v.Has("FORWARDED_PHISH") {
				t.Errorf("no FORWARDED_PHISH: %v", names(v))
			}
		})
	}
}

// A forward's original is judged with the site's policy, as it would be
// had it arrived directly: a weight the site set (here the configuration's
// override of the advance-fee theme) weighs in the original too, and so
// do the learned weights and thresholds (forward's README, "The original
// judged as it would arrive"). Fitting the weights judges it at the
// expert weights (Options.ExpertOriginals), whatever the site's policy.
func TestForwardedOriginalIsJudgedWithTheSitePolicy(t *testing.T) {
	raw := outlookForward("", "Compensation",
		"Bureau des compensations &lt;bureau@compensations-exemple.org&gt;",
		`<p>Dear beneficiary,</p><p>Your file at the compensation fund has been reviewed. Reply to this office to receive it.</p>`)
	for _, c := range []struct {
		name    string
		weights map[string]float64
		expert  bool
		want    bool
	}{
		{"the site's weights", nil, false, false},
		{"the site weighs the theme heavily", map[string]float64{"LURE_ADVANCE_FEE": 6}, false, true},
		{"fitting: the expert weights", map[string]float64{"LURE_ADVANCE_FEE": 6}, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := gatewayConfig(t)
			cfg.Policy.Weights = c.weights
			s, err := New(cfg, Options{ExpertOriginals: c.expert})
			if err != nil {
				t.Fatal(err)
			}
			v := s.Scan(t.Context(), raw, scan.Envelope{})
			t.Logf("%s (%.2f) %v", v.Action, v.Score, names(v))
			if v.Has("FORWARDED_PHISH") != c.want {
				t.Errorf("FORWARDED_PHISH %v, want %v: %v", v.Has("FORWARDED_PHISH"), c.want, names(v))
			}
		})
	}
}
