package posture

import (
	"net/netip"
	"regexp"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/received"
)

// Leaks of the internal architecture (mx_sec_conf rules/header_leak.md):
// software versions, private addresses and internal host names, in service
// banners and in the headers of the mail the domain sends.

var (
	// A software name followed, within a few words, by a version number.
	softwareVersion = regexp.MustCompile(`(?i)\b(postfix|exim|sendmail|exchange|microsoft esmtp mail service|dovecot|courier|cyrus|zimbra|qmail|haraka|opensmtpd|mdaemon|kerio|communigate|axigen|hmailserver|icewarp|smtpd|imapd|pop3d|ms-exchange|outlook|thunderbird|roundcube|sogo|horde)\b[^\n]{0,40}?\b(v(ersion)?[ :]?)?\d+\.\d+(\.\d+)*\b`)
	anyVersion      = regexp.MustCompile(`\d+\.\d+`)
	ipv4Token       = regexp.MustCompile(`\b\d{1,3}(\.\d{1,3}){3}\b`)
	ipv6Bracketed   = regexp.MustCompile(`\[(?i:ipv6:)?([0-9a-fA-F:.]+)\]`)
	hostToken       = regexp.MustCompile(`(?i)\b[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+\b`)
)

// internalSuffixes are name suffixes used only inside networks: RFC 6762
// (.local), RFC 8375 (.home.arpa), ICANN's name-collision list and
// common Active Directory habits.
var internalSuffixes = []string{".local", ".lan", ".internal", ".intra", ".intranet", ".corp", ".home",
	".localdomain", ".home.arpa", ".priv", ".private", ".loc", ".ad", ".domain"}

func internalName(h string) bool {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	for _, s := range internalSuffixes {
		if strings.HasSuffix(h, s) {
			return true
		}
	}
	return false
}

// stripAddresses removes IP addresses so their dots do not read as versions.
func stripAddresses(s string) string {
	return ipv6Bracketed.ReplaceAllString(ipv4Token.ReplaceAllString(s, " "), " ")
}

// addresses returns the non-public addresses named in s, other than self
// (the prober's own address, which servers echo back).
func addresses(s string, self netip.Addr) []netip.Addr {
	var out []netip.Addr
	add := func(v string) {
		if ip, err := netip.ParseAddr(v); err == nil && nonPublic(ip) && ip.Unmap() != self.Unmap() {
			out = append(out, ip)
		}
	}
	for _, m := range ipv4Token.FindAllString(s, -1) {
		add(m)
	}
	for _, m := range ipv6Bracketed.FindAllStringSubmatch(s, -1) {
		add(m[1])
	}
	return out
}

// bannerChecks reads a service's greeting (and EHLO first line) for a
// version, an internal name or a private address (header_leak.md#banner).
// A bare first word with no dot is a NetBIOS-style internal host name.
func (a *auditor) bannerChecks(t, text string, self netip.Addr) {
	if m := softwareVersion.FindString(stripAddresses(text)); m != "" {
		a.find("BANNER_VERSION", t, "%q", m)
	}
	var leaks []string
	for _, ip := range addresses(text, self) {
		leaks = append(leaks, ip.String())
	}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && !strings.Contains(f[0], ".") && !strings.EqualFold(f[0], "ESMTP") && hostLike(f[0]) {
			leaks = append(leaks, f[0])
		}
		for _, h := range hostToken.FindAllString(line, -1) {
			if internalName(h) {
				leaks = append(leaks, h)
			}
		}
	}
	if len(leaks) > 0 {
		a.find("BANNER_INTERNAL", t, "%s", strings.Join(dedupe(leaks), ", "))
	}
}

// hostLike accepts a single label that looks like a machine name (letters,
// digits and hyphens, at least one letter, and a digit or hyphen as such
// names usually have: SRVMAIL01, EXCH-01).
func hostLike(s string) bool {
	letter, other := false, false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9' || c == '-':
			other = true
		default:
			return false
		}
	}
	return letter && other
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if k := strings.ToLower(s); !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// checkHeaders reads a message sent by the domain, as received outside,
// for what its headers reveal (header_leak.md#header): the hops inside the
// organisation (Received fields added before its outbound gateway),
// X-Originating-IP, and mailer versions.
func (a *auditor) checkHeaders(domain string, raw []byte) {
	m := message.Parse(raw, message.DefaultLimits())
	t := domain + " (sample)"
	if id := m.Header.Get("Message-ID"); id != "" {
		t = domain + " (sample " + strings.Trim(id, "<> ") + ")"
	}
	var ips, hosts []string
	for _, hop := range received.Chain(m.Header) {
		if hop.IP.IsValid() && nonPublic(hop.IP) {
			ips = append(ips, hop.IP.String())
		}
		for _, ip := range addresses(hop.Raw, netip.Addr{}) {
			ips = append(ips, ip.String())
		}
		for _, h := range []string{hop.HELO, hop.RDNS, hop.By} {
			if internalName(h) {
				hosts = append(hosts, h)
			}
		}
	}
	for _, v := range m.Header.Values("X-Originating-IP") {
		a.find("HEADER_ORIGINATING_IP", t, "X-Originating-IP: %s", strings.TrimSpace(v))
	}
	if len(ips) > 0 {
		a.find("HEADER_PRIVATE_ADDRESS", t, "%s", strings.Join(dedupe(ips), ", "))
	}
	if len(hosts) > 0 {
		a.find("HEADER_INTERNAL_HOST", t, "%s", strings.Join(dedupe(hosts), ", "))
	}
	for _, name := range []string{"X-Mailer", "User-Agent", "X-MimeOLE", "X-Originating-Client"} {
		for _, v := range m.Header.Values(name) {
			if anyVersion.MatchString(stripAddresses(v)) {
				a.find("HEADER_SOFTWARE_VERSION", t, "%s: %s", name, strings.TrimSpace(v))
			}
		}
	}
}
