package posture

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/emersion/go-smtp"
)

// probeMX checks one MX host: every address must answer on port 25; on
// the first that does, its banner, size limit, relaying, unknown
// recipients, STARTTLS and certificate, and old TLS versions.
func (a *auditor) probeMX(ctx context.Context, domain string, mx mxHost) {
	probed := false
	for _, ip := range mx.Addrs {
		addr := hostPort(ip, 25)
		s, err := a.openSMTP(ctx, addr)
		if err != nil {
			a.find("MX_UNREACHABLE", target(mx.Name, 25), "%s: %v", addr, err)
			continue
		}
		if probed {
			s.close()
			continue
		}
		probed = true
		starttls, _ := s.c.Extension("STARTTLS")
		a.sessionChecks(mx.Name, domain, s)
		s.close()
		if !starttls {
			a.find("SMTP_NO_STARTTLS", target(mx.Name, 25), "no STARTTLS in the EHLO reply")
			continue
		}
		a.tlsChecks(ctx, mx.Name, addr)
		a.oldTLSCheck(ctx, mx.Name, addr)
	}
}

// smtpSession is a go-smtp client whose greeting and EHLO reply were
// recorded, since the library does not expose them.
type smtpSession struct {
	c        *smtp.Client
	conn     *recordConn
	greeting string
	ehlo     string
}

func (s *smtpSession) close() {
	s.c.Quit()
	s.c.Close()
}

// openSMTP connects, reads the greeting and says EHLO.
func (a *auditor) openSMTP(ctx context.Context, addr string) (*smtpSession, error) {
	raw, err := a.dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	rc := &recordConn{Conn: raw, limit: 8 << 10}
	c := smtp.NewClient(rc)
	c.CommandTimeout = a.opt.Timeout
	if err := c.Hello(a.opt.HELO); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting/EHLO: %w", err)
	}
	greeting, ehlo := splitReplies(rc.stop())
	return &smtpSession{c: c, conn: rc, greeting: greeting, ehlo: ehlo}, nil
}

// splitReplies separates the recorded greeting (220 lines) from the EHLO
// reply (250 lines), keeping the text after the code.
func splitReplies(b []byte) (greeting, ehlo string) {
	var g, e []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		if len(line) < 4 {
			continue
		}
		switch line[:3] {
		case "220":
			g = append(g, line[4:])
		case "250":
			e = append(e, line[4:])
		}
	}
	return strings.Join(g, "\n"), strings.Join(e, "\n")
}

// sessionChecks runs the checks of a plaintext session: banner leaks, the
// SIZE limit (RFC 1870), the open-relay probe and the unknown-recipient
// probe. The transaction is reset before DATA: nothing is ever sent.
func (a *auditor) sessionChecks(host, domain string, s *smtpSession) {
	t := target(host, 25)
	a.fact(t, "banner", "%s", firstLine(s.greeting))
	a.bannerChecks(t, s.greeting+"\n"+firstLine(s.ehlo), localIP(s.conn))

	if ok, v := s.c.Extension("SIZE"); !ok {
		a.find("SMTP_NO_SIZE_LIMIT", t, "no SIZE in the EHLO reply")
	} else if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); v == "" || err != nil || n == 0 {
		a.find("SMTP_NO_SIZE_LIMIT", t, "SIZE %q: no limit", v)
	} else {
		a.fact(t, "SIZE", "%d", n)
		if n > recommendedSize {
			a.find("SMTP_SIZE_LARGE", t, "SIZE %d > %d", n, recommendedSize)
		}
	}

	// RFC 5321 §3.3: MAIL then RCPT; the answer to RCPT is the verdict.
	if err := s.c.Mail(a.opt.RelayProbe, nil); err != nil {
		a.fact(t, "relay test", "MAIL FROM refused (%s): not conclusive", smtpReply(err))
		return
	}
	if err := s.c.Rcpt(a.opt.RelayProbe, nil); err == nil {
		a.find("SMTP_OPEN_RELAY", t, "RCPT TO:<%s> accepted", a.opt.RelayProbe)
	} else {
		a.fact(t, "relay test", "RCPT TO:<%s> refused: %s", a.opt.RelayProbe, smtpReply(err))
	}
	nx := "vigie-posture-nx-" + randomHex(6) + "@" + domain
	if err := s.c.Rcpt(nx, nil); err == nil {
		a.find("SMTP_UNKNOWN_RECIPIENT_ACCEPTED", t, "RCPT TO:<%s> accepted", nx)
	} else {
		a.fact(t, "unknown recipient", "refused: %s", smtpReply(err))
	}
	s.c.Reset()
}

