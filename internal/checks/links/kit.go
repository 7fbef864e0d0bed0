package links

import (
	"encoding/base64"
	"net/netip"
	"strings"

	"vigie.dev/vigie/internal/scan"
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
	for tok := range strings.FieldsFuncSeq(host, func(r rune) bool { return r == '.' || r == '-' }) {
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

// recipientInLink returns "fragment" when the part of a link after '#'
// carries the recipient's address: a fragment is never sent to the server
// and only the page's own script reads it, which is how a kit's fake login
// page shows the victim's address pre-filled. The address in a link's query
// is no such sign: newsletters' tracking and preference links carry it just
// as often (a 2002 newsletter's login servlet in the training part; a list
// message and a newsletter of the validation part when the query of pages
// and scripts counted too).
func recipientInLink(raw string, forms []recipientForm) string {
	i := strings.IndexByte(raw, '#')
	if i < 0 {
		return ""
	}
	frag := raw[i+1:]
	lfrag := strings.ToLower(frag)
	for _, f := range forms {
		if f.exact && strings.Contains(frag, f.text) || !f.exact && strings.Contains(lfrag, f.text) {
			return "fragment"
		}
	}
	return ""
}
