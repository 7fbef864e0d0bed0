package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/store"
)

// envInt reads a test's scale from the environment, else def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// Issue 22: PostgreSQL stops during a load through the relays of two
// nodes and comes back. Every message a relay acknowledged is delivered
// or held, once; every one has its trace record, once; what was spooled
// on each node's disk during the outage reaches the database. A message
// a relay refused with a temporary failure is sent again afterwards, as
// a client MTA would. The load and the outage are scaled for CI
// (VIGIE_CLUSTER_LOAD messages, default 300; VIGIE_CLUSTER_OUTAGE
// seconds, default 10; the figures are 1000 and 30).
func TestClusterPostgresOutage(t *testing.T) {
	requireTools(t)
	dsn, pgStop, pgStart := privatePostgres(t)
	blockCampaign(t, dsn)
	load := envInt("VIGIE_CLUSTER_LOAD", 300)
	outage := time.Duration(envInt("VIGIE_CLUSTER_OUTAGE", 10)) * time.Second
	sk := startSink(t, freePort(t))
	nodes := make([]*daemon.Daemon, 2)
	for i := range nodes {
		nodes[i] = startVigie(t, func(c *config.Config) {
			c.Store = dsn
			c.Policy.RejectAt = 0
			c.Serve.RBL.Enabled = false
			c.Serve.Relay.NextHop = fmt.Sprintf("127.0.0.1:%d", sk.port)
		}, nil)
	}

	// Two clients, one per node, paced so that the load spans three
	// times the outage: PostgreSQL stops once a third is sent and starts
	// again after the outage, while the clients go on sending.
	// Message n is held when n%3 == 0.
	var sent atomic.Int64
	acked := make([]bool, load)
	var wg sync.WaitGroup
	every := 3 * outage * 2 / time.Duration(load)
	start := time.Now()
	for i, d := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, n := 0, i; n < load; k, n = k+1, n+2 {
				time.Sleep(time.Until(start.Add(time.Duration(k) * every)))
				acked[n] = sendSMTP(t, d.RelayAddr, [][]byte{clusterMessage("load", n, n%3 == 0)})[0]
				sent.Add(1)
			}
		}()
	}
	waitFor(t, "a third of the load", 5*time.Minute, func() bool { return sent.Load() >= int64(load/3) })
	pgStop()
	down, before := time.Now(), sent.Load()
	var spooledQ, spooledT int
	waitFor(t, "the outage's length", outage+time.Minute, func() bool {
		spooledQ, spooledT = 0, 0
		for _, d := range nodes {
			spooledQ += d.Quarantine.Spooled()
			spooledT += d.Trace.Spooled()
		}
		return time.Since(down) >= outage
	})
	pgStart()
	t.Logf("PostgreSQL down %s while %d messages were sent; %d quarantine records (entries and MTA records) and %d trace records spooled on the nodes' disks",
		time.Since(down).Round(time.Second), sent.Load()-before, spooledQ, spooledT)
	wg.Wait()
	elapsed := time.Since(start)

	// The client MTA retries what was refused for the time being.
	var retried []int
	for n, ok := range acked {
		if !ok {
			retried = append(retried, n)
		}
	}
	for _, n := range retried {
		d := nodes[n%2]
		waitFor(t, fmt.Sprintf("message %d accepted on retry", n), 2*time.Minute, func() bool {
			return sendSMTP(t, d.RelayAddr, [][]byte{clusterMessage("load", n, n%3 == 0)})[0]
		})
	}
	t.Logf("%d messages through two relays in %s; %d refused with a temporary failure during the outage and sent again",
		load, elapsed.Round(time.Millisecond), len(retried))

	for i, d := range nodes {
		waitFor(t, fmt.Sprintf("node %d's spools replayed", i+1), 2*time.Minute, func() bool {
			return d.Quarantine.Spooled() == 0 && d.Trace.Spooled() == 0
		})
	}
	wantDelivered := load - (load+2)/3
	sk.waitMessages(t, wantDelivered, 2*time.Minute)
	got := delivered(sk)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(table string) map[string]int {
		rows, err := db.Query(ctx, `SELECT message_id, count(*) FROM `+table+` WHERE message_id LIKE 'load-%' GROUP BY message_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]int{}
		for rows.Next() {
			var id string
			var c int
			rows.Scan(&id, &c)
			m[id] = c
		}
		return m
	}
	held, traced := count("quarantine"), count("trace")
	var bodies, mtas int
	db.QueryRow(ctx, `SELECT count(*) FROM quarantine_body`).Scan(&bodies)
	db.QueryRow(ctx, `SELECT count(*) FROM quarantine_mta`).Scan(&mtas)
	attempts := map[int]int{}
	for _, n := range retried {
		attempts[n]++
	}
	for n := range load {
		id := fmt.Sprintf("load-%d@partner.test", n)
		wantHeld, wantSent := 0, 1
		if n%3 == 0 {
			wantHeld, wantSent = 1, 0
		}
		if got[id] != wantSent || held[id] != wantHeld {
			t.Errorf("%s: delivered %d times, held %d times; want %d and %d", id, got[id], held[id], wantSent, wantHeld)
		}
		// One record per attempt: a refused attempt is traced too.
		if traced[id] != 1+attempts[n] {
			t.Errorf("%s: %d trace records, want %d", id, traced[id], 1+attempts[n])
		}
	}
	if want := (load + 2) / 3; bodies != want || mtas != want {
		t.Errorf("%d message bodies and %d MTA records in the database, want %d", bodies, mtas, want)
	}
}
