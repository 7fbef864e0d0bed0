package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/suppliers"
)

// TestSuppliersInChromium: accounting sees, in headless Chromium, the
// supplier whose authenticated mail brought a new IBAN at the top of the
// register, checks it by phone and confirms it with the reason — refused
// without one, refused to a reader — and the confirmation lands in the
// register's trail and the console's audit trail with who and why.
func TestSuppliersInChromium(t *testing.T) {
	requireBrowser(t)
	d, base, acc := consoleDaemon(t, map[string]account.Role{"claire": account.Analyst, "luc": account.Reader})
	ctx := context.Background()
	// The accounting export knows one IBAN; the supplier's authenticated
	// mail then brings another one.
	old, changed := invoicetest.IBAN("FR", "99999000010000000000001"), invoicetest.IBAN("FR", "99999000020000000000002")
	siret := invoicetest.SIRET(invoicetest.SIREN("90000001"), "0001")
	rows, err := suppliers.ParseCSV(strings.NewReader("Fournisseur;SIRET;IBAN;Domaine\nPapeterie Fictive SARL;" + siret + ";" + old + ";papeterie-fictive.test\n"))
	if err != nil {
		t.Fatal(err)
	}
	reg := &suppliers.Register{Store: d.App.Suppliers()}
	if _, err := reg.Import(ctx, rows, "export.csv", "compta"); err != nil {
		t.Fatal(err)
	}
	out, err := reg.Learn(ctx, suppliers.Sighting{Domain: "papeterie-fictive.test", IBANs: []string{changed}, MessageID: "fa-46@papeterie-fictive.test"})
	if err != nil || len(out.Pending) != 1 {
		t.Fatalf("learn: %+v %v", out, err)
	}
	supplierURL := base + "/suppliers/" + strconv.FormatInt(out.SupplierID, 10)
	bankStatus := func() string {
		t.Helper()
		book, err := suppliers.Load(ctx, d.App.Suppliers())
		if err != nil {
			t.Fatal(err)
		}
		e, _ := suppliers.Resolve(book, strconv.FormatInt(out.SupplierID, 10))
		b, _ := e.Bank(changed)
		return b.Status
	}

	bs := newBrowserSession(t, base, 2*time.Minute)
	run, login := bs.run, func(user string) { bs.login(user) }
	// postConfirm sends the page's confirm form with the reason given, as
	// a script would, and returns the HTTP status.
	postConfirm := func(reason string) int {
		t.Helper()
		var status int
		js := `(async () => { const f = document.querySelector('form[action$="/confirm"]'); if (!f) return 0;
			const d = new FormData(f); d.set('reason', ` + strconv.Quote(reason) + `);
			const r = await fetch(f.action, {method: 'POST', body: d, headers: {'Accept': 'application/json'}}); return r.status; })()`
		run("post confirm", chromedp.Evaluate(js, &status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		return status
	}

	login("claire")
	var pending, list string
	run("register", chromedp.Navigate(base+"/suppliers"), chromedp.Text("#pending-list", &pending, chromedp.ByID),
		chromedp.Text("#supplier-list", &list, chromedp.ByID), shotTo("suppliers"))
	if !strings.Contains(pending, "Papeterie Fictive SARL") || !strings.Contains(pending, invoice.FormatIBAN(changed)) || !strings.Contains(pending, "à confirmer") {
		t.Errorf("pending changes:\n%s", pending)
	}
	if !strings.Contains(list, "1 confirmé") || !strings.Contains(list, "1 à confirmer") {
		t.Errorf("register:\n%s", list)
	}

	// No reason, no confirmation.
	run("supplier page", chromedp.Navigate(supplierURL), chromedp.WaitVisible("#bank-list", chromedp.ByID))
	if st := postConfirm(""); st != 400 || bankStatus() != suppliers.BankPending {
		t.Errorf("confirm without a reason: HTTP %d, status %s", st, bankStatus())
	}
	var banks, events string
	run("confirm", chromedp.SendKeys(`input[data-reason="`+changed+`"]`, "appel au 01 23 45 67 89 (annuaire fournisseurs)", chromedp.ByQuery),
		chromedp.Click(`button[data-confirm-iban="`+changed+`"]`, chromedp.ByQuery), chromedp.WaitVisible("#flash", chromedp.ByID),
		chromedp.Text("#bank-list", &banks, chromedp.ByID), chromedp.Text("#supplier-events", &events, chromedp.ByID), shotTo("supplier"))
	if bankStatus() != suppliers.BankConfirmed || strings.Contains(banks, "à confirmer") || !strings.Contains(banks, "claire") {
		t.Errorf("after confirmation: status %s\n%s", bankStatus(), banks)
	}
	if !strings.Contains(events, "confirm") || !strings.Contains(events, "appel au 01 23 45 67 89") {
		t.Errorf("register trail:\n%s", events)
	}

	// A reader sees the register but may not confirm.
	if _, err := reg.Learn(ctx, suppliers.Sighting{Domain: "papeterie-fictive.test", IBANs: []string{invoicetest.IBAN("FR", "99999000030000000000003")}}); err != nil {
		t.Fatal(err)
	}
	login("luc")
	var forms int
	run("reader", chromedp.Navigate(supplierURL), chromedp.WaitVisible("#bank-list", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll('form[action$="/confirm"]').length`, &forms))
	if forms != 0 {
		t.Errorf("a reader is offered %d confirm form(s)", forms)
	}
	var status int
	js := `(async () => { const d = new FormData(); d.set('_csrf', document.querySelector('input[name="_csrf"]').value);
		d.set('iban', ` + strconv.Quote(changed) + `); d.set('reason', 'lu');
		const q = await fetch('/api/v1' + location.pathname + '/confirm', {method: 'POST', body: d, headers: {'Accept': 'application/json'}}); return q.status; })()`
	run("reader posts", chromedp.Evaluate(js, &status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if status != 403 {
		t.Errorf("a reader's confirmation: HTTP %d, want 403", status)
	}

	audit, err := acc.AuditLog(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range audit {
		found = found || a.Actor == "claire" && a.Action == "supplier.confirm" && strings.Contains(a.Detail, "appel au 01 23 45 67 89")
	}
	if !found {
		t.Errorf("the confirmation is not in the audit trail: %+v", audit)
	}
}
