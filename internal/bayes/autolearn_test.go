package bayes_test

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
)

func TestAutoLearn(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a := bayes.NewAutoLearn(&bayes.Learner{Repo: db.Bayes()}, nil)
		a.PhishScore = 15
		go a.Run(ctx)
		sig := func(name string, w float64) scan.Signal { return scan.Signal{Name: name, Weight: w} }
		for _, tc := range []struct {
			name string
			v    scan.Verdict
		}{
			// The classifier's own vote does not count towards its learning.
			{"bayes tips it", scan.Verdict{Action: scan.Reject, Signals: []scan.Signal{sig("AUTH_DMARC_FAIL_REJECT", 8), sig("LURE_CREDENTIALS", 5), sig("BAYES_PHISH", 3)}}},
			{"ordinary mail, ham autolearn off", scan.Verdict{Action: scan.Accept, Auth: auth.Results{DMARC: "pass"}, Signals: []scan.Signal{sig("AUTH_ALIGNED_PASS", -0.5)}}},
			{"cut short", scan.Verdict{Action: scan.Reject, Partial: true, Signals: []scan.Signal{sig("IOC_BLOCK", 15)}}},
		} {
			a.Observe(eml(tc.name, "Objet", phishText(1)), &tc.v)
		}
		a.Observe(eml("sure", "Objet", phishText(2)), &scan.Verdict{Action: scan.Reject,
			Signals: []scan.Signal{sig("AUTH_DMARC_FAIL_REJECT", 8), sig("LURE_CREDENTIALS", 7), sig("BAYES_PHISH", 3)}})
		waitFor(t, "the sure verdict to be learned", func() bool {
			st, _ := db.Bayes().State(ctx)
			return st.Phish == 1
		})
		if st, _ := db.Bayes().State(ctx); st.Ham != 0 || st.Phish != 1 {
			t.Errorf("autolearned %+v, want only the sure phishing", st)
		}
		// With ham autolearn on, only authenticated, quiet mail is learned.
		a.Ham, a.HamScore = true, -0.5
		a.Observe(eml("h1", "Réunion", hamText(1)), &scan.Verdict{Action: scan.Accept, Auth: auth.Results{DMARC: "pass"},
			Signals: []scan.Signal{sig("AUTH_ALIGNED_PASS", -0.5)}})
		waitFor(t, "the quiet legitimate mail to be learned", func() bool {
			st, _ := db.Bayes().State(ctx)
			return st.Ham == 1
		})
	})
}
