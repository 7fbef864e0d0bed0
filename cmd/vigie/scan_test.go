package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

func runCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestScanExplainsInFrench(t *testing.T) {
	out, errs, code := runCmd(t, "scan", "../../internal/engine/testdata/chorus-pro-phish.eml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"action: ", "BRAND_DISPLAY_NAME", "Le nom affiché se réclame de Chorus Pro", "indicators:", "url:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Every reason says what it read, in both languages: the lure themes
// quote the phrases, the sender's signals the header value.
func TestScanExplainsWithDetails(t *testing.T) {
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{
			`Le message parle d'une facture à régler ("nouvelle facture", "facture en attente")`,
			"Envoyé avec PHPMailer (PHPMailer 6.8.0",
		}},
		{"en", []string{
			`The message is about an invoice to pay ("nouvelle facture", "facture en attente")`,
			"Sent with PHPMailer (PHPMailer 6.8.0",
		}},
	} {
		out, errs, code := runCmd(t, "scan", "--lang", c.lang, "../../internal/engine/testdata/chorus-pro-phish.eml")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.lang, code, errs)
		}
		for _, want := range c.want {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", c.lang, want, out)
			}
		}
	}
	out, errs, code := runCmd(t, "scan", "--json", "--lang", "en", "../../internal/engine/testdata/chorus-pro-phish.eml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"detail":"\"nouvelle facture\", \"facture en attente\""`) {
		t.Errorf("JSON lacks the lure's detail:\n%s", out)
	}
}

func TestScanJSON(t *testing.T) {
	out, errs, code := runCmd(t, "scan", "--json", "--lang", "en", "../../internal/engine/testdata/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, "\n"); n != 2 || !strings.Contains(out, `"action"`) {
		t.Errorf("want two JSON lines, got:\n%s", out)
	}
}

func TestEvalLine(t *testing.T) {
	// Repeated directories add up; the last line is the validation part.
	out, errs, code := runCmd(t, "eval", "--phish", "../../internal/engine/testdata", "--ham", "../../internal/engine/testdata",
		"--ham", "../../internal/engine/testdata/chorus-pro-official.eml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(out, "eval-whole: part=whole phish=2 detected=") || !strings.Contains(out, " ham=3 ") {
		t.Errorf("whole line missing or wrong:\n%s", out)
	}
	if !strings.HasPrefix(last, "eval: part=validation phish=") || !strings.Contains(last, " msgs_per_s=") || !strings.Contains(last, " p99_ms=") {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(out, "\neval-interval: part=validation 95% Wilson intervals: detected=") {
		t.Errorf("interval line missing:\n%s", out)
	}
}

// The Wilson score interval, checked against values computed by hand
// (z = 1.96): it stays inside 0–100 at the ends, where the normal
// approximation would not.
func TestEvalInterval(t *testing.T) {
	for _, tc := range []struct {
		k, n int
		want string
	}{
		{222, 240, "88.5-95.2"},
		{0, 427, "0.0-0.9"},
		{1, 427, "0.0-1.3"},
		{10, 10, "72.2-100.0"},
		{0, 0, "-"},
	} {
		if got := interval(tc.k, tc.n); got != tc.want {
			t.Errorf("interval(%d, %d) = %s, want %s", tc.k, tc.n, got, tc.want)
		}
	}
}

// --list is sorted by part, label and file name: the directories given in
// another order write the same bytes.
func TestEvalListIsSorted(t *testing.T) {
	dir := t.TempDir()
	lists := [2]string{dir + "/a.list", dir + "/b.list"}
	for i, args := range [2][]string{
		{"--phish", "../../internal/engine/testdata/chorus-pro-phish.eml", "--ham", "../../internal/engine/testdata/legit", "--ham", "../../internal/engine/testdata/chorus-pro-official.eml"},
		{"--ham", "../../internal/engine/testdata/chorus-pro-official.eml", "--ham", "../../internal/engine/testdata/legit", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml"},
	} {
		if _, errs, code := runCmd(t, append([]string{"eval", "--workers", "3", "--list", lists[i]}, args...)...); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
	}
	a, _ := os.ReadFile(lists[0])
	b, _ := os.ReadFile(lists[1])
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("lists differ:\n%s\n---\n%s", a, b)
	}
	var prev [3]string
	for _, line := range strings.Split(strings.TrimSpace(string(a)), "\n") {
		f := strings.Split(line, "\t")
		cur := [3]string{f[0], f[1], f[4][strings.LastIndexByte(f[4], '/')+1:]}
		if strings.Join(cur[:], "\x00") < strings.Join(prev[:], "\x00") {
			t.Errorf("%q comes after %q", cur, prev)
		}
		prev = cur
	}
}

func TestConfigCheck(t *testing.T) {
	if _, errs, code := runCmd(t, "config", "check", "../../vigie.example.yaml"); code != 0 {
		t.Errorf("example config rejected: %s", errs)
	}
	bad := t.TempDir() + "/bad.yaml"
	os.WriteFile(bad, []byte("policy:\n  tag: 9\n  quarantine: 2\n"), 0o644)
	if _, _, code := runCmd(t, "config", "check", bad); code == 0 {
		t.Error("bad config accepted")
	}
	// Headers mode without a trusted relay reads no result: said, not
	// refused (a test bench runs so).
	blind := t.TempDir() + "/blind.yaml"
	os.WriteFile(blind, []byte("auth:\n  mode: headers\n"), 0o644)
	if _, errs, code := runCmd(t, "config", "check", blind); code != 0 || !strings.Contains(errs, "attention : auth.mode headers sans relais de confiance") {
		t.Errorf("headers mode without trusted relays: exit %d, %q", code, errs)
	}
	if out, errs, code := runCmd(t, "config", "check", "--lang", "en", blind); code != 0 || !strings.Contains(errs, "warning: auth.mode headers without a trusted relay") ||
		!strings.Contains(errs, "AUTH_RESULTS_UNKNOWN") || !strings.Contains(out, ": ok (auth headers; thresholds tag") {
		t.Errorf("headers mode without trusted relays, in English: exit %d, %q %q", code, out, errs)
	}
	if _, errs, _ := runCmd(t, "config", "check", "../../vigie.example.yaml"); strings.Contains(errs, "AUTH_RESULTS_UNKNOWN") {
		t.Errorf("example config warned: %s", errs)
	}
	// Signal names are those of the families' catalogue (as in package
	// config's own tests, given a catalogue).
	for body, ok := range map[string]bool{
		"policy:\n  weights: {AUTH_SPF_FAIL: 4}\n":  true,
		"policy:\n  weights: {AUTH_SPF_FAILS: 4}\n": false,
	} {
		f := t.TempDir() + "/weights.yaml"
		os.WriteFile(f, []byte(body), 0o644)
		if _, errs, code := runCmd(t, "config", "check", f); (code == 0) != ok {
			t.Errorf("config check %q: exit %d (%s)", body, code, errs)
		}
	}
}

func TestSignalsDocIsCurrent(t *testing.T) {
	out, _, code := runCmd(t, "signals", "--markdown")
	if code != 0 {
		t.Fatal("signals --markdown failed")
	}
	doc, err := os.ReadFile("../../docs/signals.md")
	if err != nil || string(doc) != out {
		t.Errorf("docs/signals.md is stale: run `go run ./cmd/vigie signals --markdown > docs/signals.md`")
	}
}

// An Outlook .msg is scanned as the message it holds.
func TestScanOutlookMessage(t *testing.T) {
	out, errs, code := runCmd(t, "scan", "--lang", "en", "../../internal/olemsg/testdata/01-sharepoint-credential-phish.msg")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"BRAND_DISPLAY_NAME", "LURE_CREDENTIALS", "partage-fichiers-exemple.web.app"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "action: accept") {
		t.Errorf("the phish in a .msg is accepted:\n%s", out)
	}
}

// An incomplete verdict is shown as it is, with a line saying the gateway
// would not act on it; one that already holds the message needs none.
func TestScanSaysIncomplete(t *testing.T) {
	for _, c := range []struct {
		v    scan.Verdict
		lang string
		want string
	}{
		{scan.Verdict{Action: scan.Tag, Partial: true}, "fr", "action: tag   score: 0.00   (0s)\nAnalyse INCOMPLÈTE (scan deadline reached) : la passerelle répondrait 451 4.7.1"},
		{scan.Verdict{Action: scan.Accept, FailedChecks: []string{"link"}}, "en", "INCOMPLETE scan (check failed: link): the gateway would answer 451 4.7.1"},
		{scan.Verdict{Action: scan.Quarantine, Partial: true}, "fr", ""},
		{scan.Verdict{Action: scan.Accept}, "fr", ""},
	} {
		var b bytes.Buffer
		printVerdict(&b, "m.eml", &c.v, c.lang)
		if got := strings.Contains(b.String(), "INCOMPL"); got != (c.want != "") || !strings.Contains(b.String(), c.want) {
			t.Errorf("%+v:\n%s", c.v, b.String())
		}
	}
}

// config check says what data.warninglists does: each list taken, with
// its version; a list newly naming the organisation, as a warning; a file
// refused, as a failure naming the file (the daemon keeps the embedded
// list, but the refresh did not happen).
func TestConfigCheckWarningLists(t *testing.T) {
	newer, err := os.ReadFile("../../internal/warninglist/testdata/refresh/lists/microsoft/list.json")
	if err != nil {
		t.Fatal(err)
	}
	check := func(files map[string][]byte, lang ...string) (string, string, int) {
		t.Helper()
		dir := t.TempDir()
		lists := dir + "/lists"
		os.Mkdir(lists, 0o755)
		for name, b := range files {
			os.WriteFile(lists+"/"+name, b, 0o644)
		}
		cfg := dir + "/vigie.yaml"
		os.WriteFile(cfg, []byte("org:\n  domains: [chu-exemple.fr]\ndata:\n  warninglists: "+lists+"\n"), 0o644)
		return runCmd(t, append(append([]string{"config", "check"}, lang...), cfg)...)
	}
	en := []string{"--lang", "en"}
	out, errs, code := check(map[string][]byte{"microsoft.json": newer})
	if code != 0 || !strings.Contains(out, "microsoft version 6") || !strings.Contains(out, "à la place de la version intégrée 5") || !strings.Contains(out, " : ok (auth") {
		t.Errorf("newer list, in French: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = check(map[string][]byte{"microsoft.json": newer}, en...)
	if code != 0 || !strings.Contains(out, "microsoft version 6") || !strings.Contains(out, "in place of the embedded version 5") || !strings.Contains(out, ": ok") {
		t.Errorf("newer list: exit %d\n%s%s", code, out, errs)
	}
	own := bytes.Replace(newer, []byte(`".msftncsi.net",`), []byte(`".msftncsi.net", "chu-exemple.fr",`), 1)
	out, errs, code = check(map[string][]byte{"microsoft.json": own})
	if code != 0 || !strings.Contains(errs, "attention : data.warninglists") || !strings.Contains(errs, "couvre désormais des domaines de l'organisation : chu-exemple.fr") {
		t.Errorf("list naming the organisation, in French: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = check(map[string][]byte{"microsoft.json": own}, en...)
	if code != 0 || !strings.Contains(errs, "warning: data.warninglists") || !strings.Contains(errs, "covers the organisation's own chu-exemple.fr") {
		t.Errorf("list naming the organisation: exit %d\n%s%s", code, out, errs)
	}
	damaged := map[string][]byte{"microsoft.json": newer[:100], "google.json": []byte(`{"list": [], "type": "string"}`)}
	out, errs, code = check(damaged)
	if code == 0 || !strings.Contains(errs, "2 fichier(s) refusé(s)") || !strings.Contains(errs, "/lists/microsoft.json : refusé, la liste intégrée microsoft reste en service") ||
		strings.Contains(out, ": ok") {
		t.Errorf("damaged lists, in French: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = check(damaged, en...)
	if code == 0 || !strings.Contains(errs, "2 file(s) refused") || !strings.Contains(errs, "/lists/microsoft.json: refused, the embedded microsoft stays in use") ||
		!strings.Contains(errs, "google.json: refused") || strings.Contains(out, ": ok") {
		t.Errorf("damaged lists: exit %d\n%s%s", code, out, errs)
	}
}
