// Package gmail is the mailbox connector for Google Workspace through the
// Gmail API v1, with a service account granted domain-wide delegation: it
// signs a JWT for each user (RFC 7523 bearer grant, the account's RSA key),
// finds messages with the rfc822msgid: search operator, "moves" them by
// labels (the quarantine label added, the folder's label removed), and
// reads filters, automatic forwarding, forwarding addresses and delegates.
// Gmail can only delete a filter, a forwarding address or a delegate,
// never disable one: those are reported and left alone (their definition
// kept in the incident when the admin selects them); automatic forwarding
// is disabled (updateAutoForwarding). With an administrator configured,
// the Admin SDK Directory API lists the domain's users and each user's
// application-specific passwords (read only: revoking deletes them).
package gmail

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/restapi"
)

// Scopes the service account is delegated.
const Scopes = "https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.settings.basic"

// Key is a service account key file's fields.
type Key struct {
	Type        string `json:"type"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
	TokenURI    string `json:"token_uri"`
}

// Config of the connector.
type Config struct {
	Key      []byte // the service account's JSON key
	BaseURL  string // default https://gmail.googleapis.com/gmail/v1
	TokenURL string // default the key's token_uri
	// Admin is the Workspace administrator the service account acts as in
	// the Admin SDK Directory API (AdminScopes); "": no user list, no
	// application passwords.
	Admin        string
	DirectoryURL string // default https://admin.googleapis.com/admin/directory/v1
	HTTP         *http.Client
	Now          func() time.Time
}

// Connector implements mailbox.Connector.
type Connector struct {
	cfg   Config
	key   *rsa.PrivateKey
	acct  Key
	api   *restapi.Client
	admin *restapi.Client // the Admin SDK's, nil without cfg.Admin
}

// New reads the key and returns a connector.
func New(cfg Config) (*Connector, error) {
	var k Key
	if err := json.Unmarshal(cfg.Key, &k); err != nil {
		return nil, fmt.Errorf("gmail: service account key: %w", err)
	}
	if k.Type != "service_account" || k.ClientEmail == "" {
		return nil, fmt.Errorf("gmail: not a service account key")
	}
	block, _ := pem.Decode([]byte(k.PrivateKey))
	if block == nil {
		return nil, fmt.Errorf("gmail: service account key: no PEM private key")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("gmail: service account key: %w", err)
	}
	rk, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("gmail: service account key is not RSA")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://gmail.googleapis.com/gmail/v1"
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = k.TokenURI
	}
	if cfg.TokenURL == "" {
		return nil, fmt.Errorf("gmail: no token endpoint")
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 2 * time.Minute}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DirectoryURL == "" {
		cfg.DirectoryURL = "https://admin.googleapis.com/admin/directory/v1"
	}
	c := &Connector{cfg: cfg, key: rk, acct: k}
	if cfg.Admin != "" {
		c.admin = c.adminClient()
	}
	tc := &restapi.TokenCache{Now: cfg.Now, Fetch: func(ctx context.Context, user string) (string, time.Duration, error) {
		assertion, err := c.assertion(user, Scopes)
		if err != nil {
			return "", 0, err
		}
		tok, ttl, err := restapi.PostForm(ctx, cfg.HTTP, cfg.TokenURL, map[string]string{
			"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
		if err != nil && strings.Contains(err.Error(), "Invalid email or User ID") {
			// Google's answer for a user the domain does not have.
			return "", 0, fmt.Errorf("gmail: %s: %w (Google: Invalid email or User ID)", user, mailbox.ErrNoMailbox)
		}
		return tok, ttl, err
	}}
	c.api = &restapi.Client{HTTP: cfg.HTTP, Token: tc.Token}
	return c, nil
}

// assertion signs the JWT that asks for a token acting as user with scope
// (RFC 7523 §2.1, RS256).
func (c *Connector) assertion(user, scope string) (string, error) {
	now := c.cfg.Now().Unix()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	head := enc(map[string]string{"alg": "RS256", "typ": "JWT"})
	claims := enc(map[string]any{"iss": c.acct.ClientEmail, "sub": user, "scope": scope, "aud": c.cfg.TokenURL,
		"iat": now, "exp": now + 3600})
	sum := sha256.Sum256([]byte(head + "." + claims))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("gmail: sign: %w", err)
	}
	return head + "." + claims + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// Name implements mailbox.Connector.
func (c *Connector) Name() string { return "gmail" }

// Open implements mailbox.Connector: the token for the user and the label
// list (which proves the mailbox exists).
func (c *Connector) Open(ctx context.Context, user string) (mailbox.Session, error) {
	s := &session{c: c, user: user}
	if _, err := s.Folders(ctx); err != nil {
		return nil, fmt.Errorf("gmail %s: %w", user, err)
	}
	return s, nil
}

type session struct {
	c       *Connector
	user    string
	n       int
	folders []mailbox.Folder
	ids     map[string]string // label name → id
}

func (s *session) url(path string) string {
	return s.c.cfg.BaseURL + "/users/" + url.PathEscape(s.user) + path
}

func (s *session) do(ctx context.Context, method, u string, body, out any) error {
	return s.c.api.DoCount(ctx, &s.n, s.user, method, u, body, out)
}

func (s *session) Commands() int { return s.n }
func (s *session) Close() error  { return nil }

// systemRoles are Gmail's system labels that stand for folders.
var systemRoles = map[string]mailbox.Role{"INBOX": mailbox.Inbox, "SENT": mailbox.Sent, "DRAFT": mailbox.Drafts,
	"TRASH": mailbox.Trash, "SPAM": mailbox.Junk}

// Folders implements mailbox.Session: the system labels that are folders
// and the user's labels.
func (s *session) Folders(ctx context.Context) ([]mailbox.Folder, error) {
	if s.folders != nil {
		return s.folders, nil
	}
	var r struct {
		Labels []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"labels"`
	}
	if err := s.do(ctx, http.MethodGet, s.url("/labels"), nil, &r); err != nil {
		return nil, err
	}
	s.ids = map[string]string{}
	for _, l := range r.Labels {
		role, system := systemRoles[l.ID]
		if l.Type == "system" && !system {
			continue
		}
		name := l.Name
		if role == "" {
			role = mailbox.RoleByName(name)
		}
		s.ids[name] = l.ID
		s.folders = append(s.folders, mailbox.Folder{Name: name, Role: role})
	}
	return s.folders, nil
}

