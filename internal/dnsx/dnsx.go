// Package dnsx is the one way Vigie asks the DNS anything: a small Resolver
// interface, a client over UDP/TCP (miekg/dns), a TTL-honouring cache and
// forward-confirmed reverse DNS. Its errors say whether a name does not exist
// (a permanent answer) or the lookup failed for now (timeout, SERVFAIL,
// network), because a temporary DNS failure must never turn into a reject.
//
// Names are returned without the trailing dot. Package dnstest runs an
// in-process authoritative server for tests.
package dnsx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// Resolver is implemented by Client, the cache and test fakes.
type Resolver interface {
	// LookupTXT returns one string per TXT record, the record's
	// character-strings concatenated without separator (RFC 7208 §3.3).
	LookupTXT(ctx context.Context, name string) ([]string, error)
	// LookupIP returns the A and AAAA addresses of host.
	LookupIP(ctx context.Context, host string) ([]netip.Addr, error)
	// LookupMX returns the MX records of name, sorted by preference.
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	// LookupAddr returns the PTR names of ip.
	LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error)
}

// Kind classifies a failed lookup.
type Kind int

const (
	// KindNotFound: the name does not exist (NXDOMAIN, RFC 1035 §4.1.1
	// RCODE 3), or cannot exist because it is not a valid domain name.
	KindNotFound Kind = iota + 1
	// KindNoData: the name exists but has no record of the asked type
	// (RFC 2308 §2.2).
	KindNoData
	// KindTemporary: no answer for now: timeout, SERVFAIL, REFUSED,
	// network error, truncated or malformed reply, cancelled context.
	KindTemporary
)

func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindNoData:
		return "no data"
	case KindTemporary:
		return "temporary failure"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the error of every failed lookup in this package.
type Error struct {
	Name string // the name asked, without trailing dot
	Type string // "TXT", "A", "AAAA", "MX", "PTR"
	Kind Kind
	Err  error // underlying cause, may be nil
}

func (e *Error) Error() string {
	s := "dns: " + e.Type + " " + e.Name + ": " + e.Kind.String()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Timeout and Temporary make Error a net.Error, which libraries that only
// know the standard library (go-msgauth) inspect.
func (e *Error) Timeout() bool {
	return e.Kind == KindTemporary && errors.Is(e.Err, context.DeadlineExceeded)
}
func (e *Error) Temporary() bool { return e.Kind == KindTemporary }

// IsNotFound reports whether err says the name or the record does not exist:
// a definite, cacheable answer.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Kind == KindNotFound || e.Kind == KindNoData)
}

// IsTemporary reports whether err is a failure that may go away: the caller
// must answer "temperror" or "try again later", never a permanent verdict.
// Errors not produced by this package (other than not-found) count as
// temporary, as do context cancellation and deadlines.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind == KindTemporary
	}
	return true
}

// ToNetError converts err to the *net.DNSError that libraries written
// against net.Resolver test with a type assertion (blitiri.com.ar/go/spf).
func ToNetError(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		return &net.DNSError{Err: err.Error(), IsTemporary: true}
	}
	return &net.DNSError{
		Err:         e.Error(),
		Name:        e.Name,
		IsNotFound:  e.Kind == KindNotFound || e.Kind == KindNoData,
		IsTemporary: e.Kind == KindTemporary,
		IsTimeout:   e.Timeout(),
	}
}
