package trace_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
	"vigie.dev/vigie/internal/trace"
)

// campaign is the verdict of one phishing message of a campaign sent to rcpt.
func campaign(rcpt string) *scan.Verdict {
	return &scan.Verdict{
		Action: scan.Quarantine, Score: 9.5,
		Signals: []scan.Signal{{Name: "URL_FREE_HOSTING"}, {Name: "LURE_INVOICE"}},
		Envelope: scan.Envelope{
			ClientIP: netip.MustParseAddr("203.0.113.7"), HELO: "srv4821.example.net",
			MailFrom: "<Bounce@Mailer.Abatos.fr>", RcptTo: []string{"<" + rcpt + ">"},
		},
		Indicators: scan.Indicators{
			ClientIP: "203.0.113.7", FromAddress: "notification@abatos.fr", Subject: "Facture en attente",
			MessageID: "abc@srv4821.example.net", ReplyTo: "pay@collect.test",
			Senders:     []string{"notification@abatos.fr", "pay@collect.test", "bounce@mailer.abatos.fr"},
			URLs:        []string{"https://login.chorus-pro.weebly-example.com/facture?id=1"},
			Hosts:       []string{"login.chorus-pro.weebly-example.com"},
			Domains:     []string{"abatos.fr", "weebly-example.com"},
			Attachments: []string{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
			FuzzyBody:   "3:abcdef",
		},
	}
}

func TestSearch(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, b.DSN, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			tl := trace.Open(db.Trace(), nil)
			defer tl.Close()
			for _, r := range []string{"alice@example.test", "bob@example.test", "carol@example.test"} {
				tl.Add(trace.FromVerdict("relay", "q1", campaign(r), "quarantine"))
			}
			clean := &scan.Verdict{Action: scan.Accept, Envelope: scan.Envelope{MailFrom: "news@other.test", RcptTo: []string{"alice@example.test"}},
				Indicators: scan.Indicators{FromAddress: "news@other.test", URLs: []string{"https://other.test/a"}, Hosts: []string{"other.test"}, Domains: []string{"other.test"}}}
			tl.Add(trace.FromVerdict("milter", "q2", clean, "accept"))
			tl.Flush()

			cases := []struct {
				name string
				q    trace.Query
				want int
			}{
				{"sender From", trace.Query{Sender: "Notification@abatos.fr"}, 3},
				{"sender Reply-To", trace.Query{Sender: "pay@collect.test"}, 3},
				{"sender envelope", trace.Query{Sender: "<bounce@mailer.abatos.fr>"}, 3},
				{"domain of URL host", trace.Query{Domain: "weebly-example.com"}, 3},
				{"subdomain of URL host", trace.Query{Domain: "chorus-pro.weebly-example.com"}, 3},
				{"sender domain", trace.Query{Domain: "abatos.fr"}, 3},
				{"sender subdomain", trace.Query{Domain: "mailer.abatos.fr"}, 3},
				{"unrelated domain", trace.Query{Domain: "example.com"}, 0},
				{"url exact", trace.Query{URL: "https://login.chorus-pro.weebly-example.com/facture?id=1"}, 3},
				{"url prefix", trace.Query{URL: "https://login.chorus-pro.weebly-example.com/"}, 3},
				{"ip", trace.Query{IP: "203.0.113.7"}, 3},
				{"attachment hash", trace.Query{Hash: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"}, 3},
				{"fuzzy hash", trace.Query{Hash: "3:abcdef"}, 3},
				{"message-id", trace.Query{MsgID: "<abc@srv4821.example.net>"}, 3},
				{"rcpt", trace.Query{Rcpt: "alice@example.test"}, 2},
				{"rcpt and domain", trace.Query{Rcpt: "alice@example.test", Domain: "abatos.fr"}, 1},
				{"action", trace.Query{Action: "accept"}, 1},
				{"since", trace.Query{Since: time.Now().Add(-time.Hour)}, 4},
				{"until past", trace.Query{Until: time.Now().Add(-time.Hour)}, 0},
				{"limit", trace.Query{Limit: 2}, 2},
			}
			for _, c := range cases {
				got, err := tl.Search(ctx, c.q)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if len(got) != c.want {
					t.Errorf("%s: %d records, want %d", c.name, len(got), c.want)
				}
			}
			// Every recipient of the campaign, as incident response asks.
			got, _ := tl.Search(ctx, trace.Query{Domain: "weebly-example.com"})
			rcpts := map[string]bool{}
			for _, r := range got {
				for _, x := range r.RcptTo {
					rcpts[x] = true
				}
				if r.Action != "quarantine" || r.Score != 9.5 || len(r.Signals) != 2 || r.ClientIP != "203.0.113.7" || r.Subject != "Facture en attente" {
					t.Errorf("record %+v", r)
				}
			}
			if len(rcpts) != 3 || !rcpts["bob@example.test"] {
				t.Errorf("campaign recipients %v", rcpts)
			}
			if n, err := tl.Purge(ctx, -time.Minute); err != nil || n != 4 {
				t.Errorf("Purge = %d, %v; want 4", n, err)
			}
			if got, _ := tl.Search(ctx, trace.Query{}); len(got) != 0 {
				t.Errorf("%d records after purge", len(got))
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "0d": 0} {
		if got, err := trace.ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "d", "-1d", "7 days", "x"} {
		if _, err := trace.ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
}

func FuzzParseAge(f *testing.F) {
	for _, s := range []string{"7d", "36h", "1h30m", "-5d", "99999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := trace.ParseAge(s); err == nil && d < 0 {
			t.Errorf("ParseAge(%q) = %v, negative", s, d)
		}
	})
}

// A record replayed twice (a spool replay repeated after a crash) is
// stored once, on both backends.
func TestInsertIsIdempotent(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, b.DSN, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			r := trace.Row{At: time.Now(), Frontend: "relay", Action: "accept", UID: "0123456789abcdef",
				Terms: []trace.Term{{Kind: "sender", Value: "a@example.test"}}}
			for range 2 {
				if err := db.Trace().Insert(ctx, []trace.Row{r, {At: time.Now(), Frontend: "relay", Action: "accept"}}); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := db.Trace().Search(ctx, trace.Filter{Terms: []trace.Term{{Kind: "sender", Value: "a@example.test"}}})
			if err != nil || len(rows) != 1 {
				t.Fatalf("%d records for one uid (%v)", len(rows), err)
			}
		})
	}
}

// With a spool, records the database refuses wait on disk and are written
// once it answers; nothing is lost, nothing doubled.
func TestSpoolWhileDown(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.Backends(t)[0].DSN
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	spoolDir := t.TempDir()
	tl, err := trace.OpenWith(db.Trace(), trace.Options{SpoolDir: spoolDir, Retry: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	db.Close() // the database goes away
	for _, r := range []string{"alice@example.test", "bob@example.test"} {
		tl.Add(trace.FromVerdict("relay", "q1", campaign(r), "quarantine"))
	}
	tl.Close()
	if tl.Spooled() != 2 {
		t.Fatalf("%d records spooled, want 2", tl.Spooled())
	}
	db2, err := store.Open(ctx, dsn, nil) // it is back
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	tl2, err := trace.OpenWith(db2.Trace(), trace.Options{SpoolDir: spoolDir, Retry: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tl2.Close()
	deadline := time.Now().Add(20 * time.Second)
	for tl2.Spooled() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got, err := tl2.Search(ctx, trace.Query{Domain: "abatos.fr"})
	if err != nil || len(got) != 2 {
		t.Fatalf("%d records after the replay (%v), want 2", len(got), err)
	}
}
