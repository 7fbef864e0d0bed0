package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
	"vigie.dev/vigie/internal/testenv"
)

// requirePostgres returns the test cluster's DSN, skipping (failing under
// CI=true) without one.
func requirePostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(storetest.EnvPostgres)
	if dsn == "" {
		testenv.Unavailable(t, "needs PostgreSQL: set "+storetest.EnvPostgres+" (scripts/test.sh does)")
	}
	return dsn
}

// blockCampaign adds the block indicator the cluster tests' phishing
// messages link to: with reject by score off (policy.reject: 0) they are
// held, the others delivered.
func blockCampaign(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ioc.NewService(db.Indicators(), ioc.ServiceOptions{}).Add(ctx, ioc.NewIndicator{Kind: ioc.KindHost,
		Value: "factures-campagne.example", Reason: "campagne", AddedBy: "e2e"}); err != nil {
		t.Fatal(err)
	}
}

// clusterMessage is message n of a cluster test: held when phish (it
// links to the blocked campaign), delivered otherwise.
func clusterMessage(tag string, n int, phish bool) []byte {
	link := "https://www.service-public.fr/particuliers"
	if phish {
		link = "https://factures-campagne.example/doc"
	}
	return []byte(fmt.Sprintf("From: Facturation <factures@partner.test>\r\nTo: compta@example.test\r\nSubject: Facture %d\r\n"+
		"Message-ID: <%s-%d@partner.test>\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\nContent-Type: text/plain\r\n\r\n"+
		"Bonjour, votre document : %s\r\n", n, tag, n, link))
}

// sendSMTP sends msgs over one SMTP session to addr, as a client MTA
// would, and returns for each whether the server acknowledged it (250).
func sendSMTP(t *testing.T, addr string, msgs [][]byte) []bool {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatalf("smtp %s: %v", addr, err)
	}
	defer c.Close()
	if err := c.Hello("client.partner.test"); err != nil {
		t.Fatal(err)
	}
	acked := make([]bool, len(msgs))
	for i, m := range msgs {
		acked[i] = sendOne(c, m) == nil
		if !acked[i] {
			c.Reset()
		}
	}
	c.Quit()
	return acked
}

func sendOne(c *smtp.Client, m []byte) error {
	if err := c.Mail("factures@partner.test"); err != nil {
		return err
	}
	if err := c.Rcpt("compta@example.test"); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(m); err != nil {
		return err
	}
	return w.Close() // the reply to the end of DATA
}

// vigieNode is a `vigie serve` process of a cluster test.
type vigieNode struct {
	config      string
	relay, http int
	cmd         *exec.Cmd
	logs        *lockedBuffer
	name, token string
	killed      bool
	t           *testing.T
}

// startNode runs `vigie serve` with its own data directory on the shared
// store dsn: relay to the sink, releases to the sink, an analyst token.
func startNode(t *testing.T, dir, name, dsn string, sinkPort int) *vigieNode {
	t.Helper()
	return startNodeWith(t, dir, name, dsn, sinkPort, "")
}

// startNodeWith is startNode with more settings of serve.quarantine
// (", key: value" in YAML flow style).
func startNodeWith(t *testing.T, dir, name, dsn string, sinkPort int, quarantine string) *vigieNode {
	t.Helper()
	n := &vigieNode{relay: freePort(t), http: freePort(t), name: name, token: "cluster-analyst-token-" + name, logs: &lockedBuffer{}, t: t}
	cfg := fmt.Sprintf(`data_dir: %s
store: "%s"
policy: {reject: 0}
auth: {mode: headers}
serve:
  milter: {enabled: false}
  rbl: {enabled: false}
  relay: {enabled: true, listen: "127.0.0.1:%d", domains: [example.test], next_hop: "127.0.0.1:%d"}
  http: {enabled: true, listen: "127.0.0.1:%d", tokens: [{name: soc, token: "%s", scope: analyst}]}
  quarantine: {release_to: "127.0.0.1:%d"%s}
`, filepath.Join(dir, name), dsn, n.relay, sinkPort, n.http, n.token, sinkPort, quarantine)
	n.config = filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(n.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	n.cmd = exec.Command(vigieBinary(t), "serve", "--config", n.config)
	n.cmd.Stdout, n.cmd.Stderr = n.logs, n.logs
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !n.killed {
			n.cmd.Process.Signal(os.Interrupt)
			n.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("%s:\n%s", name, n.logs.String())
		}
	})
	waitListening(t, n.relay)
	waitListening(t, n.http)
	return n
}

// kill ends the node with SIGKILL: nothing is flushed.
func (n *vigieNode) kill() {
	n.cmd.Process.Signal(syscall.SIGKILL)
	n.cmd.Wait()
	n.killed = true
}

