package engine

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// A phisher's link evasions: the lures of the must-flag sets and every
// twins/ directory, with each link written as a browser still follows it
// to the same page but plain string matching no longer reads it — the
// "@" trick, a host's case and final dot, percent-encoded letters,
// numeric IPv4 forms, IDNA full stops, backslashes, zero-width
// characters, a <base> (BaseStriker), the link only in an <area>, a
// <form>, an attached page's refresh or an SVG, a chain of open
// redirects. A lure flagged as written must stay flagged; the genuine
// must-accept sets go through the transformations an honest sender's
// software produces (upper-case host, final dot) and must stay accepted.
// What is left open is in linkEvasionsKnown with its reason, and in
// testdata/gaps/README.md ("Link evasions").

// linkRewrite changes one absolute http(s) URL as the phisher writes it.
type linkRewrite func(u string) string

// splitURL cuts an absolute http(s) URL into its scheme with "://", its
// authority and the rest (path, query, fragment); ok is false for another
// string.
func splitURL(u string) (scheme, authority, rest string, ok bool) {
	i := strings.Index(u, "://")
	if i < 0 {
		return "", "", "", false
	}
	scheme, after := u[:i+3], u[i+3:]
	if s := strings.ToLower(scheme); s != "http://" && s != "https://" {
		return "", "", "", false
	}
	j := strings.IndexAny(after, "/?#")
	if j < 0 {
		return scheme, after, "", true
	}
	return scheme, after[:j], after[j:], true
}

// onHost returns a linkRewrite that changes the host of a URL with f,
// leaving userinfo and port as written.
func onHost(f func(host string) string) linkRewrite {
	return func(u string) string {
		scheme, auth, rest, ok := splitURL(u)
		if !ok {
			return u
		}
		user := ""
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			user, auth = auth[:at+1], auth[at+1:]
		}
		port := ""
		if c := strings.LastIndexByte(auth, ':'); c >= 0 && !strings.Contains(auth, "]") {
			auth, port = auth[:c], auth[c:]
		}
		return scheme + user + f(auth) + port + rest
	}
}

var (
	// anyLink is an absolute http(s) URL in an attribute or in text.
	anyLink = regexp.MustCompile(`(?i)https?://[^\s<>"']+[^\s<>"'.,;:!?)\]]`)
	// hrefValue is an absolute http(s) href or action value.
	hrefValue = regexp.MustCompile(`(?i)((?:href|action)\s*=\s*)(["'])(https?://[^"']+)(["'])`)
	// anchorElem is an <a> element with an absolute http(s) href, and its
	// content.
	anchorElem = regexp.MustCompile(`(?is)<a\b[^>]*?\bhref\s*=\s*["'](https?://[^"']+)["'][^>]*>(.*?)</a\s*>`)
	headStart  = regexp.MustCompile(`(?i)<head[^>]*>`)
)

// linkScope says which links a transformation rewrites.
type linkScope int

const (
	// allLinks: every http(s) link of the text and HTML bodies, hrefs,
	// images and the addresses the text shows.
	allLinks linkScope = iota
	// hrefs: the HTML's href and action values, and the text part's links.
	hrefs
	// hrefsHTMLOnly: the HTML's href and action values; the text part's
	// links are taken out, as a phisher's HTML-only message has none.
	hrefsHTMLOnly
)

