package zimbra_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/mailboxtest"
	"vigie.dev/vigie/internal/mailbox/zimbra"
)

func TestForwards(t *testing.T) {
	z := mailboxtest.StartZimbra(t, "admin@chu-exemple.test", "s3cret")
	alice, bob, carol := "alice@chu-exemple.test", "bob@chu-exemple.test", "carol@chu-exemple.test"
	z.SetAccount(alice, map[string][]string{zimbra.AttrPrefForward: {"Relais@Evil.example, copie@chu-exemple.test"},
		zimbra.AttrLocalDisabled: {"TRUE"}, "zimbraMailStatus": {"enabled"}})
	z.SetAccount(bob, map[string][]string{zimbra.AttrAdminForward: {"archive@chu-exemple.test", "ailleurs@evil.example"}})
	z.SetAccount(carol, map[string][]string{zimbra.AttrLocalDisabled: {"FALSE"}})
	c, err := zimbra.New(zimbra.Config{URL: z.URL, Admin: "admin@chu-exemple.test", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	rules, err := c.Forwards(ctx, alice)
	if err != nil || len(rules) != 1 {
		t.Fatalf("alice: %v %+v", err, rules)
	}
	r := rules[0]
	if r.ID != "zimbra:"+zimbra.AttrPrefForward || !slices.Equal(r.Targets, []string{"relais@evil.example", "copie@chu-exemple.test"}) ||
		!slices.Equal(r.Effects, []string{"forward"}) || r.Fixable || !strings.Contains(r.Text, "zimbraPrefMailLocalDeliveryDisabled: true") {
		t.Errorf("alice's rule %+v", r)
	}
	fs := mailbox.Assess(alice, rules, []string{"chu-exemple.test"})
	sigs := map[string]bool{}
	for _, f := range fs {
		sigs[f.Signal] = true
		if !strings.Contains(f.FR, "Zimbra n'a pas de réglage") || !strings.Contains(f.EN, "Zimbra has no setting") {
			t.Errorf("finding does not say why it is left: %s / %s", f.FR, f.EN)
		}
	}
	if !sigs[mailbox.SigForwardExternal] || !sigs[mailbox.SigForwardInternal] {
		t.Errorf("findings %+v", fs)
	}

	z.ExpireTokens(1) // the cached token has expired: one new log-in, then the answer
	rules, err = c.Forwards(ctx, bob)
	if err != nil || len(rules) != 1 || rules[0].ID != "zimbra:"+zimbra.AttrAdminForward || !slices.Contains(rules[0].Effects, "copy") ||
		len(rules[0].Targets) != 2 {
		t.Fatalf("bob: %v %+v", err, rules)
	}
	if n := strings.Count(strings.Join(z.Requests, " "), "AuthRequest"); n != 2 {
		t.Errorf("log-ins: %d (%v)", n, z.Requests)
	}
	if rules, err := c.Forwards(ctx, carol); err != nil || len(rules) != 0 {
		t.Errorf("carol forwards nothing: %v %+v", err, rules)
	}
	if _, err := c.Forwards(ctx, "parti@chu-exemple.test"); !errors.Is(err, mailbox.ErrNoMailbox) {
		t.Errorf("unknown account: %v", err)
	}
	bad, _ := zimbra.New(zimbra.Config{URL: z.URL, Admin: "admin@chu-exemple.test", Password: "wrong"})
	if _, err := bad.Forwards(ctx, alice); !errors.Is(err, mailbox.ErrCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	down, _ := zimbra.New(zimbra.Config{URL: "http://127.0.0.1:1/service/admin/soap", Admin: "a", Password: "b"})
	if _, err := down.Forwards(ctx, alice); !errors.Is(err, mailbox.ErrUnreachable) {
		t.Errorf("server down: %v", err)
	}
	if _, err := zimbra.New(zimbra.Config{URL: z.URL}); err == nil {
		t.Error("no credentials accepted")
	}
}

func TestParseAnswer(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		token     string
		attrs     map[string][]string
		err       string
	}{
		{"auth", `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header><context xmlns="urn:zimbra"/></soap:Header><soap:Body><AuthResponse xmlns="urn:zimbraAdmin"><authToken>0_abc_def</authToken><lifetime>43199998</lifetime></AuthResponse></soap:Body></soap:Envelope>`,
			"0_abc_def", nil, ""},
		{"account", `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><GetAccountResponse xmlns="urn:zimbraAdmin"><account id="4a8e" name="a@b"><a n="zimbraMailForwardingAddress">x@y</a><a n="zimbraMailForwardingAddress">z@y</a></account></GetAccountResponse></soap:Body></soap:Envelope>`,
			"", map[string][]string{"zimbraMailForwardingAddress": {"x@y", "z@y"}}, ""},
		{"fault", `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code><soap:Reason><soap:Text>no such account: a@b</soap:Text></soap:Reason><soap:Detail><Error xmlns="urn:zimbra"><Code>account.NO_SUCH_ACCOUNT</Code><Trace>t</Trace></Error></soap:Detail></soap:Fault></soap:Body></soap:Envelope>`,
			"", nil, "account.NO_SUCH_ACCOUNT: no such account: a@b"},
		{"empty body", `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body/></soap:Envelope>`, "", nil, "without a known response"},
		{"not XML", `<html><body>502 Bad Gateway`, "", nil, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, tok, err := zimbra.ParseAnswer([]byte(tc.xml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || tok != tc.token {
				t.Fatalf("%v %q", err, tok)
			}
			if tc.attrs != nil && (a == nil || len(a.Attrs) != len(tc.attrs) || !slices.Equal(a.Attrs["zimbraMailForwardingAddress"], tc.attrs["zimbraMailForwardingAddress"])) {
				t.Errorf("account %+v", a)
			}
		})
	}
}

func FuzzParseAnswer(f *testing.F) {
	f.Add([]byte(`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><GetAccountResponse xmlns="urn:zimbraAdmin"><account id="4a8e" name="a@b"><a n="zimbraPrefMailForwardingAddress">x@y, z@w</a><a n="zimbraPrefMailLocalDeliveryDisabled">TRUE</a></account></GetAccountResponse></soap:Body></soap:Envelope>`))
	f.Add([]byte(`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault><soap:Reason><soap:Text>x</soap:Text></soap:Reason></soap:Fault></soap:Body></soap:Envelope>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, _, err := zimbra.ParseAnswer(b)
		if err != nil || a == nil {
			return
		}
		for _, r := range zimbra.Rules(a) {
			if r.Fixable || len(r.Targets) == 0 {
				t.Fatalf("%+v", r)
			}
			mailbox.Assess("u@x", []mailbox.Rule{r}, []string{"x"})
		}
	})
}
