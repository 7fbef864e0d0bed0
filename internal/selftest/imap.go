package selftest

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Mailbox is the test recipient's mailbox, read over IMAP (RFC 9051 and
// RFC 3501 servers alike) to see what was really delivered: a message is
// found by its envelope sender, which the delivery agent records in
// Return-Path (RFC 5321 §4.4), and it is tagged when a filter marked it.
// The client is small on purpose: LOGIN, EXAMINE (read-only), UID SEARCH,
// UID FETCH of a few header fields, LOGOUT.
type Mailbox struct {
	URL      string // imap://host:143 or imaps://host:993, optionally /MAILBOX (default INBOX)
	User     string
	Password string
	Dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLS is the configuration for imaps:// (nil: verify with the system roots).
	TLS *tls.Config
}

// Delivery is what the mailbox shows of one message.
type Delivery struct {
	Found  bool
	Tagged bool   // X-Vigie-Verdict: tag, X-Spam-Flag: YES, or a [SUSPECT]-style subject
	Header string // the fetched header fields
}

// maxIMAPLine bounds one response line, and maxIMAPLiteral one literal.
const (
	maxIMAPLine    = 64 << 10
	maxIMAPLiteral = 1 << 20
)

// Find looks for the messages whose Return-Path contains each of senders
// and reports what it found, in one session.
func (m Mailbox) Find(ctx context.Context, senders []string) (map[string]Delivery, error) {
	u, err := url.Parse(m.URL)
	if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Host == "" {
		return nil, fmt.Errorf("selftest: mailbox URL %q: want imap://HOST:PORT or imaps://HOST:PORT", m.URL)
	}
	box := strings.Trim(u.Path, "/")
	if box == "" {
		box = "INBOX"
	}
	dial := m.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second}
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("selftest: IMAP %s: %w", u.Host, err)
	}
	if u.Scheme == "imaps" {
		cfg := m.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: u.Hostname()}
		}
		conn = tls.Client(conn, cfg)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetDeadline(time.Now().Add(2 * time.Minute))
	c := &imapConn{r: bufio.NewReaderSize(conn, maxIMAPLine), w: conn}
	if _, err := c.readLine(); err != nil { // greeting
		return nil, fmt.Errorf("selftest: IMAP greeting: %w", err)
	}
	if _, err := c.cmd("LOGIN " + quote(m.User) + " " + quote(m.Password)); err != nil {
		return nil, fmt.Errorf("selftest: IMAP login as %s: %w", m.User, err)
	}
	if _, err := c.cmd("EXAMINE " + quote(box)); err != nil {
		return nil, fmt.Errorf("selftest: IMAP %s: %w", box, err)
	}
	out := map[string]Delivery{}
	for _, s := range senders {
		lines, err := c.cmd("UID SEARCH HEADER Return-Path " + quote(s))
		if err != nil {
			return nil, fmt.Errorf("selftest: IMAP search %s: %w", s, err)
		}
		uids := searchUIDs(lines)
		if len(uids) == 0 {
			out[s] = Delivery{}
			continue
		}
		lines, err = c.cmd("UID FETCH " + uids[0] + " (BODY.PEEK[HEADER.FIELDS (SUBJECT X-VIGIE-VERDICT X-SPAM-FLAG)])")
		if err != nil {
			return nil, fmt.Errorf("selftest: IMAP fetch %s: %w", s, err)
		}
		h := strings.Join(lines, "\n")
		out[s] = Delivery{Found: true, Tagged: taggedHeader(h), Header: h}
	}
	c.cmd("LOGOUT")
	return out, nil
}

// taggedHeader reads the marks filters leave on a message they let through.
func taggedHeader(h string) bool {
	l := strings.ToLower(h)
	return strings.Contains(l, "x-vigie-verdict: tag") || strings.Contains(l, "x-spam-flag: yes") ||
		strings.Contains(l, "subject: [suspect]") || strings.Contains(l, "subject: [spam]")
}

// searchUIDs reads "* SEARCH 3 7" lines.
func searchUIDs(lines []string) []string {
	var out []string
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "* SEARCH"); ok {
			out = append(out, strings.Fields(rest)...)
		}
	}
	return out
}

// quote makes an IMAP quoted string (RFC 9051 §4.3); CR and LF cannot be
// quoted and are dropped.
func quote(s string) string {
	s = strings.NewReplacer("\r", "", "\n", "", `\`, `\\`, `"`, `\"`).Replace(s)
	return `"` + s + `"`
}

// imapConn runs tagged commands and collects their untagged responses.
type imapConn struct {
	r   *bufio.Reader
	w   io.Writer
	seq int
}

// cmd sends one command and returns the untagged lines (literals inlined)
// until its tagged completion; a NO or BAD is an error.
func (c *imapConn) cmd(line string) ([]string, error) {
	c.seq++
	tag := "v" + strconv.Itoa(c.seq)
	if _, err := fmt.Fprintf(c.w, "%s %s\r\n", tag, line); err != nil {
		return nil, err
	}
	var out []string
	for range 10000 {
		l, err := c.readLine()
		if err != nil {
			return out, err
		}
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			if strings.HasPrefix(strings.ToUpper(rest), "OK") {
				return out, nil
			}
			return out, errors.New(rest)
		}
		out = append(out, l)
	}
	return out, errors.New("too many response lines")
}

// readLine reads one response line, with any literal ({n}\r\n then n
// bytes, RFC 9051 §4.3) inlined.
func (c *imapConn) readLine() (string, error) {
	var b strings.Builder
	for {
		l, err := c.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return "", errors.New("response line too long")
		}
		if err != nil {
			return "", err
		}
		if b.Len()+len(l) > maxIMAPLine+maxIMAPLiteral {
			return "", errors.New("response too long")
		}
		s := strings.TrimRight(string(l), "\r\n")
		n, ok := literalSize(s)
		if !ok {
			b.WriteString(s)
			return b.String(), nil
		}
		if n > maxIMAPLiteral {
			return "", fmt.Errorf("literal of %d bytes", n)
		}
		b.WriteString(s[:strings.LastIndexByte(s, '{')])
		lit := make([]byte, n)
		if _, err := io.ReadFull(c.r, lit); err != nil {
			return "", err
		}
		b.Write(lit)
	}
}

// literalSize reads a line ending in {n} (or {n+}).
func literalSize(s string) (int, bool) {
	if !strings.HasSuffix(s, "}") {
		return 0, false
	}
	i := strings.LastIndexByte(s, '{')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s[i+1:len(s)-1], "+"))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
