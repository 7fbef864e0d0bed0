package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
)

// Issue 13, point 8: API tokens have scopes. A message Postfix handed to
// the milter is held; the MTA's scan token can scan but can neither read
// nor release it; a read token reads it but cannot release it; an analyst
// token releases it, once, and the audit trail names the token.
func TestAPITokenScopes(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) {
		holdEverything(c)
		c.Serve.Quarantine.ReleaseTo = fmt.Sprintf("127.0.0.1:%d", sk.port)
		c.Serve.Milter.Quarantine = "discard"
		c.Serve.HTTP.Tokens = []config.APIToken{
			{Token: "mta-scan-token-0000001"}, // a plain string in YAML: scan only
			{Name: "siem", Token: "siem-read-token-000001", Scope: "read"},
			{Name: "soc", Token: "soc-analyst-token-0001", Scope: "analyst"},
		}
	}, nil)
	pf := startPostfix(t, v.MilterAddr, sk.port)
	if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q", r)
	}
	ids := heldIDs(t, v)
	if len(ids) != 1 {
		t.Fatalf("%d held", len(ids))
	}
	call := func(token, method, path string) (int, string) {
		req, _ := http.NewRequest(method, "http://"+v.HTTPAddr+path, strings.NewReader("Subject: x\r\n\r\nhi\r\n"))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	raw := "/api/v1/quarantine/" + ids[0] + "/raw"
	rel := "/api/v1/quarantine/" + ids[0] + "/release"
	for _, c := range []struct {
		token, method, path string
		ok                  bool
	}{
		{"mta-scan-token-0000001", "POST", "/api/v1/scan", true},
		{"mta-scan-token-0000001", "GET", raw, false},
		{"mta-scan-token-0000001", "POST", rel, false},
		{"mta-scan-token-0000001", "GET", "/api/v1/trace?domain=partner.test", false},
		{"siem-read-token-000001", "GET", "/api/v1/trace?domain=partner.test", true},
		{"siem-read-token-000001", "GET", raw, true},
		{"siem-read-token-000001", "POST", rel, false},
	} {
		code, body := call(c.token, c.method, c.path)
		if ok := code/100 == 2; ok != c.ok {
			t.Errorf("%s %s with %s: %d %.200s", c.method, c.path, c.token, code, body)
		}
	}
	if len(sk.messages()) != 0 {
		t.Fatal("delivered before any allowed release")
	}
	code, body := call("soc-analyst-token-0001", "POST", rel)
	if code != 200 {
		t.Fatalf("analyst release: %d %s", code, body)
	}
	sk.waitMessages(t, 1, 60*time.Second)
	rows, err := v.DB.Users().AuditLog(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || (r.Actor == "api:soc" && strings.Contains(r.Action, "release") && r.Target == ids[0])
	}
	if !found {
		t.Errorf("release by api:soc not audited: %+v", rows)
	}
}
