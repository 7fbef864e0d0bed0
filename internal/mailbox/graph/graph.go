// Package graph is the mailbox connector for Microsoft 365 through the
// Microsoft Graph API v1.0, with an application registration's client
// credentials (permissions Mail.ReadWrite, MailboxSettings.ReadWrite,
// Calendars.Read, User.Read.All): messages searched by internetMessageId
// and moved between folders, inbox rules read and disabled (isEnabled
// false, never deleted), calendar delegates read.
//
// What Graph v1.0 does not show is said, not guessed: the mailbox-level
// forwarding an administrator or attacker sets with Set-Mailbox
// -ForwardingSmtpAddress, and FullAccess/SendAs permissions, are Exchange
// Online properties only its PowerShell module reads; mailboxSettings has
// no forwarding property; and no Graph API lists a user's app passwords
// (docs/mailbox.md).
package graph

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/restapi"
)

// Config of a tenant.
type Config struct {
	Tenant, ClientID, ClientSecret string
	BaseURL                        string // default https://graph.microsoft.com/v1.0
	TokenURL                       string // default https://login.microsoftonline.com/TENANT/oauth2/v2.0/token
	HTTP                           *http.Client
}

// Connector implements mailbox.Connector and mailbox.Lister.
type Connector struct {
	cfg Config
	api *restapi.Client
}

