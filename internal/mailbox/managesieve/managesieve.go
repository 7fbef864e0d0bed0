// Package managesieve is a small ManageSieve client (RFC 5804): it logs
// in with SASL PLAIN (an administrator acting for a user through the
// authorization identity, as Dovecot master users and Zimbra admin
// accounts allow), lists, reads, checks, stores and activates Sieve
// scripts. It has no DELETESCRIPT on purpose: Vigie disables a rule by
// storing an edited copy and activating it, and never removes what the
// user or the attacker wrote — the original stays on the server as
// evidence and as the way back.
//
// No maintained Go ManageSieve client is served by the module proxy; the
// protocol is a handful of line-oriented commands, so this package keeps
// its own parser, with limits and a fuzz test.
package managesieve

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Limits of what the client accepts from a server.
const (
	MaxLine    = 64 << 10 // one response line, literals excluded
	MaxLiteral = 1 << 20  // one string literal (a script)
	MaxLines   = 10000    // lines of one response (scripts listed)
)

// ErrNo is wrapped by the errors of commands the server answered NO to.
var ErrNo = errors.New("managesieve: NO")

// Response is a server's final answer to a command (RFC 5804 §1.3).
type Response struct {
	Status string // OK, NO or BYE
	Code   string // the response code without parentheses ("NONEXISTENT", "WARNINGS"…)
	Text   string // the human-readable string
}

// Error is a NO or BYE answer.
type Error struct {
	Command string
	Resp    Response
}

func (e *Error) Error() string {
	s := fmt.Sprintf("managesieve: %s: %s", e.Command, e.Resp.Status)
	if e.Resp.Code != "" {
		s += " (" + e.Resp.Code + ")"
	}
	if e.Resp.Text != "" {
		s += " " + strconv.Quote(e.Resp.Text)
	}
	return s
}

func (e *Error) Unwrap() error { return ErrNo }

// Script is one script of the account.
type Script struct {
	Name   string
	Active bool
}

// Client is one ManageSieve session. It is not safe for concurrent use.
type Client struct {
	conn net.Conn
	r    *bufio.Reader
	caps map[string]string
	// Commands counts the commands sent, for measurements.
	Commands int
}

// Options configure Dial.
type Options struct {
	// TLS: nil for a plain connection; with StartTLS the session is
	// upgraded before login, otherwise TLS is used from the start.
	TLS      *tls.Config
	StartTLS bool
	Timeout  time.Duration // per command (0: 30 s)
	Dialer   func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Dial connects to addr (host:4190) and reads the greeting.
func Dial(ctx context.Context, addr string, o Options) (*Client, error) {
	dial := o.Dialer
	if dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second}
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("managesieve: dial %s: %w", addr, err)
	}
	if o.TLS != nil && !o.StartTLS {
		conn = tls.Client(conn, o.TLS)
	}
	c := NewClient(conn, o.Timeout)
	if err := c.greeting(); err != nil {
		conn.Close()
		return nil, err
	}
	if o.TLS != nil && o.StartTLS {
		if _, err := c.cmd("STARTTLS"); err != nil {
			conn.Close()
			return nil, err
		}
		tc := tls.Client(conn, o.TLS)
		c.conn, c.r = tc, bufio.NewReaderSize(tc, 4096)
		// RFC 5804 §2.2: the server sends its capabilities again.
		if err := c.greeting(); err != nil {
			tc.Close()
			return nil, err
		}
	}
	return c, nil
}

// NewClient wraps an established connection; the greeting is not read yet
// when NewClient returns (Dial reads it).
func NewClient(conn net.Conn, timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Client{conn: deadlineConn{Conn: conn, d: timeout}, r: bufio.NewReaderSize(deadlineConn{Conn: conn, d: timeout}, 4096)}
}

// deadlineConn sets a deadline before each read and write, so a silent
// server fails the command instead of hanging the run.
type deadlineConn struct {
	net.Conn
	d time.Duration
}

func (c deadlineConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.d))
	return c.Conn.Read(p)
}

func (c deadlineConn) Write(p []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(c.d))
	return c.Conn.Write(p)
}

func (c *Client) greeting() error {
	lines, resp, err := c.readResponse()
	if err != nil {
		return fmt.Errorf("managesieve: greeting: %w", err)
	}
	if resp.Status != "OK" {
		return &Error{Command: "greeting", Resp: resp}
	}
	c.caps = map[string]string{}
	for _, l := range lines {
		if len(l) == 0 {
			continue
		}
		v := ""
		if len(l) > 1 {
			v = l[1]
		}
		c.caps[strings.ToUpper(l[0])] = v
	}
	return nil
}