// everyLink returns the transformation that rewrites the links of the
// text and HTML bodies in scope with f.
func everyLink(f linkRewrite, scope linkScope) func([]byte, site) ([]byte, error) {
	return func(raw []byte, _ site) ([]byte, error) {
		if scope == hrefsHTMLOnly && !hasHTMLBody(raw) {
			return rewriteMIME(raw, nil, nil)
		}
		return rewriteMIME(raw, nil, func(h *message.Header, body []byte) []byte {
			isHTML, ok := bodyPart(h)
			switch {
			case !ok:
				return body
			case isHTML && scope != allLinks:
				return hrefValue.ReplaceAllFunc(body, func(m []byte) []byte {
					g := hrefValue.FindSubmatch(m)
					target := html.UnescapeString(string(g[3]))
					return []byte(string(g[1]) + string(g[2]) + html.EscapeString(f(target)) + string(g[4]))
				})
			case !isHTML && scope == hrefsHTMLOnly:
				return anyLink.ReplaceAll(body, nil)
			}
			return anyLink.ReplaceAllFunc(body, func(m []byte) []byte { return []byte(f(string(m))) })
		})
	}
}

// htmlAndText returns the transformation that changes the HTML bodies
// with inHTML and strips the links from the text bodies, so that the
// page is reached only as inHTML writes it; a text-only message is left
// as it is.
func htmlAndText(inHTML func([]byte) []byte) func([]byte, site) ([]byte, error) {
	return func(raw []byte, _ site) ([]byte, error) {
		if !hasHTMLBody(raw) {
			return rewriteMIME(raw, nil, nil)
		}
		return rewriteMIME(raw, nil, func(h *message.Header, body []byte) []byte {
			isHTML, ok := bodyPart(h)
			switch {
			case !ok:
				return body
			case isHTML:
				return inHTML(body)
			}
			return anyLink.ReplaceAll(body, nil)
		})
	}
}

// firstLinkOf returns the first http(s) link of the text and HTML bodies
// of raw, the HTML's href first.
func firstLinkOf(raw []byte) string {
	var href, text string
	rewriteMIME(raw, nil, func(h *message.Header, body []byte) []byte {
		isHTML, ok := bodyPart(h)
		if !ok {
			return body
		}
		if isHTML && href == "" {
			if g := anchorElem.FindSubmatch(body); g != nil {
				href = html.UnescapeString(string(g[1]))
			}
		}
		if text == "" {
			text = html.UnescapeString(string(anyLink.Find(body)))
		}
		return body
	})
	if href != "" {
		return href
	}
	return text
}

// hostCase writes the host in capitals, or in alternating case: hosts are
// case-insensitive (RFC 3986 §3.2.2), and some mailers' templates write
// them so.
func hostCase(mixed bool) linkRewrite {
	return onHost(func(h string) string {
		if !mixed {
			return strings.Map(func(r rune) rune {
				if 'a' <= r && r <= 'z' {
					return r - 'a' + 'A'
				}
				return r
			}, h)
		}
		b := []byte(h)
		for i, c := range b {
			if i%2 == 0 && 'a' <= c && c <= 'z' {
				b[i] = c - 'a' + 'A'
			}
		}
		return string(b)
	})
}

