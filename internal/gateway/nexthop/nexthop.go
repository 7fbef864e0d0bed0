// Package nexthop is the SMTP client through which the gateway hands mail
// on: the relay's queue workers deliver accepted mail with it, and a
// quarantine release re-injects through it. It keeps a few connections to
// the next hop open between messages, since a filtering relay sends its
// whole stream to one server.
package nexthop

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Client delivers to one SMTP server. Set the fields before first use.
type Client struct {
	Addr string // host:port
	HELO string // our name in EHLO ("localhost" when empty)
	// StartTLS requires STARTTLS of the server; with TLS nil the
	// certificate is not verified (a next hop on the internal network
	// usually has none a public CA signed).
	StartTLS bool
	TLS      *tls.Config
	Timeout  time.Duration // per command; 2 min when zero
	MaxIdle  int           // connections kept open between messages; 4 when zero

	once sync.Once
	idle chan *smtp.Client
}

func (c *Client) pool() chan *smtp.Client {
	c.once.Do(func() {
		n := c.MaxIdle
		if n <= 0 {
			n = 4
		}
		c.idle = make(chan *smtp.Client, n)
	})
	return c.idle
}

func (c *Client) dial(ctx context.Context) (*smtp.Client, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return nil, fmt.Errorf("nexthop: %w", err)
	}
	conn.SetDeadline(time.Now().Add(timeout))
	var cl *smtp.Client
	if c.StartTLS {
		cfg := c.TLS
		if cfg == nil {
			host, _, _ := net.SplitHostPort(c.Addr)
			cfg = &tls.Config{ServerName: host, InsecureSkipVerify: true}
		}
		if cl, err = smtp.NewClientStartTLS(conn, cfg); err != nil {
			conn.Close()
			return nil, fmt.Errorf("nexthop: %s: starttls: %w", c.Addr, err)
		}
	} else {
		cl = smtp.NewClient(conn)
	}
	conn.SetDeadline(time.Time{})
	cl.CommandTimeout, cl.SubmissionTimeout = timeout, 5*timeout
	helo := c.HELO
	if helo == "" {
		helo = "localhost"
	}
	if err := cl.Hello(helo); !c.StartTLS && err != nil {
		cl.Close()
		return nil, fmt.Errorf("nexthop: %s: %w", c.Addr, err)
	}
	return cl, nil
}

// Deliver sends raw from from to to. Recipients the server refused are
// returned in failed with its reply (an *smtp.SMTPError, whose Temporary
// method tells a 4xx from a 5xx); err reports a failure of the whole
// message. A nil err means the server accepted the message for every
// recipient not in failed.
func (c *Client) Deliver(ctx context.Context, from string, to []string, raw []byte) (failed map[string]error, err error) {
	_, failed, err = c.DeliverReply(ctx, from, to, raw)
	return failed, err
}

// DeliverReply is Deliver that also returns the server's reply to the end
// of DATA ("2.0.0 Ok: queued as 4QxYz": what the next hop did with it).
func (c *Client) DeliverReply(ctx context.Context, from string, to []string, raw []byte) (reply string, failed map[string]error, err error) {
	for try := 0; ; try++ {
		cl, reused, err := c.get(ctx)
		if err != nil {
			return "", nil, err
		}
		reply, failed, err, broken := c.send(cl, from, to, raw)
		if broken {
			cl.Close()
			// An idle connection the server closed meanwhile: once more
			// on a fresh one.
			if reused && try == 0 && !sentData(err) {
				continue
			}
		} else {
			c.put(cl)
		}
		return reply, failed, err
	}
}

// errDataSent marks a failure after the message was transmitted, when a
// retry on another connection could duplicate it.
type errDataSent struct{ error }

func (e errDataSent) Unwrap() error { return e.error }

func sentData(err error) bool {
	var e errDataSent
	return errors.As(err, &e)
}

func (c *Client) get(ctx context.Context) (*smtp.Client, bool, error) {
	select {
	case cl := <-c.pool():
		return cl, true, nil
	default:
	}
	cl, err := c.dial(ctx)
	return cl, false, err
}

func (c *Client) put(cl *smtp.Client) {
	select {
	case c.pool() <- cl:
	default:
		cl.Quit()
	}
}

// send runs one transaction; broken says the connection is unusable.
func (c *Client) send(cl *smtp.Client, from string, to []string, raw []byte) (string, map[string]error, error, bool) {
	var se *smtp.SMTPError
	if err := cl.Mail(from, nil); err != nil {
		if errors.As(err, &se) {
			cl.Reset()
			return "", nil, fmt.Errorf("nexthop: MAIL FROM: %w", err), false
		}
		return "", nil, fmt.Errorf("nexthop: MAIL FROM: %w", err), true
	}
	failed := map[string]error{}
	for _, r := range to {
		if err := cl.Rcpt(r, nil); err != nil {
			if !errors.As(err, &se) {
				return "", nil, fmt.Errorf("nexthop: RCPT TO: %w", err), true
			}
			failed[r] = err
		}
	}
	if len(failed) == len(to) {
		cl.Reset()
		return "", failed, nil, false
	}
	w, err := cl.Data()
	if err != nil {
		broken := !errors.As(err, &se)
		if !broken {
			cl.Reset()
		}
		return "", nil, fmt.Errorf("nexthop: DATA: %w", err), broken
	}
	if _, err := w.Write(raw); err != nil {
		return "", nil, errDataSent{fmt.Errorf("nexthop: DATA: %w", err)}, true
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", nil, errDataSent{fmt.Errorf("nexthop: end of DATA: %w", err)}, !errors.As(err, &se)
	}
	return resp.StatusText, failed, nil, false
}

// Close closes the idle connections.
func (c *Client) Close() {
	for {
		select {
		case cl := <-c.pool():
			cl.Quit()
		default:
			return
		}
	}
}

// Release adapts Client to quarantine.Deliverer: the message must reach
// every recipient.
type Release struct{ *Client }

// Deliver implements quarantine.Deliverer.
func (r Release) Deliver(ctx context.Context, from string, to []string, raw []byte) error {
	failed, err := r.Client.Deliver(ctx, from, to, raw)
	if err != nil {
		return err
	}
	for rc, e := range failed {
		return fmt.Errorf("nexthop: recipient %s refused: %w", rc, e)
	}
	return nil
}