// Capability returns the value of a capability the server announced
// ("SIEVE", "SASL", "IMPLEMENTATION"…) and whether it did.
func (c *Client) Capability(name string) (string, bool) {
	v, ok := c.caps[strings.ToUpper(name)]
	return v, ok
}

// AuthenticatePlain logs in with SASL PLAIN (RFC 4616): authcid and
// password are the administrator's, authzid the user to act as ("" to log
// in as authcid itself).
func (c *Client) AuthenticatePlain(authzid, authcid, password string) error {
	ir := base64.StdEncoding.EncodeToString([]byte(authzid + "\x00" + authcid + "\x00" + password))
	_, err := c.cmd(`AUTHENTICATE "PLAIN" ` + quote(ir))
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Command = "AUTHENTICATE PLAIN"
		}
	}
	return err
}

// ListScripts returns the account's scripts (LISTSCRIPTS).
func (c *Client) ListScripts() ([]Script, error) {
	lines, err := c.cmd("LISTSCRIPTS")
	if err != nil {
		return nil, err
	}
	var out []Script
	for _, l := range lines {
		if len(l) == 0 {
			continue
		}
		s := Script{Name: l[0]}
		if len(l) > 1 && strings.EqualFold(l[1], "ACTIVE") {
			s.Active = true
		}
		out = append(out, s)
	}
	return out, nil
}

// GetScript returns a script's text.
func (c *Client) GetScript(name string) (string, error) {
	lines, err := c.cmd("GETSCRIPT " + quote(name))
	if err != nil {
		return "", err
	}
	if len(lines) != 1 || len(lines[0]) != 1 {
		return "", fmt.Errorf("managesieve: GETSCRIPT %q: unexpected answer", name)
	}
	return lines[0][0], nil
}

// CheckScript asks the server to compile a script without storing it; a
// NO carries the compiler's message.
func (c *Client) CheckScript(script string) error {
	_, err := c.cmdLiteral("CHECKSCRIPT", script)
	return err
}

// PutScript stores a script under name (replacing a script of that name).
func (c *Client) PutScript(name, script string) error {
	_, err := c.cmdLiteral("PUTSCRIPT "+quote(name), script)
	return err
}

// SetActive makes name the active script; "" deactivates every script.
func (c *Client) SetActive(name string) error {
	_, err := c.cmd("SETACTIVE " + quote(name))
	return err
}

// Logout ends the session and closes the connection.
func (c *Client) Logout() error {
	_, err := c.cmd("LOGOUT")
	c.conn.Close()
	return err
}

// Close closes the connection without logging out.
func (c *Client) Close() error { return c.conn.Close() }

func (c *Client) cmd(line string) ([][]string, error) {
	c.Commands++
	if _, err := io.WriteString(c.conn, line+"\r\n"); err != nil {
		return nil, fmt.Errorf("managesieve: %s: %w", verb(line), err)
	}
	return c.finish(line)
}

// cmdLiteral sends a command whose last argument is a non-synchronizing
// literal (RFC 5804 §4: "{n+}").
func (c *Client) cmdLiteral(line, data string) ([][]string, error) {
	c.Commands++
	if _, err := fmt.Fprintf(c.conn, "%s {%d+}\r\n%s\r\n", line, len(data), data); err != nil {
		return nil, fmt.Errorf("managesieve: %s: %w", verb(line), err)
	}
	return c.finish(line)
}

func (c *Client) finish(line string) ([][]string, error) {
	lines, resp, err := c.readResponse()
	if err != nil {
		return nil, fmt.Errorf("managesieve: %s: %w", verb(line), err)
	}
	if resp.Status != "OK" {
		return lines, &Error{Command: verb(line), Resp: resp}
	}
	return lines, nil
}

func verb(line string) string {
	v, _, _ := strings.Cut(line, " ")
	return v
}

// quote makes a quoted string (RFC 5804 §4); CR, LF and NUL cannot be
// quoted and are dropped (names with them are refused by servers anyway).
func quote(s string) string {
	s = strings.NewReplacer("\r", "", "\n", "", "\x00", "", `\`, `\\`, `"`, `\"`).Replace(s)
	return `"` + s + `"`
}
