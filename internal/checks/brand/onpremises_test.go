package brand

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// TestOnPremisesReportFromTheReadersOwnDomain: Veeam's job reports are
// sent by the customer's own backup server, from the customer's domain,
// under the product's name (brands.yaml, on_premises). Where no
// organisation is configured (the evaluation's trust), such a report to
// the reader's own domain that leads nowhere else is the reader's server's
// (ownServer); the same name on the reader's domain above a sign-in page
// elsewhere or a mailto: a free mailbox, on another domain to the reader,
// on a free mailbox's domain, or with a Reply-To away, still names the
// brand, and so does a look-alike (golden 139).
func TestOnPremisesReportFromTheReadersOwnDomain(t *testing.T) {
	c, err := New(Options{Freemail: func(d string) bool { return d == "gmail.com" }})
	if err != nil {
		t.Fatal(err)
	}
	const report = "<html><body><p><b>Backup job: Sauvegarde-DPI</b> Success</p><p>3 of 3 VMs processed</p></body></html>"
	for _, tc := range []struct {
		name, headers, body string
		named               bool
	}{{
		name:    "the reader's backup server",
		headers: "From: Veeam Backup & Replication <veeam@chu-exemple.fr>\nTo: sauvegardes@chu-exemple.fr\nSubject: [Success] Sauvegarde-DPI (3 machines)",
		body:    report,
	}, {
		name:    "on the reader's domain, a sign-in page on a free host",
		headers: "From: Veeam Backup & Replication <veeam@chu-exemple.fr>\nTo: sauvegardes@chu-exemple.fr\nSubject: [Failed] Sauvegarde-DPI",
		body:    `<html><body><p>Backup job failed.</p><p><a href="https://veeam-portal.pages.dev/login">Sign in</a></p></body></html>`,
		named:   true,
	}, {
		name:    "on the reader's domain, answers diverted",
		headers: "From: Veeam Backup & Replication <veeam@chu-exemple.fr>\nReply-To: support@veeam-help.net\nTo: sauvegardes@chu-exemple.fr\nSubject: [Failed] Sauvegarde-DPI",
		body:    report,
		named:   true,
	}, {
		name:    "on the reader's domain, a password to write to a free mailbox",
		headers: "From: Veeam Backup & Replication <veeam@chu-exemple.fr>\nTo: sauvegardes@chu-exemple.fr\nSubject: [Failed] Sauvegarde-DPI",
		body:    `<html><body><p>Backup job failed.</p><p>Send the service account's password to <a href="mailto:veeam.support.desk@outlook.com">Veeam Support</a>.</p></body></html>`,
		named:   true,
	}, {
		name:    "a free mailbox to a reader on the same free mailbox",
		headers: "From: Veeam Backup & Replication <veeam.rapports@gmail.com>\nTo: it.dupont@gmail.com\nSubject: [Failed] Sauvegarde-DPI",
		body:    report,
		named:   true,
	}, {
		name:    "another organisation's domain",
		headers: "From: Veeam Backup & Replication <veeam@menuiserie-vallet.fr>\nTo: sauvegardes@chu-exemple.fr\nSubject: [Failed] Sauvegarde-DPI",
		body:    report,
		named:   true,
	}} {
		raw := checktest.Message(tc.headers+"\nDate: Sun, 06 Dec 2026 22:48:10 +0100\nMessage-ID: <a1@chu-exemple.fr>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8", tc.body)
		var names []string
		for _, s := range checktest.Emitted(raw, c) {
			names = append(names, s.Name+" "+s.Detail)
		}
		if got := slices.ContainsFunc(names, func(s string) bool { return len(s) > 18 && s[:18] == "BRAND_DISPLAY_NAME" }); got != tc.named {
			t.Errorf("%s: named %v, want %v: %v", tc.name, got, tc.named, names)
		}
	}
}