// recommendedSize is mx_sec_conf's message_size_limit (rules/mta.md#size),
// also Postfix's default.
const recommendedSize = 10240000

// tlsChecks runs STARTTLS with verification off, then judges the
// certificate itself so that each defect is its own finding.
func (a *auditor) tlsChecks(ctx context.Context, host, addr string) {
	t := target(host, 25)
	c, err := a.startTLS(ctx, host, addr, tls.VersionTLS12, tls.VersionTLS13)
	if err != nil {
		a.find("SMTP_TLS_FAILED", t, "%v", err)
		return
	}
	defer c.Close()
	st, ok := c.TLSConnectionState()
	if !ok || len(st.PeerCertificates) == 0 {
		a.find("SMTP_TLS_FAILED", t, "no certificate")
		return
	}
	a.fact(t, "TLS", "%s, %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	a.certChecks(t, host, st.PeerCertificates)
	a.daneCheck(ctx, host, st.PeerCertificates)
	c.Quit()
}

// oldTLSCheck offers only TLS 1.0 and 1.1 (RFC 8996 deprecates them).
func (a *auditor) oldTLSCheck(ctx context.Context, host, addr string) {
	c, err := a.startTLS(ctx, host, addr, tls.VersionTLS10, tls.VersionTLS11)
	if err != nil {
		return
	}
	defer c.Close()
	st, _ := c.TLSConnectionState()
	a.find("SMTP_TLS_OLD_VERSION", target(host, 25), "handshake completed with %s", tls.VersionName(st.Version))
	c.Quit()
}

// startTLS connects, upgrades with STARTTLS (RFC 3207) and says EHLO again
// over TLS, which completes the handshake. Certificates are not verified
// here: certChecks judges them one defect at a time.
func (a *auditor) startTLS(ctx context.Context, host, addr string, minV, maxV uint16) (*smtp.Client, error) {
	raw, err := a.dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: minV, MaxVersion: maxV}
	c, err := smtp.NewClientStartTLS(raw, cfg)
	if err != nil {
		raw.Close()
		return nil, err
	}
	c.CommandTimeout = a.opt.Timeout
	if err := c.Hello(a.opt.HELO); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// dial connects to addr. The connection is closed when the probe's budget
// (three timeouts) runs out, since go-smtp resets deadlines per command.
func (a *auditor) dial(ctx context.Context, addr string) (net.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, a.opt.Timeout)
	defer cancel()
	c, err := a.opt.Dial(dctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	budget, cancelBudget := context.WithTimeout(ctx, 3*a.opt.Timeout)
	stop := context.AfterFunc(budget, func() { c.Close() })
	return &budgetConn{Conn: c, stop: func() { stop(); cancelBudget() }}, nil
}

// budgetConn releases its watchdog when closed.
type budgetConn struct {
	net.Conn
	stop func()
}

func (c *budgetConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

func smtpReply(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return fmt.Sprintf("%d %s", se.Code, firstLine(se.Message))
	}
	return err.Error()
}

// localIP is the prober's own address on conn, which servers echo back in
// their EHLO reply and which is not theirs to leak.
func localIP(c net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(c.LocalAddr().String()); err == nil {
		return ap.Addr()
	}
	return netip.Addr{}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// recordConn keeps a copy of what is read until stop, up to limit bytes.
type recordConn struct {
	net.Conn
	mu    sync.Mutex
	buf   bytes.Buffer
	limit int
	done  bool
}

func (c *recordConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if !c.done && c.buf.Len() < c.limit {
		c.buf.Write(p[:min(n, c.limit-c.buf.Len())])
	}
	c.mu.Unlock()
	return n, err
}

func (c *recordConn) stop() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done = true
	return c.buf.Bytes()
}
