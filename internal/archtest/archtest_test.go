package archtest

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "vigie.dev/vigie/"

// layers orders the packages from the bottom up: a package may import
// packages of its own layer or below, never above. A pattern ending in "/"
// covers the packages under it; an exact path wins over a pattern.
var layers = []struct {
	name     string
	packages []string
}{
	{"base: parsers, data and small primitives", []string{
		"internal/durable", "internal/follow", "internal/spool", "internal/dberr", "internal/urlx", "internal/textmatch", "internal/pasterun",
		"internal/fuzzy", "internal/fwdblock", "internal/pdfstr", "internal/olemsg", "internal/warninglist", "internal/geo", "internal/rdap", "internal/logging",
		"internal/sdnotify", "internal/corpus", "internal/weights", "internal/message", "internal/dnsx",
		"internal/logs", "internal/logs/", "internal/invoice", "internal/ir/journal", "internal/ir/evidence",
		"internal/ir/playbook", "internal/web/safehtml", "internal/mailbox/secrets", "internal/mailbox/sieve",
		"internal/mailbox/managesieve"}},
	{"protocols and indicators", []string{
		"internal/auth", "internal/received", "internal/posture", "internal/ioc", "internal/account"}},
	{"scan: the pipeline and the verdict", []string{"internal/scan"}},
	{"checks and what they read", []string{
		"internal/checks/", "internal/authsource", "internal/bayes", "internal/suppliers", "internal/config"}},
	{"engine: the checks assembled into a scanner", []string{"internal/engine"}},
	{"the verdict's effects and the other domains", []string{
		"internal/quarantine", "internal/trace", "internal/gateway/allow", "internal/gateway/queue",
		"internal/gateway/nexthop", "internal/gateway/rcptverify", "internal/ir/incident", "internal/ir/report",
		"internal/hunt", "internal/selftest", "internal/mailbox", "internal/mailbox/"}},
	{"gateway: the verdict applied for the front ends", []string{"internal/gateway", "internal/gateway/release"}},
	{"front ends and adapters", []string{
		"internal/gateway/milter", "internal/gateway/relay", "internal/gateway/httpapi", "internal/rbl",
		"internal/web", "internal/ir/bridge"}},
	{"storage: the domains' repositories implemented", []string{"internal/store", "internal/objstore"}},
	{"composition root", []string{"internal/app", "internal/app/daemon"}},
	{"the binary", []string{"cmd/vigie"}},
	{"test support (no production package imports it)", []string{
		"internal/archtest", "internal/gateway/gatewaytest", "internal/objstore/objstoretest", "internal/gateway/e2e", "internal/store/storetest",
		"internal/checks/checktest", "internal/mailbox/mailboxtest", "internal/postfixtest", "internal/dnsx/dnstest",
		"internal/invoice/invoicetest", "internal/logs/logstest", "internal/testenv", "internal/hunt/gen"}},
}

// bans are imports the layers allow but the design does not.
var bans = []struct {
	from, to []string
	why      string
}{
	{[]string{"internal/web"}, []string{"internal/gateway", "internal/gateway/", "internal/engine", "internal/checks/",
		"internal/config", "internal/ir/bridge"},
		"the console translates HTTP into calls on the services package app hands it"},
	{[]string{"internal/gateway", "internal/gateway/"}, []string{"internal/web", "internal/engine", "internal/checks/"},
		"front ends are handed a scanner ready built and know nothing of the console"},
	{[]string{"cmd/vigie"}, []string{"internal/store", "internal/ir/bridge"},
		"commands get their store and services from package app"},
	{[]string{"internal/ir/incident"}, []string{"internal/ioc", "internal/trace", "internal/quarantine", "internal/store"},
		"incident response knows the rest of Vigie through its own interfaces (package bridge adapts)"},
	{[]string{"internal/scan", "internal/checks/"}, []string{"internal/quarantine", "internal/trace", "internal/gateway",
		"internal/gateway/"}, "the pipeline is a pure function of the message and injected lookups"},
}

// match reports whether path is one of the patterns, and how specifically
// (an exact path beats the longest pattern ending in "/").
func match(path string, patterns []string) (bool, int) {
	best := -1
	for _, p := range patterns {
		switch {
		case p == path:
			return true, 1 << 20
		case strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) && len(p) > best:
			best = len(p)
		}
	}
	return best >= 0, best
}

// layerOf returns the index of path's layer, -1 when it has none.
func layerOf(path string) int {
	layer, best := -1, -1
	for i, l := range layers {
		if ok, n := match(path, l.packages); ok && n > best {
			layer, best = i, n
		}
	}
	return layer
}

// graph returns the module's packages and their imports within the module,
// as `go list -deps` sees them.
func graph(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	g := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], module) {
			continue
		}
		from := strings.TrimPrefix(f[0], module)
		g[from] = []string{}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, module) {
				g[from] = append(g[from], strings.TrimPrefix(imp, module))
			}
		}
	}
	return g
}

func TestImportDirections(t *testing.T) {
	g := graph(t)
	if len(g) < 50 {
		t.Fatalf("go list found only %d packages", len(g))
	}
	var pkgs []string
	for p := range g {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, from := range pkgs {
		lf := layerOf(from)
		if lf < 0 {
			t.Errorf("%s has no layer: add it to internal/archtest's layers", from)
			continue
		}
		for _, to := range g[from] {
			lt := layerOf(to)
			if lt > lf {
				t.Errorf("%s (%s) imports %s (%s), a layer above it", from, layers[lf].name, to, layers[lt].name)
			}
			for _, b := range bans {
				if okFrom, _ := match(from, b.from); !okFrom {
					continue
				}
				if okTo, _ := match(to, b.to); okTo {
					t.Errorf("%s imports %s: %s", from, to, b.why)
				}
			}
		}
	}
}

// The pipeline's path exists: front end → gateway → scan, engine → checks
// → scan, store → domains, app → store. A test of the test: if the graph
// were read wrongly, nothing above would fail.
func TestGraphIsRead(t *testing.T) {
	g := graph(t)
	for _, e := range [][2]string{
		{"internal/gateway/milter", "internal/gateway"}, {"internal/gateway", "internal/scan"},
		{"internal/engine", "internal/checks/links"}, {"internal/checks/links", "internal/scan"},
		{"internal/store", "internal/quarantine"}, {"internal/app", "internal/store"}, {"cmd/vigie", "internal/app"},
	} {
		found := false
		for _, to := range g[e[0]] {
			found = found || to == e[1]
		}
		if !found {
			t.Errorf("%s does not import %s: the graph is not what the layers assume", e[0], e[1])
		}
	}
	if layerOf("internal/checks/checktest") == layerOf("internal/checks/lure") {
		t.Error("an exact path does not win over a pattern")
	}
}
