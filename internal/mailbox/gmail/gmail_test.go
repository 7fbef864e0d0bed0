package gmail_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/gmail"
	"vigie.dev/vigie/internal/mailbox/mailboxtest"
)

// fakeGmail answers the Gmail API v1 and Google's token endpoint, in
// their JSON, over an in-memory domain; the token endpoint checks the
// JWT's RS256 signature with the service account's public key.
type fakeGmail struct {
	mu      sync.Mutex
	pub     *rsa.PublicKey
	tokens  map[string]string // access token → user
	users   map[string]*gUser
	nextID  int
	baseURL string
	admin   string // the Workspace administrator the Admin SDK answers
}

type gUser struct {
	labels    map[string]string // id → name
	msgs      map[string]*gMsg
	filters   []map[string]any
	autoFwd   map[string]any
	delegates []map[string]any
	fwdAddrs  []map[string]any
	asps      []map[string]any
	suspended bool
}

type gMsg struct {
	id, mid, from, subject, raw string
	labels                      []string
	at                          time.Time
}

func (f *fakeGmail) addUser(u string) *gUser {
	x := &gUser{labels: map[string]string{"INBOX": "INBOX", "SENT": "SENT", "DRAFT": "DRAFT", "TRASH": "TRASH", "SPAM": "SPAM",
		"UNREAD": "UNREAD", "IMPORTANT": "IMPORTANT", "Label_12": "Modèles"}, msgs: map[string]*gMsg{},
		autoFwd: map[string]any{"enabled": false}}
	f.users[u] = x
	return x
}

func (f *fakeGmail) deliver(u, label, mid, from, subject string) {
	f.nextID++
	id := fmt.Sprintf("18c3f%05x", f.nextID)
	raw := fmt.Sprintf("Message-ID: <%s>\r\nFrom: %s\r\nSubject: %s\r\n\r\nhttp://paie-chu.evil.example/\r\n", mid, from, subject)
	f.users[u].msgs[id] = &gMsg{id: id, mid: mid, from: from, subject: subject, raw: raw, labels: []string{label, "UNREAD"}, at: time.Now()}
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func gerr(w http.ResponseWriter, status int, st, msg string) {
	reply(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg, "status": st,
		"errors": []any{map[string]any{"message": msg, "domain": "global", "reason": "notFound"}}}})
}

