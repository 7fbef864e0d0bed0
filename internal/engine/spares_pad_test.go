package engine

import (
	"strings"
	"testing"
)

// Two spares count the sources a message cites: URL_SHORTENER in a
// digest of ten sources or more (a press review's plain-text edition
// shortens long article addresses), and URL_BRAND_IN_DOMAIN for an
// everyday-word combosquat host among ten sources or more (an add-on in a
// software newsletter). An attacker who reads the source adds padding
// links to reach the count: home pages under their bare domains, a
// brand's footer of social-network icons, images, one "En savoir plus"
// under every link. Each padded lure must score at least what it scores
// without the padding, less 0.1; the digests the spares are for stay
// accepted in their fixtures (testdata/modern: the press review, the
// software newsletter) and in TestUnseenSourcesShapes.
func TestPaddingBuysNoSpare(t *testing.T) {
	for _, c := range paddingAttacks {
		t.Run(c.name, func(t *testing.T) {
			plain := scanWith(t, unaligned, msg(c.headers, c.body("")), unalignedEnv)
			attack := scanWith(t, unaligned, msg(c.headers, c.body(c.padding)), unalignedEnv)
			t.Logf("plain %5.2f %-10s %s", plain.Score, plain.Action, explainVerdict(plain))
			t.Logf("attack %5.2f %-10s %s", attack.Score, attack.Action, explainVerdict(attack))
			if !plain.Has(c.signal) {
				t.Fatalf("%s not raised for the plain lure: the case proves nothing", c.signal)
			}
			if attack.Score < plain.Score-0.1 {
				t.Errorf("padding lowers the lure: %.2f, plain %.2f", attack.Score, plain.Score)
			}
			if !attack.Has(c.signal) {
				t.Errorf("%s not raised for the padded lure (%.2f)", c.signal, attack.Score)
			}
		})
	}
}

type paddingAttack struct {
	name, signal, headers string
	padding               string
	body                  func(padding string) string
}

// Padding rows: eleven registrable domains each, none of them citing a
// page under words of its own.
var (
	// homePages is vendorFooter's eleven small sites, home pages under
	// their domains.
	homePages = vendorFooter
	// socialIcons is socialFooter: a page of each network under its bare
	// name.
	socialIcons = socialFooter
	// imageIcons are image-only anchors leading to pages of eleven sites.
	imageIcons = padRow(func(d string) string {
		return `<a href="https://www.` + d + `/page/accueil"><img src="https://www.` + d + `/logo.png" width="24" height="24"></a> `
	})
	// sameWords is one "En savoir plus" under a page of each of eleven
	// sites.
	sameWords = padRow(func(d string) string {
		return `<a href="https://www.` + d + `/actualites/2026">En savoir plus</a> | `
	})
	// hiddenHeadlines are eleven headlines to articles, each in words of
	// its own, in a span the reader does not see.
	hiddenHeadlines = `<span style="display:none">` + padRow(func(d string) string {
		return `<a href="https://www.` + d + `/actualites/2026/article">Les nouvelles de ` + strings.TrimSuffix(d, "-exemple.fr") + `</a> | `
	}) + `</span>`
)

func padRow(link func(domain string) string) string {
	var b strings.Builder
	for _, d := range []string{"atelier-bois-exemple.fr", "cabinet-martin-exemple.fr", "garage-dupuis-exemple.fr", "librairie-du-port-exemple.fr", "fromagerie-exemple.fr", "camping-des-pins-exemple.fr", "velo-club-exemple.fr", "ecole-musique-exemple.fr", "boulangerie-exemple.fr", "pharmacie-centre-exemple.fr", "club-tennis-exemple.fr"} {
		b.WriteString(link(d))
	}
	return b.String()
}

