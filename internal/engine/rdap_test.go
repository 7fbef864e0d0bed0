package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// A link to a domain registered days ago is flagged through RDAP, served
// here by an in-process registry.
func TestRDAPNewDomain(t *testing.T) {
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		date := "2009-05-01T00:00:00Z"
		if strings.HasSuffix(r.URL.Path, "/factures-recentes.example") {
			date = time.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339)
		}
		w.Write([]byte(`{"events":[{"eventAction":"registration","eventDate":"` + date + `"}]}`))
	}))
	defer reg.Close()
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	cfg.Data.RDAP = reg.URL
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	body := `<a href="https://factures-recentes.example/doc">facture</a> <a href="https://ancien-exemple.example/">site</a>`
	v := s.Scan(context.Background(), msg("From: A <a@b.example>\nSubject: x\nContent-Type: text/html", body), scan.Envelope{})
	if !v.Has("URL_NEW_DOMAIN") {
		t.Errorf("young domain not flagged: %v", names(v))
	}
	for _, sig := range v.Signals {
		if sig.Name == "URL_NEW_DOMAIN" && strings.Contains(sig.Detail, "ancien") {
			t.Errorf("old domain flagged: %s", sig.Detail)
		}
	}
}