// percentLetters percent-encodes the vowels of the host, which a browser
// decodes before reading it (WHATWG URL Standard, host parsing: "percent-
// decode"): https://ev%69l.example/ is https://evil.example/.
var percentLetters = onHost(func(h string) string {
	var b strings.Builder
	for _, c := range h {
		if strings.ContainsRune("aeiou", c) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
})

// ipHost replaces a name by a documentation address (RFC 5737), dotted
// or in one of the numeric forms a browser's IPv4 parser reads (WHATWG URL
// Standard §3.5: one decimal number, hexadecimal, octal parts); vendors
// report the forms on phishing links (e.g. Proofpoint on obfuscated IPs,
// and the "Hex encoded IP addresses" entries of SpamAssassin's and
// Trustwave's URL rules). An address already numeric keeps its number.
func ipHost(form string) linkRewrite {
	const ip = uint32(198)<<24 | 51<<16 | 100<<8 | 23
	return onHost(func(string) string {
		switch form {
		case "decimal":
			return strconv.FormatUint(uint64(ip), 10)
		case "hex":
			return "0x" + strings.ToUpper(strconv.FormatUint(uint64(ip), 16))
		case "octal":
			return fmt.Sprintf("0%o.0%o.0%o.0%o", ip>>24, ip>>16&255, ip>>8&255, ip&255)
		}
		return "198.51.100.23"
	})
}

// idnaStops writes the host's dots as the full stops UTS 46 maps to
// '.': ideographic (U+3002), fullwidth (U+FF0E), halfwidth ideographic
// (U+FF61), in turn.
var idnaStops = onHost(func(h string) string {
	stops := []string{"\u3002", "\uFF0E", "\uFF61"}
	var b strings.Builder
	n := 0
	for _, c := range h {
		if c == '.' {
			b.WriteString(stops[n%3])
			n++
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
})

// backslashes writes the slashes after the scheme and in the path as
// backslashes, which a browser reads as slashes in http(s) URLs (WHATWG
// URL Standard, special-scheme parsing): https:\\evil.example\login.
func backslashes(u string) string {
	scheme, auth, rest, ok := splitURL(u)
	if !ok {
		return u
	}
	path, query := rest, ""
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		path, query = rest[:i], rest[i:]
	}
	return strings.TrimSuffix(scheme, "//") + `\\` + auth + strings.ReplaceAll(path, "/", `\`) + query
}

// zwaspHost puts zero-width characters inside the host of an href (Z-WASP, Avanan 2019: zero-width
// spaces and joiners break a URL for the filter, not for the reader's
// client, which drops them). UTS 46 maps U+200B and U+FEFF to nothing.
var zwaspHost = onHost(func(h string) string {
	d := strings.IndexByte(h, '.')
	if d < 2 {
		return h
	}
	return h[:d/2] + "\u200b" + h[d/2:d] + "\ufeff" + h[d:]
})

// baseStriker moves the host of the first link into a <base href> and
// writes every link on that host as a relative reference (BaseStriker,
// Avanan 2018); the text part loses its links to that host, as a
// phisher's HTML-only message has none.
func baseStriker(raw []byte, s site) ([]byte, error) {
	first := firstLinkOf(raw)
	scheme, auth, _, ok := splitURL(first)
	if !ok || !hasHTMLBody(raw) {
		return rewriteMIME(raw, nil, nil)
	}
	base := scheme + auth
	relative := regexp.MustCompile(`(?i)((?:href|action)\s*=\s*["'])` + regexp.QuoteMeta(html.EscapeString(base)) + `(?:/|(["'?#]))`)
	inText := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(base) + `(?:[/?#][^\s<>"']*)?`)
	return rewriteMIME(raw, nil, func(h *message.Header, body []byte) []byte {
		isHTML, ok := bodyPart(h)
		switch {
		case !ok:
			return body
		case !isHTML:
			return inText.ReplaceAll(body, nil)
		}
		body = relative.ReplaceAll(body, []byte("${1}${2}"))
		tag := `<base href="` + html.EscapeString(base) + `/">`
		if loc := headStart.FindIndex(body); loc != nil {
			return append(append(append([]byte{}, body[:loc[1]]...), tag...), body[loc[1]:]...)
		}
		return append([]byte(tag), body...)
	})
}

// areaOnly writes each link as an image map's <area>, the anchor's text
// kept as text (vendors on image-map links: the whole picture clickable,
// no <a> to read).
var areaOnly = htmlAndText(func(body []byte) []byte {
	n := 0
	return anchorElem.ReplaceAllFunc(body, func(m []byte) []byte {
		g := anchorElem.FindSubmatch(m)
		n++
		return []byte(fmt.Sprintf(`%s<map name="m%d"><area shape="rect" coords="0,0,600,80" href="%s"></map>`, g[2], n, g[1]))
	})
})

// formOnly writes each link as a form's action with a button carrying
// the anchor's text (credential-phishing forms in the HTML body or an
// attachment: Microsoft, "HTML smuggling", 2021; Trustwave on HTML
// attachments).
var formOnly = htmlAndText(func(body []byte) []byte {
	return anchorElem.ReplaceAllFunc(body, func(m []byte) []byte {
		g := anchorElem.FindSubmatch(m)
		return []byte(fmt.Sprintf(`<form action="%s" method="post"><button type="submit">%s</button></form>`, g[1], g[2]))
	})
})

// attachedOnly strips every http(s) link from the bodies and attaches a
// page that leads to the first one: an HTML attachment that refreshes to
// it (<meta http-equiv="refresh">) or an SVG picture whose link carries
// it (xlink:href) — HTML and SVG smuggling (Microsoft Threat Intelligence,
// "HTML smuggling surges", 2021; Cloudflare and Sophos on SVG phishing
// attachments, 2024).
func attachedOnly(svg bool) func([]byte, site) ([]byte, error) {
	return func(raw []byte, s site) ([]byte, error) {
		target := firstLinkOf(raw)
		stripped, err := rewriteMIME(raw, nil, func(h *message.Header, body []byte) []byte {
			isHTML, ok := bodyPart(h)
			if !ok {
				return body
			}
			if isHTML {
				body = anchorElem.ReplaceAll(body, []byte("$2"))
			}
			return anyLink.ReplaceAll(body, nil)
		})
		if err != nil || target == "" {
			return stripped, err
		}
		name, ctype := "document.html", "text/html"
		page := `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=` + html.EscapeString(target) + `"><title>Document</title></head><body>Chargement du document…</body></html>`
		if svg {
			name, ctype = "document.svg", "image/svg+xml"
			page = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="600" height="200"><a xlink:href="` + html.EscapeString(target) + `"><rect width="600" height="200" fill="#0078d4"/><text x="40" y="110" fill="#fff" font-size="28">Ouvrir le document</text></a></svg>`
		}
		return withAttachment(stripped, name, ctype, []byte(page))
	}
}

// withAttachment returns raw as multipart/mixed: its body as the first
// part, then the file attached, base64-encoded.
func withAttachment(raw []byte, name, ctype string, content []byte) ([]byte, error) {
	crlf := bytes.Contains(raw, []byte("\r\n"))
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	head, body, ok := bytes.Cut(raw, []byte("\n\n"))
	if !ok {
		return nil, fmt.Errorf("no body")
	}
	var top, part []string
	for _, field := range splitFields(string(head)) {
		k, _, _ := strings.Cut(field, ":")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "content-type", "content-transfer-encoding":
			part = append(part, field)
		case "mime-version":
		default:
			top = append(top, field)
		}
	}
	if len(part) == 0 {
		part = []string{"Content-Type: text/plain; charset=us-ascii"}
	}
	const boundary = "=_evasion_mixed_7f3a"
	var b strings.Builder
	for _, f := range top {
		b.WriteString(f + "\n")
	}
	b.WriteString("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n")
	b.WriteString("--" + boundary + "\n" + strings.Join(part, "\n") + "\n\n")
	b.Write(body)
	b.WriteString("\n--" + boundary + "\nContent-Type: " + ctype + "; name=\"" + name + "\"\nContent-Disposition: attachment; filename=\"" + name + "\"\nContent-Transfer-Encoding: base64\n\n")
	enc := base64.StdEncoding.EncodeToString(content)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n--" + boundary + "--\n")
	out := b.String()
	if crlf {
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	return []byte(out), nil
}

// splitFields splits a header into its fields, each with its folded
// continuation lines.
func splitFields(head string) []string {
	var out []string
	for _, line := range strings.Split(head, "\n") {
		if len(out) > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			out[len(out)-1] += "\n" + line
			continue
		}
		out = append(out, line)
	}
	return out
}

// redirectChain wraps the kit link in Bing's click tracker, that in
// Google's /url redirector, and the whole in Safe Links: the open-redirect
// chains Tycoon 2FA's lures go through (NTT Security, SamurAI report on
// Tycoon 2FA, 2025), rewritten on receipt by the reader's Defender.
func redirectChain(s site) linkRewrite {
	return func(u string) string {
		bing := "https://www.bing.com/ck/a?!&&p=4f1c2a7e9b3d5c60JmltdHM9MTczMzQ0MDAwMA&ptn=3&ver=2&hsh=4&fclid=2d5e8a1c-7b3f-6e20-1a4d-9c8b7e6f5a41&u=a1" +
			base64.RawURLEncoding.EncodeToString([]byte(u)) + "&ntb=1"
		google := "https://www.google.com/url?q=" + url.QueryEscape(bing) + "&sa=D&source=editors&ust=1733440000000000&usg=AOvVaw3kQm9Zp2Xr7Ty1Lb5Nc8Wd"
		return safeLink(google, s)
	}
}

// linkEvasions is the phisher's table; genuine marks the transformations
// an honest sender's software also produces, run over the must-accept
// sets.
var linkEvasions = []struct {
	transformation
	genuine bool
}{
	// RFC 3986 §3.2.1: what precedes "@" in the authority is userinfo;
	// the host is after it (the "@" trick, CERT/CC VU#490708 and every
	// vendor's list of URL obfuscations).
	{transformation: transformation{name: "userinfo", apply: everyLink(onHost(func(h string) string { return "login.microsoftonline.com@" + h }), allLinks)}},
	{transformation: transformation{name: "host-upper", apply: everyLink(hostCase(false), allLinks)}, genuine: true},
	{transformation: transformation{name: "host-mixed", apply: everyLink(hostCase(true), allLinks)}, genuine: true},
	// RFC 1034 §3.1: a name with its final dot is the same, absolute name.
	{transformation: transformation{name: "host-dot", apply: everyLink(onHost(func(h string) string { return h + "." }), allLinks)}, genuine: true},
	{transformation: transformation{name: "host-percent", apply: everyLink(percentLetters, hrefs)}},
	{transformation: transformation{name: "ip-dotted", apply: everyLink(ipHost("dotted"), hrefs)}},
	{transformation: transformation{name: "ip-decimal", apply: everyLink(ipHost("decimal"), hrefs)}},
	{transformation: transformation{name: "ip-hex", apply: everyLink(ipHost("hex"), hrefs)}},
	{transformation: transformation{name: "ip-octal", apply: everyLink(ipHost("octal"), hrefs)}},
	{transformation: transformation{name: "idna-stops", apply: everyLink(idnaStops, allLinks)}},
	{transformation: transformation{name: "backslashes", apply: everyLink(backslashes, allLinks)}},
	{transformation: transformation{name: "zero-width", apply: everyLink(zwaspHost, hrefsHTMLOnly)}},
	{transformation: transformation{name: "basestriker", apply: baseStriker}},
	{transformation: transformation{name: "area", apply: areaOnly}},
	{transformation: transformation{name: "form", apply: formOnly}},
	{transformation: transformation{name: "attached-refresh", apply: attachedOnly(false)}},
	{transformation: transformation{name: "attached-svg", apply: attachedOnly(true)}},
	{transformation: transformation{name: "redirect-chain", apply: func(raw []byte, s site) ([]byte, error) {
		return everyLink(redirectChain(s), hrefs)(raw, s)
	}}},
}

// Why the lures of linkEvasionsOpen are left accepted.
const (
	// ipForName: the address stands for the name everything else was
	// judged on (a free host, a look-alike, a brand in the name):
	// URL_IP_LITERAL alone (1.69) is under the threshold, and the weights
	// are learned, not raised for a test. Only the dotted form is left:
	// the numeric forms no honest sender writes (one number, hex, octal)
	// raise URL_IP_OBFUSCATED as well, and are flagged. A lure whose
	// words the lure catalogue reads as asking (a sign-in, a payment, a
	// card to renew, a fax to open) raises URL_IP_ASKS on the public
	// address and is flagged; those left ask in words no catalogue
	// phrase holds (a device code to paste, an invoice "ci-joint", a
	// tender's documents), and a public address under words is what a
	// 2002 newspaper's footer also was (ham-business sahard-, train).
	ipForName = "an address for the name takes the name's evidence away; URL_IP_LITERAL alone is under the threshold, and the words ask nothing the lure catalogue reads (no URL_IP_ASKS)"
	// pasteRunLink: the ClickFix twins are flagged on LURE_PASTE_RUN
	// alone, and the paste-and-run reading of the text loses the steps
	// once the address the text shows is written otherwise (percent-
	// encoded, backslashes, a redirect chain, moved to an attachment);
	// the link's host is read right (URL_ENCODED_LETTERS names it).
	pasteRunLink = "LURE_PASTE_RUN is lost when the text's address is written otherwise: a text reading, not the link's"
	// ciscoShown: the shown-address twins (Cisco's rewriting showing
	// service-public.fr over a free host; a bank's letter showing its
	// site over a look-alike) are flagged on the anchor text that shows
	// one site over a link to another; once the link is moved into an
	// <area>, a form or an attachment, or its dots changed, no anchor
	// text is compared with it any more.
	ciscoShown = "a shown-address twin is flagged on its anchor text, which the move takes away"
	// deviceTextOpen: the link is read right (Target
	// https://…/out.php?url=…devicelogin), yet the device-code reading
	// misses the ask once the text writes the address with backslashes;
	// not found yet.
	deviceTextOpen = "open: the link is read right; the device-code reading of the text is not"
)

// linkEvasionsOpen are the lures known to be accepted once their links
// are written one way of linkEvasions, by transformation and reason
// (linkEvasionsKnown's keys).
var linkEvasionsOpen = []struct {
	transformation, why string
	files               []string
}{
	{"host-percent", pasteRunLink, pasteRunTwins},
	{"ip-dotted", ipForName, []string{
		"affilies/twins/faux-facture-nom-affiche-lien-page-hebergeur-gratuit.eml",
		"aveugle/twins/revue-mon-espace-sante-from-officiel-forge.eml",
		"affilies/twins/faux-facture-nom-affiche-site-compromis-lien-chu-exemple-paiement.eml",
		"affilies/twins/faux-facture-nom-et-chiffres-page-hebergeur-gratuit.eml",
		"affilies/twins/faux-facture-nom-et-paiement-meme-hebergeur-que-page-declaree.eml",
		"affilies/twins/faux-facture-nom-seul-app-region-hebergeur-gratuit.eml",
		"affilies/twins/faux-facture-nom-seul-page-hebergeur-gratuit.eml",
		"appareils/twins/faux-ricoh-numerisation-lien-hebergeur-gratuit.eml",
		"bandeaux/twins/faux-cisco-fichier-partage-page-gratuite.eml",
		"devicecode/support-informatique-revalidation-mfa-domaine-usurpe-fr.eml",
		"devicecode/teams-invitation-code-secret-bouton-devicelogin-sosie-fr.eml",
		"devicecode/teams-meeting-invite-official-gmail-en.eml",
		"devicecode/teams-meeting-passcode-devicelogin-sosie-en.eml",
		"devicecode/twins/cli-output-reauthentification-sosie-en.eml",
		"devicecode/twins/gh-cli-sortie-collez-le-sosie-en.eml",
		"devicecode/twins/teams-invitation-partenaire-compromis-devicelogin-fr.eml",
		"marches/twins/faux-acheteur-chu-gmail-dce-lien.eml",
		"marches/twins/faux-appel-offres-dce-hebergeur-gratuit.eml",
		"marches/twins/faux-invitation-soumissionner-partage-documents.eml",
		"marketing/twins/sosie-invitation-webcast-inscription-connexion-hebergeur-gratuit.eml",
		"patients/twins/faux-patient-dossier-lien-hebergeur-jetable.eml",
		"patients/twins/faux-reclamation-voir-les-photos-hebergeur-gratuit.eml",
		"phish2026/aitm-notion-rapport-gmail.eml",
		"phishfam/sharepoint-partage-tenant-compromis-workers.eml",
		"phishfam/webmail-mot-de-passe-expire-ipfs.eml",
		"publics/twins/faux-dgfip-remboursement-nom-personne-signature-web-app.eml",
		"publics/twins/faux-dgfip-remboursement-nom-personne-signature-weebly.eml",
		"rhfraude/handbook-acknowledge-rh-usurpe-workers-dev-en.eml",
		"rhfraude/prime-partage-valeur-paie-usurpe-web-app-fr.eml",
		"rhfraude/revalorisation-salariale-avenant-outlook-webflow-fr.eml",
		"selfhosted/twins/sosie-dolibarr-facture-html-jointe.eml",
	}},
	{"idna-stops", ciscoShown, []string{
		"bandeaux/twins/faux-cisco-adresse-affichee-service-public.eml",
	}},
	{"backslashes", ciscoShown, []string{
		"bandeaux/twins/faux-cisco-adresse-affichee-service-public.eml",
	}},
	{"backslashes", pasteRunLink, pasteRunTwins},
	{"backslashes", deviceTextOpen, []string{
		"devicecode/redirection-ouverte-devicelogin-compromis-fr.eml",
	}},
	{"area", ciscoShown, []string{
		"bandeaux/twins/faux-cisco-adresse-affichee-service-public.eml",
		"routeurs/twins/faux-lettre-banque-regionale-site-affiche-lien-sosie.eml",
	}},
	{"form", ciscoShown, []string{
		"bandeaux/twins/faux-cisco-adresse-affichee-service-public.eml",
		"routeurs/twins/faux-lettre-banque-regionale-site-affiche-lien-sosie.eml",
	}},
	{"attached-svg", pasteRunLink, []string{
		"clickfix/twins/dsi-sosie-tapez-mshta-fr.eml",
	}},
	{"redirect-chain", pasteRunLink, pasteRunTwins},
}

// pasteRunTwins are the ClickFix twins whose "paste and run" steps are
// read beside the address their text shows: rewriting that address (into
// percent-encoded letters, backslashes, a redirect chain) loses the
// steps (pasteRunLink).
var pasteRunTwins = []string{
	"clickfix/twins/ciso-twin-never-here-or-elsewhere-without-it-en.eml",
	"clickfix/twins/dsi-sosie-chemin-leurre-signature-fr.eml",
	"clickfix/twins/dsi-sosie-correctif-copie-windows-r-fr.eml",
	"clickfix/twins/rssi-sosie-jamais-confiance-faux-captcha-fr.eml",
	"clickfix/twins/rssi-sosie-protection-faux-captcha-fr.eml",
	"clickfix/twins/rssi-sosie-refus-ici-comme-ailleurs-sans-instruction-fr.eml",
	"clickfix/twins/support-editeur-sosie-executer-coller-fr.eml",
}

// linkEvasionsKnown are the lures known to be accepted once their links
// are so written, with why each is left (testdata/gaps/README.md, "Link
// evasions").
var linkEvasionsKnown = func() map[string]string {
	known := map[string]string{}
	for _, e := range linkEvasionsOpen {
		for _, f := range e.files {
			known[e.transformation+" "+f] = e.why
		}
	}
	return known
}()

// linkGenuineKnown are the genuine fixtures known to be flagged once
// their links are so written.
var linkGenuineKnown = map[string]string{}

// TestLureLinksSurviveEvasions: each lure of mustFlagSets (evasion_test.go)
// flagged as written stays flagged with its links written each way of
// linkEvasions.
func TestLureLinksSurviveEvasions(t *testing.T) {
	var trs []transformation
	for _, e := range linkEvasions {
		trs = append(trs, e.transformation)
	}
	tried, accepted := transformSets(t, mustFlagSets(t), false, trs)
	report(t, "lures moved to accepted", trs, tried, accepted, linkEvasionsKnown)
}

// TestGenuineLinksSurviveHonestRewrites: each genuine fixture accepted
// as written stays accepted with its links written as honest software
// also writes them.
func TestGenuineLinksSurviveHonestRewrites(t *testing.T) {
	var trs []transformation
	for _, e := range linkEvasions {
		if e.genuine {
			trs = append(trs, e.transformation)
		}
	}
	tried, flagged := transformSets(t, metamorphSets(), true, trs)
	report(t, "genuine moved to flagged", trs, tried, flagged, linkGenuineKnown)
}

// TestTrainPhishLinksSurviveEvasions applies linkEvasions to the training
// phishing of the shared corpus, scored under the evaluation's trust,
// when VIGIE_TRAIN_LIST names a `vigie eval --list` file: only its rows
// marked train are read (the validation rows are not looked at). Each
// message flagged as written must stay flagged.
func TestTrainPhishLinksSurviveEvasions(t *testing.T) {
	var trs []transformation
	for _, e := range linkEvasions {
		trs = append(trs, e.transformation)
	}
	tried, got := transformTrainPhish(t, trs, site{domain: "chu-exemple.fr"})
	report(t, "training phish moved to accepted", trs, tried, got, trainLinkEvasionsKnown)
}

// recovered runs apply, a panic of go-message's writer on a malformed
// message of the shared corpus (a multipart without its boundary
// parameter) given back as an error.
func recovered(apply func() ([]byte, error)) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("go-message: %v", r)
		}
	}()
	return apply()
}

// trainLinkEvasionsKnown are the training phish known to be accepted once
// their links are so written.
var trainLinkEvasionsKnown = map[string]string{
	"area pp-sample-141.eml":           trainOpen,
	"area pp-sample-2875.eml":          trainOpen,
	"area pp-sample-7104.eml":          trainOpen,
	"attached-svg pp-sample-6071.eml":  svgOwnSite,
	"attached-svg pp-sample-7104.eml":  svgOwnSite,
	"attached-svg pp-sample-7849.eml":  svgOwnSite,
	"backslashes pp-sample-141.eml":    trainOpen,
	"backslashes pp-sample-616.eml":    trainOpen,
	"backslashes pp-sample-766.eml":    trainOpen,
	"backslashes pp-sample-772.eml":    trainOpen,
	"basestriker pp-sample-141.eml":    trainOpen,
	"form pp-sample-616.eml":           trainOpen,
	"host-dot pp-sample-141.eml":       trainOpen,
	"host-mixed pp-sample-141.eml":     trainOpen,
	"host-upper pp-sample-141.eml":     trainOpen,
	"idna-stops pp-sample-141.eml":     trainOpen,
	"ip-dotted pp-sample-6441.eml":     ipForName,
	"redirect-chain pp-sample-141.eml": trainOpen,
	"zero-width pp-sample-141.eml":     trainOpen,
	"zero-width pp-sample-2875.eml":    trainOpen,
	"zero-width pp-sample-7104.eml":    trainOpen,
}

// svgOwnSite: the training phish whose link, moved into an attached SVG,
// stays on the sender's own domain, which answers for the message (DMARC
// pass under the evaluation's trust: an ESP's or a newsletter's own
// link). ATTACH_SVG_LINK_ASK spares a company's own site there, as a
// signature banner linking to its customer area is; what the message
// was flagged on went with its body's links.
const svgOwnSite = "the SVG's link stays on the sender's own, authenticated domain, which ATTACH_SVG_LINK_ASK spares"

// trainOpen: found on the training phishing, not yet looked into.
const trainOpen = "open: found on the training phishing, not yet looked into"
