package engine

import "testing"

// What other organisations' gateways and mail clients add to the mail a
// French organisation receives in replies and forwards
// (testdata/bandeaux/README.md): external-sender banners and subject tags
// quoted in the chain, Microsoft's first-contact safety tip, security
// footers ("ne vous demandera jamais votre mot de passe"), confidentiality
// disclaimers, and links rewritten by the sender's link protection (Safe
// Links, Proofpoint URL Defense v2 and v3, Mimecast, Barracuda, Sophos,
// Trend Micro, Cisco). Each is accepted behind the company's trusted MX
// and under the evaluation's trust.
func TestGatewayBannersAndWrappedLinksAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/bandeaux/*.eml", 16)
}

// TestGatewayBannersAndWrappedLinksTwinsAreFlagged: phishing that hides
// its page behind each vendor's wrapper, that pastes a fake "scanned, safe"
// banner, or that asks for a password beside a quoted security footer
// (testdata/bandeaux/README.md) is flagged under both trusts.
func TestGatewayBannersAndWrappedLinksTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/bandeaux/twins/*.eml", 21)
}

// TestSecurityFooterListIsNoLure: a partner's anti-phishing footer lists
// what it will never ask "by email" — "verify your account, confirm your
// password or update your payment details" — and the commas of that list
// no longer end the negation (lure.callToAction), so the footer is spared
// like any "will never ask" sentence: on main the freight forwarder's
// reply was tagged (5.02, LURE_VERIFY_IDENTITY and LURE_BILLING on its
// footer). The phisher's copy that asks the same above the same footer
// keeps both signals from its own sentence and is quarantined.
func TestSecurityFooterListIsNoLure(t *testing.T) {
	runShapesUnderBothTrusts(t, []sourceCase{{
		name:   "transitaire, pied de sécurité en liste",
		file:   "testdata/bandeaux/transitaire-uk-pied-securite-liste-en.eml",
		accept: true,
		absent: []string{"LURE_VERIFY_IDENTITY", "LURE_BILLING"},
	}, {
		name:    "copie : la demande au-dessus du même pied",
		file:    "testdata/bandeaux/twins/faux-transitaire-portail-paiement-pied-securite-en.eml",
		present: []string{"LURE_VERIFY_IDENTITY", "LURE_BILLING"},
		flag:    true,
	}, {
		// "Never click on links asking you to confirm your login details,
		// verify your account or update your payment information": the
		// request frame makes it the list; quarantined on main (8.20,
		// LURE_CALLBACK on the signature's phone number besides).
		name:   "fournisseur, pied never click on links asking you to",
		file:   "testdata/bandeaux/fournisseur-nl-pied-vigilance-never-click-en.eml",
		accept: true,
		absent: []string{"LURE_VERIFY_IDENTITY", "LURE_BILLING", "LURE_CALLBACK"},
	}, {
		name:    "copie : la demande au-dessus du pied never click",
		file:    "testdata/bandeaux/twins/faux-fournisseur-portail-paiement-pied-never-click-en.eml",
		present: []string{"LURE_VERIFY_IDENTITY", "LURE_BILLING"},
		flag:    true,
	}, {
		// "Aucun service de la communauté de communes ne vous demandera
		// de …": the negation is "aucun", words between (noneWillAsk).
		name:   "communauté de communes, pied aucun service … ne vous demandera",
		file:   "testdata/bandeaux/communaute-communes-reservation-salle-pied-aucun-service.eml",
		accept: true,
		absent: []string{"LURE_VERIFY_IDENTITY"},
	}, {
		name:    "copie : vous devez vérifier votre compte, au-dessus du même pied",
		file:    "testdata/bandeaux/twins/faux-communaute-communes-verification-compte-pied-aucun-service.eml",
		present: []string{"LURE_VERIFY_IDENTITY"},
		flag:    true,
	}})
}

// TestReminderSparesOnlyItsNegatedClauses: a phisher writes the lure into
// the security footer's own sentence, after the reminder's negation —
// "…, or your card PIN, your account will be suspended unless you update
// your billing information", "never click on links asking you to share
// your PIN, verify your account now …", "aucun service ne vous demandera
// votre mot de passe, ni votre code : votre compte sera suspendu ce
// soir". The reminder spares only the clauses its negation governs
// (lure.openClauses); on main the French two were accepted under the
// evaluation's trust (4.05) and the English two lost every lure signal.
func TestReminderSparesOnlyItsNegatedClauses(t *testing.T) {
	runShapesUnderBothTrusts(t, []sourceCase{{
		name:    "liste, puis une proposition à elle",
		file:    "testdata/bandeaux/twins/faux-fournisseur-pied-liste-puis-suspension-en.eml",
		present: []string{"LURE_ACCOUNT_SUSPENSION", "LURE_BILLING", "LURE_VERIFY_IDENTITY"},
		flag:    true,
	}, {
		name:    "never click on links asking you to …, now",
		file:    "testdata/bandeaux/twins/faux-fournisseur-pied-never-click-now-en.eml",
		present: []string{"LURE_BILLING", "LURE_VERIFY_IDENTITY"},
		flag:    true,
	}, {
		name:    "aucun service ne vous demandera … : la menace",
		file:    "testdata/bandeaux/twins/faux-messagerie-pied-aucun-service-deux-points.eml",
		present: []string{"LURE_ACCOUNT_SUSPENSION"},
		flag:    true,
	}, {
		name:    "ne vous demandera jamais …, la menace",
		file:    "testdata/bandeaux/twins/faux-messagerie-pied-jamais-virgule-suspension.eml",
		present: []string{"LURE_ACCOUNT_SUSPENSION"},
		flag:    true,
	}})
}

// TestCiscoShownAddressIsNoDestination: Cisco's rewritten link shows an
// address in its last path segment, but its token carries where the
// redirect goes, and the sender can edit the segment (urlx.CiscoShown).
// Read as the destination, a harmless address there spared the link:
// the reply whose anchor and segment show service-public.fr over a
// token of the attacker's was accepted under the evaluation's trust
// (1.76), and the quarantine digest whose segment shows Mimecast's portal
// lost its lure signals (the vendor's release links are the digest's,
// lure.securityVendors). The link is now one to cisco.com, the shown
// address judged as a redirect's (free host, look-alike).
func TestCiscoShownAddressIsNoDestination(t *testing.T) {
	runShapesUnderBothTrusts(t, []sourceCase{{
		name:    "adresse affichée service-public.fr",
		file:    "testdata/bandeaux/twins/faux-cisco-adresse-affichee-service-public.eml",
		present: []string{"URL_TEXT_HREF_MISMATCH"},
		flag:    true,
	}, {
		name:    "quarantaine, adresse affichée Mimecast",
		file:    "testdata/bandeaux/twins/faux-cisco-quarantaine-adresse-mimecast.eml",
		present: []string{"LURE_PASSWORD_EXPIRY"},
		flag:    true,
	}, {
		name:    "page gratuite derrière Cisco",
		file:    "testdata/bandeaux/twins/faux-cisco-fichier-partage-page-gratuite.eml",
		present: []string{"URL_FREE_HOSTING", "URL_BRAND_IN_DOMAIN"},
		flag:    true,
	}, {
		name:   "la CCI, lien Cisco",
		file:   "testdata/bandeaux/cci-lien-cisco-secure-email.eml",
		accept: true,
	}})
}

// TestConditionalSecurityFooterIsNoLure: the awareness footer worded as a
// condition — "if you receive an email asking you to verify your account
// or update your payment details, do not click on any link", "si vous
// recevez un message vous invitant à vous connecter ou à vérifier votre
// compte, ne cliquez pas sur le lien" — is a reminder
// (lure.conditionalReminder): the Dutch supplier's reply with the English
// one was quarantined under the evaluation's trust (8.20:
// LURE_VERIFY_IDENTITY, LURE_BILLING and the LURE_CALLBACK they make with
// the signature's phone number), the French one scored 3.00. The
// phisher's condition without the negated instruction ("…, please do so
// today") is no reminder, and a threat after the instruction keeps its
// clause.
func TestConditionalSecurityFooterIsNoLure(t *testing.T) {
	runShapesUnderBothTrusts(t, []sourceCase{{
		name:   "pied conditionnel, anglais",
		file:   "testdata/bandeaux/fournisseur-nl-pied-conditionnel-en.eml",
		accept: true,
		absent: []string{"LURE_VERIFY_IDENTITY", "LURE_BILLING", "LURE_CALLBACK"},
	}, {
		name:   "pied conditionnel, français",
		file:   "testdata/bandeaux/fournisseur-nl-pied-conditionnel-fr.eml",
		accept: true,
		absent: []string{"LURE_VERIFY_IDENTITY"},
	}, {
		name:    "copie : la condition sans consigne niée",
		file:    "testdata/bandeaux/twins/faux-fournisseur-pied-conditionnel-sans-consigne-en.eml",
		present: []string{"LURE_VERIFY_IDENTITY", "LURE_BILLING"},
		flag:    true,
	}, {
		name:    "copie : la consigne niée, puis la menace",
		file:    "testdata/bandeaux/twins/faux-messagerie-pied-conditionnel-puis-menace.eml",
		present: []string{"LURE_ACCOUNT_SUSPENSION"},
		flag:    true,
	}})
}
