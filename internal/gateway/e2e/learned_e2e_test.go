package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ioc"
)

// The gateway learns the trusted relays that hand it mail as the
// organisation's own assets (store own_assets), and the indicator guard of
// every front end — here one built from a configuration that does not list
// the relay — refuses to block them.
func TestTrustedRelaysAreLearned(t *testing.T) {
	const token = "learn-token-0123456789"
	d := startVigie(t, func(c *config.Config) {
		c.Trust.Networks = []string{"45.9.148.0/24"}
		c.Serve.HTTP.Tokens = []config.APIToken{{Name: "e2e", Token: token, Scope: "scan"}}
		c.Serve.RBL.Enabled = false
	}, nil)
	msg := "Received: from mx.partner.example (mx.partner.example [203.0.113.50]) by relay.chu-exemple.fr; Tue, 12 Mar 2024 10:00:00 +0100\r\n" +
		"From: a@partner.example\r\nTo: b@example.test\r\nSubject: hello\r\nMessage-ID: <l1@partner.example>\r\n\r\nhello\r\n"
	req, _ := http.NewRequest("POST", "http://"+d.HTTPAddr+"/api/v1/scan?ip=45.9.148.25", strings.NewReader(msg))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ctx := context.Background()
	waitFor(t, "the relay to be learned", 30*time.Second, func() bool {
		list, err := d.DB.OwnAssets().List(ctx)
		return err == nil && len(list) == 1 && list[0].Value == "45.9.148.25"
	})
	svc := app.With(config.Default(), d.DB, app.Options{}).Indicators()
	_, err = svc.Add(ctx, ioc.NewIndicator{Value: "45.9.148.25", AddedBy: "e2e"})
	if f, ok := ioc.Refusal(err); !ok || f.Rule != ioc.RuleOwnAsset {
		t.Fatalf("blocking a learned relay: %v", err)
	}
	if _, err := svc.Add(ctx, ioc.NewIndicator{Value: "45.9.149.25", AddedBy: "e2e"}); err != nil {
		t.Errorf("a neighbour that is not a relay: %v", err)
	}
}