func (f *fakeGmail) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	parts := strings.Split(r.Form.Get("assertion"), ".")
	if r.Form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" || len(parts) != 3 {
		reply(w, 400, map[string]any{"error": "invalid_request"})
		return
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(f.pub, crypto.SHA256, sum[:], sig) != nil {
		reply(w, 400, map[string]any{"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
		return
	}
	var claims struct {
		Sub, Scope, Aud string
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	json.Unmarshal(b, &claims)
	if f.users[claims.Sub] == nil {
		reply(w, 400, map[string]any{"error": "invalid_grant", "error_description": "Invalid email or User ID"})
		return
	}
	admin := claims.Scope == gmail.AdminScopes && claims.Sub == f.admin
	if claims.Scope != gmail.Scopes && !admin || claims.Aud != f.baseURL+"/token" {
		reply(w, 400, map[string]any{"error": "unauthorized_client", "error_description": "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."})
		return
	}
	f.nextID++
	tok := fmt.Sprintf("ya29.fake%d", f.nextID)
	f.tokens[tok] = claims.Sub
	if admin {
		f.tokens[tok] = "admin:" + claims.Sub
	}
	reply(w, 200, map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

func (f *fakeGmail) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/token" {
		f.token(w, r)
		return
	}
	if dir, ok := strings.CutPrefix(r.URL.Path, "/admin/directory/v1/users"); ok {
		f.directory(w, r, dir)
		return
	}
	p := strings.Split(strings.TrimPrefix(r.URL.Path, "/gmail/v1/users/"), "/")
	who := f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if who == "" || who != p[0] {
		gerr(w, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
		return
	}
	u := f.users[who]
	q := r.URL.Query()
	switch {
	case p[1] == "labels" && len(p) == 2 && r.Method == http.MethodGet:
		var ls []map[string]any
		for id, name := range u.labels {
			typ := "user"
			if id == name {
				typ = "system"
			}
			ls = append(ls, map[string]any{"id": id, "name": name, "type": typ})
		}
		reply(w, 200, map[string]any{"labels": ls})
	case p[1] == "labels" && r.Method == http.MethodPost:
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		f.nextID++
		id := fmt.Sprintf("Label_%d", f.nextID)
		u.labels[id] = body["name"]
		reply(w, 200, map[string]any{"id": id, "name": body["name"], "type": "user"})
	case p[1] == "messages" && len(p) == 2:
		var ms []map[string]any
		for _, m := range u.msgs {
			if !slices.Contains(m.labels, q.Get("labelIds")) {
				continue
			}
			if want, ok := strings.CutPrefix(q.Get("q"), "rfc822msgid:"); ok && strings.Fields(want)[0] != m.mid {
				continue
			}
			ms = append(ms, map[string]any{"id": m.id, "threadId": m.id})
		}
		reply(w, 200, map[string]any{"messages": ms, "resultSizeEstimate": len(ms)})
	case p[1] == "messages" && len(p) == 3:
		m := u.msgs[p[2]]
		if m == nil {
			gerr(w, 404, "NOT_FOUND", "Requested entity was not found.")
			return
		}
		if q.Get("format") == "raw" {
			reply(w, 200, map[string]any{"id": m.id, "raw": base64.URLEncoding.EncodeToString([]byte(m.raw))})
			return
		}
		reply(w, 200, map[string]any{"id": m.id, "threadId": m.id, "labelIds": m.labels, "sizeEstimate": len(m.raw),
			"internalDate": fmt.Sprint(m.at.UnixMilli()), "payload": map[string]any{"mimeType": "text/plain", "headers": []any{
				map[string]any{"name": "Message-ID", "value": "<" + m.mid + ">"}, map[string]any{"name": "From", "value": "Paie <" + m.from + ">"},
				map[string]any{"name": "Subject", "value": m.subject}}}})
	case p[1] == "messages" && len(p) == 4 && p[3] == "modify":
		m := u.msgs[p[2]]
		var body struct{ AddLabelIds, RemoveLabelIds []string }
		json.NewDecoder(r.Body).Decode(&body)
		m.labels = slices.DeleteFunc(m.labels, func(l string) bool { return slices.Contains(body.RemoveLabelIds, l) })
		m.labels = append(m.labels, body.AddLabelIds...)
		reply(w, 200, map[string]any{"id": m.id, "labelIds": m.labels})
	case p[1] == "settings" && p[2] == "filters":
		reply(w, 200, map[string]any{"filter": u.filters})
	case p[1] == "settings" && p[2] == "autoForwarding" && r.Method == http.MethodGet:
		reply(w, 200, u.autoFwd)
	case p[1] == "settings" && p[2] == "autoForwarding" && r.Method == http.MethodPut:
		json.NewDecoder(r.Body).Decode(&u.autoFwd)
		reply(w, 200, u.autoFwd)
	case p[1] == "settings" && p[2] == "delegates":
		reply(w, 200, map[string]any{"delegates": u.delegates})
	case p[1] == "settings" && p[2] == "forwardingAddresses" && r.Method == http.MethodGet:
		reply(w, 200, map[string]any{"forwardingAddresses": u.fwdAddrs})
	default:
		gerr(w, 400, "INVALID_ARGUMENT", "unsupported "+r.URL.Path)
	}
}

// directory answers the Admin SDK Directory API's users.list and
// asps.list to the administrator's token only.
func (f *fakeGmail) directory(w http.ResponseWriter, r *http.Request, path string) {
	if f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] != "admin:"+f.admin {
		gerr(w, 403, "PERMISSION_DENIED", "Not Authorized to access this resource/api")
		return
	}
	if path == "" {
		if r.URL.Query().Get("customer") != "my_customer" {
			gerr(w, 400, "INVALID_ARGUMENT", "Bad Request")
			return
		}
		var us []map[string]any
		for name, u := range f.users {
			us = append(us, map[string]any{"kind": "admin#directory#user", "id": "1049", "primaryEmail": name, "suspended": u.suspended, "archived": false})
		}
		reply(w, 200, map[string]any{"kind": "admin#directory#users", "users": us})
		return
	}
	user, ok := strings.CutSuffix(strings.TrimPrefix(path, "/"), "/asps")
	if u := f.users[user]; ok && u != nil {
		reply(w, 200, map[string]any{"kind": "admin#directory#asps", "etag": `"x"`, "items": u.asps})
		return
	}
	gerr(w, 404, "NOT_FOUND", "Resource Not Found: userKey")
}

func TestGmail(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	f := &fakeGmail{pub: &key.PublicKey, tokens: map[string]string{}, users: map[string]*gUser{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	f.baseURL = srv.URL
	alice := "alice@chu-exemple.test"
	a := f.addUser(alice)
	f.deliver(alice, "INBOX", "camp@evil.example", "paie@evil.example", "Bulletin")
	f.deliver(alice, "INBOX", "ok@partenaire.test", "x@partenaire.test", "Réunion")
	a.filters = []map[string]any{{"id": "ANe1Bmj", "criteria": map[string]any{"subject": "virement"},
		"action": map[string]any{"addLabelIds": []string{"TRASH"}, "removeLabelIds": []string{"INBOX", "UNREAD"}, "forward": "relais@evil.example"}}}
	a.autoFwd = map[string]any{"enabled": true, "emailAddress": "copie@evil.example", "disposition": "leaveInInbox"}
	a.delegates = []map[string]any{{"delegateEmail": "mallory@chu-exemple.test", "verificationStatus": "accepted"}}
	keyJSON, _ := json.Marshal(gmail.Key{Type: "service_account", ClientEmail: "vigie@projet.iam.gserviceaccount.com",
		PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), TokenURI: srv.URL + "/token"})
	c, err := gmail.New(gmail.Config{Key: keyJSON, BaseURL: srv.URL + "/gmail/v1", HTTP: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := &mailbox.Remediator{Connector: c, Ledger: &mailboxtest.Ledger{}}
	rep := r.Purge(ctx, mailbox.PurgeRequest{Incident: 1, Targets: []mailbox.Target{{Mailbox: alice, MessageID: "camp@evil.example"},
		{Mailbox: "ghost@chu-exemple.test", MessageID: "camp@evil.example"}}, By: "rssi"})
	if rep.Moved != 1 || rep.Failed != 1 || !strings.Contains(rep.Mailboxes[1].Err, "no such mailbox") {
		t.Fatalf("purge: %+v", rep)
	}
	for _, m := range a.msgs {
		inQ := slices.ContainsFunc(m.labels, func(l string) bool { return a.labels[l] == mailbox.DefaultQuarantine })
		if inQ != (m.mid == "camp@evil.example") || inQ && slices.Contains(m.labels, "INBOX") {
			t.Errorf("%s: labels %v", m.mid, m.labels)
		}
	}
	if back, err := r.Restore(ctx, mailbox.RestoreRequest{Incident: 1}); err != nil || back.Moved != 1 {
		t.Fatalf("restore: %v %+v", err, back)
	}
	admin := "admin@chu-exemple.test"
	f.admin = admin
	f.addUser(admin)
	f.addUser("parti@chu-exemple.test").suspended = true
	a.fwdAddrs = []map[string]any{{"forwardingEmail": "copie@evil.example", "verificationStatus": "accepted"},
		{"forwardingEmail": "Boite@Partenaire.test", "verificationStatus": "accepted"},
		{"forwardingEmail": "essai@evil.example", "verificationStatus": "pending"}}
	a.asps = []map[string]any{{"kind": "admin#directory#asp", "etag": `"e"`, "codeId": 12, "name": "Thunderbird",
		"creationTime": "1764547200000", "lastTimeUsed": "1764806400000", "userKey": "1049"}}
	if _, err := c.Users(ctx); !errors.Is(err, mailbox.ErrUnsupported) {
		t.Errorf("users without an administrator: %v", err)
	}
	c, err = gmail.New(gmail.Config{Key: keyJSON, BaseURL: srv.URL + "/gmail/v1", DirectoryURL: srv.URL + "/admin/directory/v1",
		Admin: admin, HTTP: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.Users(ctx)
	slices.Sort(users)
	if err != nil || !slices.Equal(users, []string{admin, alice}) {
		t.Errorf("users: %v %v", users, err)
	}
	jr, ledger := &mailboxtest.Journal{}, &mailboxtest.Ledger{}
	kept := map[string]string{}
	r = &mailbox.Remediator{Connector: c, Ledger: ledger, Journal: jr}
	fix := []string{"gmail-autoforward", "gmail-filter:ANe1Bmj", "gmail-forwarding-address:boite@partenaire.test", "gmail-asp:12"}
	res := r.Audit(ctx, mailbox.AuditRequest{Incident: 3, Mailboxes: []string{alice}, OwnDomains: []string{"chu-exemple.test"}, Fix: fix, By: "rssi",
		Keep: func(_ context.Context, name string, data []byte) (string, error) {
			kept[name] = string(data)
			return fmt.Sprintf("%x", sha256.Sum256(data)), nil
		}})
	sigs := map[string]int{}
	text := map[string]string{}
	for _, x := range res[0].Findings {
		sigs[x.Signal]++
		text[x.Rule.ID] = x.FR + " | " + x.EN
	}
	if sigs[mailbox.SigForwardExternal] != 2 || sigs[mailbox.SigRuleDelete] != 1 || sigs[mailbox.SigRuleMarkRead] != 1 || sigs[mailbox.SigDelegate] != 1 ||
		sigs[mailbox.SigForwardAddress] != 1 || sigs[mailbox.SigAppPassword] != 1 || len(res[0].Findings) != 7 {
		t.Errorf("findings %v", sigs)
	}
	for id, want := range map[string]string{"gmail-filter:ANe1Bmj": "l'API Gmail ne peut que supprimer un filtre",
		"gmail-asp:12": "(créé → dernier usage : 2025-12-01 → 2025-12-04)", "gmail-forwarding-address:boite@partenaire.test": "Gmail's API can only delete a forwarding address"} {
		if !strings.Contains(text[id], want) {
			t.Errorf("%s: %q lacks %q", id, text[id], want)
		}
	}
	if strings.Contains(text["gmail-autoforward"], "Non désactivable") {
		t.Errorf("auto-forwarding can be disabled: %s", text["gmail-autoforward"])
	}
	// Only the automatic forwarding is turned off; the rest is left
	// exactly as it was, its definition kept in the incident.
	if a.autoFwd["enabled"] != false || len(a.filters) != 1 || len(a.fwdAddrs) != 3 || len(a.asps) != 1 || len(a.delegates) != 1 {
		t.Errorf("fix touched more than the forwarding: %v %v", a.autoFwd, a.filters)
	}
	if len(res[0].Fixed) != 4 || !strings.Contains(res[0].Fixed[0], "désactivé") || !strings.Contains(res[0].Fixed[1], "non désactivable") {
		t.Errorf("fixed: %q", res[0].Fixed)
	}
	if len(kept) != 3 || !strings.Contains(kept["regle-alice@chu-exemple.test-gmail-filter_ANe1Bmj.json"], `relais@evil.example`) ||
		!strings.Contains(kept["regle-alice@chu-exemple.test-gmail-asp_12.json"], `Thunderbird`) {
		t.Errorf("kept: %v", kept)
	}
	acts, _ := ledger.Actions(ctx, 3, mailbox.KindDisable, "")
	var statuses []string
	for _, x := range acts {
		statuses = append(statuses, x.Ref+"="+x.Status)
	}
	if !slices.Equal(statuses, []string{"gmail-autoforward=done", "gmail-filter:ANe1Bmj=manual", "gmail-forwarding-address:boite@partenaire.test=manual", "gmail-asp:12=manual"}) {
		t.Errorf("ledger: %v", statuses)
	}
	texts := jr.Texts()
	if len(texts) != 4 || !strings.Contains(texts[1], "laissée en place") || !strings.Contains(texts[1], "relais@evil.example") ||
		!strings.Contains(texts[1], "preuves de l'incident (sha256 ") || !strings.Contains(texts[0], "copie@evil.example") {
		t.Errorf("journal: %q", texts)
	}
	// An administrator the domain-wide delegation does not cover: the
	// Admin SDK refuses, what the Gmail API gave is still assessed.
	c3, _ := gmail.New(gmail.Config{Key: keyJSON, BaseURL: srv.URL + "/gmail/v1", DirectoryURL: srv.URL + "/admin/directory/v1",
		Admin: alice, HTTP: srv.Client()})
	part := (&mailbox.Remediator{Connector: c3}).Audit(ctx, mailbox.AuditRequest{Mailboxes: []string{alice}})
	if !strings.Contains(part[0].Err, "application passwords (Admin SDK)") ||
		len(part[0].Findings) < 5 || part[0].Rules < 4 {
		t.Errorf("partial audit: %+v", part[0])
	}
	bad, _ := rsa.GenerateKey(rand.Reader, 2048)
	der2, _ := x509.MarshalPKCS8PrivateKey(bad)
	keyJSON2, _ := json.Marshal(gmail.Key{Type: "service_account", ClientEmail: "x@y", PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der2})), TokenURI: srv.URL + "/token"})
	c2, _ := gmail.New(gmail.Config{Key: keyJSON2, BaseURL: srv.URL + "/gmail/v1", HTTP: srv.Client()})
	if _, err := c2.Open(ctx, alice); !errors.Is(err, mailbox.ErrCredentials) {
		t.Errorf("wrong key: %v", err)
	}
}

func FuzzFilterRule(f *testing.F) {
	f.Add([]byte(`{"id":"ANe1Bmj","criteria":{"subject":"virement"},"action":{"addLabelIds":["TRASH"],"removeLabelIds":["INBOX","UNREAD"],"forward":"a@b"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var x gmail.FilterJSON
		if json.Unmarshal(b, &x) != nil {
			return
		}
		r := gmail.FilterRule(x)
		if r.Fixable || r.ID != "gmail-filter:"+x.ID {
			t.Fatalf("%+v", r)
		}
		mailbox.Assess("u@x", []mailbox.Rule{r}, nil)
	})
}

func FuzzASPRule(f *testing.F) {
	f.Add([]byte(`{"kind":"admin#directory#asp","codeId":12,"name":"Thunderbird","creationTime":"1764547200000","lastTimeUsed":"0","userKey":"1049"}`))
	f.Add([]byte(`{"codeId":-1,"creationTime":99999999999999999999,"lastTimeUsed":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var x gmail.ASPJSON
		if json.Unmarshal(b, &x) != nil {
			return
		}
		r := gmail.ASPRule(x)
		if r.Fixable || r.Kind != mailbox.KindAppPassword {
			t.Fatalf("%+v", r)
		}
		if fs := mailbox.Assess("u@x", []mailbox.Rule{r}, nil); len(fs) != 1 || fs[0].Signal != mailbox.SigAppPassword {
			t.Fatalf("%+v", fs)
		}
	})
}
