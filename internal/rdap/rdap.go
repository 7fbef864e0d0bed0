// Package rdap asks a domain's registry when it was registered (RDAP,
// RFC 9082 queries, RFC 9083 responses): phishing runs on domains days old.
// Answers are cached, failures too (briefly), responses are bounded, and
// every lookup runs under the caller's deadline. It is off unless a base URL
// is configured, since it sends the domains Vigie sees to a third party.
package rdap

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Client looks up registration dates.
type Client struct {
	// BaseURL is an RDAP service or bootstrap redirector; the domain is
	// appended as "domain/NAME" (RFC 9082 §3.1.3).
	BaseURL string
	HTTP    *http.Client
	// TTL of a found date; failures are kept for FailTTL.
	TTL, FailTTL time.Duration
	MaxEntries   int
	Now          func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	at      time.Time
	err     error
	expires time.Time
}

// ErrNoDate is returned when the registry answers without a registration event.
var ErrNoDate = errors.New("rdap: no registration date")

const maxBody = 256 << 10

// Registered returns when domain (a registrable domain) was registered.
func (c *Client) Registered(ctx context.Context, domain string) (time.Time, error) {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	c.mu.Lock()
	if e, ok := c.cache[domain]; ok && now().Before(e.expires) {
		c.mu.Unlock()
		return e.at, e.err
	}
	c.mu.Unlock()
	at, err := c.fetch(ctx, domain)
	if ctx.Err() != nil {
		return at, err // the caller's deadline, not an answer: keep nothing
	}
	ttl := c.TTL
	if ttl == 0 {
		ttl = 24 * time.Hour
	}
	if err != nil {
		ttl = c.FailTTL
		if ttl == 0 {
			ttl = 10 * time.Minute
		}
	}
	c.mu.Lock()
	if c.cache == nil || c.MaxEntries > 0 && len(c.cache) >= c.MaxEntries || len(c.cache) >= 100_000 {
		c.cache = map[string]cached{} // bounded: start over rather than grow
	}
	c.cache[domain] = cached{at: at, err: err, expires: now().Add(ttl)}
	c.mu.Unlock()
	return at, err
}

func (c *Client) fetch(ctx context.Context, domain string) (time.Time, error) {
	u := strings.TrimSuffix(c.BaseURL, "/") + "/domain/" + url.PathEscape(domain)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("rdap: %w", err)
	}
	req.Header.Set("Accept", "application/rdap+json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return time.Time{}, fmt.Errorf("rdap: %s: %w", domain, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return time.Time{}, fmt.Errorf("rdap: %s: status %d", domain, resp.StatusCode)
	}
	at, err := parseRegistration(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return at, fmt.Errorf("rdap: %s: %w", domain, err)
	}
	return at, nil
}

// parseRegistration reads the registration event of an RDAP domain object
// (RFC 9083 §4.5).
func parseRegistration(r io.Reader) (time.Time, error) {
	var doc struct {
		Events []struct {
			Action string `json:"eventAction"`
			Date   string `json:"eventDate"`
		} `json:"events"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return time.Time{}, err
	}
	for _, e := range doc.Events {
		if e.Action == "registration" {
			t, err := time.Parse(time.RFC3339, e.Date)
			if err == nil && t.IsZero() {
				err = errors.New("zero time")
			}
			if err != nil {
				return time.Time{}, fmt.Errorf("registration date %q: %w", e.Date, err)
			}
			return t, nil
		}
	}
	return time.Time{}, ErrNoDate
}
