package hunt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/hunt/gen"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

func ids(fs []hunt.Finding) map[string][]hunt.Finding {
	m := map[string][]hunt.Finding{}
	for _, f := range fs {
		m[f.ID] = append(m[f.ID], f)
	}
	return m
}

// TestStrayOldLine: one line dated years before the rest (a clock reset, a
// line from an old rotated file) does not move the baseline: the planted
// compromise is found in full, as without it.
func TestStrayOldLine(t *testing.T) {
	_, want := runHunt(t, true)
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Config{Seed: 42, Attack: true}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(filepath.Join(dir, "entra.ndjson"), os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintln(f, `{"createdDateTime":"2019-06-01T10:00:00Z","userPrincipalName":"old.user@cabinet-durand.example","ipAddress":"192.0.2.99","status":{"errorCode":0}}`)
	f.Close()
	set := hunt.NewSet()
	set.Add("https://m365-secure-verify.example/owa/auth.php")
	set.Add("203.0.113.45")
	h := hunt.New(hunt.Config{}, set, gen.Geo(), nil)
	if _, err := ingest.Read(context.Background(), []string{dir}, ingest.Config{Options: logs.Options{Year: 2025}}, h.Observe); err != nil {
		t.Fatal(err)
	}
	got := h.Findings()
	if len(got) != len(want) {
		t.Errorf("%d findings with a stray old line, %d without", len(got), len(want))
		for _, f := range got {
			t.Logf("%s %s %s", f.ID, f.User, f.Detail)
		}
	}
}

// TestSignInsWithoutAccount: SMTP AUTH failures that name no account still
// count, by address: the attacker's address is found by the full hunt as by
// the indicator sweep, and a burst of them is a brute force.
func TestSignInsWithoutAccount(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "Mar 20 22:%02d:01 mail postfix/smtpd[123]: warning: unknown[203.0.113.45]: SASL LOGIN authentication failed: UGFzc3dvcmQ6\n", 10+i)
	}
	b.WriteString("Mar 20 23:00:01 mail postfix/smtpd[123]: warning: unknown[198.51.100.9]: SASL PLAIN authentication failed: \n")
	set := hunt.NewSet()
	set.Add("198.51.100.9")
	h := hunt.New(hunt.Config{}, set, nil, nil)
	ingest.Read(context.Background(), []string{"-"}, ingest.Config{Stdin: strings.NewReader(b.String()), Options: logs.Options{Year: 2025}}, h.Observe)
	byID := ids(h.Findings())
	if f := byID[hunt.BruteForce]; len(f) != 1 || f[0].IP != "203.0.113.45" || f[0].Count != 12 || f[0].Account != "" {
		t.Errorf("brute force: %+v", f)
	}
	if f := byID[hunt.SignInIOCIP]; len(f) != 1 || f[0].User != "198.51.100.9" || f[0].Account != "" {
		t.Errorf("indicator: %+v", f)
	}
}

// TestPasswordSpray: one address failing against many accounts, then getting
// into one of them, is a spray that succeeded; the account it got into is the
// finding's account.
func TestPasswordSpray(t *testing.T) {
	var b strings.Builder
	for i, u := range []string{"alice", "bruno", "chloe", "david", "emma", "farid"} {
		fmt.Fprintf(&b, `{"createdDateTime":"2025-03-20T22:%02d:00Z","userPrincipalName":"%s@cabinet.example","ipAddress":"203.0.113.7","status":{"errorCode":50126}}`+"\n", 10+i, u)
	}
	b.WriteString(`{"createdDateTime":"2025-03-20T22:30:00Z","userPrincipalName":"emma@cabinet.example","ipAddress":"203.0.113.7","status":{"errorCode":0}}` + "\n")
	fs, _ := huntText(t, b.String(), hunt.Config{})
	f := ids(fs)[hunt.PasswordSpray]
	if len(f) != 1 || f[0].Severity != hunt.High || f[0].Account != "emma@cabinet.example" || !strings.Contains(f[0].Detail, "6 accounts") {
		t.Errorf("%+v", f)
	}
	if a := hunt.Accounts(fs); !slices.Equal(a, []string{"emma@cabinet.example"}) {
		t.Errorf("accounts %v: only the one that signed in is real", a)
	}
}

