package auth

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseAuthResults(t *testing.T) {
	for _, c := range []struct {
		name, v string
		id      string
		want    []MethodResult
	}{
		{"microsoft 365 without authserv-id",
			"spf=pass (sender IP is 198.51.100.55) smtp.mailfrom=mg.example.com; dkim=pass (signature was verified) header.d=mg.example.com;dmarc=bestguesspass action=none header.from=mg.example.com;compauth=pass reason=109",
			"", []MethodResult{
				{Method: "spf", Result: "pass", Props: map[string]string{"smtp.mailfrom": "mg.example.com"}, Comment: "sender IP is 198.51.100.55"},
				{Method: "dkim", Result: "pass", Props: map[string]string{"header.d": "mg.example.com"}, Comment: "signature was verified"},
				{Method: "dmarc", Result: "bestguesspass", Props: map[string]string{"action": "none", "header.from": "mg.example.com"}},
				{Method: "compauth", Result: "pass", Reason: "109"},
			}},
		{"microsoft 365 dmarc fail oreject",
			"spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=news.example.co.uk; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=news.example.co.uk;compauth=fail reason=000",
			"", []MethodResult{
				{Method: "spf", Result: "fail", Props: map[string]string{"smtp.mailfrom": "news.example.co.uk"}, Comment: "sender IP is 203.0.113.9"},
				{Method: "dkim", Result: "none", Props: map[string]string{"header.d": "none"}, Comment: "message not signed"},
				{Method: "dmarc", Result: "fail", Props: map[string]string{"action": "oreject", "header.from": "news.example.co.uk"}},
				{Method: "compauth", Result: "fail", Reason: "000"},
			}},
		{"postfix opendkim quoted reason and comment with semicolon",
			`lists.example.com; dkim=fail reason="signature verification failed" (1024-bit key; unprotected) header.d=example.be header.i=@example.be header.b="R2fp79iK"; dkim-atps=neutral`,
			"lists.example.com", []MethodResult{
				{Method: "dkim", Result: "fail", Reason: "signature verification failed", Props: map[string]string{"header.d": "example.be", "header.i": "@example.be", "header.b": "R2fp79iK"}, Comment: "1024-bit key; unprotected"},
				{Method: "dkim-atps", Result: "neutral"},
			}},
		{"rspamd with quoted mailfrom and nested comment",
			`mail.example.de; dkim=pass header.d=example.com header.s=sel header.b=OESL; spf=pass (mail.example.de: domain of "list+bounces@lists.example.dev" designates 192.0.2.10 as permitted sender (nested)) smtp.mailfrom="list+bounces@lists.example.dev"; dmarc=pass (policy=none) header.from=example.com; arc=pass ("example.org:s=arc-2024:i=1")`,
			"mail.example.de", []MethodResult{
				{Method: "dkim", Result: "pass", Props: map[string]string{"header.d": "example.com", "header.s": "sel", "header.b": "OESL"}},
				{Method: "spf", Result: "pass", Props: map[string]string{"smtp.mailfrom": "list+bounces@lists.example.dev"}, Comment: `mail.example.de: domain of "list+bounces@lists.example.dev" designates 192.0.2.10 as permitted sender (nested)`},
				{Method: "dmarc", Result: "pass", Props: map[string]string{"header.from": "example.com"}, Comment: "policy=none"},
				{Method: "arc", Result: "pass", Comment: `"example.org:s=arc-2024:i=1"`},
			}},
		{"version, method version, CFWS around =",
			"mx.example.net 1; dkim/1 = pass (good) header.d = example.org ; spf=none",
			"mx.example.net", []MethodResult{
				{Method: "dkim", Result: "pass", Props: map[string]string{"header.d": "example.org"}, Comment: "good"},
				{Method: "spf", Result: "none"},
			}},
		{"VERP and SRS addresses and base64 keep their '='",
			"mx.example.net; spf=pass smtp.mailfrom=list-bounces+jo=example.net@lists.example.org; spf=pass smtp.mailfrom=SRS0=x7Gq=TB=example.com=alice@fwd.example; dkim=pass header.d=example.org header.b=AbC1== header.s=s1",
			"mx.example.net", []MethodResult{
				{Method: "spf", Result: "pass", Props: map[string]string{"smtp.mailfrom": "list-bounces+jo=example.net@lists.example.org"}},
				{Method: "spf", Result: "pass", Props: map[string]string{"smtp.mailfrom": "SRS0=x7Gq=TB=example.com=alice@fwd.example"}},
				{Method: "dkim", Result: "pass", Props: map[string]string{"header.d": "example.org", "header.b": "AbC1==", "header.s": "s1"}},
			}},
		{"no-result", "mx.example.net; none", "mx.example.net", nil},
		{"comment before authserv-id", "(the relay) mx.example.net; auth=pass smtp.auth=alice@example.net", "mx.example.net", []MethodResult{
			{Method: "auth", Result: "pass", Props: map[string]string{"smtp.auth": "alice@example.net"}},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, res, err := ParseAuthResults(c.v)
			if err != nil {
				t.Fatal(err)
			}
			if id != c.id {
				t.Errorf("authserv-id = %q, want %q", id, c.id)
			}
			if !reflect.DeepEqual(res, c.want) {
				t.Errorf("results:\n got %+v\nwant %+v", res, c.want)
			}
		})
	}
}

func TestParseAuthResultsErrors(t *testing.T) {
	for _, v := range []string{"", "   ", "mx.example.net", "mx.example.net; garbage", ";;;", "(((", `"unterminated`} {
		if _, res, err := ParseAuthResults(v); err == nil {
			t.Errorf("ParseAuthResults(%q) = %v, nil; want an error", v, res)
		}
	}
}

func TestParseAuthResultsHostile(t *testing.T) {
	for _, v := range []string{
		"mx; " + strings.Repeat("dkim=pass header.d=x; ", 10000),
		strings.Repeat("(", 100000),
		"mx; spf=pass " + strings.Repeat("a.b=c ", 20000),
		strings.Repeat(`"`, 50000),
	} {
		_, res, _ := ParseAuthResults(v)
		if len(res) > maxMethods {
			t.Errorf("%d results kept, limit %d", len(res), maxMethods)
		}
		for _, r := range res {
			if len(r.Props) > 32 {
				t.Errorf("%d props kept", len(r.Props))
			}
		}
	}
}

// The HELO identity's SPF result is read with the name it was checked for,
// as Vigie writes it (FormatAuthResults) and as a bounce's receiver does.
func TestMergeKeepsTheHELOName(t *testing.T) {
	_, mrs, err := ParseAuthResults("mx.vigie.example; spf=pass smtp.helo=MX.Sender.example; dkim=none")
	if err != nil {
		t.Fatal(err)
	}
	var r Results
	r.Merge(mrs)
	if r.SPF != "" || r.HELOSPF != Pass || r.HELODomain != "mx.sender.example" {
		t.Fatalf("%+v", r)
	}
	if res, dom := r.EnvelopeSPF(true); res != Pass || dom != "mx.sender.example" {
		t.Errorf("null sender: %s %s, want the HELO's pass", res, dom)
	}
	if res, _ := r.EnvelopeSPF(false); res != "" {
		t.Errorf("with a MAIL FROM: %s, want none", res)
	}
}
