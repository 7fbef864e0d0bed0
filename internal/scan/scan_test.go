package scan

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
)

type emitCheck struct{ names []string }

func (emitCheck) Name() string { return "emit" }
func (c emitCheck) Check(_ context.Context, _ *Input, out *Emitter) {
	for _, n := range c.names {
		out.Emit(n, "détail")
	}
}

type panicCheck struct{}

func (panicCheck) Name() string                            { return "panics" }
func (panicCheck) Check(context.Context, *Input, *Emitter) { panic("boom") }

type slowCheck struct{}

func (slowCheck) Name() string { return "slow" }
func (slowCheck) Check(ctx context.Context, _ *Input, _ *Emitter) {
	<-ctx.Done()
}

// testFamily is a family of the tests' own signals.
type testFamily []Definition

func (testFamily) Name() string            { return "test" }
func (f testFamily) Signals() []Definition { return f }
func (testFamily) Checks() []Check         { return nil }

func testCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	c, err := NewCatalogue(testFamily{
		{Name: "A", Weight: 3, FR: "a ({d})", EN: "a ({d})"},
		{Name: "B", Weight: 3, FR: "b", EN: "b"},
		{Name: "BLOCK", Weight: 0, Action: Reject, FR: "bloqué", EN: "blocked"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The catalogue holds the pipeline's own signals and the families'; a name
// defined twice, or a family's malformed data, is refused.
func TestCatalogue(t *testing.T) {
	c := testCatalogue(t)
	if _, ok := c.Lookup("SCAN_TIMEOUT"); !ok {
		t.Error("the pipeline's own signals are missing")
	}
	if d, ok := c.Lookup("A"); !ok || d.Weight != 3 {
		t.Errorf("A = %+v, %v", d, ok)
	}
	all := c.All()
	for i := 1; i < len(all); i++ {
		if all[i-1].Family > all[i].Family || all[i-1].Family == all[i].Family && all[i-1].Name >= all[i].Name {
			t.Errorf("All not sorted at %s, %s", all[i-1].Name, all[i].Name)
		}
	}
	if _, err := NewCatalogue(testFamily{{Name: "A", FR: "a", EN: "a"}}, testFamily{{Name: "A", FR: "a", EN: "a"}}); err == nil {
		t.Error("a signal defined twice was accepted")
	}
	for _, bad := range []string{"- name: lower\n  fr: x\n  en: y\n", "- name: NO_EN\n  fr: x\n", "{not: a list}", "- name: UP\n  fit: higher\n  fr: x\n  en: y\n"} {
		if _, err := ParseDefinitions("test", []byte(bad)); err == nil {
			t.Errorf("ParseDefinitions(%q) accepted", bad)
		}
	}
	if defs, err := ParseDefinitions("test", []byte("- name: OK\n  weight: 2\n  fr: x\n  en: y\n")); err != nil || defs[0].Family != "test" || defs[0].Weight != 2 {
		t.Errorf("ParseDefinitions = %+v, %v", defs, err)
	}
	if defs, err := ParseDefinitions("test", []byte("- name: OK\n  weight: 2\n  fit: lower\n  fr: x\n  en: y\n")); err != nil || defs[0].Fit != FitLower {
		t.Errorf("fit: lower = %+v, %v", defs, err)
	}
}

// Validation without a catalogue checks the thresholds and values only;
// with one, the names too.
func TestPolicyValidate(t *testing.T) {
	p := DefaultPolicy()
	p.Weights = map[string]float64{"UNKNOWN": 1}
	if err := p.Validate(nil); err != nil {
		t.Errorf("without a catalogue: %v", err)
	}
	if err := p.Validate(testCatalogue(t)); err == nil || !strings.Contains(err.Error(), "UNKNOWN") {
		t.Errorf("unknown weight: %v", err)
	}
	p.Weights = map[string]float64{"A": 2}
	p.Actions = map[string]Action{"B": Quarantine}
	p.Disabled = []string{"SCAN_TIMEOUT"}
	if err := p.Validate(testCatalogue(t)); err != nil {
		t.Errorf("known names: %v", err)
	}
	p.Actions = map[string]Action{"B": "drop"}
	if err := p.Validate(nil); err == nil {
		t.Error("unknown action accepted")
	}
	p = DefaultPolicy()
	p.QuarantineAt = 1
	if err := p.Validate(nil); err == nil {
		t.Error("decreasing thresholds accepted")
	}
}

func TestPolicy(t *testing.T) {
	cat := testCatalogue(t)
	raw := []byte("From: a@b.example\r\nSubject: x\r\n\r\nhello\r\n")
	cases := []struct {
		names []string
		pol   Policy
		want  Action
		score float64
	}{
		{nil, DefaultPolicy(), Accept, 0},
		{[]string{"A"}, DefaultPolicy(), Accept, 3},
		{[]string{"A", "B"}, DefaultPolicy(), Tag, 6},
		{[]string{"A", "B"}, Policy{TagAt: 1, QuarantineAt: 6, RejectAt: 10}, Quarantine, 6},
		{[]string{"A", "A", "B"}, Policy{TagAt: 1, QuarantineAt: 2, RejectAt: 6}, Reject, 6}, // A counted once
		{[]string{"A", "B"}, Policy{TagAt: 5, QuarantineAt: 9, Weights: map[string]float64{"A": 10}}, Quarantine, 13},
		{[]string{"A", "B"}, Policy{TagAt: 5, QuarantineAt: 9, Disabled: []string{"B"}}, Accept, 3},
		{[]string{"BLOCK"}, DefaultPolicy(), Reject, 0},
		{[]string{"BLOCK"}, Policy{TagAt: 5, QuarantineAt: 9, Actions: map[string]Action{"BLOCK": Quarantine}}, Quarantine, 0},
	}
	for _, c := range cases {
		s := &Scanner{Checks: []Check{emitCheck{c.names}}, Policy: c.pol, Catalogue: cat}
		v := s.Scan(context.Background(), raw, Envelope{})
		if v.Action != c.want || v.Score != c.score {
			t.Errorf("%v with %+v: %s %.1f, want %s %.1f", c.names, c.pol, v.Action, v.Score, c.want, c.score)
		}
	}
	s := &Scanner{Checks: []Check{emitCheck{[]string{"A"}}}, Policy: DefaultPolicy(), Catalogue: cat}
	v := s.Scan(context.Background(), raw, Envelope{})
	if v.Signals[0].FR != "a (détail)" {
		t.Errorf("explanation %q", v.Signals[0].FR)
	}
	if err := (Policy{TagAt: 5, QuarantineAt: 3}).Validate(cat); err == nil {
		t.Error("decreasing thresholds accepted")
	}
	if err := (Policy{TagAt: 5, QuarantineAt: 9, Weights: map[string]float64{"NOPE": 1}}).Validate(cat); err == nil {
		t.Error("unknown signal accepted")
	}
}

func TestCheckPanicIsContained(t *testing.T) {
	s := &Scanner{Checks: []Check{panicCheck{}, emitCheck{[]string{"A"}}}, Policy: DefaultPolicy(), Catalogue: testCatalogue(t)}
	v := s.Scan(context.Background(), []byte("Subject: x\r\n\r\nx"), Envelope{})
	if !v.Has("SCAN_CHECK_ERROR") || !v.Has("A") {
		t.Errorf("signals %+v", v.Signals)
	}
	// The verdict says it lacks the failed check's view, even with the
	// signal disabled.
	if v.Partial || !slices.Equal(v.FailedChecks, []string{"panics"}) || v.Incomplete() != "check failed: panics" {
		t.Errorf("partial=%v failed=%v incomplete=%q", v.Partial, v.FailedChecks, v.Incomplete())
	}
	s.Policy.Disabled = []string{"SCAN_CHECK_ERROR"}
	if v := s.Scan(context.Background(), []byte("Subject: x\r\n\r\nx"), Envelope{}); v.Has("SCAN_CHECK_ERROR") || v.Incomplete() == "" {
		t.Errorf("disabled signal: signals %+v incomplete=%q", v.Signals, v.Incomplete())
	}
	s = &Scanner{Checks: []Check{emitCheck{[]string{"A"}}}, Policy: DefaultPolicy(), Catalogue: testCatalogue(t)}
	if v := s.Scan(context.Background(), []byte("Subject: x\r\n\r\nx"), Envelope{}); v.Incomplete() != "" {
		t.Errorf("a complete scan says %q", v.Incomplete())
	}
}

func TestDeadline(t *testing.T) {
	s := &Scanner{Checks: []Check{slowCheck{}, emitCheck{[]string{"A"}}}, Policy: DefaultPolicy(), Catalogue: testCatalogue(t), Timeout: 50 * time.Millisecond}
	// The slow check never returns by itself: only the deadline ends the
	// scan (the bound is for a loaded machine).
	start := time.Now()
	v := s.Scan(context.Background(), []byte("Subject: x\r\n\r\nx"), Envelope{})
	if time.Since(start) > 30*time.Second || !v.Partial || !v.Has("SCAN_TIMEOUT") || v.Has("A") {
		t.Errorf("partial=%v signals=%+v after %s", v.Partial, v.Signals, time.Since(start))
	}
}

// The last check running into the deadline returns early: the verdict is
// partial though no check was left unrun.
func TestDeadlineInTheLastCheck(t *testing.T) {
	s := &Scanner{Checks: []Check{emitCheck{[]string{"A"}}, slowCheck{}}, Policy: DefaultPolicy(), Catalogue: testCatalogue(t), Timeout: 50 * time.Millisecond}
	v := s.Scan(context.Background(), []byte("Subject: x\r\n\r\nx"), Envelope{})
	if !v.Partial || !v.Has("SCAN_TIMEOUT") || !v.Has("A") || v.Incomplete() != "scan deadline reached" {
		t.Errorf("partial=%v signals=%+v incomplete=%q", v.Partial, v.Signals, v.Incomplete())
	}
}

func TestIndicators(t *testing.T) {
	raw := "From: \"Chorus Pro\" <notif@abatos.fr>\r\nReply-To: x@gmail.com\r\nSubject: Facture\r\nMessage-ID: <m1@abatos.fr>\r\nContent-Type: text/html\r\n\r\n" +
		`<a href="https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fpay.evil.example%2Fa&data=1">x</a>`
	s := &Scanner{Policy: DefaultPolicy(), Catalogue: testCatalogue(t)}
	v := s.Scan(context.Background(), []byte(raw), Envelope{MailFrom: "www-data@srv.example.com"})
	in := v.Indicators
	if in.FromAddress != "notif@abatos.fr" || in.ReplyTo != "x@gmail.com" || in.ReturnPath != "www-data@srv.example.com" || in.MessageID != "m1@abatos.fr" {
		t.Errorf("addresses: %+v", in)
	}
	if strings.Join(in.URLs, " ") != "https://pay.evil.example/a" || strings.Join(in.Hosts, " ") != "pay.evil.example" {
		t.Errorf("URLs not unwrapped: %v %v", in.URLs, in.Hosts)
	}
	for _, d := range []string{"abatos.fr", "gmail.com", "example.com", "evil.example"} {
		if !strings.Contains(strings.Join(in.Domains, " "), d) {
			t.Errorf("domain %s missing from %v", d, in.Domains)
		}
	}
	_ = message.DefaultLimits()
}

// A weight set in the configuration wins over the learned one, which wins
// over the catalogue's.
func TestPolicyOverridesLearnedWeight(t *testing.T) {
	d := Definition{Name: "X_SIGNAL", Weight: 2}
	p := Policy{Learned: map[string]float64{"X_SIGNAL": 3}}
	if w := p.Weight(d); w != 3 {
		t.Errorf("learned: %g", w)
	}
	p.Weights = map[string]float64{"X_SIGNAL": 0.5}
	if w := p.Weight(d); w != 0.5 {
		t.Errorf("configured: %g", w)
	}
	if w := (Policy{}).Weight(d); w != 2 {
		t.Errorf("catalogue: %g", w)
	}
}

func TestListDomain(t *testing.T) {
	h := func(fields ...string) message.Header {
		var hd message.Header
		for i := 0; i+1 < len(fields); i += 2 {
			hd.Fields = append(hd.Fields, message.Field{Name: fields[i], Value: fields[i+1], Raw: fields[i+1]})
		}
		return hd
	}
	for _, tc := range []struct {
		h    message.Header
		want string
	}{
		{h("List-Id", "USRP users <usrp-users.lists.ettus.com>"), "ettus.com"},
		{h("Errors-To", "owner-quicktime_news@applenews.lists.apple.com"), "apple.com"},
		{h("Sender", "\"Forum\" <forum-request@listes.example.fr>"), "example.fr"},
		{h("Sender", "USRP-users <usrp-users-bounces@lists.ettus.com>"), "ettus.com"},
		{h("Sender", "Marie Martin <marie.martin@example-hopital.fr>"), ""},
		{h("List-Unsubscribe", "<mailto:unsub@news.example.com>"), ""},
		// An id under no public suffix names no domain (RFC 2919 §3's
		// "localhost" namespace, an ESP's per-campaign id).
		{h("List-ID", "<110007689.xt.local>"), ""},
		{h("List-Id", "Annonces <annonces.localhost>"), ""},
		{h("List-Id", "<forum.local>", "List-Post", "<mailto:forum@listes.example.fr>"), "example.fr"},
		// LISTSERV: no List-Id nor List-Post, the list itself in Sender.
		{h("Sender", "Discussion <PHARMA-L@LISTSERV.UNIV.EXAMPLE.FR>",
			"List-Help", "<https://listserv.univ.example.fr/cgi-bin/wa?LIST=PHARMA-L>, <mailto:LISTSERV@LISTSERV.UNIV.EXAMPLE.FR>",
			"List-Unsubscribe", "<mailto:PHARMA-L-unsubscribe-request@LISTSERV.UNIV.EXAMPLE.FR>",
			"List-Owner", "<mailto:PHARMA-L-request@LISTSERV.UNIV.EXAMPLE.FR>"), "example.fr"},
	} {
		if got := listDomain(tc.h); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.h.Fields, got, tc.want)
		}
	}
}

// A list is run by list software when two of its fields name the list's
// own domain; a List-Id beside a bulk sender's List-Unsubscribe is one.
// It resends someone else's mail when that someone's domain signed it
// and the signature still passes.
func TestListManagedAndResends(t *testing.T) {
	h := func(fields ...string) message.Header {
		var hd message.Header
		for i := 0; i+1 < len(fields); i += 2 {
			hd.Fields = append(hd.Fields, message.Field{Name: fields[i], Value: fields[i+1], Raw: fields[i+1]})
		}
		return hd
	}
	spf := auth.Results{SPF: auth.Pass, SPFDomain: "lists.example.org"}
	signed := spf
	signed.DKIM = []auth.DKIMResult{{Domain: "author.example", Result: auth.Pass}}
	// A signature that fails is one anyone can write under a domain that
	// publishes a key: a header with d=author.example and any b=.
	failing := spf
	failing.DKIM = []auth.DKIMResult{{Domain: "author.example", Result: auth.Fail}}
	keyless := spf
	keyless.DKIM = []auth.DKIMResult{{Domain: "author.example", Result: auth.PermError}}
	for _, tc := range []struct {
		name             string
		h                message.Header
		env              string
		r                auth.Results
		managed, resends bool
	}{
		{"List-Id alone", h("List-Id", "<infos.lists.example.org>", "List-Unsubscribe", "<mailto:u@lists.example.org>"), "", signed, false, false},
		{"List-Id and List-Post", h("List-Id", "<dev.lists.example.org>", "List-Post", "<mailto:dev@lists.example.org>"), "", signed, true, true},
		{"List-Post elsewhere", h("List-Id", "<dev.lists.example.org>", "List-Post", "<mailto:dev@other.example>"), "", signed, false, false},
		{"Google Groups' URL then address", h("List-Id", "<g.googlegroups.com>", "List-Post", "<https://groups.google.com/group/g/post>, <mailto:g@googlegroups.com>"), "", auth.Results{}, true, true},
		{"Majordomo's owner address", h("Sender", "owner-anesth-l@lists.example.org"), "owner-anesth-l@lists.example.org", auth.Results{}, true, true},
		{"Yahoo Groups' contact", h("Mailing-List", "list g@lists.example.org; contact\r\n\tg-owner@lists.example.org"), "", auth.Results{}, true, true},
		{"no author signature", h("List-Id", "<dev.lists.example.org>", "List-Post", "<mailto:dev@lists.example.org>"), "", spf, true, false},
		{"a signature with no key", h("List-Id", "<dev.lists.example.org>", "List-Post", "<mailto:dev@lists.example.org>"), "", keyless, true, false},
		{"an author signature that fails", h("List-Id", "<dev.lists.example.org>", "List-Post", "<mailto:dev@lists.example.org>"), "", failing, true, false},
	} {
		m := &message.Message{Header: tc.h}
		m.Header.Fields = append(m.Header.Fields, message.Field{Name: "From", Value: "a@author.example", Raw: "a@author.example"})
		in := &Input{Msg: m, Auth: tc.r, Env: Envelope{MailFrom: tc.env}, FromOrg: "author.example", List: listDomain(tc.h)}
		if got := in.ListManaged(); got != tc.managed {
			t.Errorf("%s: ListManaged %v, want %v", tc.name, got, tc.managed)
		}
		if got := in.ListResends(); got != tc.resends {
			t.Errorf("%s: ListResends %v, want %v", tc.name, got, tc.resends)
		}
	}
}

// FuzzListFields reads list header fields of any bytes: the list's
// domain, whether list software runs it, its posting address. None may
// panic, and a managed list always has a domain.
func FuzzListFields(f *testing.F) {
	for _, s := range []string{
		"<dev.lists.example.org>", "list g@lists.example.org; contact\r\n\tg-owner@lists.example.org",
		"<https://groups.google.com/group/g/post>, <mailto:g@googlegroups.com>", "owner-x@", "@", "<mailto:>", "a@b@c", "\xff@\xfe",
	} {
		f.Add(s, s, "mailto:"+s)
	}
	f.Fuzz(func(t *testing.T, id, post, sender string) {
		h := message.Header{Fields: []message.Field{
			{Name: "List-Id", Value: id, Raw: id}, {Name: "List-Post", Value: post, Raw: post},
			{Name: "Mailing-List", Value: post, Raw: post}, {Name: "Sender", Value: sender, Raw: sender},
		}}
		in := &Input{Msg: &message.Message{Header: h}, Env: Envelope{MailFrom: sender}, List: listDomain(h)}
		if in.ListManaged() && in.List == "" {
			t.Fatalf("managed list without a domain: %q %q %q", id, post, sender)
		}
		_ = in.ListPostAddress()
		_ = in.ListResends()
	})
}

// TestListAuthor: the author of a list's rewritten From is read only from
// a list that answers for itself (its DKIM, or a trusted seal's record),
// with List-Id or List-Post, under the name before "via"; the author's
// domain answered for it only when the seal recorded its DMARC pass or
// its own signature passes.
func TestListAuthor(t *testing.T) {
	const head = "List-Id: <dev.lists.example.org>\r\nList-Post: <mailto:dev@lists.example.org>\r\nList-Help: <mailto:dev-request@lists.example.org>\r\n"
	listSigned := auth.Results{DMARC: auth.Pass, DKIM: []auth.DKIMResult{{Domain: "lists.example.org", Result: auth.Pass}}}
	sealed := auth.Results{DMARC: auth.Pass, SPF: auth.Pass, SPFDomain: "lists.example.org", ARC: auth.Pass, ARCAuthor: []string{"brand.example"}, ARCAuthorSealer: "lists.example.org"}
	for _, tc := range []struct {
		name, fields string
		r            auth.Results
		author       string
		authn, ok    bool
	}{
		{"Mailman Reply-To, list signed", "From: Ann Lee via Dev <dev@lists.example.org>\r\nReply-To: Ann Lee <ann@author.example>\r\n" + head, listSigned, "ann@author.example", false, true},
		{"Mailman 3 Cc", "From: Ann Lee via Dev <dev@lists.example.org>\r\nReply-To: dev@lists.example.org\r\nCc: Ann Lee <ann@author.example>\r\n" + head, listSigned, "ann@author.example", false, true},
		{"Google Groups quotes", "From: \"'Ann Lee' via Dev\" <dev@lists.example.org>\r\nX-Original-From: Ann Lee <ann@author.example>\r\n" + head, listSigned, "ann@author.example", false, true},
		{"Sympa name and address", "From: \"Ann Lee (ann@author.example) via dev\" <dev@lists.example.org>\r\nX-Original-From: Ann Lee <ann@author.example>\r\n" + head, listSigned, "ann@author.example", false, true},
		{"groups.io address", "From: \"Ann Lee via groups.io\" <ann=author.example@lists.example.org>\r\n" + head, listSigned, "ann@author.example", false, true},
		{"sealed author", "From: Brand Team via Dev <dev@lists.example.org>\r\nReply-To: Brand Team <team@brand.example>\r\n" + head, sealed, "team@brand.example", true, true},
		{"another name", "From: Brand Team via Dev <dev@lists.example.org>\r\nReply-To: Ann Lee <team@brand.example>\r\n" + head, sealed, "", false, false},
		{"no results read", "From: Ann Lee via Dev <dev@lists.example.org>\r\nReply-To: Ann Lee <ann@author.example>\r\n" + head, auth.Results{}, "", false, false},
		{"list not signed", "From: Ann Lee via Dev <dev@lists.example.org>\r\nReply-To: Ann Lee <ann@author.example>\r\n" + head, auth.Results{SPF: auth.Pass, SPFDomain: "lists.example.org"}, "", false, false},
		{"List-* fields without List-Id or List-Post", "From: Ann Lee via Dev <dev@lists.example.org>\r\nReply-To: Ann Lee <ann@author.example>\r\nList-Help: <mailto:dev-request@lists.example.org>\r\nList-Owner: <mailto:dev-owner@lists.example.org>\r\n", listSigned, "", false, false},
		{"no via", "From: Ann Lee <dev@lists.example.org>\r\nReply-To: Ann Lee <ann@author.example>\r\n" + head, listSigned, "", false, false},
	} {
		m := message.Parse([]byte(tc.fields+"Subject: x\r\n\r\nbody\r\n"), message.Limits{})
		from := m.FromAddr().Domain()
		in := &Input{Msg: m, Auth: tc.r, FromDomain: from, FromOrg: urlx.Registrable(from), List: listDomain(m.Header)}
		a, authn, ok := in.ListAuthor()
		if ok != tc.ok || a.Addr != tc.author || authn != tc.authn {
			t.Errorf("%s: %q %v %v, want %q %v %v", tc.name, a.Addr, authn, ok, tc.author, tc.authn, tc.ok)
		}
	}
}

// TestListPage: a list's own pages are at its domain or at a host its
// List-* fields link to (Google Groups' groups.google.com), and no other
// host of the same registrable domain (sites.google.com).
func TestListPage(t *testing.T) {
	m := message.Parse([]byte("From: \"'Ann' via Dev\" <dev@googlegroups.com>\r\nList-Id: <dev.googlegroups.com>\r\nList-Archive: <https://groups.google.com/group/dev>\r\nList-Help: <https://groups.google.com/support/>, <mailto:dev+help@googlegroups.com>\r\nSubject: x\r\n\r\nbody\r\n"), message.Limits{})
	in := &Input{Msg: m, List: listDomain(m.Header)}
	for host, want := range map[string]bool{"groups.google.com": true, "Groups.Google.com.": true, "googlegroups.com": true, "x.googlegroups.com": true, "sites.google.com": false, "google.com": false, "bit.ly": false, "": false} {
		if got := in.ListPage(host); got != want {
			t.Errorf("ListPage(%q) = %v, want %v", host, got, want)
		}
	}
}

// FuzzListAuthor reads a rewritten From, X-Original-From, Reply-To and
// Cc of any bytes (the "via" name, groups.io's name=domain@, Sympa's
// "Name (address) via"): none may panic, and an author read from a list
// that rewrote From is never at the list's own domain.
func FuzzListAuthor(f *testing.F) {
	for _, s := range [][4]string{
		{"\"'Ann Lee' via Dev\" <dev@lists.example.org>", "Ann Lee <ann@author.example>", "", ""},
		{"\"Ann Lee via groups.io\" <ann=author.example@lists.example.org>", "", "dev@lists.example.org", ""},
		{"\"Ann (ann@author.example) via dev\" <dev@lists.example.org>", "", "", "Ann <ann@author.example>"},
		{"= via =@=", "=?utf-8?q?=A0?= <@>", "a@b@c", "\xff <\xfe@\xfd>"},
		{"x via <=.@lists.example.org>", "via <via@via>", ",,,", "\"\" <>"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	results := auth.Results{DMARC: auth.Pass, ARC: auth.Pass, ARCAuthor: []string{"author.example"}, ARCAuthorSealer: "example.org",
		DKIM: []auth.DKIMResult{{Domain: "lists.example.org", Result: auth.Pass}}}
	f.Fuzz(func(t *testing.T, from, orig, replyTo, cc string) {
		for _, s := range []string{from, orig, replyTo, cc} {
			if strings.ContainsAny(s, "\r\n") {
				return
			}
		}
		raw := "From: " + from + "\r\nX-Original-From: " + orig + "\r\nReply-To: " + replyTo + "\r\nCc: " + cc +
			"\r\nList-Id: <dev.lists.example.org>\r\nList-Post: <mailto:dev@lists.example.org>\r\nList-Archive: <https://" + orig + "/>\r\nSubject: x\r\n\r\nbody\r\n"
		m := message.Parse([]byte(raw), message.Limits{})
		d := m.FromAddr().Domain()
		in := &Input{Msg: m, Auth: results, FromDomain: d, FromOrg: urlx.Registrable(d), List: listDomain(m.Header)}
		a, _, ok := in.ListAuthor()
		if ok && in.FromOrg == in.List && urlx.Registrable(a.Domain()) == in.List {
			t.Fatalf("author %q at the list's own domain %q", a.Addr, in.List)
		}
		_ = in.ListPage(a.Domain())
		_ = in.ListPage(orig)
	})
}
