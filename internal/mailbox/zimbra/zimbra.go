// Package zimbra reads the forwarding a Zimbra account has outside Sieve,
// through Zimbra's admin SOAP API (SOAP 1.2 over HTTPS, port 7071): the
// user's own forwarding preference (zimbraPrefMailForwardingAddress, set
// in the web client, with zimbraPrefMailLocalDeliveryDisabled saying
// whether a copy is kept) and the hidden forwarding an administrator sets
// (zimbraMailForwardingAddress). It is the IMAP connector's forwarding
// source for Zimbra (imapbox.Config.Forwards): mail goes through IMAP and
// ManageSieve, these two attributes only through the admin API.
//
// Vigie only reads them (AuthRequest, GetAccountRequest). Zimbra has no
// switch that stops a forwarding address without removing it
// (zimbraFeatureMailForwardingEnabled only keeps the user from changing
// the preference), so the rules are reported as not fixable and left to a
// person, their definition kept in the incident.
package zimbra

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/mailbox"
)

// MaxAnswer bounds a SOAP answer.
const MaxAnswer = 4 << 20

// Attributes read for each account.
const (
	AttrPrefForward   = "zimbraPrefMailForwardingAddress"
	AttrAdminForward  = "zimbraMailForwardingAddress"
	AttrLocalDisabled = "zimbraPrefMailLocalDeliveryDisabled"
)

// Config of the admin API.
type Config struct {
	URL      string // https://zimbra.example.fr:7071/service/admin/soap
	Admin    string // an administrator's account name
	Password string
	HTTP     *http.Client
}

// Client speaks the admin SOAP API; it implements imapbox.ForwardSource.
type Client struct {
	cfg   Config
	mu    sync.Mutex
	token string
}

// New checks the configuration.
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" || cfg.Admin == "" || cfg.Password == "" {
		return nil, errors.New("zimbra: admin URL, administrator and password are required")
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: time.Minute}
	}
	return &Client{cfg: cfg}, nil
}

// Fault is a SOAP fault Zimbra answered, with its error code
// (account.NO_SUCH_ACCOUNT, account.AUTH_FAILED, service.AUTH_EXPIRED…).
type Fault struct {
	Code   string
	Reason string
}

func (f *Fault) Error() string { return "zimbra: " + f.Code + ": " + f.Reason }

// Unwrap maps Zimbra's codes to the mailbox errors.
func (f *Fault) Unwrap() error {
	switch f.Code {
	case "account.NO_SUCH_ACCOUNT":
		return mailbox.ErrNoMailbox
	case "account.AUTH_FAILED", "service.PERM_DENIED", "service.AUTH_REQUIRED", "service.AUTH_EXPIRED":
		return mailbox.ErrCredentials
	}
	return nil
}

// envelope is what Zimbra answers: a body holding one response or a
// fault.
type envelope struct {
	Body struct {
		Fault *struct {
			Reason string `xml:"Reason>Text"`
			Code   string `xml:"Detail>Error>Code"`
		} `xml:"Fault"`
		Auth *struct {
			Token string `xml:"authToken"`
		} `xml:"AuthResponse"`
		Account *struct {
			Account struct {
				Name  string `xml:"name,attr"`
				ID    string `xml:"id,attr"`
				Attrs []struct {
					N     string `xml:"n,attr"`
					Value string `xml:",chardata"`
				} `xml:"a"`
			} `xml:"account"`
		} `xml:"GetAccountResponse"`
	} `xml:"Body"`
}

// Account is what GetAccountResponse says of an account: its name, id
// and the attributes asked, multi-valued ones repeated.
type Account struct {
	Name, ID string
	Attrs    map[string][]string
}

// ParseAnswer reads a SOAP answer: a fault as *Fault, an account (nil
// for an AuthResponse) and the auth token ("" unless an AuthResponse).
func ParseAnswer(data []byte) (*Account, string, error) {
	var e envelope
	if err := xml.Unmarshal(data, &e); err != nil {
		return nil, "", fmt.Errorf("zimbra: malformed SOAP answer: %w", err)
	}
	b := e.Body
	switch {
	case b.Fault != nil:
		return nil, "", &Fault{Code: strings.TrimSpace(b.Fault.Code), Reason: strings.TrimSpace(b.Fault.Reason)}
	case b.Auth != nil:
		if b.Auth.Token == "" {
			return nil, "", errors.New("zimbra: AuthResponse without a token")
		}
		return nil, b.Auth.Token, nil
	case b.Account != nil:
		a := &Account{Name: b.Account.Account.Name, ID: b.Account.Account.ID, Attrs: map[string][]string{}}
		for _, x := range b.Account.Account.Attrs {
			a.Attrs[x.N] = append(a.Attrs[x.N], strings.TrimSpace(x.Value))
		}
		return a, "", nil
	}
	return nil, "", errors.New("zimbra: SOAP answer without a known response")
}

const soapNS = "http://www.w3.org/2003/05/soap-envelope"

