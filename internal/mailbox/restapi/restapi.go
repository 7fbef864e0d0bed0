// Package restapi is the HTTP side shared by the Microsoft Graph and Gmail
// connectors: OAuth 2.0 access tokens (client credentials for Graph, a
// service account's signed JWT for Gmail, RFC 7523), cached until they
// expire; JSON requests with a size limit on answers; throttling answers
// (429, 503 with Retry-After) retried a bounded number of times; and HTTP
// statuses turned into the mailbox package's errors.
package restapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/mailbox"
)

// MaxBody bounds an API answer (a raw message included).
const MaxBody = 64 << 20

// Client sends API requests with a bearer token.
type Client struct {
	HTTP *http.Client
	// Token returns an access token for the mailbox user ("" for the
	// application itself).
	Token func(ctx context.Context, user string) (string, error)
	// Retries of a throttled request (0: 3); MaxWait bounds one wait.
	Retries int
	MaxWait time.Duration

	mu    sync.Mutex
	count int
}

// Requests counts the requests sent.
func (c *Client) Requests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// Error is an API's error answer.
type Error struct {
	Status int
	Code   string
	Msg    string
	URL    string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: HTTP %d %s %s", e.URL, e.Status, e.Code, e.Msg)
	if u := e.Unwrap(); u != nil {
		s += " (" + u.Error() + ")"
	}
	return s
}

// Unwrap maps the status to the mailbox errors.
func (e *Error) Unwrap() error {
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return mailbox.ErrCredentials
	case e.Status == http.StatusNotFound && (strings.Contains(e.Code, "User") || strings.Contains(e.Code, "Mailbox") ||
		e.Code == "ResourceNotFound" || strings.Contains(strings.ToLower(e.Msg), "user")):
		return mailbox.ErrNoMailbox
	case e.Status == http.StatusNotFound:
		return mailbox.ErrNotFound
	case e.Status >= 500:
		return mailbox.ErrUnreachable
	}
	return nil
}

// Do sends a JSON request (body nil for none) as user and decodes the
// answer into out (nil: discarded; *[]byte: raw bytes).
func (c *Client) Do(ctx context.Context, user, method, url string, body, out any) error {
	return c.DoCount(ctx, nil, user, method, url, body, out)
}

// DoCount is Do that also counts the request in *n (a session's own
// count; nil for none).
func (c *Client) DoCount(ctx context.Context, n *int, user, method, url string, body, out any) error {
	if n != nil {
		*n++
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	retries := c.Retries
	if retries <= 0 {
		retries = 3
	}
	maxWait := c.MaxWait
	if maxWait <= 0 {
		maxWait = 30 * time.Second
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.Token(ctx, user)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(payload))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		c.mu.Lock()
		c.count++
		c.mu.Unlock()
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return fmt.Errorf("%s %s: %w: %v", method, url, mailbox.ErrUnreachable, err)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("%s %s: %w: %v", method, url, mailbox.ErrUnreachable, err)
		}
		if len(data) > MaxBody {
			return fmt.Errorf("%s %s: answer over %d bytes: %w", method, url, MaxBody, mailbox.ErrTooLarge)
		}
		if (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) && attempt < retries {
			wait := time.Second << attempt
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
				wait = time.Duration(s) * time.Second
			}
			select {
			case <-time.After(min(wait, maxWait)):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if resp.StatusCode >= 300 {
			return apiError(resp.StatusCode, url, data)
		}
		switch o := out.(type) {
		case nil:
			return nil
		case *[]byte:
			*o = data
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: malformed answer: %w", method, url, err)
		}
		return nil
	}
}

// apiError reads {"error": {"code", "message"}} (Graph) or {"error":
// {"code": 404, "status", "message"}} (Google).
func apiError(status int, url string, data []byte) error {
	var e struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"` // OAuth (RFC 6749 §5.2)
	}
	out := &Error{Status: status, URL: url}
	if json.Unmarshal(data, &e) == nil && len(e.Error) > 0 {
		var g struct {
			Code    any    `json:"code"`
			Status  string `json:"status"`
			Message string `json:"message"`
		}
		if json.Unmarshal(e.Error, &g) == nil {
			out.Msg = g.Message
			if s, ok := g.Code.(string); ok {
				out.Code = s
			} else {
				out.Code = g.Status
			}
		} else {
			var s string // OAuth: {"error": "invalid_client", "error_description": …}
			json.Unmarshal(e.Error, &s)
			out.Code, out.Msg = s, e.Description
		}
	}
	if len(out.Msg) > 300 {
		out.Msg = out.Msg[:300]
	}
	return out
}

// TokenCache keeps access tokens per user until a minute before expiry.
type TokenCache struct {
	Fetch func(ctx context.Context, user string) (token string, ttl time.Duration, err error)
	Now   func() time.Time

	mu     sync.Mutex
	tokens map[string]cached
}

type cached struct {
	token string
	until time.Time
}

// Token implements Client.Token.
func (t *TokenCache) Token(ctx context.Context, user string) (string, error) {
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	t.mu.Lock()
	if c, ok := t.tokens[user]; ok && now().Before(c.until) {
		t.mu.Unlock()
		return c.token, nil
	}
	t.mu.Unlock()
	tok, ttl, err := t.Fetch(ctx, user)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	if t.tokens == nil {
		t.tokens = map[string]cached{}
	}
	t.tokens[user] = cached{token: tok, until: now().Add(ttl - time.Minute)}
	t.mu.Unlock()
	return tok, nil
}

// TokenAnswer is an OAuth 2.0 token endpoint's answer (RFC 6749 §5.1).
type TokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// PostForm asks a token endpoint for a token.
func PostForm(ctx context.Context, hc *http.Client, url string, form map[string]string) (string, time.Duration, error) {
	vals := neturl.Values{}
	for k, v := range form {
		vals.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(vals.Encode()))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("token %s: %w: %v", url, mailbox.ErrUnreachable, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		e := apiError(resp.StatusCode, url, data).(*Error)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized {
			return "", 0, fmt.Errorf("token: %w: %v", mailbox.ErrCredentials, e)
		}
		return "", 0, e
	}
	var t TokenAnswer
	if err := json.Unmarshal(data, &t); err != nil || t.AccessToken == "" {
		return "", 0, fmt.Errorf("token %s: malformed answer", url)
	}
	if t.ExpiresIn <= 60 {
		t.ExpiresIn = 300
	}
	return t.AccessToken, time.Duration(t.ExpiresIn) * time.Second, nil
}

// IsNotFound reports whether err is a 404 of an item.
func IsNotFound(err error) bool { return errors.Is(err, mailbox.ErrNotFound) }
