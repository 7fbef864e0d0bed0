// Package rcptverify asks the relay's next hop whether a recipient exists
// before the relay accepts it, as Postfix's reject_unverified_recipient
// does: a probe transaction (EHLO, MAIL FROM, RCPT TO, then RSET and QUIT,
// never DATA) and the answer cached, positive and negative answers for
// their own time. So the relay refuses unknown recipients with 550 during
// the SMTP dialogue instead of accepting the message and bouncing it later
// to a sender that is often forged (backscatter).
package rcptverify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Status is a verification's answer.
type Status int

const (
	// Unknown: the next hop could not say (down, 4xx): try again later.
	Unknown Status = iota
	// Exists: the next hop accepted the recipient.
	Exists
	// Refused: the next hop refused it with a 5xx.
	Refused
)

func (s Status) String() string {
	switch s {
	case Exists:
		return "exists"
	case Refused:
		return "refused"
	}
	return "unknown"
}

// Result is an answer and where it came from.
type Result struct {
	Status Status
	Reply  string // the next hop's reply, for the log
	Cached bool
}

// Verifier probes one next hop. Set the fields before first use.
type Verifier struct {
	Addr   string // next hop host:port
	HELO   string // our name
	Sender string // MAIL FROM of the probes; "" is the null reverse-path
	// PositiveTTL and NegativeTTL are how long an answer is kept (24 h and
	// 1 h when zero); an Unknown is kept one minute, so that a next hop
	// that is down is not probed for every RCPT.
	PositiveTTL, NegativeTTL time.Duration
	Timeout                  time.Duration // one probe; 10 s when zero
	MaxEntries               int           // 100,000 when zero

	mu      sync.Mutex
	cache   map[string]entry
	flights map[string]*flight
}

type entry struct {
	r       Result
	expires time.Time
}

type flight struct {
	done chan struct{}
	r    Result
}

// Verify returns what the next hop says of rcpt, from the cache when it
// can; concurrent questions about one address share one probe.
func (v *Verifier) Verify(ctx context.Context, rcpt string) Result {
	key := strings.ToLower(rcpt)
	now := time.Now()
	v.mu.Lock()
	if e, ok := v.cache[key]; ok && now.Before(e.expires) {
		v.mu.Unlock()
		r := e.r
		r.Cached = true
		return r
	}
	if f, ok := v.flights[key]; ok {
		v.mu.Unlock()
		select {
		case <-f.done:
			return f.r
		case <-ctx.Done():
			return Result{Status: Unknown, Reply: ctx.Err().Error()}
		}
	}
	f := &flight{done: make(chan struct{})}
	if v.flights == nil {
		v.flights = map[string]*flight{}
	}
	v.flights[key] = f
	v.mu.Unlock()

	f.r = v.probe(ctx, rcpt)
	v.mu.Lock()
	delete(v.flights, key)
	v.store(key, f.r, now)
	v.mu.Unlock()
	close(f.done)
	return f.r
}

func (v *Verifier) store(key string, r Result, now time.Time) {
	ttl := time.Minute
	switch r.Status {
	case Exists:
		ttl = or(v.PositiveTTL, 24*time.Hour)
	case Refused:
		ttl = or(v.NegativeTTL, time.Hour)
	}
	if v.cache == nil {
		v.cache = map[string]entry{}
	}
	if max := v.MaxEntries; len(v.cache) >= or(max, 100_000) {
		// Full: expired entries go first, then an arbitrary tenth.
		n := 0
		for k, e := range v.cache {
			if now.After(e.expires) || n < len(v.cache)/10 {
				delete(v.cache, k)
				n++
			}
		}
	}
	v.cache[key] = entry{r: r, expires: now.Add(ttl)}
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// probe asks the next hop.
func (v *Verifier) probe(ctx context.Context, rcpt string) Result {
	ctx, cancel := context.WithTimeout(ctx, or(v.Timeout, 10*time.Second))
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", v.Addr)
	if err != nil {
		return Result{Status: Unknown, Reply: fmt.Sprintf("next hop: %v", err)}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	helo := or(v.HELO, "localhost")
	if err := c.Hello(helo); err != nil {
		return unknown(err)
	}
	if err := c.Mail(v.Sender, nil); err != nil {
		return unknown(err)
	}
	err = c.Rcpt(rcpt, nil)
	c.Reset()
	c.Quit()
	if err == nil {
		return Result{Status: Exists, Reply: "250"}
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return Result{Status: Refused, Reply: fmt.Sprintf("%d %s", se.Code, se.Message)}
	}
	return unknown(err)
}

func unknown(err error) Result {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return Result{Status: Unknown, Reply: fmt.Sprintf("%d %s", se.Code, se.Message)}
	}
	return Result{Status: Unknown, Reply: err.Error()}
}
