package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vigie.dev/vigie/internal/dnsx/dnstest"
)

func TestAligned(t *testing.T) {
	tests := []struct {
		a, b   string
		strict bool
		want   bool
	}{
		{"example.com", "example.com", true, true},
		{"EXAMPLE.com.", "example.com", true, true},
		{"mail.example.com", "example.com", true, false},
		{"mail.example.com", "example.com", false, true},
		{"mail.example.com", "news.example.com", false, true},
		{"example.net", "example.com", false, false},
		{"a.example.co.uk", "b.example.co.uk", false, true},
		{"example.co.uk", "other.co.uk", false, false},
		{"", "", false, false},
	}
	for _, tt := range tests {
		if got := Aligned(tt.a, tt.b, tt.strict); got != tt.want {
			t.Errorf("Aligned(%q, %q, strict=%v) = %v", tt.a, tt.b, tt.strict, got)
		}
	}
}

func TestParseDMARC(t *testing.T) {
	tests := []struct {
		txt     string
		wantErr bool
		p, sp   string
		pct     int // -1: absent
	}{
		{"v=DMARC1; p=reject", false, "reject", "", -1},
		{"v=DMARC1;p=quarantine;sp=none;pct=20;rua=mailto:d@example.com", false, "quarantine", "none", 20},
		{"v=DMARC1; p=Reject; adkim=S", false, "reject", "", -1},               // values are case-insensitive
		{"v=DMARC1; p=none; rf=iodef; ri=abc; fo=9", false, "none", "", -1},    // bad reporting tags do not void the policy
		{"v=DMARC1; p=reject; pct=150", false, "reject", "", -1},               // unusable pct ignored
		{"v=DMARC1; p=bogus; rua=mailto:d@example.com", false, "none", "", -1}, // §6.6.3: invalid p with rua is p=none
		{"v=DMARC1; rua=mailto:d@example.com", false, "none", "", -1},
		{"v=DMARC1; p=bogus", true, "", "", -1},
		{"v=DMARC1", true, "", "", -1},
		{"p=reject; v=DMARC1", true, "", "", -1}, // v must come first
		{"v=dmarc1; p=reject", true, "", "", -1},
		{"v=DMARC1; p=reject; sp=weird", false, "reject", "", -1},
	}
	for _, tt := range tests {
		rec, err := parseDMARC(tt.txt)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseDMARC(%q) err = %v", tt.txt, err)
			continue
		}
		if err != nil {
			continue
		}
		pct := -1
		if rec.Percent != nil {
			pct = *rec.Percent
		}
		if string(rec.Policy) != tt.p || string(rec.SubdomainPolicy) != tt.sp || pct != tt.pct {
			t.Errorf("parseDMARC(%q) = p=%s sp=%s pct=%d", tt.txt, rec.Policy, rec.SubdomainPolicy, pct)
		}
	}
}

