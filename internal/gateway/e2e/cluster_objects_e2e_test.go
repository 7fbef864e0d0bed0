package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/objstore/objstoretest"
	"vigie.dev/vigie/internal/store/storetest"
)

// Issue 22, the object store: two `vigie serve` processes on one
// PostgreSQL database and one bucket of a real S3 server. A message held
// by node 1 is kept in the bucket, listed, shown and released from node 2
// and reaches the sink once; with the object store down node 1 still
// holds (and acknowledges) a message, which reaches the bucket when the
// store is back and is released from node 2. A node whose bucket is
// missing says so and how to create it.
func TestTwoNodesShareTheObjectStore(t *testing.T) {
	requireTools(t)
	dsn := storetest.PostgresSchema(t, requirePostgres(t))
	srv := objstoretest.Start(t)
	srv.Bucket(t, "vigie-held")
	blockCampaign(t, dsn)
	dir := t.TempDir()
	secret := filepath.Join(dir, "s3.secret")
	if err := os.WriteFile(secret, []byte(srv.SecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	objects := func(bucket string) string {
		return fmt.Sprintf(`, object_store: {endpoint: "%s", bucket: %s, prefix: "held/", access_key: %s, secret_key_file: "%s", timeout: 5s}`,
			srv.Endpoint, bucket, srv.AccessKey, secret)
	}
	sk := startSink(t, freePort(t))
	n1 := startNodeWith(t, dir, "node1", dsn, sk.port, objects("vigie-held"))
	n2 := startNodeWith(t, dir, "node2", dsn, sk.port, objects("vigie-held"))
	relay1 := fmt.Sprintf("127.0.0.1:%d", n1.relay)

	if acked := sendSMTP(t, relay1, [][]byte{clusterMessage("s3", 0, true)}); !acked[0] {
		t.Fatal("held message not acknowledged")
	}
	ids := n2.listHeld()
	if len(ids) != 1 {
		t.Fatalf("node 2 lists %v, want one held message", ids)
	}
	if keys := srv.Keys(t, "vigie-held", ""); !slices.Equal(keys, []string{"held/" + ids[0] + ".eml.gz"}) {
		t.Errorf("bucket holds %v, want the held message under its id", keys)
	}
	if code, raw := n2.api("GET", "/api/v1/quarantine/"+ids[0]+"/raw"); code != 200 || !bytes.Contains(raw, []byte("<s3-0@partner.test>")) {
		t.Errorf("node 2's API raw: %d %.300s", code, raw)
	}
	if out, code := n2.cli("quarantine", "show", ids[0]); code != 0 || !strings.Contains(out, "s3-0@partner.test") {
		t.Errorf("node 2's CLI show: %d %.300s", code, out)
	}
	if code, body := n2.api("POST", "/api/v1/quarantine/"+ids[0]+"/release"); code != 200 {
		t.Fatalf("release from node 2's API: %d %s", code, body)
	}
	sk.waitMessages(t, 1, 60*time.Second)

	// The object store goes down: node 1 keeps the copy on its disk and
	// acknowledges; the copy reaches the bucket once the store is back.
	srv.Stop()
	if acked := sendSMTP(t, relay1, [][]byte{clusterMessage("s3-outage", 0, true)}); !acked[0] {
		t.Fatal("message held during the object store's outage not acknowledged")
	}
	if logs := n1.logs.String(); !strings.Contains(logs, "copy kept on local disk") {
		t.Errorf("node 1 did not spool the copy:\n%s", logs)
	}
	srv.Restart(t)
	var id string
	waitFor(t, "the spooled copy to reach the bucket and node 2's list", 60*time.Second, func() bool {
		held := n2.listHeld()
		if len(held) != 1 {
			return false
		}
		id = held[0]
		return slices.Contains(srv.Keys(t, "vigie-held", "held/"), "held/"+id+".eml.gz")
	})
	if out, code := n2.cli("quarantine", "release", "--by", "e2e-operator", "--no-learn", id); code != 0 {
		t.Fatalf("release from node 2's CLI: exit %d\n%s", code, out)
	}
	sk.waitMessages(t, 2, 60*time.Second)
	if got := delivered(sk); got["s3-0@partner.test"] != 1 || got["s3-outage-0@partner.test"] != 1 {
		t.Errorf("sink holds %v, want each message once", got)
	}

	// A configuration naming a bucket that does not exist is refused.
	bad := filepath.Join(dir, "bad.yaml")
	cfg, _ := os.ReadFile(n2.config)
	os.WriteFile(bad, bytes.Replace(cfg, []byte("bucket: vigie-held"), []byte("bucket: absent"), 1), 0o600)
	out, err := exec.Command(vigieBinary(t), "quarantine", "list", "--config", bad).CombinedOutput()
	if err == nil || !strings.Contains(string(out), `bucket "absent" does not exist`) || !strings.Contains(string(out), "mc mb") {
		t.Errorf("missing bucket: %v\n%s", err, out)
	}
}
