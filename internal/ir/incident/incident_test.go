package incident

import (
	"fmt"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/ir/playbook"
	"vigie.dev/vigie/internal/scan"
)

// TestAssessMatrix pins the whole severity matrix documented in
// docs/incident-response.md.
func TestAssessMatrix(t *testing.T) {
	// want[impact-1] is a 3×3 grid: rows périmètre 1..3, columns urgence 1..3.
	want := [3][3][3]Severity{
		{{Anomaly, Anomaly, Minor}, {Anomaly, Anomaly, Minor}, {Minor, Minor, Minor}},
		{{Minor, Minor, Major}, {Minor, Minor, Major}, {Major, Major, Major}},
		{{Major, Major, Major}, {Major, Major, Major}, {Major, Major, Crisis}},
	}
	for i := Low; i <= High; i++ {
		for p := Low; p <= High; p++ {
			for u := Low; u <= High; u++ {
				if got := Assess(p, i, u); got != want[i-1][p-1][u-1] {
					t.Errorf("Assess(périmètre %s, impact %s, urgence %s) = %s, want %s",
						p.Label(Perimeter), i.Label(Impact), u.Label(Urgency), got, want[i-1][p-1][u-1])
				}
			}
		}
	}
	if Assess(0, 0, 0) != Anomaly || Assess(9, 9, 9) != Crisis {
		t.Error("out-of-range levels are not clamped")
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		axis Axis
		in   string
		want Level
	}{
		{Perimeter, "étendu", High}, {Perimeter, "etendu", High}, {Perimeter, "restreint", Low},
		{Impact, "modéré", Medium}, {Impact, "FORT", High}, {Urgency, "forte", High},
		{Urgency, "modérée", Medium}, {Impact, "2", Medium}, {Urgency, "low", Low},
	}
	for _, tt := range tests {
		if got, err := ParseLevel(tt.axis, tt.in); err != nil || got != tt.want {
			t.Errorf("ParseLevel(%s, %q) = %v, %v", tt.axis, tt.in, got, err)
		}
	}
	for _, bad := range []string{"", "énorme", "4"} {
		if _, err := ParseLevel(Impact, bad); err == nil {
			t.Errorf("ParseLevel(%q) succeeded", bad)
		}
	}
}

func TestParseItemStatus(t *testing.T) {
	for in, want := range map[string]ItemStatus{
		"à faire": Todo, "a-faire": Todo, "en cours": InProgress, "en-cours": InProgress,
		"fait": Done, "done": Done, "sans objet": NotApplied, "sans-objet": NotApplied, "n/a": NotApplied,
	} {
		if got, err := ParseItemStatus(in); err != nil || got != want {
			t.Errorf("ParseItemStatus(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseItemStatus("presque"); err == nil {
		t.Error("ParseItemStatus(presque) succeeded")
	}
	if Done.FR() != "fait" || NotApplied.FR() != "sans objet" {
		t.Error("French labels")
	}
}

func TestNext(t *testing.T) {
	items := []ChecklistItem{
		{ItemID: "1.a", Status: Done, Def: playbook.Item{Priority: "P0"}},
		{ItemID: "1.b", Status: NotApplied, Def: playbook.Item{Priority: "P0"}},
		{ItemID: "3", Status: InProgress, Def: playbook.Item{Priority: "P1"}},
		{ItemID: "4.a", Status: Todo, Def: playbook.Item{Priority: "P1"}},
		{ItemID: "6.a", Status: Todo, Def: playbook.Item{Priority: "P2"}},
	}
	var ids []string
	for _, it := range Next(items) {
		ids = append(ids, it.ItemID)
	}
	if strings.Join(ids, ",") != "3,4.a" {
		t.Errorf("Next = %v", ids)
	}
	if len(Next(items[:2])) != 0 {
		t.Error("Next of a finished checklist is not empty")
	}
}

func TestPropose(t *testing.T) {
	v := &scan.Verdict{Indicators: scan.Indicators{
		ClientIP:    "198.51.100.7",
		FromAddress: "Billing@Evil.example",
		ReturnPath:  "bounce@mailer.example",
		ReplyTo:     "billing@evil.example",
		Senders:     []string{"billing@evil.example"},
		URLs:        []string{"https://login.evil.example/x"},
		Hosts:       []string{"login.evil.example"},
		Domains:     []string{"evil.example", "platform.example"},
		Attachments: []string{strings.Repeat("AB", 32)},
		FuzzyBody:   "v1:abc",
	}}
	got := Propose(v, "sum")
	var keys []string
	for _, p := range got {
		keys = append(keys, fmt.Sprintf("%s=%s/%s", p.Key(), p.Origin, p.Suggested))
		if p.State != Proposed || p.Evidence != "sum" {
			t.Errorf("%+v", p)
		}
	}
	want := []string{
		"email billing@evil.example=From/block",
		"domain evil.example=From domain/watch",
		"email bounce@mailer.example=Return-Path/block",
		"domain mailer.example=Return-Path domain/watch",
		"ip 198.51.100.7=Received (client IP)/block",
		"url https://login.evil.example/x=URL/block",
		"host login.evil.example=URL host/block",
		"sha256 " + strings.Repeat("ab", 32) + "=attachment/block",
		"fuzzy v1:abc=body fuzzy hash/block",
	}
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Errorf("Propose:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	// Private and loopback client addresses are our own relays, not the attacker.
	v.Indicators.ClientIP = "10.0.0.8"
	for _, p := range Propose(v, "") {
		if p.Kind == KindIP {
			t.Errorf("private IP proposed: %v", p)
		}
	}
}

func TestGuessKind(t *testing.T) {
	for in, want := range map[string]string{
		"https://x.example/a": KindURL, "a@b.example": KindEmail, "203.0.113.4": KindIP,
		"2001:db8::/32": KindIP, "evil.example": KindDomain, strings.Repeat("0f", 32): KindSHA256,
		"v1:deadbeef": KindFuzzy,
	} {
		if got := GuessKind(in); got != want {
			t.Errorf("GuessKind(%q) = %s, want %s", in, got, want)
		}
	}
	if k, v := SplitIndicator("host:login.evil.example"); k != KindHost || v != "login.evil.example" {
		t.Errorf("SplitIndicator = %s %s", k, v)
	}
	if k, v := SplitIndicator("https://x.example/"); k != KindURL || v != "https://x.example/" {
		t.Errorf("SplitIndicator(url) = %s %s", k, v)
	}
}

func TestLooksLikeMessage(t *testing.T) {
	tests := map[string]bool{
		"Received: from x\r\n\tby y\r\nFrom: a@b\r\nSubject: s\r\n\r\nbody": true,
		"From: a@b\nTo: c@d\n\nhi":                            true,
		"Mar 12 09:14:02 mx postfix/smtpd[1]: connect from x": false,
		"X-Foo: bar\nX-Baz: qux\n\n":                          false,
		"%PDF-1.7\n":                                          false,
	}
	for in, want := range tests {
		if got := LooksLikeMessage([]byte(in)); got != want {
			t.Errorf("LooksLikeMessage(%q) = %v", in, got)
		}
	}
}

func FuzzLooksLikeMessage(f *testing.F) {
	f.Add([]byte("From: a@b\nTo: c@d\n\nhi"))
	f.Add([]byte("\x00\xff:"))
	f.Fuzz(func(t *testing.T, b []byte) { LooksLikeMessage(b) })
}
