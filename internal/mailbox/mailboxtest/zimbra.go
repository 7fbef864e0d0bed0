package mailboxtest

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Zimbra is an in-process stand-in for Zimbra's admin SOAP API (SOAP 1.2
// over HTTP): AuthRequest and GetAccountRequest in Zimbra's XML, its
// faults (account.AUTH_FAILED, account.NO_SUCH_ACCOUNT,
// service.AUTH_EXPIRED), over a map of accounts and their attributes.
type Zimbra struct {
	URL      string // the admin SOAP endpoint
	Admin    string
	Password string

	mu       sync.Mutex
	accounts map[string]map[string][]string
	tokens   map[string]bool
	expire   int // the next n authenticated requests answer AUTH_EXPIRED
	Requests []string
}

// StartZimbra serves the admin API until the test ends.
func StartZimbra(t testing.TB, admin, password string) *Zimbra {
	z := &Zimbra{Admin: admin, Password: password, accounts: map[string]map[string][]string{}, tokens: map[string]bool{}}
	srv := httptest.NewServer(z)
	t.Cleanup(srv.Close)
	z.URL = srv.URL + "/service/admin/soap"
	return z
}

// SetAccount creates or replaces an account's attributes.
func (z *Zimbra) SetAccount(name string, attrs map[string][]string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.accounts[strings.ToLower(name)] = attrs
}

// ExpireTokens makes the next n authenticated requests fail as an expired
// token does.
func (z *Zimbra) ExpireTokens(n int) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.expire = n
}

type zRequest struct {
	Header struct {
		Token string `xml:"context>authToken"`
	} `xml:"Header"`
	Body struct {
		Auth *struct {
			Name     string `xml:"name"`
			Password string `xml:"password"`
		} `xml:"urn:zimbraAdmin AuthRequest"`
		Get *struct {
			Attrs   string `xml:"attrs,attr"`
			Account struct {
				By   string `xml:"by,attr"`
				Name string `xml:",chardata"`
			} `xml:"account"`
		} `xml:"urn:zimbraAdmin GetAccountRequest"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
}

const zEnvelope = `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header><context xmlns="urn:zimbra"><change token="1137"/></context></soap:Header><soap:Body>%s</soap:Body></soap:Envelope>`

func zFault(w http.ResponseWriter, code, reason string) {
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError) // Zimbra answers faults with 500
	fmt.Fprintf(w, zEnvelope, `<soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code><soap:Reason><soap:Text>`+
		esc(reason)+`</soap:Text></soap:Reason><soap:Detail><Error xmlns="urn:zimbra"><Code>`+code+
		`</Code><Trace>qtp1-7:1733430000000:abcdef</Trace></Error></soap:Detail></soap:Fault>`)
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (z *Zimbra) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	z.mu.Lock()
	defer z.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	var req zRequest
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/soap+xml") || xml.Unmarshal(body, &req) != nil {
		zFault(w, "service.PARSE_ERROR", "parse error: bad request")
		return
	}
	ok := func(v string) {
		w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
		fmt.Fprintf(w, zEnvelope, v)
	}
	switch {
	case req.Body.Auth != nil:
		z.Requests = append(z.Requests, "AuthRequest")
		if req.Body.Auth.Name != z.Admin || req.Body.Auth.Password != z.Password {
			zFault(w, "account.AUTH_FAILED", "authentication failed for ["+req.Body.Auth.Name+"]")
			return
		}
		tok := fmt.Sprintf("0_%x_%d", len(z.tokens)+1, len(z.Requests))
		z.tokens[tok] = true
		ok(`<AuthResponse xmlns="urn:zimbraAdmin"><authToken>` + tok + `</authToken><lifetime>43199998</lifetime></AuthResponse>`)
	case req.Body.Get != nil:
		z.Requests = append(z.Requests, "GetAccountRequest")
		if !z.tokens[req.Header.Token] {
			zFault(w, "service.AUTH_REQUIRED", "no valid authtoken present")
			return
		}
		if z.expire > 0 {
			z.expire--
			delete(z.tokens, req.Header.Token)
			zFault(w, "service.AUTH_EXPIRED", "auth credentials have expired")
			return
		}
		name := strings.ToLower(strings.TrimSpace(req.Body.Get.Account.Name))
		attrs, found := z.accounts[name]
		if req.Body.Get.Account.By != "name" || !found {
			zFault(w, "account.NO_SUCH_ACCOUNT", "no such account: "+name)
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, `<GetAccountResponse xmlns="urn:zimbraAdmin"><account id="4a8e0c1e-2b7d-4f0e-9a51-%012d" name="%s">`, len(name), esc(name))
		for _, a := range strings.Split(req.Body.Get.Attrs, ",") {
			for _, v := range attrs[a] {
				fmt.Fprintf(&b, `<a n="%s">%s</a>`, a, esc(v))
			}
		}
		b.WriteString(`</account></GetAccountResponse>`)
		ok(b.String())
	default:
		zFault(w, "service.UNKNOWN_DOCUMENT", "unknown document: request")
	}
}