// shortenedGrid is the written-out shortened address in a message with
// a plain-text edition (multipart/alternative, the press review's
// layout), in words no catalogue holds; padding goes in the HTML part.
func shortenedGrid(padding string) string {
	return "--pad1\nContent-Type: text/plain; charset=utf-8\n\nBonjour,\n\nLa nouvelle grille des primes 2027 est disponible : https://bit.ly/3xQz7Pk\n\nService RH\n\n" +
		"--pad1\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>Bonjour,</p>\n<p>La nouvelle grille des primes 2027 est disponible : https://bit.ly/3xQz7Pk</p>\n<p>Service RH</p>\n<p>" + padding + "</p></body></html>\n--pad1--\n"
}

// textOnlyAddresses is the shortened grid with eleven addresses of
// articles written out in its plain-text edition only, which a mail
// reader showing the HTML edition never displays.
func textOnlyAddresses(string) string {
	var pad strings.Builder
	for _, d := range strings.Fields(padRow(func(d string) string { return d + " " })) {
		pad.WriteString("https://www." + d + "/actualites/2026/article\n")
	}
	return "--pad1\nContent-Type: text/plain; charset=utf-8\n\nBonjour,\n\nLa nouvelle grille des primes 2027 est disponible : https://bit.ly/3xQz7Pk\n\nService RH\n\n" + pad.String() +
		"\n--pad1\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>Bonjour,</p>\n<p>La nouvelle grille des primes 2027 est disponible : https://bit.ly/3xQz7Pk</p>\n<p>Service RH</p></body></html>\n--pad1--\n"
}

// newMessage is the combosquat host under one "Ouvrir", in words no
// catalogue holds.
func newMessage(padding string) string {
	return "<html><body><p>Bonjour,</p>\n<p>Un nouveau message vous attend.</p>\n<p><a href=\"https://outlook-secure-docs.com/view\">Ouvrir</a></p><p>" + padding + "</p></body></html>\n"
}

const (
	rhHeaders     = "From: Service RH <rh@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Nouvelle grille des primes 2027\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <pad1@portail-agents-info.fr>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"pad1\""
	webmailHeader = "From: Messagerie <info@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Nouveau message\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <pad2@portail-agents-info.fr>\n" + dayHTML
)

var paddingAttacks = []paddingAttack{
	{name: "shortener with a text edition, eleven home pages", signal: "URL_SHORTENER", headers: rhHeaders, padding: homePages, body: shortenedGrid},
	{name: "shortener with a text edition, social-network icons", signal: "URL_SHORTENER", headers: rhHeaders, padding: socialIcons, body: shortenedGrid},
	{name: "shortener with a text edition, image-only anchors", signal: "URL_SHORTENER", headers: rhHeaders, padding: imageIcons, body: shortenedGrid},
	{name: "shortener with a text edition, one anchor text repeated", signal: "URL_SHORTENER", headers: rhHeaders, padding: sameWords, body: shortenedGrid},
	{name: "shortener with a text edition, hidden headlines", signal: "URL_SHORTENER", headers: rhHeaders, padding: hiddenHeadlines, body: shortenedGrid},
	{name: "shortener, article addresses in the unseen text edition", signal: "URL_SHORTENER", headers: rhHeaders, padding: "x", body: func(p string) string {
		if p == "" {
			return shortenedGrid("")
		}
		return textOnlyAddresses(p)
	}},
	{name: "combosquat host, eleven home pages", signal: "URL_BRAND_IN_DOMAIN", headers: webmailHeader, padding: homePages, body: newMessage},
	{name: "combosquat host, social-network icons", signal: "URL_BRAND_IN_DOMAIN", headers: webmailHeader, padding: socialIcons, body: newMessage},
	{name: "combosquat host, image-only anchors", signal: "URL_BRAND_IN_DOMAIN", headers: webmailHeader, padding: imageIcons, body: newMessage},
	{name: "combosquat host, one anchor text repeated", signal: "URL_BRAND_IN_DOMAIN", headers: webmailHeader, padding: sameWords, body: newMessage},
	{name: "combosquat host, hidden headlines", signal: "URL_BRAND_IN_DOMAIN", headers: webmailHeader, padding: hiddenHeadlines, body: newMessage},
}
