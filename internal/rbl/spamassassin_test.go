package rbl

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/testenv"
)

// The blocklist as the real SpamAssassin reads it, with the rules
// docs/rbl.md tells an administrator to paste into local.cf — read from
// the page itself, so that the page cannot drift from what works.
// spamassassin -t scores one message per case over real DNS to the
// server (interopServer).
func TestSpamAssassinUsesTheBlocklist(t *testing.T) {
	testenv.RequireFiles(t, "the SpamAssassin interoperability test", "", "/usr/bin/spamassassin", "/etc/spamassassin/init.pre")
	rules := docsBlock(t, "## SpamAssassin", "In `local.cf`")

	addr := startServer(t, interopServer(t))

	// The stock plugin set (Debian's *.pre), the documented rules, and
	// what a test needs: our server as the resolver, no Bayes, and the
	// receiving MX trusted so that the client it names is the last
	// external relay.
	conf := t.TempDir()
	pres, _ := filepath.Glob("/etc/spamassassin/*.pre")
	for _, p := range pres {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(conf, filepath.Base(p)), data, 0o644)
	}
	local := "dns_server " + addr + "\ndns_available yes\nuse_bayes 0\ntrusted_networks 192.0.2.1\n\n" + rules
	if err := os.WriteFile(filepath.Join(conf, "local.cf"), []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()

	cases := []struct {
		name, client, links string
		want, never         []string
	}{
		{"blocked client", "203.0.113.50", "https://www.example-unlisted.com/", []string{"VIGIE_RBL"}, []string{"VIGIE_DBL"}},
		{"client in a feed's range", "198.51.100.20", "https://www.example-unlisted.com/", []string{"VIGIE_RBL"}, nil},
		{"watched client: recorded, never scored", "192.0.2.77", "https://www.example-unlisted.com/", nil, []string{"VIGIE_RBL"}},
		{"blocked domain, subdomain link", "203.0.113.9", "https://login.vigie-block-test.com/a", []string{"VIGIE_DBL"}, []string{"VIGIE_RBL", "VIGIE_DBL_FEED"}},
		{"feed's domain", "203.0.113.9", "https://vigie-feed-test.com/", []string{"VIGIE_DBL_FEED"}, []string{"VIGIE_DBL"}},
		{"watched domain (code 3 is not the mask A 2)", "203.0.113.9", "https://vigie-watch-test.com/", nil, []string{"VIGIE_DBL", "VIGIE_DBL_FEED"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := "Received: from mail.sender-test.com (mail.sender-test.com [" + tc.client + "])\r\n" +
				"\tby mx.hopital.test (Postfix) with ESMTPS id 4AbC1 for <jean@hopital.test>; Sun, 6 Dec 2026 09:00:00 +0100\r\n" +
				"From: Service <service@sender-test.com>\r\nTo: jean@hopital.test\r\nSubject: Votre compte\r\n" +
				"Date: Sun, 6 Dec 2026 08:59:58 +0100\r\nMessage-ID: <a1.b2@sender-test.com>\r\nMIME-Version: 1.0\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voir " + tc.links + "\r\n"
			cmd := exec.Command("/usr/bin/spamassassin", "--siteconfigpath="+conf, "-t")
			cmd.Stdin = strings.NewReader(msg)
			cmd.Env = append(os.Environ(), "HOME="+home)
			out, err := cmd.CombinedOutput()
			// spamassassin -t exits 1 for spam, 0 for ham: both are results.
			if _, exit := err.(*exec.ExitError); err != nil && !exit {
				t.Fatalf("spamassassin: %v\n%s", err, out)
			}
			hits := ruleHits(string(out))
			for _, r := range tc.want {
				if !hits[r] {
					t.Errorf("%s not hit:\n%s", r, out)
				}
			}
			for _, r := range tc.never {
				if hits[r] {
					t.Errorf("%s hit:\n%s", r, out)
				}
			}
		})
	}
}

var ruleLine = regexp.MustCompile(`(?m)^\s*-?[0-9.]+\s+([A-Z0-9_]+)\s`)

// ruleHits reads the rule names of spamassassin -t's report table.
func ruleHits(report string) map[string]bool {
	hits := map[string]bool{}
	for _, m := range ruleLine.FindAllStringSubmatch(report, -1) {
		hits[m[1]] = true
	}
	return hits
}

// docsBlock returns the first indented block after the line starting with
// lead, in the section of docs/rbl.md headed heading, unindented.
func docsBlock(t *testing.T, heading, lead string) string {
	t.Helper()
	page, err := os.ReadFile("../../docs/rbl.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(page), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("docs/rbl.md has no %q section", heading)
	}
	var block []string
	started, in := false, false
	for _, line := range strings.Split(section, "\n") {
		switch {
		case !started:
			started = strings.HasPrefix(line, lead)
		case strings.HasPrefix(line, "    "):
			in = true
			block = append(block, strings.TrimPrefix(line, "    "))
		case in && strings.TrimSpace(line) == "":
			block = append(block, "")
		case in:
			return strings.Join(block, "\n") + "\n"
		}
	}
	if !in {
		t.Fatalf("docs/rbl.md: no indented block after %q", lead)
	}
	return strings.Join(block, "\n") + "\n"
}
