package hunt

import (
	"sort"
	"strings"
)

// Finding IDs: stable names used in docs, config, incident journals and the UI.
const (
	IOCURLClick        = "HUNT_IOC_URL_CLICK"
	IOCLogHit          = "HUNT_IOC_LOG_HIT"
	SignInIOCIP        = "HUNT_SIGNIN_IOC_IP"
	ImpossibleTravel   = "HUNT_IMPOSSIBLE_TRAVEL"
	NewCountry         = "HUNT_NEW_COUNTRY"
	NewASN             = "HUNT_NEW_ASN"
	UnusualHour        = "HUNT_UNUSUAL_HOUR"
	FailThenSuccess    = "HUNT_FAIL_THEN_SUCCESS"
	BruteForce         = "HUNT_BRUTE_FORCE"
	PasswordSpray      = "HUNT_PASSWORD_SPRAY"
	MFAFatigue         = "HUNT_MFA_FATIGUE"
	LegacyAuth         = "HUNT_LEGACY_AUTH"
	RiskySignIn        = "HUNT_RISKY_SIGNIN"
	LoginType          = "HUNT_LOGIN_TYPE"
	InboxRuleForward   = "HUNT_INBOX_RULE_FORWARD"
	InboxRuleDelete    = "HUNT_INBOX_RULE_DELETE"
	InboxRuleMarkRead  = "HUNT_INBOX_RULE_MARKREAD"
	InboxRuleMove      = "HUNT_INBOX_RULE_MOVE"
	InboxRuleShortName = "HUNT_INBOX_RULE_SHORTNAME"
	MailboxForwarding  = "HUNT_MAILBOX_FORWARDING"
	Delegation         = "HUNT_DELEGATION"
	OAuthConsent       = "HUNT_OAUTH_CONSENT"
	AppCredential      = "HUNT_APP_CREDENTIAL"
	AppPermission      = "HUNT_APP_PERMISSION"
	FederationChange   = "HUNT_FEDERATION_CHANGE"
	RoleAssignment     = "HUNT_ROLE_ASSIGNMENT"
	MFARemoved         = "HUNT_MFA_REMOVED"
	MFAMethodAdded     = "HUNT_MFA_METHOD_CHANGE"
	TransportRule      = "HUNT_TRANSPORT_RULE"
	AuditBypass        = "HUNT_AUDIT_BYPASS"
	AuditDisabled      = "HUNT_AUDIT_DISABLED"
	EDiscoverySearch   = "HUNT_EDISCOVERY_SEARCH"
	EDiscoveryExport   = "HUNT_EDISCOVERY_EXPORT"
	MailItemsAccessed  = "HUNT_MAIL_ITEMS_ACCESSED"
	OutboundSpike      = "HUNT_OUTBOUND_SPIKE"
)

// text is a finding's short title and explanation, French then English; " (%s)"
// in the explanation is the detail, left out where the detail is shown apart.
type text struct {
	title [2]string
	text  [2]string
}

