package rdap

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// An in-process RDAP server stands in for the registries (RFC 9083 shapes).
func TestRegistered(t *testing.T) {
	var hits atomic.Int32
	release := make(chan struct{}) // the slow registry answers only when the test ends
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch strings.TrimPrefix(r.URL.Path, "/domain/") {
		case "factures-chorus.example":
			w.Header().Set("Content-Type", "application/rdap+json")
			w.Write([]byte(`{"objectClassName":"domain","ldhName":"factures-chorus.example","events":[
				{"eventAction":"last changed","eventDate":"2026-11-20T08:00:00Z"},
				{"eventAction":"registration","eventDate":"2026-11-19T10:12:00Z"}]}`))
		case "nodate.example":
			w.Write([]byte(`{"objectClassName":"domain","events":[]}`))
		case "slow.example":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer close(release)
	c := &Client{BaseURL: srv.URL}
	ctx := context.Background()
	at, err := c.Registered(ctx, "Factures-Chorus.example.")
	if err != nil || !at.Equal(time.Date(2026, 11, 19, 10, 12, 0, 0, time.UTC)) {
		t.Fatalf("got %v, %v", at, err)
	}
	c.Registered(ctx, "factures-chorus.example")
	if hits.Load() != 1 {
		t.Errorf("cache missed: %d queries", hits.Load())
	}
	if _, err := c.Registered(ctx, "nodate.example"); !errors.Is(err, ErrNoDate) {
		t.Errorf("no date: %v", err)
	}
	if _, err := c.Registered(ctx, "unknown.example"); err == nil {
		t.Error("404 gave no error")
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	// The registry never answers: only the caller's deadline can end the
	// call (the bound is generous for a loaded machine).
	if _, err := c.Registered(short, "slow.example"); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 30*time.Second {
		t.Errorf("deadline not honoured: %v after %s", err, time.Since(start))
	}
}

func FuzzParseRegistration(f *testing.F) {
	f.Add(`{"events":[{"eventAction":"registration","eventDate":"2026-11-19T10:12:00Z"}]}`)
	f.Add(`{"events":[{"eventAction":"registration","eventDate":"yesterday"}]}`)
	f.Add(`[[[[`)
	f.Fuzz(func(t *testing.T, s string) {
		at, err := parseRegistration(strings.NewReader(s))
		if err == nil && at.IsZero() {
			t.Fatal("no error and no date")
		}
	})
}