// TestDMARC runs policy discovery over DNS and evaluation, table-driven.
func TestDMARC(t *testing.T) {
	srv := dnstest.Start(t, `
_dmarc.example.com.      IN TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:agg@example.com"
_dmarc.strict.example.   IN TXT "v=DMARC1; p=reject; adkim=s; aspf=s"
_dmarc.half.example.     IN TXT "v=DMARC1; p=reject; pct=50"
_dmarc.quar.example.     IN TXT "v=DMARC1; p=quarantine; pct=0"
_dmarc.none.example.     IN TXT "v=DMARC1; p=none"
_dmarc.twice.example.    IN TXT "v=DMARC1; p=reject"
_dmarc.twice.example.    IN TXT "v=DMARC1; p=none"
_dmarc.broken.example.   IN TXT "v=DMARC1; p=maybe"
_dmarc.other.example.    IN TXT "some verification token"
_dmarc.other.example.    IN TXT "v=DMARC1; p=quarantine"
_dmarc.sub.example.com.  IN TXT "v=DMARC1; p=none"
`)
	srv.ServFail("_dmarc.flaky.example")
	srv.ServFail("_dmarc.deep.example.com")
	r := srv.ResolverTimeout(300 * time.Millisecond)

	pass := func(d string) []DKIMResult { return []DKIMResult{{Domain: d, Selector: "s", Result: Pass}} }
	tests := []struct {
		name       string
		from       string
		res        Results
		want       Result
		wantPolicy string
	}{
		{"spf aligned relaxed", "example.com", Results{SPF: Pass, SPFDomain: "bounce.example.com"}, Pass, "reject"},
		{"dkim aligned relaxed", "example.com", Results{DKIM: pass("mail.example.com")}, Pass, "reject"},
		{"nothing aligned", "example.com", Results{SPF: Pass, SPFDomain: "example.net", DKIM: pass("example.net")}, Fail, "reject"},
		{"spf softfail is no pass", "example.com", Results{SPF: SoftFail, SPFDomain: "example.com"}, Fail, "reject"},
		{"dkim fail aligned", "example.com", Results{DKIM: []DKIMResult{{Domain: "example.com", Result: Fail}}}, Fail, "reject"},
		{"strict spf subdomain", "strict.example", Results{SPF: Pass, SPFDomain: "mail.strict.example"}, Fail, "reject"},
		{"strict dkim exact", "strict.example", Results{DKIM: pass("strict.example")}, Pass, "reject"},
		{"strict dkim subdomain", "strict.example", Results{DKIM: pass("mail.strict.example")}, Fail, "reject"},
		{"org fallback uses sp", "news.example.com", Results{}, Fail, "quarantine"},
		{"org fallback pass", "news.example.com", Results{DKIM: pass("example.com")}, Pass, "quarantine"},
		{"own record beats org", "sub.example.com", Results{}, Fail, "none"},
		{"temperror at from stops discovery", "deep.example.com", Results{}, TempError, ""},
		{"no record", "nodmarc.example.org", Results{}, None, ""},
		{"two records", "twice.example", Results{}, None, ""},
		{"invalid record", "broken.example", Results{}, PermError, ""},
		{"non-DMARC TXT ignored", "other.example", Results{}, Fail, "quarantine"},
		{"lookup temperror", "flaky.example", Results{SPF: Pass, SPFDomain: "flaky.example"}, TempError, ""},
		{"aligned spf temperror", "example.com", Results{SPF: TempError, SPFDomain: "example.com"}, TempError, "reject"},
		{"aligned dkim temperror", "example.com", Results{DKIM: []DKIMResult{{Domain: "example.com", Result: TempError}}}, TempError, "reject"},
		{"unaligned temperror is fail", "example.com", Results{SPF: TempError, SPFDomain: "example.net"}, Fail, "reject"},
		{"temperror then pass", "example.com", Results{SPF: TempError, SPFDomain: "example.com", DKIM: pass("example.com")}, Pass, "reject"},
		{"pct 0 quarantine becomes none", "quar.example", Results{}, Fail, "none"},
		{"p=none", "none.example", Results{}, Fail, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lookupDMARC(context.Background(), r, tt.from)
			got, policy := evalDMARC(l, tt.from, tt.res, sampler("msg-1"))
			if got != tt.want || policy != tt.wantPolicy {
				t.Errorf("DMARC(%s) = %s, %q (%v); want %s, %q", tt.from, got, policy, l.err, tt.want, tt.wantPolicy)
			}
		})
	}

	// pct=50: about half the failing messages get reject, the others
	// quarantine, and each message always gets the same.
	l := lookupDMARC(context.Background(), r, "half.example")
	counts := map[string]int{}
	for i := range 1000 {
		key := fmt.Sprintf("<%d@half.example>", i)
		_, p1 := evalDMARC(l, "half.example", Results{}, sampler(key))
		_, p2 := evalDMARC(l, "half.example", Results{}, sampler(key))
		if p1 != p2 {
			t.Fatalf("pct sampling not deterministic for %s", key)
		}
		counts[p1]++
	}
	if counts["reject"] < 400 || counts["quarantine"] < 400 || counts["reject"]+counts["quarantine"] != 1000 {
		t.Errorf("pct=50 sampling: %v", counts)
	}
}
