package posture

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/dnsx"
)

// Exposure of the services around the MX (mx_sec_conf rules/internet.md
// and rules/webmail.md, and the CERT Santé fiche's advice to keep legacy
// protocols and the webmail off the internet).

// serviceNames are the host names organisations give their mail services.
var serviceNames = []string{"mail", "webmail", "imap", "pop", "pop3", "smtp", "owa", "outlook", "messagerie", "courrier"}

// srvServices are the RFC 6186 / RFC 8314 SRV records of mail access.
var srvServices = []string{"_imap._tcp", "_imaps._tcp", "_pop3._tcp", "_pop3s._tcp", "_submission._tcp", "_submissions._tcp"}

type servicePort struct {
	port  int
	proto string // imap, pop3, smtp
	tls   bool   // implicit TLS
}

var mailPorts = []servicePort{{143, "imap", false}, {993, "imap", true}, {110, "pop3", false}, {995, "pop3", true},
	{587, "smtp", false}, {465, "smtp", true}}

// checkServices probes the service hosts for IMAP, POP, submission and
// webmail.
func (a *auditor) checkServices(ctx context.Context, domain string, mxs []mxHost) {
	hosts := a.serviceHosts(ctx, domain, mxs)
	var wg sync.WaitGroup
	for _, h := range hosts {
		for _, sp := range mailPorts {
			wg.Add(1)
			go func() { defer wg.Done(); a.probeMailPort(ctx, h.name, h.addr, sp) }()
		}
		wg.Add(1)
		go func() { defer wg.Done(); a.probeWebmail(ctx, h.name) }()
	}
	wg.Wait()
}

type serviceHost struct {
	name string
	addr netip.Addr
}

// serviceHosts resolves the MX names, the usual service names and the SRV
// targets, once each.
func (a *auditor) serviceHosts(ctx context.Context, domain string, mxs []mxHost) []serviceHost {
	names := []string{}
	for _, mx := range mxs {
		names = append(names, mx.Name)
	}
	for _, n := range serviceNames {
		names = append(names, n+"."+domain)
	}
	if rr, ok := a.opt.Resolver.(dnsx.RecordResolver); ok {
		for _, s := range srvServices {
			recs, _, err := rr.LookupRecords(ctx, s+"."+domain, dns.TypeSRV)
			if err != nil {
				continue
			}
			for _, r := range recs {
				if srv, ok := r.(*dns.SRV); ok && srv.Target != "." {
					names = append(names, strings.ToLower(strings.TrimSuffix(srv.Target, ".")))
				}
			}
		}
	}
	var out []serviceHost
	for _, n := range dedupe(names) {
		ips, err := a.opt.Resolver.LookupIP(ctx, n)
		if err != nil || len(ips) == 0 {
			continue
		}
		slices.SortFunc(ips, func(x, y netip.Addr) int { return x.Compare(y) })
		out = append(out, serviceHost{name: n, addr: ips[0]})
	}
	return out
}

// probeMailPort connects to one port: an answer is an exposure; on IMAP and
// POP it also reads the capabilities offered before TLS.
func (a *auditor) probeMailPort(ctx context.Context, host string, ip netip.Addr, sp servicePort) {
	if nonPublic(ip) {
		return
	}
	t := target(host, sp.port)
	conn, err := a.dial(ctx, hostPort(ip, sp.port))
	if err != nil {
		return // closed or filtered: not exposed
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(a.opt.Timeout))
	if sp.tls {
		tc := tls.Client(conn, &tls.Config{ServerName: host, InsecureSkipVerify: true})
		if tc.HandshakeContext(ctx) != nil {
			return
		}
		conn = tc
	}
	r := bufio.NewReaderSize(io.LimitReader(conn, 64<<10), 4096)
	greeting, err := readLine(r)
	if err != nil {
		return
	}
	a.fact(t, sp.proto, "%s", greeting)
	switch sp.proto {
	case "smtp":
		a.find("SUBMISSION_EXPOSED", t, "%s", greeting)
		fmt.Fprintf(conn, "QUIT\r\n")
		return
	case "imap":
		a.find("IMAP_EXPOSED", t, "IMAP%s", map[bool]string{true: "S"}[sp.tls])
		a.bannerChecks(t, strings.TrimPrefix(greeting, "* OK "), localIP(conn))
		if !sp.tls {
			caps := greeting
			fmt.Fprintf(conn, "v1 CAPABILITY\r\n")
			for range 50 {
				l, err := readLine(r)
				if err != nil {
					break
				}
				caps += " " + l
				if strings.HasPrefix(l, "v1 ") {
					break
				}
			}
			fmt.Fprintf(conn, "v2 LOGOUT\r\n")
			if !imapLoginDisabled.MatchString(caps) {
				a.find("IMAP_CLEARTEXT", t, "no LOGINDISABLED before STARTTLS (RFC 3501 §6.2.3)")
			}
		}
	case "pop3":
		a.find("IMAP_EXPOSED", t, "POP3%s", map[bool]string{true: "S"}[sp.tls])
		a.bannerChecks(t, strings.TrimPrefix(greeting, "+OK "), localIP(conn))
		if !sp.tls {
			fmt.Fprintf(conn, "CAPA\r\n")
			var caps []string
			for range 50 {
				l, err := readLine(r)
				if err != nil || l == "." {
					break
				}
				caps = append(caps, strings.ToUpper(l))
			}
			fmt.Fprintf(conn, "QUIT\r\n")
			if slices.Contains(caps, "USER") || !slices.Contains(caps, "STLS") {
				a.find("IMAP_CLEARTEXT", t, "USER offered or no STLS before TLS (RFC 2595 §4)")
			}
		}
	}
}

var imapLoginDisabled = regexp.MustCompile(`(?i)\bLOGINDISABLED\b`)

func readLine(r *bufio.Reader) (string, error) {
	l, err := r.ReadString('\n')
	if err != nil && l == "" {
		return "", err
	}
	return strings.TrimRight(l, "\r\n"), nil
}

// webmailMarkers are fragments that the login pages of common webmails
// carry (their form field names, product names or headers).
var webmailMarkers = regexp.MustCompile(`(?i)rcmloginuser|roundcube|owa/auth|outlook web app|outlook web access|sogo|zimbra|horde|rainloop|snappymail|squirrelmail|afterlogic|webmail`)

// webmailPaths are where those pages usually live.
var webmailPaths = []string{"/", "/owa/auth/logon.aspx", "/webmail/", "/roundcube/", "/SOGo/"}

// probeWebmail looks for a webmail login page over HTTPS, then for the
// same page served over plain HTTP without redirection.
func (a *auditor) probeWebmail(ctx context.Context, host string) {
	c := *a.opt.HTTP
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, p := range webmailPaths {
		if ok, _ := a.webmailAt(ctx, &c, "https://"+host+p); ok {
			a.find("WEBMAIL_EXPOSED", "https://"+host+p, "login page reachable")
			if ok, _ := a.webmailAt(ctx, &c, "http://"+host+p); ok {
				a.find("WEBMAIL_CLEARTEXT", "http://"+host+p, "login page served without redirect to HTTPS")
			}
			return
		}
	}
}

func (a *auditor) webmailAt(ctx context.Context, c *http.Client, url string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, a.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, nil
	}
	if resp.Header.Get("X-OWA-Version") != "" {
		return true, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 256<<10))
	if !strings.Contains(strings.ToLower(string(body)), "password") {
		return false, nil
	}
	return webmailMarkers.Match(body), nil
}
