package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/quarantine"
)

// DigestOptions configure the end users' daily digest: each recipient of
// held mail gets a list of it with signed, expiring "release request"
// links. A request waits for an admin, unless the message's score is below
// AutoReleaseBelow, in which case it is released at once to that user.
type DigestOptions struct {
	BaseURL          string        // the console as users reach it
	From             string        // the digest's sender address
	Key              []byte        // signs the links (kept in the data directory)
	TTL              time.Duration // link lifetime
	AutoReleaseBelow float64
	Mailer           quarantine.Deliverer // sends the digests (the next hop)
	At               string               // local time of day, "08:00"
	// Once, when set, says whether this node sends the digests of a day
	// (several nodes: the first to claim it); nil sends them.
	Once func(ctx context.Context, day string) (bool, error)
}

// digestToken signs (message, recipient, expiry): the link is the
// recipient's capability for that one message, nothing else.
func (s *Server) digestToken(qid, rcpt string, exp time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(qid + "\n" + strings.ToLower(rcpt) + "\n" + strconv.FormatInt(exp.Unix(), 10)))
	mac := hmac.New(sha256.New, s.o.Digest.Key)
	mac.Write([]byte("vigie-digest\x00" + payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// errLink: a release-request link that is forged, altered or too old.
var errLink = badfr("ce lien de demande de libération n'est pas valable ou a expiré : demandez à votre service informatique",
	"this release-request link is not valid or has expired")

func (s *Server) readDigestToken(tok string) (qid, rcpt string, err error) {
	if s.o.Digest == nil || len(s.o.Digest.Key) == 0 {
		return "", "", errLink
	}
	payload, sig, ok := strings.Cut(tok, ".")
	if !ok {
		return "", "", errLink
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", "", errLink
	}
	parts := strings.Split(string(raw), "\n")
	if len(parts) != 3 {
		return "", "", errLink
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || s.now().Unix() > exp {
		return "", "", errLink
	}
	want := s.digestToken(parts[0], parts[1], time.Unix(exp, 0))
	if !hmac.Equal([]byte(want), []byte(payload+"."+sig)) {
		return "", "", errLink
	}
	return parts[0], parts[1], nil
}

// NewDigestKey returns a fresh signing key for the digest links.
func NewDigestKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// SendDigests sends each recipient of held mail the list of messages held
// for them since their last digest (the last day for a first one) and
// returns how many digests went out. A digest that cannot be sent is
// tried again next time.
func (s *Server) SendDigests(ctx context.Context) (int, error) {
	o := s.o.Digest
	if o == nil || o.Mailer == nil {
		return 0, fmt.Errorf("web: digest: not configured")
	}
	now := s.now()
	byRcpt := map[string][]quarantine.Entry{}
	q := quarantine.Query{Since: now.Add(-o.TTL), Limit: maxPageSize}
	for {
		es, more, err := s.o.Quarantine.Page(ctx, q)
		if err != nil {
			return 0, err
		}
		for _, e := range es {
			for _, r := range e.RcptTo {
				r = strings.ToLower(r)
				byRcpt[r] = append(byRcpt[r], e)
			}
		}
		if !more || len(es) == 0 {
			break
		}
		q.Before = &quarantine.Cursor{At: es[len(es)-1].CreatedAt, ID: es[len(es)-1].ID}
	}
	rcpts := make([]string, 0, len(byRcpt))
	for r := range byRcpt {
		rcpts = append(rcpts, r)
	}
	slices.Sort(rcpts)
	sent := 0
	for _, r := range rcpts {
		from, err := s.o.Requests.DigestListed(ctx, r)
		if err != nil {
			return sent, err
		}
		if from.IsZero() {
			from = now.Add(-24 * time.Hour)
		}
		var fresh []quarantine.Entry
		for _, e := range byRcpt[r] {
			if !e.CreatedAt.Before(from) && e.CreatedAt.Before(now) {
				fresh = append(fresh, e)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		if err := o.Mailer.Deliver(ctx, o.From, []string{r}, s.composeDigest(r, fresh, now)); err != nil {
			s.log.Warn("digest not sent", "rcpt", r, "err", err)
			continue
		}
		if err := s.o.Requests.DigestSent(ctx, r, now, now); err != nil {
			return sent, err
		}
		sent++
	}
	s.log.Info("quarantine digests sent", "digests", sent, "recipients", len(rcpts))
	return sent, nil
}

// composeDigest writes the digest message (French first, then English).
func (s *Server) composeDigest(rcpt string, es []quarantine.Entry, now time.Time) []byte {
	o := s.o.Digest
	var body strings.Builder
	fmt.Fprintf(&body, "Bonjour,\n\nVigie a retenu %d message(s) qui vous étaient adressé(s), parce qu'ils ressemblent à de l'hameçonnage.\n", len(es))
	body.WriteString("Si vous attendiez l'un d'eux, demandez sa libération avec le lien qui le suit ; l'administrateur vérifie la demande avant de vous le remettre.\n")
	body.WriteString("Ne demandez pas la libération d'un message que vous n'attendiez pas.\n\n")
	exp := now.Add(o.TTL)
	for _, e := range es {
		sender := e.From
		if sender == "" {
			sender = e.MailFrom
		}
		if e.FromName != "" {
			sender = e.FromName + " <" + sender + ">"
		}
		subject := e.Subject
		if subject == "" {
			subject = "(sans objet)"
		}
		fmt.Fprintf(&body, "- %s — %s\n  Objet : %s\n  Demander la libération : %s/digest/release?t=%s\n\n",
			fmtTime(e.CreatedAt, "02/01/2006 15:04"), sender, subject, strings.TrimRight(o.BaseURL, "/"), s.digestToken(e.ID, rcpt, exp))
	}
	fmt.Fprintf(&body, "Les liens sont valables jusqu'au %s.\n\n-- \nVigie, passerelle de messagerie\n\n", fmtTime(exp, "02/01/2006 15:04"))
	fmt.Fprintf(&body, "(English) Vigie held %d message(s) addressed to you. Use the link after a message you were expecting to ask for its release.\n", len(es))
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	w.Write([]byte(strings.ReplaceAll(body.String(), "\n", "\r\n")))
	w.Close()
	var m bytes.Buffer
	fmt.Fprintf(&m, "From: %s\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <digest-%d-%x@vigie>\r\n", mime.QEncoding.Encode("utf-8", "Vigie")+" <"+o.From+">",
		rcpt, mime.QEncoding.Encode("utf-8", fmt.Sprintf("Vigie : %d message(s) retenu(s) pour vous", len(es))), now.Format(time.RFC1123Z), now.UnixNano(), NewDigestKey()[:4])
	m.WriteString("Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	m.Write(qp.Bytes())
	return m.Bytes()
}

// DigestLoop sends the digests every day at the configured time until ctx ends.
func (s *Server) DigestLoop(ctx context.Context) {
	at, _ := time.Parse("15:04", s.o.Digest.At)
	for {
		now := s.now()
		next := time.Date(now.Year(), now.Month(), now.Day(), at.Hour(), at.Minute(), 0, 0, time.Local)
		if !next.After(now) {
			next = next.Add(24 * time.Hour)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(next.Sub(now)):
		}
		if o := s.o.Digest.Once; o != nil {
			mine, err := o(ctx, next.Format("2006-01-02"))
			if err != nil || !mine {
				s.log.Info("digests of the day left to another node", "day", next.Format("2006-01-02"), "err", err)
				continue
			}
		}
		if _, err := s.SendDigests(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("digest failed", "err", err)
		}
	}
}

// requestPage shows a user what their link asks for, with one button: a
// GET never changes anything (mail scanners follow links).
func (s *Server) requestPage(w http.ResponseWriter, r *http.Request) {
	s.requestAnswer(w, r, r.URL.Query().Get("t"), nil)
}

// requestPost records the request, and releases at once a message whose
// score is below the configured bound.
func (s *Server) requestPost(w http.ResponseWriter, r *http.Request) {
	tok := r.PostFormValue("t")
	qid, rcpt, err := s.readDigestToken(tok)
	if err != nil {
		s.requestAnswer(w, r, tok, err)
		return
	}
	ip := s.clientIP(r)
	rr, err := s.o.Requests.Request(r.Context(), qid, rcpt, ip, s.now())
	if err != nil {
		s.requestAnswer(w, r, tok, err)
		return
	}
	s.o.Accounts.Audit(r.Context(), account.AuditEntry{Actor: "digest:" + rcpt, Action: "quarantine.request", Target: qid, ClientIP: ip})
	e, err := s.o.Quarantine.Get(r.Context(), qid)
	if err == nil && rr.Status == "pending" && s.o.Digest.AutoReleaseBelow > 0 && e.Score < s.o.Digest.AutoReleaseBelow && s.o.Release != nil {
		if _, err := s.o.Quarantine.ReleaseTo(r.Context(), qid, rcpt, "digest:"+rcpt, s.o.Release, false); err != nil {
			s.log.Warn("automatic release at the recipient's request failed", "id", qid, "err", err)
		} else if err := s.o.Requests.Decide(r.Context(), rr.ID, "released", "auto", s.now()); err == nil {
			s.o.Accounts.Audit(r.Context(), account.AuditEntry{Actor: "auto", Action: "quarantine.release.request", Target: qid,
				Detail: fmt.Sprintf("%s; score %.1f below %.1f", rcpt, e.Score, s.o.Digest.AutoReleaseBelow), ClientIP: ip})
		}
	}
	http.Redirect(w, r, "/digest/release?t="+tok, http.StatusSeeOther)
}

func (s *Server) requestAnswer(w http.ResponseWriter, r *http.Request, tok string, err error) {
	qid, rcpt, terr := s.readDigestToken(tok)
	if err == nil {
		err = terr
	}
	if err != nil {
		code, msg := explain(err, lang(r))
		s.render(w, r, nil, "request", code, map[string]any{"Error": msg})
		return
	}
	e, gerr := s.o.Quarantine.Get(r.Context(), qid)
	if gerr != nil {
		_, msg := explain(gerr, lang(r))
		s.render(w, r, nil, "request", http.StatusNotFound, map[string]any{"Error": msg})
		return
	}
	var req *quarantine.Request
	if rr, err := s.o.Requests.Find(r.Context(), qid, rcpt); err == nil {
		req = &rr
	}
	s.render(w, r, nil, "request", http.StatusOK, map[string]any{"E": e, "Rcpt": rcpt, "Token": tok, "Req": req})
}

// RequestView is a pending release request with its message.
type RequestView struct {
	quarantine.Request
	Entry quarantine.Entry `json:"entry"`
}

func (s *Server) pendingRequests(ctx context.Context) ([]RequestView, error) {
	rs, err := s.o.Requests.List(ctx, "pending", 500)
	if err != nil {
		return nil, err
	}
	out := []RequestView{}
	for _, rr := range rs {
		v := RequestView{Request: rr}
		v.Entry, _ = s.o.Quarantine.Get(ctx, rr.QuarantineID)
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) requestsPage(w http.ResponseWriter, r *http.Request, p *principal) {
	vs, err := s.pendingRequests(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "requests", http.StatusOK, map[string]any{"Requests": vs})
}

func (s *Server) requestList(r *http.Request, p *principal) (any, string, error) {
	vs, err := s.pendingRequests(r.Context())
	return vs, "", err
}

// requestDecide approves (release to the requester, learned as ham) or
// refuses a pending request.
func (s *Server) requestDecide(approve bool) apiFunc {
	return func(r *http.Request, p *principal) (any, string, error) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return nil, "", badfr("« %s » n'est pas un numéro de demande", "%q is not a request id", r.PathValue("id"))
		}
		rr, err := s.o.Requests.Get(r.Context(), id)
		if err != nil {
			return nil, "", err
		}
		status := "refused"
		if approve {
			if s.o.Release == nil {
				return nil, "", errNoNextHop
			}
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
			defer cancel()
			if _, err := s.o.Quarantine.ReleaseTo(ctx, rr.QuarantineID, rr.Rcpt, p.User, s.o.Release, true); err != nil {
				return nil, "", err
			}
			status = "released"
			s.forgetDashboards()
		}
		if err := s.o.Requests.Decide(r.Context(), id, status, p.User, s.now()); err != nil {
			return nil, "", err
		}
		s.audit(r, p, "quarantine.request."+status, rr.QuarantineID, rr.Rcpt)
		rr.Status, rr.DecidedBy = status, p.User
		return rr, "/quarantine/requests?done=request-" + status, nil
	}
}
