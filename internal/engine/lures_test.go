package engine

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// Every lure theme is recognised in French and in English, in sentences
// shaped like the campaigns that use them.
func TestLureThemesInFrenchAndEnglish(t *testing.T) {
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := lureSentences
	for _, c := range cases {
		for lang, text := range map[string]string{"fr": c.fr, "en": c.en} {
			raw := msg("From: Service <service@expediteur-exemple.com>\nTo: marie.martin@example-hopital.fr\nSubject: Information\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <l1@expediteur-exemple.com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8",
				text+"\n")
			v := s.Scan(context.Background(), raw, scan.Envelope{})
			if !v.Has(c.signal) {
				t.Errorf("%s (%s): %q gives %v", c.signal, lang, text, names(v))
			}
		}
	}
}

// lureSentences are, per theme, a French and an English sentence shaped
// like the documented campaign families that use the theme. They are the
// fixtures that exercise the phrases whose source is those families
// (TestLurePhrasesHaveEvidence).
var lureSentences = []struct {
	signal, fr, en string
}{
	{"LURE_INVOICE", "Veuillez trouver votre facture impayée en pièce jointe.", "Please find the overdue invoice attached."},
	{"LURE_URGENT_PAYMENT", "Merci de procéder à un paiement immédiat aujourd'hui.", "We need an urgent payment before noon."},
	{"LURE_ACCOUNT_SUSPENSION", "Votre compte sera suspendu sous 24 heures.", "Your account will be suspended within 24 hours."},
	{"LURE_PASSWORD_EXPIRY", "Votre mot de passe expire aujourd'hui.", "Your password will expire today."},
	{"LURE_VERIFY_IDENTITY", "Merci de vérifier votre identité pour continuer.", "Please verify your identity to continue."},
	{"LURE_BANK_DETAILS", "Veuillez noter nos nouvelles coordonnées bancaires (nouveau RIB).", "Please update our bank details for the next payment."},
	{"LURE_CREDENTIALS", "Connectez-vous à votre espace pour consulter le document.", "Sign in now to view the document."},
	{"LURE_VOICEMAIL", "Vous avez un nouveau message vocal.", "You have a new voicemail message."},
	{"LURE_DOCUMENT_SHARE", "Un document a été partagé avec vous.", "A document has been shared with you."},
	{"LURE_DELIVERY", "Votre colis est en attente de livraison.", "Your package is awaiting delivery."},
	{"LURE_PRIZE", "Félicitations, vous avez gagné une carte cadeau.", "Congratulations, you have won a gift card."},
	{"LURE_CRYPTO", "Votre portefeuille crypto attend une confirmation.", "Connect your wallet to receive the airdrop."},
	{"LURE_ADVANCE_FEE", "Je suis veuve et je souhaite vous confier le transfert de fonds de mon défunt mari.", "I am a widow and need a foreign partner for the transfer of the funds."},
	{"LURE_SEXTORTION", "J'ai piraté votre appareil et j'ai une vidéo compromettante.", "I recorded you masturbating; pay me in bitcoin."},
	{"LURE_ADULT", "Des femmes célibataires près de chez vous, rencontres coquines.", "Hot singles near you want to have sex tonight."},
	{"LURE_HEALTH_SPAM", "Perte de poids rapide : maigrir vite sans effort.", "This ritual burns fat: weight loss in days."},
	{"LURE_LEGAL_THREAT", "Convocation judiciaire : une plainte déposée contre vous.", "Court summons: a lawsuit against you has been filed."},
	{"LURE_TAX_FINE", "Avis de contravention : amende impayée à régler.", "Your tax refund is pending, claim it today."},
	{"LURE_URGENCY", "Action requise immédiatement.", "Action required within 24 hours."},
	{"LURE_GAMBLING", "Bonus de bienvenue et tours gratuits au casino.", "Welcome bonus and free spins at our casino."},
	{"LURE_BILLING", "Échec du paiement : mettre à jour votre moyen de paiement.", "Payment failed: update your payment information."},
	{"LURE_GENERIC_GREETING", "Cher client, voici votre relevé.", "Dear customer, here is your statement."},
	{"LURE_ADVERTISING", "Devis gratuit et sans engagement pour votre isolation.", "Get your free quote, no obligation."},
	{"LURE_QR_CODE", "Scannez le code QR ci-dessous avec votre téléphone.", "Scan the QR code below with your phone."},
	{"LURE_EASY_MONEY", "Un revenu passif et des revenus garantis chaque mois.", "Earn a passive income with guaranteed returns."},
	{"LURE_CALLBACK", "Si vous n'êtes pas à l'origine de cette commande, appelez le 01 23 45 67 89.", "If you did not authorize this charge, call +1 818 492 9813."},
}

// moreLureSentences exercise the phrases of campaign families written in
// more languages than French and English, or in more than one shape, as
// the alerts describe them: parcel-fee scams in Spanish, German, Italian
// and Dutch (the postal services' and national CERTs' warnings), and the
// renewal and charge wording of callback scams (FTC, Proofpoint's TOAD
// reports). They are fixtures of TestLurePhrasesHaveEvidence.
var moreLureSentences = []struct{ signal, lang, text string }{
	{"LURE_DELIVERY", "es", "Su paquete está retenido: confirme su envío hoy."},
	{"LURE_DELIVERY", "de", "Ihr Paket konnte nicht zugestellt werden: Ihre Sendung wartet."},
	{"LURE_DELIVERY", "it", "Il tuo pacco è in giacenza presso il centro di smistamento."},
	{"LURE_DELIVERY", "nl", "Uw zending staat klaar, betaal de verzendkosten."},
	{"LURE_CALLBACK", "en", "Your Norton plan was auto renewed and will renew automatically next year; your card will be charged $299.99. To dispute this charge or cancel this order, call +1 805 248 4054."},
	{"LURE_CALLBACK", "en", "Your subscription was automatically renewed and your account has been charged $483.75. Call (805) 203 8709."},
	{"LURE_CALLBACK", "fr", "Votre abonnement a été renouvelé automatiquement : 349,99 € a été débité et 12 € sera débité chaque mois. Pour annuler cette commande, appelez le 01 86 95 12 40."},
}

func TestMoreLureSentences(t *testing.T) {
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range moreLureSentences {
		raw := msg("From: Service <service@expediteur-exemple.com>\nTo: marie.martin@example-hopital.fr\nSubject: Information\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <l2@expediteur-exemple.com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8",
			c.text+"\n")
		if v := s.Scan(context.Background(), raw, scan.Envelope{}); !v.Has(c.signal) {
			t.Errorf("%s (%s): %q gives %v", c.signal, c.lang, c.text, names(v))
		}
	}
}
