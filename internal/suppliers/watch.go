package suppliers

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"strings"
	"time"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// Deliverer sends a message: the gateway's next hop.
type Deliverer interface {
	Deliver(ctx context.Context, from string, to []string, raw []byte) error
}

// AlertSignals are the signals that send an alert to accounting.
var AlertSignals = []string{"IBAN_CHANGED", "BANK_DETAILS_CHANGE_REQUEST", "FACTORING_NOTICE_UNKNOWN_FACTOR"}

// Watcher sees every verdict at the gateway (gateway.Gateway.Observer): it
// learns the bank details of authenticated mail that was delivered, and
// alerts the accounting mailbox when a message carries a changed IBAN or
// asks to change bank details. It never blocks a scan: work is queued and
// dropped (and logged) when the queue is full.
type Watcher struct {
	Register *Register
	Books    *Cache
	Mailer   Deliverer // nil: alerts are logged, not sent
	Mailbox  string    // the accounting mailbox ("": alerts are logged, not sent)
	From     string    // sender of the alerts
	Learn    bool      // learn from authenticated mail
	Limits   message.Limits
	Log      *slog.Logger

	queue chan watchJob
}

type watchJob struct {
	raw []byte
	v   *scan.Verdict
}

// queueLen bounds the verdicts waiting for the watcher.
const queueLen = 256

func (w *Watcher) init() {
	if w.queue == nil {
		w.queue = make(chan watchJob, queueLen)
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Observe queues a verdict that concerns bank details.
func (w *Watcher) Observe(raw []byte, v *scan.Verdict) {
	if len(v.Indicators.IBANs) == 0 && !alerting(v) {
		return
	}
	select {
	case w.queue <- watchJob{raw, v}:
	default:
		w.Log.Error("supplier watcher: queue full, verdict not learned nor alerted", "message_id", v.Indicators.MessageID)
	}
}

// Start prepares the queue; call it before the gateway serves.
func (w *Watcher) Start() { w.init() }

// Run handles queued verdicts until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	w.init()
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-w.queue:
			w.Handle(ctx, j.raw, j.v)
		}
	}
}

func alerting(v *scan.Verdict) bool {
	for _, s := range AlertSignals {
		if v.Has(s) {
			return true
		}
	}
	return false
}

// Handle learns from and alerts on one verdict.
func (w *Watcher) Handle(ctx context.Context, raw []byte, v *scan.Verdict) {
	w.init()
	lim := w.Limits
	if lim.MaxSize == 0 {
		lim = message.DefaultLimits()
	}
	m := message.Parse(raw, lim)
	f := invoice.Extract(m, invoice.Limits{})
	from := m.FromAddr()
	org := Registrable(from.Domain())
	authed := Authenticated(v.Auth, org)
	// An incomplete verdict (the scan's deadline, a failed check) is no
	// judgement to learn bank details from: the check that would have
	// held the message may be the one that did not run. Its alert stands.
	if w.Learn && authed && v.Incomplete() == "" && v.Action.Rank() <= scan.Tag.Rank() && len(f.IBANs) > 0 {
		s := Sighting{Domain: org, Name: from.Name, MessageID: m.MessageID}
		for _, i := range f.IBANs {
			s.IBANs = append(s.IBANs, i.Value)
		}
		if len(f.BICs) == 1 {
			s.BIC = f.BICs[0]
		}
		for _, inv := range f.Invoices {
			s.Name, s.SIREN, s.SIRET, s.Country = or(inv.SellerName, s.Name), or(s.SIREN, inv.SellerSIREN), or(s.SIRET, inv.SellerSIRET), or(s.Country, inv.SellerCountry)
		}
		if s.SIREN == "" {
			if ids := f.SIRENs(); len(ids) == 1 {
				s.SIREN = ids[0]
			}
		}
		out, err := w.Register.Learn(ctx, s)
		if err != nil {
			w.Log.Error("supplier register: learning failed", "message_id", m.MessageID, "err", err)
		} else {
			w.Log.Info("supplier register: learned", "message_id", m.MessageID, "supplier_id", out.SupplierID,
				"created", out.Created, "new_ibans", len(out.NewIBANs), "pending", len(out.Pending), "refused", out.Refused)
		}
	}
	if !alerting(v) {
		return
	}
	// The register as it is now (the learning above included): alerts are
	// rare, the snapshot the checks read may be seconds old.
	book, err := Load(ctx, w.Register.Store)
	if err != nil {
		w.Log.Warn("supplier register not read for the alert", "err", err)
		book = NewBook(0, nil)
		if w.Books != nil {
			book = w.Books.Book(ctx)
		}
	}
	entries := Concerned(book, m, f)
	var hist []History
	for _, e := range entries {
		h, err := HistoryOf(ctx, w.Register.Store, e)
		if err != nil {
			w.Log.Warn("supplier history not read", "supplier_id", e.ID, "err", err)
		}
		hist = append(hist, h)
	}
	w.alert(ctx, m, v, f, hist, entries)
}