func (s *session) labelID(ctx context.Context, name string) (string, error) {
	if _, err := s.Folders(ctx); err != nil {
		return "", err
	}
	id, ok := s.ids[name]
	if !ok {
		return "", fmt.Errorf("gmail %s: label %q: %w", s.user, name, mailbox.ErrNoFolder)
	}
	return id, nil
}

type metaJSON struct {
	ID           string   `json:"id"`
	LabelIDs     []string `json:"labelIds"`
	InternalDate string   `json:"internalDate"`
	SizeEstimate int64    `json:"sizeEstimate"`
	Payload      struct {
		Headers []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
	} `json:"payload"`
}

// Search implements mailbox.Session with Gmail's search operators, in one
// label.
func (s *session) Search(ctx context.Context, folder string, q mailbox.Query) ([]mailbox.Summary, error) {
	id, err := s.labelID(ctx, folder)
	if err != nil {
		return nil, err
	}
	var terms []string
	if q.MessageID != "" {
		terms = append(terms, "rfc822msgid:"+strings.Trim(q.MessageID, "<> "))
	}
	if q.From != "" {
		terms = append(terms, "from:"+q.From)
	}
	if q.Subject != "" {
		terms = append(terms, `subject:"`+strings.ReplaceAll(q.Subject, `"`, "")+`"`)
	}
	if !q.Since.IsZero() {
		terms = append(terms, fmt.Sprintf("after:%d", q.Since.Unix()))
	}
	if !q.Before.IsZero() {
		terms = append(terms, fmt.Sprintf("before:%d", q.Before.Unix()))
	}
	v := url.Values{}
	v.Set("labelIds", id)
	v.Set("q", strings.Join(terms, " "))
	v.Set("maxResults", "500")
	v.Set("includeSpamTrash", "true")
	var out []mailbox.Summary
	page := ""
	for range 200 {
		if page != "" {
			v.Set("pageToken", page)
		}
		var r struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
			NextPageToken string `json:"nextPageToken"`
		}
		if err := s.do(ctx, http.MethodGet, s.url("/messages?"+v.Encode()), nil, &r); err != nil {
			return out, fmt.Errorf("gmail %s: search %q: %w", s.user, folder, err)
		}
		for _, m := range r.Messages {
			var meta metaJSON
			mv := url.Values{"format": {"metadata"}, "metadataHeaders": {"Message-ID", "From", "To", "Cc", "Bcc", "Subject"}}
			if err := s.do(ctx, http.MethodGet, s.url("/messages/"+url.PathEscape(m.ID)+"?"+mv.Encode()), nil, &meta); err != nil {
				return out, fmt.Errorf("gmail %s: message %s: %w", s.user, m.ID, err)
			}
			out = append(out, summaryOf(folder, meta))
		}
		if page = r.NextPageToken; page == "" {
			break
		}
	}
	return out, nil
}