var catalogue = map[string]text{
	IOCURLClick: {[2]string{"Clic sur un lien de l'incident", "Click on an incident link"}, [2]string{
		"Accès à une URL ou un domaine de l'incident (%s) : ce poste ou cet utilisateur a probablement cliqué sur le lien ; une requête POST laisse penser que des identifiants ont été saisis. Changer le mot de passe de l'utilisateur et vérifier ses connexions (fiche InterCERT, mesure 6).",
		"Request to an incident URL or domain (%s): this machine or user probably clicked the link; a POST suggests credentials were submitted. Reset the user's password and check their sign-ins (InterCERT fiche, measure 6)."}},
	IOCLogHit: {[2]string{"Indicateur présent dans les journaux", "Indicator in the logs"}, [2]string{
		"Un indicateur de l'incident apparaît dans les journaux (%s).",
		"An incident indicator appears in the logs (%s)."}},
	SignInIOCIP: {[2]string{"Connexion depuis une adresse de l'attaquant", "Sign-in from an attacker address"}, [2]string{
		"Connexion depuis une adresse IP de l'attaquant (%s) ; si elle a réussi, le compte est compromis : réinitialiser le mot de passe et révoquer les sessions (mesure 7).",
		"Sign-in from an attacker IP address (%s); if it succeeded the account is compromised: reset the password and revoke sessions (measure 7)."}},
	ImpossibleTravel: {[2]string{"Déplacement impossible", "Impossible travel"}, [2]string{
		"Deux connexions réussies trop éloignées pour le temps écoulé (%s) : l'une des deux vient probablement d'un tiers. Demander à l'utilisateur laquelle est la sienne.",
		"Two successful sign-ins too far apart for the time between them (%s): one of them is probably someone else. Ask the user which one was theirs."}},
	NewCountry: {[2]string{"Connexion depuis un nouveau pays", "Sign-in from a new country"}, [2]string{
		"Connexion réussie depuis un pays jamais vu pour cet utilisateur pendant la période de référence (%s). Vérifier avec l'utilisateur.",
		"Successful sign-in from a country not seen for this user during the baseline (%s). Check with the user."}},
	NewASN: {[2]string{"Connexion depuis un nouveau réseau", "Sign-in from a new network"}, [2]string{
		"Connexion réussie depuis un réseau (AS) jamais vu pour cet utilisateur pendant la période de référence (%s).",
		"Successful sign-in from a network (AS) not seen for this user during the baseline (%s)."}},
	UnusualHour: {[2]string{"Connexion à une heure inhabituelle", "Sign-in at an unusual hour"}, [2]string{
		"Connexion réussie à une heure inhabituelle pour cet utilisateur (%s).",
		"Successful sign-in at an hour unusual for this user (%s)."}},
	FailThenSuccess: {[2]string{"Échecs puis réussite", "Failures then success"}, [2]string{
		"Série d'échecs d'authentification suivie d'une réussite (%s) : mot de passe deviné ou obtenu. Réinitialiser le mot de passe et révoquer les sessions.",
		"A burst of failed sign-ins followed by a success (%s): a guessed or stolen password. Reset the password and revoke sessions."}},
	BruteForce: {[2]string{"Attaque par force brute", "Brute force"}, [2]string{
		"Nombreux échecs d'authentification en peu de temps (%s) : quelqu'un essaie des mots de passe. Vérifier qu'aucune connexion n'a réussi ensuite et bloquer l'adresse si elle est externe.",
		"Many failed sign-ins in a short time (%s): someone is trying passwords. Check that no sign-in succeeded afterwards and block the address if it is external."}},
	PasswordSpray: {[2]string{"Pulvérisation de mots de passe", "Password spray"}, [2]string{
		"Une même adresse a échoué à se connecter sur de nombreux comptes (%s) : essai d'un mot de passe courant sur toute l'organisation. Bloquer l'adresse, vérifier les comptes visés et imposer le second facteur.",
		"One address failed to sign in to many accounts (%s): a common password tried across the organisation. Block the address, check the accounts targeted and enforce MFA."}},
	MFAFatigue: {[2]string{"Bombardement MFA", "MFA fatigue"}, [2]string{
		"Refus ou absence de réponse répétés au second facteur (%s) : bombardement de notifications MFA, le mot de passe est connu de l'attaquant. Le changer.",
		"Repeated MFA denials or unanswered prompts (%s): push fatigue, the attacker knows the password. Change it."}},
	LegacyAuth: {[2]string{"Authentification héritée", "Legacy authentication"}, [2]string{
		"Connexion réussie par un protocole qui ne permet ni second facteur ni accès conditionnel (%s) : la voie préférée des attaques par mot de passe. Bloquer l'authentification héritée, ou ajouter ce compte aux exceptions s'il en a vraiment besoin.",
		"Successful sign-in over a protocol that allows neither MFA nor conditional access (%s): the preferred path of password attacks. Block legacy authentication, or add this account to the exceptions if it truly needs it."}},
	RiskySignIn: {[2]string{"Connexion jugée risquée par le fournisseur", "Sign-in the provider flagged as risky"}, [2]string{
		"Le fournisseur d'identité a lui-même jugé cette connexion risquée (%s). Confirmer avec l'utilisateur ; si ce n'est pas lui, réinitialiser le mot de passe et révoquer les sessions.",
		"The identity provider itself flagged this sign-in as risky (%s). Confirm with the user; if it was not them, reset the password and revoke sessions."}},
	LoginType: {[2]string{"Type de connexion non approuvé", "Unapproved login type"}, [2]string{
		"Connexion d'un type qui n'est pas dans la liste approuvée (%s) : une voie d'accès inattendue à ce compte.",
		"Sign-in of a type that is not in the approved list (%s): an unexpected way into this account."}},
	InboxRuleForward: {[2]string{"Règle qui transfère à l'extérieur", "Rule forwarding outside"}, [2]string{
		"Règle de boîte de réception qui transfère le courrier hors de l'organisation (%s). La supprimer et chercher ce qui a déjà été transféré (mesure 8).",
		"Inbox rule forwarding mail outside the organisation (%s). Remove it and find what was already forwarded (measure 8)."}},
	InboxRuleDelete: {[2]string{"Règle qui supprime des messages", "Rule deleting mail"}, [2]string{
		"Règle de boîte de réception qui supprime des messages (%s) : l'attaquant cache souvent ainsi les réponses et alertes (fiche 002, mesure 6.a).",
		"Inbox rule deleting messages (%s): attackers use this to hide replies and alerts (fiche 002, measure 6.a)."}},
	InboxRuleMarkRead: {[2]string{"Règle qui marque comme lu", "Rule marking mail read"}, [2]string{
		"Règle de boîte de réception qui marque des messages comme lus (%s) : l'utilisateur ne les voit pas arriver (fiche 002, mesure 6.a).",
		"Inbox rule marking messages as read (%s): the user does not see them arrive (fiche 002, measure 6.a)."}},
	InboxRuleMove: {[2]string{"Règle qui cache des messages", "Rule hiding mail"}, [2]string{
		"Règle qui déplace des messages vers un dossier peu consulté (%s), technique classique pour masquer le courrier.",
		"Rule moving mail to a rarely opened folder (%s), a classic way to hide mail."}},
	InboxRuleShortName: {[2]string{"Règle au nom suspect", "Rule with a suspicious name"}, [2]string{
		"Règle de boîte de réception au nom d'un ou deux caractères (%s), typique des règles créées par un attaquant.",
		"Inbox rule with a one- or two-character name (%s), typical of attacker-made rules."}},
	MailboxForwarding: {[2]string{"Transfert de boîte vers l'extérieur", "Mailbox forwarding outside"}, [2]string{
		"Transfert de la boîte aux lettres vers une adresse externe (%s). Le désactiver s'il n'est pas voulu et chercher ce qui a été transféré.",
		"Mailbox forwarding to an external address (%s). Turn it off if unwanted and find what was forwarded."}},
	Delegation: {[2]string{"Nouvelle délégation", "New delegation"}, [2]string{
		"Nouvelle délégation ou permission sur une boîte aux lettres (%s) : vérifier qu'elle est légitime.",
		"New delegation or permission on a mailbox (%s): check it is legitimate."}},
	OAuthConsent: {[2]string{"Consentement OAuth", "OAuth consent"}, [2]string{
		"Consentement OAuth accordé à une application (%s) : elle garde l'accès même après changement du mot de passe. Révoquer le consentement si l'application n'est pas connue.",
		"OAuth consent granted to an application (%s): it keeps access even after a password change. Revoke the consent if the application is not known."}},
	AppCredential: {[2]string{"Secret ajouté à une application", "Credential added to an application"}, [2]string{
		"Un secret ou un certificat a été ajouté à une application ou un principal de service (%s) : qui le détient agit au nom de l'application, sans mot de passe ni second facteur. Vérifier qui l'a ajouté, le supprimer s'il n'est pas connu.",
		"A secret or certificate was added to an application or service principal (%s): whoever holds it acts as the application, with no password or MFA. Check who added it and remove it if unknown."}},
	AppPermission: {[2]string{"Permissions d'application modifiées", "Application permissions changed"}, [2]string{
		"Les permissions d'une application ont été étendues (%s) : avec des droits sur le courrier, elle peut lire toutes les boîtes. Vérifier le besoin et retirer les droits inutiles.",
		"An application's permissions were extended (%s): with rights on mail it can read every mailbox. Check the need and remove unneeded rights."}},
	FederationChange: {[2]string{"Fédération de domaine modifiée", "Domain federation changed"}, [2]string{
		"L'authentification ou la fédération d'un domaine a été modifiée (%s) : un fournisseur d'identité ajouté par l'attaquant lui permet de se connecter comme n'importe quel utilisateur (Golden SAML). Vérifier immédiatement.",
		"A domain's authentication or federation settings changed (%s): an identity provider added by an attacker lets them sign in as any user (Golden SAML). Check at once."}},
	RoleAssignment: {[2]string{"Rôle d'administration attribué", "Admin role assigned"}, [2]string{
		"Un compte a reçu un rôle d'administration (%s). Vérifier que l'attribution est voulue.",
		"An account was given an administrator role (%s). Check the assignment is intended."}},
	MFARemoved: {[2]string{"Second facteur supprimé", "MFA removed"}, [2]string{
		"Le second facteur d'un compte a été supprimé ou désactivé (%s) : le compte ne tient plus qu'à son mot de passe. Vérifier la demande et le réactiver.",
		"An account's second factor was removed or disabled (%s): the account now rests on its password alone. Check the request and turn it back on."}},
	MFAMethodAdded: {[2]string{"Méthode MFA ajoutée ou changée", "MFA method added or changed"}, [2]string{
		"Une méthode d'authentification a été enregistrée ou modifiée (%s) : un attaquant qui a le mot de passe y ajoute son propre téléphone. Vérifier avec l'utilisateur.",
		"An authentication method was registered or changed (%s): an attacker with the password adds their own phone. Check with the user."}},
	TransportRule: {[2]string{"Règle de flux de messagerie", "Mail flow rule"}, [2]string{
		"Une règle de transport ou un connecteur de l'organisation a été créé ou modifié (%s) : elle peut copier, rediriger ou supprimer le courrier de tous. Vérifier.",
		"An organisation mail flow rule or connector was created or changed (%s): it can copy, redirect or delete everyone's mail. Check it."}},
	AuditBypass: {[2]string{"Contournement de l'audit", "Audit bypass"}, [2]string{
		"Un compte a été exempté de l'audit des boîtes aux lettres (%s) : ses accès ne laissent plus de trace. Annuler si ce n'est pas voulu.",
		"An account was exempted from mailbox auditing (%s): its access leaves no trace. Undo it if unintended."}},
	AuditDisabled: {[2]string{"Audit désactivé", "Audit turned off"}, [2]string{
		"L'audit d'une boîte ou de l'organisation a été désactivé (%s) : un attaquant efface ainsi ses traces. Le réactiver.",
		"Mailbox or organisation auditing was turned off (%s): attackers do so to hide. Turn it back on."}},
	EDiscoverySearch: {[2]string{"Recherche eDiscovery", "eDiscovery search"}, [2]string{
		"Une recherche de contenu a été lancée sur les boîtes aux lettres (%s) : vérifier qu'elle répond à une demande légitime.",
		"A content search was run over mailboxes (%s): check it answers a legitimate request."}},
	EDiscoveryExport: {[2]string{"Export eDiscovery", "eDiscovery export"}, [2]string{
		"Des résultats de recherche ont été exportés, téléchargés ou purgés (%s) : du courrier a pu quitter l'organisation. Vérifier qui et pourquoi.",
		"Search results were exported, downloaded or purged (%s): mail may have left the organisation. Check who and why."}},
	MailItemsAccessed: {[2]string{"Lecture massive ou par application", "Mass or application mail reads"}, [2]string{
		"Lecture de messages d'une boîte en masse ou par une application via l'API (%s) : c'est ainsi qu'un attaquant exfiltre le courrier. Identifier l'application ou la session et les messages lus.",
		"Mailbox items read in bulk or by an application through the API (%s): this is how attackers exfiltrate mail. Identify the application or session and the messages read."}},
	OutboundSpike: {[2]string{"Pic d'envoi", "Outbound spike"}, [2]string{
		"Pic d'envoi de courrier depuis ce compte (%s) : compte probablement utilisé pour du spam ou de l'hameçonnage. Bloquer l'envoi et changer le mot de passe.",
		"Outbound mail spike from this account (%s): the account is probably sending spam or phishing. Block sending and change the password."}},
}

// IDs lists every finding ID.
func IDs() []string {
	ids := make([]string, 0, len(catalogue))
	for id := range catalogue {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Advice returns a finding ID's explanation without its detail, for a
// display that shows the detail apart: French when fr, else English.
func Advice(id string, fr bool) string {
	t := catalogue[id]
	i := 1
	if fr {
		i = 0
	}
	return strings.Replace(t.text[i], " (%s)", "", 1)
}

// Titles returns a finding ID's short title in French and English.
func Titles(id string) (fr, en string) {
	t := catalogue[id]
	return t.title[0], t.title[1]
}
