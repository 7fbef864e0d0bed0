package restapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/mailbox"
)

func TestDo(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch r.URL.Path {
		case "/throttled":
			if calls == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(429)
				return
			}
			w.Write([]byte(`{"ok":true}`))
		case "/user":
			w.WriteHeader(404)
			w.Write([]byte(`{"error":{"code":"ErrorInvalidUser","message":"The requested user 'x' is invalid."}}`))
		case "/item":
			w.WriteHeader(404)
			w.Write([]byte(`{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`))
		case "/token":
			w.WriteHeader(401)
			w.Write([]byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`))
		case "/big":
			w.Write([]byte(strings.Repeat("x", MaxBody+10)))
		case "/down":
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	c := &Client{HTTP: srv.Client(), Token: func(context.Context, string) (string, error) { return "t", nil }, Retries: 1}
	ctx := context.Background()
	var out struct{ OK bool }
	if err := c.Do(ctx, "", "GET", srv.URL+"/throttled", nil, &out); err != nil || !out.OK || calls != 2 {
		t.Errorf("throttled: %v %v %d", err, out, calls)
	}
	for path, want := range map[string]error{"/user": mailbox.ErrNoMailbox, "/item": mailbox.ErrNotFound, "/big": mailbox.ErrTooLarge,
		"/down": mailbox.ErrUnreachable} {
		if err := c.Do(ctx, "", "GET", srv.URL+path, nil, nil); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
	if _, _, err := PostForm(ctx, srv.Client(), srv.URL+"/token", map[string]string{"a": "b"}); !errors.Is(err, mailbox.ErrCredentials) ||
		!strings.Contains(err.Error(), "Invalid client secret") {
		t.Errorf("token: %v", err)
	}
	if c.Requests() != 7 {
		t.Errorf("%d requests counted", c.Requests())
	}
}

func FuzzAPIError(f *testing.F) {
	f.Add(404, []byte(`{"error":{"code":"ErrorInvalidUser","message":"The requested user 'x' is invalid."}}`))
	f.Add(400, []byte(`{"error":"invalid_grant","error_description":"Invalid email or User ID"}`))
	f.Add(404, []byte(`{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`))
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		e := apiError(status, "https://api.example/x", b).(*Error)
		if len(e.Msg) > 300 || e.Status != status {
			t.Fatalf("%+v", e)
		}
		_ = e.Error()
	})
}
