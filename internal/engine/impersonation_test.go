package engine

import (
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// impersonations are the French public bodies and companies whose names
// the campaigns documented by Cybermalveillance.gouv.fr borrow, one short
// message each as it arrives: the brand in the display name, the mail from
// a domain that is not the brand's. They are the fixtures that exercise the
// brand catalogue's entries (TestBrandEntriesAreExercised).
func impersonations() map[string][]byte {
	mk := func(from, subject, body string) []byte {
		return campaign("mail.envoi-notif-exemple.com", "spf=pass smtp.mailfrom=envoi-notif-exemple.com; dkim=none; dmarc=none header.from=envoi-notif-exemple.com",
			"From: "+from+"\nSubject: "+subject, "<p>"+body+"</p><p><a href=\"https://dossier-suivi-exemple.com/connexion\">Accéder à mon dossier</a></p>")
	}
	return map[string][]byte{
		"ANTS":                              mk(`"ANTS - Agence Nationale des Titres Sécurisés" <noreply@envoi-notif-exemple.com>`, "Votre demande de permis de conduire est incomplète", "Votre dossier de permis de conduire ne peut être traité : une pièce manque."),
		"France Travail":                    mk(`"France Travail" <info@envoi-notif-exemple.com>`, "Actualisation : votre dossier est suspendu", "Votre actualisation n'a pas été prise en compte ; vos allocations sont suspendues."),
		"CAF":                               mk(`"Caisse d'Allocations Familiales" <contact@envoi-notif-exemple.com>`, "Une aide exceptionnelle vous attend", "Vous avez droit à une aide exceptionnelle de la Caisse d'Allocations Familiales."),
		"URSSAF":                            mk(`"URSSAF" <notification@envoi-notif-exemple.com>`, "Régularisation de vos cotisations", "Un trop-perçu de cotisations a été constaté sur votre compte URSSAF."),
		"FranceConnect":                     mk(`"FranceConnect" <securite@envoi-notif-exemple.com>`, "Votre identité numérique doit être confirmée", "Confirmez votre identité FranceConnect pour garder l'accès aux services publics."),
		"Adobe":                             mk(`"Adobe Document Cloud" <share@envoi-notif-exemple.com>`, "Un document Adobe Acrobat vous a été envoyé", "Un document PDF a été partagé avec vous via Adobe Document Cloud."),
		"French banks":                      mk(`"Crédit Agricole" <alerte@envoi-notif-exemple.com>`, "Validation de votre nouveau bénéficiaire", "Un nouveau bénéficiaire a été ajouté ; validez l'opération depuis votre espace."),
		"Crit'Air":                          mk(`"Service Crit'Air" <vignette@envoi-notif-exemple.com>`, "Votre vignette Crit'Air doit être renouvelée", "Commandez votre nouvelle vignette Crit'Air avant le contrôle."),
		"Sécurité sociale / MSA / retraite": mk(`"L'Assurance Retraite" <info@envoi-notif-exemple.com>`, "Mise à jour de votre dossier retraite", "Votre dossier de retraite nécessite une mise à jour de vos coordonnées."),
		"Marketplaces":                      mk(`"Vinted" <paiement@envoi-notif-exemple.com>`, "Votre article a été vendu", "Un acheteur a réglé votre article ; confirmez la réception du paiement."),
	}
}

func TestImpersonationsNameTheBrand(t *testing.T) {
	s, err := New(gatewayConfig(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for brand, raw := range impersonations() {
		v := s.Scan(t.Context(), raw, scan.Envelope{})
		if !v.Has("BRAND_DISPLAY_NAME") {
			t.Errorf("%s: no BRAND_DISPLAY_NAME: %v", brand, names(v))
		}
	}
}
