package gmail

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/restapi"
)

// AdminScopes are what the service account is delegated to act as the
// configured Workspace administrator in the Admin SDK Directory API: the
// domain's users (audit --all) and their application-specific passwords.
// Vigie only reads them: revoking an application password deletes it.
const AdminScopes = "https://www.googleapis.com/auth/admin.directory.user.readonly https://www.googleapis.com/auth/admin.directory.user.security"

// ASPJSON is an Admin SDK Directory asps resource: an application-specific
// password. Its int64 times come as strings (Google's JSON for int64),
// Unix milliseconds; 0 when never used.
type ASPJSON struct {
	CodeID       int       `json:"codeId"`
	Name         string    `json:"name"`
	CreationTime flexInt64 `json:"creationTime"`
	LastTimeUsed flexInt64 `json:"lastTimeUsed"`
	UserKey      string    `json:"userKey"`
}

// flexInt64 reads an int64 sent as a JSON string or number.
type flexInt64 int64

func (f *flexInt64) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("gmail: not an int64: %.40q", b)
	}
	*f = flexInt64(n)
	return nil
}

func (f flexInt64) day() string {
	if f <= 0 {
		return "—"
	}
	return time.UnixMilli(int64(f)).UTC().Format("2006-01-02")
}

// ASPRule turns an application password into a mailbox.Rule: reported,
// never revoked (revoking deletes it; a person does it in the Admin
// console once the user is asked).
func ASPRule(a ASPJSON) mailbox.Rule {
	b, _ := json.Marshal(a)
	return mailbox.Rule{ID: "gmail-asp:" + strconv.Itoa(a.CodeID), Kind: mailbox.KindAppPassword,
		Source: "mot de passe d'application Google (Admin SDK)", Name: a.Name, Enabled: true,
		When: a.CreationTime.day() + " → " + a.LastTimeUsed.day(), Text: string(b),
		NoFixFR: "le révoquer le supprime : Vigie ne le fait pas ; le révoquer dans la console d'administration Google (Utilisateurs › Sécurité) après avoir vérifié avec l'utilisateur",
		NoFixEN: "revoking deletes it, which Vigie does not do; revoke it in the Google Admin console (Users › Security) once checked with the user"}
}

// directory returns the Admin SDK base URL, or "" when no administrator
// is configured.
func (c *Connector) directory(path string) string {
	if c.cfg.Admin == "" {
		return ""
	}
	return c.cfg.DirectoryURL + path
}

// appPasswords lists the user's application-specific passwords through
// the Admin SDK (asps.list), when an administrator is configured.
func (s *session) appPasswords(ctx context.Context) ([]mailbox.Rule, error) {
	u := s.c.directory("/users/" + url.PathEscape(s.user) + "/asps")
	if u == "" {
		return nil, nil
	}
	var r struct {
		Items []ASPJSON `json:"items"`
	}
	s.n++
	if err := s.c.admin.Do(ctx, "", http.MethodGet, u, nil, &r); err != nil {
		return nil, fmt.Errorf("gmail %s: application passwords (Admin SDK): %w", s.user, err)
	}
	out := make([]mailbox.Rule, 0, len(r.Items))
	for _, a := range r.Items {
		out = append(out, ASPRule(a))
	}
	return out, nil
}

// Users implements mailbox.Lister through the Admin SDK (users.list of
// the administrator's own customer), suspended and archived users left
// out; it needs mailbox.gmail.admin.
func (c *Connector) Users(ctx context.Context) ([]string, error) {
	base := c.directory("/users")
	if base == "" {
		return nil, fmt.Errorf("gmail: listing the domain's users needs the Admin SDK: set mailbox.gmail.admin: %w", mailbox.ErrUnsupported)
	}
	v := url.Values{"customer": {"my_customer"}, "maxResults": {"500"}, "projection": {"basic"}}
	var out []string
	for range 1000 {
		var r struct {
			Users []struct {
				PrimaryEmail string `json:"primaryEmail"`
				Suspended    bool   `json:"suspended"`
				Archived     bool   `json:"archived"`
			} `json:"users"`
			NextPageToken string `json:"nextPageToken"`
		}
		if err := c.admin.Do(ctx, "", http.MethodGet, base+"?"+v.Encode(), nil, &r); err != nil {
			return out, fmt.Errorf("gmail: users (Admin SDK): %w", err)
		}
		for _, u := range r.Users {
			if !u.Suspended && !u.Archived && u.PrimaryEmail != "" {
				out = append(out, strings.ToLower(u.PrimaryEmail))
			}
		}
		if r.NextPageToken == "" {
			break
		}
		v.Set("pageToken", r.NextPageToken)
	}
	return out, nil
}

// adminClient is the Admin SDK's client: tokens for the configured
// administrator with AdminScopes.
func (c *Connector) adminClient() *restapi.Client {
	tc := &restapi.TokenCache{Now: c.cfg.Now, Fetch: func(ctx context.Context, _ string) (string, time.Duration, error) {
		assertion, err := c.assertion(c.cfg.Admin, AdminScopes)
		if err != nil {
			return "", 0, err
		}
		return restapi.PostForm(ctx, c.cfg.HTTP, c.cfg.TokenURL, map[string]string{
			"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
	}}
	return &restapi.Client{HTTP: c.cfg.HTTP, Token: func(ctx context.Context, _ string) (string, error) { return tc.Token(ctx, "") }}
}
