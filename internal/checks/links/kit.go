package links

import (
	"encoding/base64"
	"net/netip"
	"strings"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// The shapes of links that phishing kits and their hosting leave, as public
// phishing feeds show them (the OpenPhish feed of ../shared/corpus/feeds)
// and as CERT Santé's rspamd rules name them (../shared/playbooks/
// mx_sec_conf/rules/url.md: URL_WITH_NO_STANDARD_PORT, URL_SUSPECT_PATH,
// R_SUSPICIOUS_URL).

// hostingDefaultName reports a host named after its own IPv4 address by
// its hosting provider (ec2-52-24-238-189.us-west-2.compute.amazonaws.com,
// 33.240.109.208.host.secureserver.net, 3-93-187-254.cprapid.com): a
// server rented by the hour that nobody gave a name, the same thing as a
// link to a bare IP address.
func hostingDefaultName(host string) bool {
	run := 0
	for _, tok := range strings.FieldsFunc(host, func(r rune) bool { return r == '.' || r == '-' }) {
		if octet(tok) {
			run++
			if run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// octet reports a decimal number from 0 to 255 written without a leading zero.
func octet(s string) bool {
	if len(s) == 0 || len(s) > 3 || len(s) > 1 && s[0] == '0' {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n <= 255
}

// nonStandardPort returns the port of an http(s) link's authority when it
// is neither 80 nor 443, "" otherwise. Links to a machine of the local
// network (a lab instrument's web page in list mail) do not count.
func nonStandardPort(raw, authority, host string) string {
	if !hasPrefixFold(raw, "http://") && !hasPrefixFold(raw, "https://") {
		return ""
	}
	hp := authority[strings.LastIndexByte(authority, '@')+1:]
	if i := strings.LastIndexByte(hp, ']'); i >= 0 {
		hp = hp[i+1:]
	}
	i := strings.LastIndexByte(hp, ':')
	if i < 0 {
		return ""
	}
	port := hp[i+1:]
	if port == "" || port == "80" || port == "443" || strings.Trim(port, "0123456789") != "" {
		return ""
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && (a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast()) {
		return ""
	}
	if host == "localhost" || strings.HasSuffix(host, ".local") {
		return ""
	}
	return port
}

// encodedLetters counts percent-escapes of letters and digits in a URL.
// RFC 3986 §2.3: unreserved characters are never to be percent-encoded by
// URI producers; escaping plain letters (%68t%74%70 for "http") only
// serves to hide a word or a host from filters that read URLs as text.
func encodedLetters(raw string) int {
	n := 0
	for i := strings.IndexByte(raw, '%'); i >= 0 && i+2 < len(raw); {
		if c, ok := unhex2(raw[i+1], raw[i+2]); ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			n++
		}
		j := strings.IndexByte(raw[i+1:], '%')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n
}

func unhex2(a, b byte) (byte, bool) {
	h, ok1 := unhex(a)
	l, ok2 := unhex(b)
	return h<<4 | l, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// cmsKitPath reports a link into the program directories of a WordPress
// site (/wp-content/, /wp-includes/, /wp-admin/) that is not a file a site
// publishes there (an image, a style sheet, a PDF): phishing pages dropped
// on a compromised WordPress site live there (URL_SUSPECT_PATH in CERT
// Santé's rspamd maps; 69 URLs of the OpenPhish feed).
func cmsKitPath(path string) bool {
	lp := strings.ToLower(path)
	if !strings.Contains(lp, "/wp-content/") && !strings.Contains(lp, "/wp-includes/") && !strings.Contains(lp, "/wp-admin/") {
		return false
	}
	if i := strings.IndexAny(lp, "?#"); i >= 0 {
		lp = lp[:i]
	}
	if strings.Contains(lp, "/uploads/") && !strings.HasSuffix(lp, ".php") && !strings.HasSuffix(lp, ".html") && !strings.HasSuffix(lp, ".htm") {
		return false // the media library: images and documents
	}
	dot := strings.LastIndexByte(lp, '.')
	if dot < 0 || dot < strings.LastIndexByte(lp, '/') {
		return true // a directory: its index page
	}
	switch lp[dot+1:] {
	case "php", "html", "htm", "shtml", "asp", "aspx":
		return true
	}
	return false
}

// recipientForm is one way a kit writes the recipient's address into a
// link so that its fake login page shows it pre-filled: as is,
// URL-encoded, or in base64 (which is case-sensitive: matched exactly).
type recipientForm struct {
	text  string
	exact bool
}

func recipientForms(in *scan.Input) []recipientForm {
	seen := map[string]bool{}
	var out []recipientForm
	add := func(a string) {
		a = strings.Trim(strings.TrimSpace(a), "<>")
		la := strings.ToLower(a)
		if len(a) < 6 || !strings.Contains(a, "@") || seen[a] {
			return
		}
		seen[a] = true
		out = append(out, recipientForm{text: la}, recipientForm{text: strings.Replace(la, "@", "%40", 1)})
		for _, v := range []string{a, la} {
			out = append(out, recipientForm{text: strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(v)), "="), exact: true})
		}
	}
	for _, r := range in.Env.RcptTo {
		add(r)
	}
	for _, a := range in.Msg.To {
		add(a.Addr)
	}
	for _, a := range in.Msg.Cc {
		add(a.Addr)
	}
	return out
}

// recipientInLink returns where a link carries the recipient's address:
// "fragment" when it follows the '#' (read by the page's script, never
// sent to the server: the pre-filled login page of a kit), or "query"
// when the query of a script or a site's front page (…/login.php?email=,
// https://host/?email=) on a domain that is neither the sender's nor the
// list's carries it. Message-IDs in archive paths (lore.kernel.org/r/…)
// and a newsletter's tracking servlets are not pages of that kind, and
// unsubscribe and preference links are left out.
func recipientInLink(raw, domain string, forms []recipientForm, in *scan.Input) string {
	lower := strings.ToLower(raw)
	contains := func(s, ls string, f recipientForm) bool {
		if f.exact {
			return strings.Contains(s, f.text)
		}
		return strings.Contains(ls, f.text)
	}
	frag, lfrag := "", ""
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		frag, lfrag = raw[i+1:], lower[i+1:]
	}
	for _, f := range forms {
		if frag != "" && contains(frag, lfrag, f) {
			return "fragment"
		}
		q := strings.IndexByte(raw, '?')
		if q < 0 || !contains(raw[q:], lower[q:], f) || !pageOrScript(lower[:q]) {
			continue
		}
		if domain == in.FromOrg || domain == urlx.Registrable(in.MailFromDomain) || domain == in.List {
			return ""
		}
		for _, w := range []string{"unsub", "optout", "opt-out", "remove", "preference", "subscri", "manage", "desinscri", "desabo"} {
			if strings.Contains(lower, w) {
				return ""
			}
		}
		return "query"
	}
	return ""
}

// pageOrScript reports a URL (without its query) that names a site's
// front page or a script or page file: https://host, https://host/,
// …/verify.php, …/index.html.
func pageOrScript(u string) bool {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	slash := strings.IndexByte(u, '/')
	if slash < 0 || slash == len(u)-1 {
		return true
	}
	last := u[strings.LastIndexByte(u, '/')+1:]
	for _, ext := range []string{".php", ".html", ".htm", ".asp", ".aspx", ".jsp", ".cgi"} {
		if strings.HasSuffix(last, ext) {
			return true
		}
	}
	return false
}
