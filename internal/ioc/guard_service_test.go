package ioc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/store"
)

func TestServiceGuardForceAndAllow(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		svc := ioc.NewService(db.Indicators(), ioc.ServiceOptions{Guard: ioc.NewGuard(nil, ioc.Assets{Domains: []string{"chu-exemple.fr"}})})
		_, err := svc.Add(ctx, ioc.NewIndicator{Value: "0.0.0.0/0", AddedBy: "alice"})
		if f, ok := ioc.Refusal(err); !ok || f.Rule != ioc.RuleTooWide {
			t.Fatalf("0.0.0.0/0: %v", err)
		}
		if _, err := svc.Add(ctx, ioc.NewIndicator{Value: "chu-exemple.fr", Force: true, AddedBy: "alice"}); !errors.Is(err, ioc.ErrForceNeedsReason) {
			t.Fatalf("force without reason: %v", err)
		}
		in, err := svc.Add(ctx, ioc.NewIndicator{Value: "8.8.8.8", Force: true, AddedBy: "alice", Reason: "exercice CERT"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := svc.Journal(ctx, "8.8.8.8", 0)
		if err != nil || len(ev) != 1 || ev[0].Action != "force-add" || ev[0].Actor != "alice" || ev[0].Reason != "exercice CERT" {
			t.Fatalf("journal: %+v %v", ev, err)
		}
		if err := svc.Remove(ctx, in.ID, "bob"); err != nil {
			t.Fatal(err)
		}
		// The allow list wins over feeds, at import and at match time.
		if _, err := svc.Add(ctx, ioc.NewIndicator{Value: "partner-labo.example", Mode: ioc.Allow, AddedBy: "alice"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Add(ctx, ioc.NewIndicator{Kind: ioc.KindHost, Value: "www.partner-labo.example", AddedBy: "alice"}); err == nil {
			t.Fatal("block under an allowed domain accepted")
		}
		res, err := svc.Import(ctx, strings.NewReader("www.partner-labo.example\nevil.example\n"), ioc.ImportOptions{Format: ioc.FormatPlain, Name: "feed.txt"})
		if err != nil || res.Imported != 1 || res.Refused != 1 || res.Errors[0].Line != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		list, _ := svc.List(ctx, ioc.Filter{Value: "evil.example"})
		if len(list) != 1 || list[0].ExpiresAt.IsZero() {
			t.Fatalf("feed entry without default expiry: %+v", list)
		}
	})
}