// Concerned are the suppliers a message speaks for or imitates: its
// From's domain's, a look-alike's, its display name's, and those its
// invoices or text name by SIREN/SIRET.
func Concerned(b *Book, m *message.Message, f *invoice.Findings) []*Entry {
	org, display, sirens := Registrable(m.FromAddr().Domain()), m.FromAddr().Name, f.SIRENs()
	var out []*Entry
	add := func(e *Entry) {
		if e != nil && !hasEntry(out, e) {
			out = append(out, e)
		}
	}
	for _, e := range b.ByDomain(org) {
		add(e)
	}
	add(b.Lookalike(org))
	add(b.ByName(display))
	for _, s := range sirens {
		for _, e := range b.BySIREN(s) {
			add(e)
		}
	}
	return out
}

func hasEntry(list []*Entry, e *Entry) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// alert writes and sends the accounting alert, and records it in the
// register's audit trail.
func (w *Watcher) alert(ctx context.Context, m *message.Message, v *scan.Verdict, f *invoice.Findings, hist []History, entries []*Entry) {
	var sid int64
	if len(entries) > 0 {
		sid = entries[0].ID
	}
	record := func(action, detail string) {
		if err := w.Register.Store.AddEvent(ctx, Event{At: time.Now().UTC(), SupplierID: sid, Actor: "gateway",
			Action: action, Detail: detail}); err != nil {
			w.Log.Error("supplier register: alert not recorded", "err", err)
		}
	}
	what := fmt.Sprintf("message %s de %s (%s)", m.MessageID, m.FromAddr().Addr, v.Action)
	if w.Mailbox == "" || w.Mailer == nil {
		w.Log.Warn("accounting alert not sent: invoice.accounting_mailbox is not set", "message_id", m.MessageID)
		record("alert-unsent", what+" : aucune boîte de la comptabilité configurée")
		return
	}
	raw := ComposeAlert(w.From, w.Mailbox, m, v, f, hist, time.Now())
	var err error
	for attempt := range 3 {
		if err = w.Mailer.Deliver(ctx, w.From, []string{w.Mailbox}, raw); err == nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt+1) * 2 * time.Second):
		}
	}
	if err != nil {
		w.Log.Error("accounting alert not sent", "message_id", m.MessageID, "mailbox", w.Mailbox, "err", err)
		record("alert-failed", what+" : "+err.Error())
		return
	}
	w.Log.Info("accounting alert sent", "message_id", m.MessageID, "mailbox", w.Mailbox)
	record("alert-sent", what+" → "+w.Mailbox)
}

// ComposeAlert writes the alert to accounting: what arrived, why it is
// suspect, the IBANs it gives and each concerned supplier's history, in
// French then English.
func ComposeAlert(from, to string, m *message.Message, v *scan.Verdict, f *invoice.Findings, hist []History, now time.Time) []byte {
	var b strings.Builder
	name := ""
	if len(hist) > 0 {
		name = " : " + hist[0].Entry.Name
	}
	subject := "[Vigie] Coordonnées bancaires à vérifier" + name + " / Bank details to check"
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <alert-%d@vigie>\r\n",
		mime.QEncoding.Encode("utf-8", "Vigie"), from, to, mime.QEncoding.Encode("utf-8", subject),
		now.Format(time.RFC1123Z), now.UnixNano())
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\r\n", a...) }
	w("Un message reçu concerne les coordonnées bancaires d'un fournisseur. Ne payez pas et ne modifiez aucun RIB")
	w("avant d'avoir confirmé ces coordonnées par un appel à un numéro déjà connu du fournisseur (jamais celui du message).")
	w("")
	w("  De       : %s <%s>", m.FromAddr().Name, m.FromAddr().Addr)
	if len(m.ReplyTo) > 0 {
		w("  Réponses : %s", m.ReplyTo[0].Addr)
	}
	w("  Objet    : %s", m.Subject)
	w("  Reçu le  : %s", m.Date.Format("02/01/2006 15:04"))
	w("  Message-ID : %s", m.MessageID)
	w("  Décision de la passerelle : %s (score %.1f)", v.Action, v.Score)
	w("")
	w("Pourquoi :")
	for _, s := range v.Signals {
		if s.Weight > 0 {
			w("  - %s", s.FR)
		}
	}
	w("")
	w("IBAN donnés par le message :")
	for _, i := range f.IBANs {
		where := i.Where
		if i.File != "" {
			where += " " + i.File
		}
		w("  %s  (%s)", invoice.FormatIBAN(i.Value), where)
	}
	for _, h := range hist {
		var hb strings.Builder
		h.WriteText(&hb, "fr")
		w("")
		b.WriteString(strings.ReplaceAll(hb.String(), "\n", "\r\n"))
	}
	w("")
	w("À faire : vérifier aussi les changements de RIB et les paiements des 30 derniers jours pour ce fournisseur ;")
	w("une fois les coordonnées confirmées : vigie suppliers confirm FOURNISSEUR IBAN --by NOM.")
	w("")
	w("-- English --")
	w("A message concerns a supplier's bank details. Do not pay nor change bank details before confirming them by")
	w("calling a number already known for the supplier (never the message's). Reasons:")
	for _, s := range v.Signals {
		if s.Weight > 0 {
			w("  - %s", s.EN)
		}
	}
	w("Also check the supplier's bank-detail changes and payments of the last 30 days.")
	return []byte(b.String())
}