// TestDirectoryChanges: the tenant changes the anchors hunt for, as the audit
// log writes them (UAL AuditData, Management Activity API schema).
func TestDirectoryChanges(t *testing.T) {
	rec := func(op, user string, params string, extra string) string {
		return fmt.Sprintf(`{"CreationTime":"2025-03-20T23:%02d:00","Id":"%s","Operation":%q,"RecordType":1,"UserId":%q,"ClientIP":"203.0.113.45","ObjectId":"x","Parameters":[%s]%s}`,
			len(op)%60, op, op, user, params, extra)
	}
	p := func(n, v string) string { return fmt.Sprintf(`{"Name":%q,"Value":%q}`, n, v) }
	lines := []string{
		rec("New-TransportRule", "admin@cabinet.example", p("Name", "Archive")+","+p("BlindCopyTo", "drop@proton-mail.example"), ""),
		rec("Set-MailboxAuditBypassAssociation", "admin@cabinet.example", p("Identity", "alice@cabinet.example")+","+p("AuditBypassEnabled", "True"), ""),
		rec("Set-Mailbox", "admin@cabinet.example", p("Identity", "alice@cabinet.example")+","+p("AuditEnabled", "False"), ""),
		rec("New-ComplianceSearch", "admin@cabinet.example", p("Name", "q1")+","+p("ContentMatchQuery", "virement"), ""),
		rec("New-ComplianceSearchAction", "admin@cabinet.example", p("SearchName", "q1")+","+p("Export", "True"), ""),
		rec("Add-RoleGroupMember", "admin@cabinet.example", p("Identity", "Organization Management")+","+p("Member", "eve@cabinet.example"), ""),
		rec("Set domain authentication.", "admin@cabinet.example", "", `,"ModifiedProperties":[{"Name":"AuthenticationType","NewValue":"Federated","OldValue":"Managed"}],"Target":[{"ID":"cabinet.example","Type":1}]`),
		rec("Add member to role.", "admin@cabinet.example", "", `,"ModifiedProperties":[{"Name":"Role.DisplayName","NewValue":"Global Administrator","OldValue":""}],"Target":[{"ID":"eve@cabinet.example","Type":5}]`),
		rec("New-InboxRule", "bruno@cabinet.example", p("Name", "x")+","+p("MarkAsRead", "True")+","+p("DeleteMessage", "True"), ""),
	}
	fs, reports := huntText(t, strings.Join(lines, "\n"), hunt.Config{})
	if r := reports[0]; r.Errors > 0 || r.Events != int64(len(lines)) {
		t.Fatalf("%+v", r)
	}
	byID := ids(fs)
	for id, sev := range map[string]hunt.Severity{
		hunt.TransportRule: hunt.High, hunt.AuditBypass: hunt.High, hunt.AuditDisabled: hunt.High,
		hunt.EDiscoverySearch: hunt.Medium, hunt.EDiscoveryExport: hunt.High, hunt.FederationChange: hunt.High,
		hunt.InboxRuleMarkRead: hunt.Medium, hunt.InboxRuleDelete: hunt.Medium,
	} {
		if f := byID[id]; len(f) != 1 || f[0].Severity != sev || f[0].FR == "" || f[0].Key == "" {
			t.Errorf("%s: %+v", id, f)
		}
	}
	if f := byID[hunt.RoleAssignment]; len(f) != 2 || f[0].Severity != hunt.High || f[0].Account != "eve@cabinet.example" {
		t.Errorf("roles: %+v", f)
	}
}

// TestKeysStable: the same logs give the same finding keys, run after run.
func TestKeysStable(t *testing.T) {
	_, a := runHunt(t, true)
	_, b := runHunt(t, true)
	if len(a) != len(b) {
		t.Fatal("different findings")
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Key == "" {
			t.Errorf("%s: key %q then %q", a[i].ID, a[i].Key, b[i].Key)
		}
	}
}

// TestCatalogue: every finding has a title and an explanation in both
// languages that takes its detail once, so that a table can show the
// detail apart.
func TestCatalogue(t *testing.T) {
	for _, id := range hunt.IDs() {
		fr, en := hunt.Titles(id)
		if fr == "" || en == "" || hunt.Advice(id, true) == "" || hunt.Advice(id, false) == "" {
			t.Errorf("%s: empty text", id)
		}
		if strings.Contains(hunt.Advice(id, true), "%") || strings.Contains(hunt.Advice(id, false), "%") {
			t.Errorf("%s: the detail is not written \" (%%s)\"", id)
		}
	}
}