// New returns a connector.
func New(cfg Config) (*Connector, error) {
	if cfg.Tenant == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("graph: tenant, client id and client secret are required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://graph.microsoft.com/v1.0"
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = "https://login.microsoftonline.com/" + url.PathEscape(cfg.Tenant) + "/oauth2/v2.0/token"
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 2 * time.Minute}
	}
	c := &Connector{cfg: cfg}
	tc := &restapi.TokenCache{Fetch: func(ctx context.Context, _ string) (string, time.Duration, error) {
		return restapi.PostForm(ctx, cfg.HTTP, cfg.TokenURL, map[string]string{"grant_type": "client_credentials",
			"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "scope": "https://graph.microsoft.com/.default"})
	}}
	c.api = &restapi.Client{HTTP: cfg.HTTP, Token: func(ctx context.Context, _ string) (string, error) { return tc.Token(ctx, "") }}
	return c, nil
}

// Name implements mailbox.Connector.
func (c *Connector) Name() string { return "graph" }

func (c *Connector) userURL(user, path string) string {
	return c.cfg.BaseURL + "/users/" + url.PathEscape(user) + path
}

// Users implements mailbox.Lister: the tenant's users with a mailbox.
func (c *Connector) Users(ctx context.Context) ([]string, error) {
	next := c.cfg.BaseURL + "/users?$select=userPrincipalName,mail&$top=999"
	var out []string
	for page := 0; next != "" && page < 1000; page++ {
		var r struct {
			Value []struct {
				UPN  string `json:"userPrincipalName"`
				Mail string `json:"mail"`
			} `json:"value"`
			Next string `json:"@odata.nextLink"`
		}
		if err := c.api.Do(ctx, "", http.MethodGet, next, nil, &r); err != nil {
			return out, fmt.Errorf("graph: users: %w", err)
		}
		for _, u := range r.Value {
			if u.Mail != "" {
				out = append(out, strings.ToLower(u.Mail))
			}
		}
		next = r.Next
	}
	return out, nil
}

// Open implements mailbox.Connector: the mailbox is checked by listing its
// folders.
func (c *Connector) Open(ctx context.Context, user string) (mailbox.Session, error) {
	s := &session{c: c, user: user, ids: map[string]string{"INBOX": "inbox"}}
	var f folderJSON
	if err := s.do(ctx, http.MethodGet, c.userURL(user, "/mailFolders/inbox?$select=id"), nil, &f); err != nil {
		return nil, fmt.Errorf("graph %s: %w", user, err)
	}
	return s, nil
}

type session struct {
	c       *Connector
	user    string
	n       int
	folders []mailbox.Folder
	ids     map[string]string // folder name → id ("inbox" for INBOX before the folders are listed)
}

func (s *session) do(ctx context.Context, method, url string, body, out any) error {
	return s.c.api.DoCount(ctx, &s.n, "", method, url, body, out)
}

// Commands counts the API requests of this session.
func (s *session) Commands() int { return s.n }

func (s *session) Close() error { return nil }

type folderJSON struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// wellKnown are the folders Graph names (mailFolder resource).
var wellKnown = map[string]mailbox.Role{"inbox": mailbox.Inbox, "sentitems": mailbox.Sent, "drafts": mailbox.Drafts,
	"deleteditems": mailbox.Trash, "junkemail": mailbox.Junk, "archive": mailbox.Archive}

func (s *session) Folders(ctx context.Context) ([]mailbox.Folder, error) {
	if s.folders != nil {
		return s.folders, nil
	}
	roles := map[string]mailbox.Role{}
	for name, role := range wellKnown {
		var f folderJSON
		err := s.do(ctx, http.MethodGet, s.c.userURL(s.user, "/mailFolders/"+name+"?$select=id,displayName"), nil, &f)
		if err != nil {
			if restapi.IsNotFound(err) && name == "archive" {
				continue
			}
			return nil, err
		}
		roles[f.ID] = role
	}
	var r struct {
		Value []folderJSON `json:"value"`
	}
	if err := s.do(ctx, http.MethodGet, s.c.userURL(s.user, "/mailFolders?$top=250&$select=id,displayName"), nil, &r); err != nil {
		return nil, err
	}
	for _, f := range r.Value {
		role := roles[f.ID]
		name := f.DisplayName
		if role == mailbox.Inbox {
			name = "INBOX"
		}
		if role == "" {
			role = mailbox.RoleByName(name)
		}
		s.ids[name] = f.ID
		s.folders = append(s.folders, mailbox.Folder{Name: name, Role: role})
	}
	return s.folders, nil
}

func (s *session) folderID(ctx context.Context, name string) (string, error) {
	if id, ok := s.ids[name]; ok {
		return id, nil
	}
	if _, err := s.Folders(ctx); err != nil {
		return "", err
	}
	id, ok := s.ids[name]
	if !ok {
		return "", fmt.Errorf("graph %s: folder %q: %w", s.user, name, mailbox.ErrNoFolder)
	}
	return id, nil
}

type address struct {
	EmailAddress struct {
		Name    string `json:"name,omitempty"`
		Address string `json:"address"`
	} `json:"emailAddress"`
}

type messageJSON struct {
	ID                string    `json:"id"`
	InternetMessageID string    `json:"internetMessageId"`
	Subject           string    `json:"subject"`
	From              *address  `json:"from"`
	ToRecipients      []address `json:"toRecipients"`
	CcRecipients      []address `json:"ccRecipients"`
	BccRecipients     []address `json:"bccRecipients"`
	ReceivedDateTime  time.Time `json:"receivedDateTime"`
}

// odataQuote quotes a string for an OData $filter.
func odataQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Search implements mailbox.Session with $filter on the folder's messages.
func (s *session) Search(ctx context.Context, folder string, q mailbox.Query) ([]mailbox.Summary, error) {
	id, err := s.folderID(ctx, folder)
	if err != nil {
		return nil, err
	}
	var f []string
	if q.MessageID != "" {
		f = append(f, "internetMessageId eq "+odataQuote("<"+strings.Trim(q.MessageID, "<> ")+">"))
	}
	if q.From != "" {
		f = append(f, "from/emailAddress/address eq "+odataQuote(strings.ToLower(q.From)))
	}
	if !q.Since.IsZero() {
		f = append(f, "receivedDateTime ge "+q.Since.UTC().Format(time.RFC3339))
	}
	if !q.Before.IsZero() {
		f = append(f, "receivedDateTime lt "+q.Before.UTC().Format(time.RFC3339))
	}
	v := url.Values{}
	v.Set("$select", "id,internetMessageId,subject,from,toRecipients,ccRecipients,bccRecipients,receivedDateTime")
	v.Set("$top", "500")
	if len(f) > 0 {
		v.Set("$filter", strings.Join(f, " and "))
	}
	next := s.c.userURL(s.user, "/mailFolders/"+url.PathEscape(id)+"/messages?"+v.Encode())
	var out []mailbox.Summary
	for page := 0; next != "" && page < 200; page++ {
		var r struct {
			Value []messageJSON `json:"value"`
			Next  string        `json:"@odata.nextLink"`
		}
		if err := s.do(ctx, http.MethodGet, next, nil, &r); err != nil {
			return out, fmt.Errorf("graph %s: search %q: %w", s.user, folder, err)
		}
		for _, m := range r.Value {
			if q.Subject != "" && !strings.Contains(strings.ToLower(m.Subject), strings.ToLower(q.Subject)) {
				continue
			}
			sum := mailbox.Summary{Ref: mailbox.Ref{Folder: folder, ID: m.ID}, MessageID: strings.Trim(m.InternetMessageID, "<>"),
				Subject: m.Subject, Date: m.ReceivedDateTime}
			if m.From != nil {
				sum.From = strings.ToLower(m.From.EmailAddress.Address)
			}
			for _, l := range [][]address{m.ToRecipients, m.CcRecipients, m.BccRecipients} {
				for _, a := range l {
					sum.To = append(sum.To, a.EmailAddress.Address)
				}
			}
			out = append(out, sum)
		}
		next = r.Next
	}
	return out, nil
}

// Fetch implements mailbox.Session: the MIME content ($value).
func (s *session) Fetch(ctx context.Context, ref mailbox.Ref, max int64) ([]byte, error) {
	var raw []byte
	if err := s.do(ctx, http.MethodGet, s.c.userURL(s.user, "/messages/"+url.PathEscape(ref.ID)+"/$value"), nil, &raw); err != nil {
		return nil, fmt.Errorf("graph %s: fetch: %w", s.user, err)
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("graph %s: %w", s.user, mailbox.ErrTooLarge)
	}
	return raw, nil
}

// Move implements mailbox.Session: POST …/move; Graph gives the moved
// message a new id, returned as its ref.
func (s *session) Move(ctx context.Context, refs []mailbox.Ref, dest string) ([]mailbox.Ref, error) {
	destID, err := s.ensureFolder(ctx, dest)
	if err != nil {
		return nil, err
	}
	var out []mailbox.Ref
	for _, r := range refs {
		var m messageJSON
		err := s.do(ctx, http.MethodPost, s.c.userURL(s.user, "/messages/"+url.PathEscape(r.ID)+"/move"),
			map[string]string{"destinationId": destID}, &m)
		if err != nil {
			return out, fmt.Errorf("graph %s: move to %q: %w", s.user, dest, err)
		}
		out = append(out, mailbox.Ref{Folder: dest, ID: m.ID})
	}
	return out, nil
}

func (s *session) ensureFolder(ctx context.Context, name string) (string, error) {
	if id, err := s.folderID(ctx, name); err == nil {
		return id, nil
	}
	var f folderJSON
	if err := s.do(ctx, http.MethodPost, s.c.userURL(s.user, "/mailFolders"), map[string]string{"displayName": name}, &f); err != nil {
		return "", fmt.Errorf("graph %s: create folder %q: %w", s.user, name, err)
	}
	s.ids[name] = f.ID
	s.folders = append(s.folders, mailbox.Folder{Name: name})
	return f.ID, nil
}
