package web

// Strings of the daily-use console (issue 18): errors put into words,
// paging, bulk decisions, learning, release requests and the digest.
// They join the catalogue at start-up; the catalogue test checks both
// languages have every key.
var consoleStrings = map[string]map[string]string{
	"fr": {
		"err.bad":          "Requête refusée : %s",
		"err.deleted":      "Ce message a été supprimé (par %s, le %s) : son contenu n'est plus disponible, seule sa trace reste.",
		"err.nexthop":      "Le serveur de messagerie suivant n'a pas accepté le message (%s). Le message reste en quarantaine : réessayez quand ce serveur répondra.",
		"err.nonexthop":    "Aucun serveur de sortie n'est configuré pour libérer les messages (relay.next_hop ou quarantine.release_to). Le message reste en quarantaine.",
		"err.notheld":      "Ce message n'est plus retenu : il a déjà été libéré ou supprimé.",
		"err.notfound":     "Introuvable : cet élément n'existe pas ou plus.",
		"err.unauthorized": "Connexion requise.",
		"err.csrf":         "Jeton de sécurité manquant ou périmé : rechargez la page et recommencez.",
		"err.role":         "Votre rôle ne permet pas cette action.",
		"err.back.message": "Retour au message",
	},
	"en": {
		"err.bad":          "Request refused: %s",
		"err.deleted":      "This message was deleted (by %s, on %s): its content is gone, only its trace remains.",
		"err.nexthop":      "The next mail server did not accept the message (%s). The message stays in quarantine: try again once that server answers.",
		"err.nonexthop":    "No outbound server is configured to release messages (relay.next_hop or quarantine.release_to). The message stays in quarantine.",
		"err.notheld":      "This message is no longer held: it was already released or deleted.",
		"err.notfound":     "Not found: this item does not exist or no longer exists.",
		"err.unauthorized": "Log-in required.",
		"err.csrf":         "Missing or stale security token: reload the page and try again.",
		"err.role":         "Your role does not allow this action.",
		"err.back.message": "Back to the message",
	},
}

func init() {
	for l, m := range consoleStrings {
		for k, v := range m {
			catalogue[l][k] = v
		}
	}
}
