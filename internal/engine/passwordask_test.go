package engine

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// passwordAskTwin is a kit's mailbox-password message, HTML only, from a
// look-alike sender whose link leads to a free host.
func passwordAskTwin(subject, html string) []byte {
	return []byte("Return-Path: <support@messagerie-maj-exemple.com>\r\nReceived: from mail.messagerie-maj-exemple.com (unknown [198.51.100.77])\r\n\tby mx1.atelier-exemple.fr (Postfix) with ESMTP id 4RmW1a8KpRz3q\r\n\tfor <c.petit@atelier-exemple.fr>; Mon, 14 Dec 2026 06:41:19 +0100 (CET)\r\nFrom: Service Messagerie <support@messagerie-maj-exemple.com>\r\nTo: c.petit@atelier-exemple.fr\r\nSubject: " + subject + "\r\nDate: Mon, 14 Dec 2026 06:41:17 +0100\r\nMessage-ID: <a8f31c0e92b4@messagerie-maj-exemple.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<html><body>" + html + "</body></html>\r\n")
}

// TestPasswordAskTwinsKeepTheLure: the kit's asks for the mailbox
// password that no sentence of theirs spells with an ask word (the
// deadline above a button, a bullet, the subject, a typo'd "confirmé",
// "reply with it", a text input named pwd, an image button) keep
// LURE_PASSWORD_REQUEST and their pre-e8126f8 score under both trusts;
// only a sentence stating the password's state lets the phrase go
// (lure.statedIn). review4 measured nextsentence, bullets, subject and
// typo falling from quarantine to tag behind the MX and to accept under
// the evaluation's trust at e8126f8.
func TestPasswordAskTwinsKeepTheLure(t *testing.T) {
	L := `<a href="https://messagerie-atelier-exemple.weebly.com/confirmation">`
	cases := []struct{ name, subj, html string }{
		{"button", "Votre messagerie", `<p>Bonjour,</p><p>Votre mot de passe de messagerie expire aujourd'hui.</p><p>` + L + `Valider mon mot de passe de messagerie</a></p>`},
		{"nextsentence", "Votre messagerie", `<p>Votre mot de passe de messagerie expire aujourd'hui. Cliquez ci-dessous pour le conserver.</p><p>` + L + `Conserver</a></p>`},
		{"bullets", "Votre messagerie", `<p>Pour conserver votre boîte, munissez-vous de :</p><ul><li>votre adresse</li><li>votre mot de passe de messagerie</li></ul><p>` + L + `Continuer</a></p>`},
		{"subject", "Mot de passe de messagerie expiré", `<p>Cliquez ici pour le renouveler.</p><p>` + L + `Renouveler</a></p>`},
		{"textinput", "Votre messagerie", `<form action="https://messagerie-atelier-exemple.weebly.com/c"><p>Adresse : <input type="text" name="user"></p><p>Mot de passe de messagerie : <input type="text" name="pwd"></p><input type="submit" value="OK"></form>`},
		{"renseigner", "Votre messagerie", `<p>Merci de renseigner votre mot de passe de messagerie pour conserver votre boîte.</p><p>` + L + `Continuer</a></p>`},
		{"typo", "Votre messagerie", `<p>Veuillez confirmé votre mot de passe de messagerie pour conserver votre boîte.</p><p>` + L + `Continuer</a></p>`},
		{"kindly", "Your mailbox", `<p>Kindly provide your mailbox password to keep your account.</p><p>` + L + `Continue</a></p>`},
		{"send", "Your mailbox", `<p>Please reply with your mailbox password to keep your account.</p>`},
		{"sendfr", "Votre messagerie", `<p>Envoyez-nous votre mot de passe de messagerie en réponse pour conserver votre boîte.</p>`},
		{"image", "Votre messagerie", `<p>Votre mot de passe de messagerie expire aujourd'hui.</p><p>` + L + `<img src="https://messagerie-atelier-exemple.weebly.com/b.png" alt="Valider mon mot de passe de messagerie"></a></p>`},
		{"imagenoalt", "Votre messagerie", `<p>Votre mot de passe de messagerie expire aujourd'hui.</p><p>` + L + `<img src="https://messagerie-atelier-exemple.weebly.com/b.png"></a></p>`},
	}
	for _, ts := range trustSettings(t) {
		s := newScanner(t, ts.cfg)
		for _, c := range cases {
			v := s.Scan(t.Context(), passwordAskTwin(c.subj, c.html), scan.Envelope{})
			lpr := slices.ContainsFunc(v.Signals, func(sig scan.Signal) bool { return sig.Name == "LURE_PASSWORD_REQUEST" })
			t.Logf("%s, %s: %s (%.2f) %s", ts.name, c.name, v.Action, v.Score, weighted(v))
			if !lpr {
				t.Errorf("%s, %s: no LURE_PASSWORD_REQUEST: %s (%.2f) %s", ts.name, c.name, v.Action, v.Score, weighted(v))
			}
			// Those with a link to the free host stay quarantined; the
			// reply-only asks stay where they were (tag behind the MX).
			if c.name != "send" && c.name != "sendfr" && v.Action != scan.Quarantine || ts.believed && v.Action == scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", ts.name, c.name, v.Action, v.Score, weighted(v))
			}
		}
	}
}