func (n *vigieNode) api(method, path string) (int, []byte) {
	n.t.Helper()
	req, _ := http.NewRequest(method, fmt.Sprintf("http://127.0.0.1:%d%s", n.http, path), nil)
	req.Header.Set("Authorization", "Bearer "+n.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// cli runs a vigie command on the node's configuration and returns its
// output and exit code.
func (n *vigieNode) cli(args ...string) (string, int) {
	n.t.Helper()
	full := append([]string{args[0], args[1], "--config", n.config}, args[2:]...)
	out, err := exec.Command(vigieBinary(n.t), full...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		n.t.Fatal(err)
	}
	return string(out), 0
}

// listHeld returns the ids of the held messages as node n's CLI lists them.
func (n *vigieNode) listHeld() []string {
	n.t.Helper()
	out, code := n.cli("quarantine", "list", "--json", "--limit", "1000")
	if code != 0 {
		n.t.Fatalf("quarantine list: %d %s", code, out)
	}
	var ids []string
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var e struct{ ID string }
		if err := dec.Decode(&e); err != nil {
			break
		}
		ids = append(ids, e.ID)
	}
	if len(ids) == 0 && strings.HasPrefix(strings.TrimSpace(out), "[") {
		var es []struct{ ID string }
		json.Unmarshal([]byte(out), &es)
		for _, e := range es {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

var sinkMessageID = regexp.MustCompile(`(?mi)^Message-ID: <([^>]+)>`)

// delivered counts the messages the sink holds per Message-ID.
func delivered(s *sink) map[string]int {
	got := map[string]int{}
	for _, m := range s.messages() {
		if id := sinkMessageID.FindStringSubmatch(m); id != nil {
			got[id[1]]++
		}
	}
	return got
}

// Issue 22: two `vigie serve` processes on one PostgreSQL database. A
// message held by node 1 is listed, shown and released from node 2 (API
// and CLI) and reaches the sink once; node 1 is killed (-9) after holding
// 100 messages, and node 2 releases all of them.
func TestTwoNodesShareTheQuarantine(t *testing.T) {
	requireTools(t)
	dsn := storetest.PostgresSchema(t, requirePostgres(t))
	blockCampaign(t, dsn)
	dir := t.TempDir()
	sk := startSink(t, freePort(t))
	n1 := startNode(t, dir, "node1", dsn, sk.port)
	n2 := startNode(t, dir, "node2", dsn, sk.port)
	relay1 := fmt.Sprintf("127.0.0.1:%d", n1.relay)

	acked := sendSMTP(t, relay1, [][]byte{clusterMessage("one", 0, true), clusterMessage("clean", 0, false)})
	if !acked[0] || !acked[1] {
		t.Fatalf("acknowledged %v, want both", acked)
	}
	sk.waitMessages(t, 1, 60*time.Second)

	code, body := n2.api("GET", "/api/v1/quarantine")
	var page struct {
		Entries []struct{ ID, MessageID string }
	}
	if err := json.Unmarshal(body, &page); code != 200 || err != nil || len(page.Entries) != 1 {
		t.Fatalf("node 2's API list: %d %v %s", code, err, body)
	}
	id := page.Entries[0].ID
	if ids := n2.listHeld(); len(ids) != 1 || ids[0] != id {
		t.Errorf("node 2's CLI lists %v, want [%s]", ids, id)
	}
	if code, raw := n2.api("GET", "/api/v1/quarantine/"+id+"/raw"); code != 200 || !bytes.Contains(raw, []byte("<one-0@partner.test>")) {
		t.Errorf("node 2's API raw: %d %.300s", code, raw)
	}
	if out, code := n2.cli("quarantine", "show", id); code != 0 || !strings.Contains(out, "one-0@partner.test") {
		t.Errorf("node 2's CLI show: %d %.300s", code, out)
	}
	if code, body := n2.api("POST", "/api/v1/quarantine/"+id+"/release"); code != 200 {
		t.Fatalf("release from node 2's API: %d %s", code, body)
	}
	sk.waitMessages(t, 2, 60*time.Second)
	if out, code := n2.cli("quarantine", "release", "--by", "e2e-operator", "--no-learn", id); code == 0 {
		t.Errorf("second release from node 2's CLI succeeded: %s", out)
	}
	if out, code := n1.cli("quarantine", "release", "--by", "e2e-operator", "--no-learn", id); code == 0 {
		t.Errorf("second release from node 1's CLI succeeded: %s", out)
	}
	if got := delivered(sk); got["one-0@partner.test"] != 1 || got["clean-0@partner.test"] != 1 {
		t.Errorf("sink holds %v, want each message once", got)
	}

	// Node 1 holds 100 messages, then dies without a word.
	var batch [][]byte
	for i := range 100 {
		batch = append(batch, clusterMessage("lost", i, true))
	}
	for i, ok := range sendSMTP(t, relay1, batch) {
		if !ok {
			t.Fatalf("message %d not acknowledged by node 1", i)
		}
	}
	n1.kill()
	ids := n2.listHeld()
	if len(ids) != 100 {
		t.Fatalf("node 2 lists %d held messages after node 1 died, want 100", len(ids))
	}
	out, code := n2.cli(append([]string{"quarantine", "release", "--by", "e2e-operator", "--no-learn"}, ids...)...)
	if code != 0 {
		t.Fatalf("node 2 releases node 1's messages: exit %d\n%s", code, out)
	}
	sk.waitMessages(t, 102, 120*time.Second)
	got := delivered(sk)
	for i := range 100 {
		if c := got[fmt.Sprintf("lost-%d@partner.test", i)]; c != 1 {
			t.Errorf("lost-%d delivered %d times, want once", i, c)
		}
	}
	if len(n2.listHeld()) != 0 {
		t.Error("messages still held after the release")
	}
}