func summaryOf(folder string, m metaJSON) mailbox.Summary {
	sum := mailbox.Summary{Ref: mailbox.Ref{Folder: folder, ID: m.ID}, Size: m.SizeEstimate}
	var ms int64
	fmt.Sscan(m.InternalDate, &ms)
	sum.Date = time.UnixMilli(ms).UTC()
	for _, h := range m.Payload.Headers {
		switch strings.ToLower(h.Name) {
		case "message-id":
			sum.MessageID = strings.Trim(h.Value, "<> ")
		case "from":
			sum.From = addrOf(h.Value)
		case "subject":
			sum.Subject = h.Value
		case "to", "cc", "bcc":
			for _, a := range strings.Split(h.Value, ",") {
				if a = addrOf(a); a != "" {
					sum.To = append(sum.To, a)
				}
			}
		}
	}
	return sum
}

func addrOf(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return strings.ToLower(strings.TrimSpace(s[i+1 : i+j]))
		}
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// Fetch implements mailbox.Session: format=raw.
func (s *session) Fetch(ctx context.Context, ref mailbox.Ref, max int64) ([]byte, error) {
	var r struct {
		Raw string `json:"raw"`
	}
	if err := s.do(ctx, http.MethodGet, s.url("/messages/"+url.PathEscape(ref.ID)+"?format=raw"), nil, &r); err != nil {
		return nil, fmt.Errorf("gmail %s: fetch: %w", s.user, err)
	}
	raw, err := base64.URLEncoding.DecodeString(r.Raw)
	if err != nil {
		if raw, err = base64.RawURLEncoding.DecodeString(r.Raw); err != nil {
			return nil, fmt.Errorf("gmail %s: fetch: raw is not base64url", s.user)
		}
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("gmail %s: %w", s.user, mailbox.ErrTooLarge)
	}
	return raw, nil
}

// Move implements mailbox.Session: the destination label added, the
// source label removed (the message keeps its id).
func (s *session) Move(ctx context.Context, refs []mailbox.Ref, dest string) ([]mailbox.Ref, error) {
	destID, err := s.ensureLabel(ctx, dest)
	if err != nil {
		return nil, err
	}
	var out []mailbox.Ref
	for _, r := range refs {
		srcID, err := s.labelID(ctx, r.Folder)
		if err != nil {
			return out, err
		}
		body := map[string][]string{"addLabelIds": {destID}, "removeLabelIds": {srcID}}
		if err := s.do(ctx, http.MethodPost, s.url("/messages/"+url.PathEscape(r.ID)+"/modify"), body, nil); err != nil {
			return out, fmt.Errorf("gmail %s: move to %q: %w", s.user, dest, err)
		}
		out = append(out, mailbox.Ref{Folder: dest, ID: r.ID})
	}
	return out, nil
}

func (s *session) ensureLabel(ctx context.Context, name string) (string, error) {
	if id, err := s.labelID(ctx, name); err == nil {
		return id, nil
	}
	var l struct {
		ID string `json:"id"`
	}
	body := map[string]string{"name": name, "labelListVisibility": "labelShow", "messageListVisibility": "show"}
	if err := s.do(ctx, http.MethodPost, s.url("/labels"), body, &l); err != nil {
		return "", fmt.Errorf("gmail %s: create label %q: %w", s.user, name, err)
	}
	s.ids[name] = l.ID
	s.folders = append(s.folders, mailbox.Folder{Name: name})
	return l.ID, nil
}
