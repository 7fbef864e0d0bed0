package engine

import (
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// advanceFeeLetters are advance-fee ("419") letters written in the shapes
// the FBI IC3 and FTC alerts describe — an inheritance, a dormant fund, a
// business proposal, a compensation payment to fraud victims — sent, as
// they are, from free mailboxes. They are the fixtures of the advance_fee
// phrases (TestLurePhrasesHaveEvidence) and of MONEY_FROM_FREEMAIL.
func advanceFeeLetters() []campaignCase {
	gmail := "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com"
	return []campaignCase{
		{"business proposal", campaign("mail-sor-f41.google.com", gmail,
			`From: "MR. IBRAHIM SALEH" <ibrahim.saleh1958@gmail.com>
Subject: GREETINGS`,
			`<p>DEAR FRIEND, I am Ibrahim Saleh, auditor of a bank. I have a business proposal of US$ 12.5 million to transfer into your account. If you are interested get back to me for more details at my private email.</p>`), scan.Tag},
		{"widow's inheritance", campaign("mail-oi1-f180.google.com", gmail,
			`From: "Mrs. Grace Williams" <gracewilliams0061@gmail.com>
Reply-To: grace.williams.foundation@outlook.com
Subject: Charity donation`,
			`<p>Dear Beloved, my late husband left the sum of $4,500,000.00 in a consignment box with a security company. I want you to receive the funds as my foreign partner.</p>`), scan.Tag},
		{"victims' compensation", campaign("mail-pl1-f171.google.com", gmail,
			`From: "United Nations Compensation" <uncompensation.office@gmail.com>
Subject: Your payment`,
			`<p>Dear Beneficiary, the compensation fund has approved USD 2,800,000.00 for you from the unclaimed funds of fraud victims. Your ATM card is ready for delivery.</p>`), scan.Tag},
		{"proposition d'affaires", campaign("mail-qk1-f178.google.com", gmail,
			`From: "Mme Claire Moreau" <claire.moreau.succession@gmail.com>
Subject: Proposition`,
			`<p>Bonjour, je vous contacte pour une proposition d'affaires. Feu mon mari a laissé 2 800 000 euros sur un compte bloqué ; je cherche une personne de confiance pour le transfert de fonds. Écrivez-moi à mon adresse privée.</p>`), scan.Tag},
	}
}

func TestAdvanceFeeLettersAreFlagged(t *testing.T) {
	s, err := New(gatewayConfig(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range advanceFeeLetters() {
		t.Run(tc.name, func(t *testing.T) {
			v := s.Scan(t.Context(), tc.raw, scan.Envelope{})
			if v.Action.Rank() < tc.min.Rank() || !v.Has("LURE_ADVANCE_FEE") || !v.Has("MONEY_FROM_FREEMAIL") {
				t.Errorf("%s (%.1f), want at least %s with LURE_ADVANCE_FEE and MONEY_FROM_FREEMAIL; signals %v", v.Action, v.Score, tc.min, names(v))
			}
		})
	}
}

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