// call posts one request (the body element's XML) with the auth token in
// the header when there is one.
func (c *Client) call(ctx context.Context, token, body string) (*Account, string, error) {
	var b bytes.Buffer
	b.WriteString(`<soap:Envelope xmlns:soap="` + soapNS + `"><soap:Header><context xmlns="urn:zimbra">`)
	if token != "" {
		b.WriteString("<authToken>")
		xml.EscapeText(&b, []byte(token))
		b.WriteString("</authToken>")
	}
	b.WriteString(`<nosession/></context></soap:Header><soap:Body>` + body + `</soap:Body></soap:Envelope>`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL, &b)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Content-Type", "application/soap+xml; charset=utf-8")
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("zimbra %s: %w: %v", c.cfg.URL, mailbox.ErrUnreachable, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer+1))
	if err != nil {
		return nil, "", fmt.Errorf("zimbra %s: %w: %v", c.cfg.URL, mailbox.ErrUnreachable, err)
	}
	if len(data) > MaxAnswer {
		return nil, "", fmt.Errorf("zimbra %s: answer over %d bytes", c.cfg.URL, MaxAnswer)
	}
	acct, tok, err := ParseAnswer(data)
	if err != nil && resp.StatusCode >= 500 && !errors.As(err, new(*Fault)) {
		return nil, "", fmt.Errorf("zimbra %s: HTTP %d: %w", c.cfg.URL, resp.StatusCode, mailbox.ErrUnreachable)
	}
	return acct, tok, err
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// login returns the cached admin token, or logs in.
func (c *Client) login(ctx context.Context, renew bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && !renew {
		return c.token, nil
	}
	_, tok, err := c.call(ctx, "", `<AuthRequest xmlns="urn:zimbraAdmin"><name>`+escape(c.cfg.Admin)+
		`</name><password>`+escape(c.cfg.Password)+`</password></AuthRequest>`)
	if err != nil {
		return "", fmt.Errorf("zimbra: admin log-in: %w", err)
	}
	c.token = tok
	return tok, nil
}

// Account reads an account's forwarding attributes (GetAccountRequest),
// logging in again once when the token has expired.
func (c *Client) Account(ctx context.Context, user string) (*Account, error) {
	body := `<GetAccountRequest xmlns="urn:zimbraAdmin" applyCos="0" attrs="` + AttrPrefForward + "," + AttrAdminForward + "," +
		AttrLocalDisabled + `"><account by="name">` + escape(user) + `</account></GetAccountRequest>`
	for attempt := 0; ; attempt++ {
		tok, err := c.login(ctx, attempt > 0)
		if err != nil {
			return nil, err
		}
		acct, _, err := c.call(ctx, tok, body)
		var f *Fault
		if errors.As(err, &f) && (f.Code == "service.AUTH_EXPIRED" || f.Code == "service.AUTH_REQUIRED") && attempt == 0 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("zimbra: account %s: %w", user, err)
		}
		if acct == nil {
			return nil, fmt.Errorf("zimbra: account %s: no GetAccountResponse", user)
		}
		return acct, nil
	}
}

// Forwards implements imapbox.ForwardSource: the account's forwarding as
// rules.
func (c *Client) Forwards(ctx context.Context, user string) ([]mailbox.Rule, error) {
	a, err := c.Account(ctx, user)
	if err != nil {
		return nil, err
	}
	return Rules(a), nil
}

// Rules turns an account's forwarding attributes into rules, never
// fixable: a person removes the address in the admin console (or with
// zmprov), the definition kept in the incident.
func Rules(a *Account) []mailbox.Rule {
	kept := !strings.EqualFold(first(a.Attrs[AttrLocalDisabled]), "TRUE")
	var out []mailbox.Rule
	for _, x := range []struct{ attr, source, fr, en string }{
		{AttrPrefForward, "transfert Zimbra (préférence de l'utilisateur)",
			"Zimbra n'a pas de réglage qui suspend un transfert sans retirer l'adresse ; la retirer dans la console d'administration (compte › Transfert) ou avec zmprov ma COMPTE " + AttrPrefForward + " ''",
			"Zimbra has no setting that stops forwarding without removing the address; remove it in the admin console (account › Forwarding) or with zmprov ma ACCOUNT " + AttrPrefForward + " ''"},
		{AttrAdminForward, "transfert Zimbra défini par un administrateur (invisible pour l'utilisateur)",
			"adresse cachée posée par un administrateur ; la retirer dans la console d'administration (compte › Transfert) ou avec zmprov ma COMPTE -" + AttrAdminForward + " ADRESSE",
			"a hidden address set by an administrator; remove it in the admin console (account › Forwarding) or with zmprov ma ACCOUNT -" + AttrAdminForward + " ADDRESS"},
	} {
		var targets []string
		for _, v := range a.Attrs[x.attr] {
			for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
				targets = append(targets, strings.ToLower(t))
			}
		}
		if len(targets) == 0 {
			continue
		}
		r := mailbox.Rule{ID: "zimbra:" + x.attr, Kind: mailbox.KindForwarding, Source: x.source, Enabled: true,
			Effects: []string{"forward"}, Targets: targets, NoFixFR: x.fr, NoFixEN: x.en,
			Text: fmt.Sprintf("%s: %s ; %s: %t", x.attr, strings.Join(a.Attrs[x.attr], ", "), AttrLocalDisabled, !kept)}
		if kept || x.attr == AttrAdminForward {
			r.Effects = append(r.Effects, "copy")
		}
		out = append(out, r)
	}
	return out
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
