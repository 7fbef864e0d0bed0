package engine

import (
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// calderConfig is the default policy at the energy company of
// testdata/corp2001, calderenergy-exemple.com, whose sendmail gateway
// and Exchange 5.5 server write the last hops (nothing of 2001 wrote
// Authentication-Results, DKIM nor DMARC).
func calderConfig(t *testing.T) *config.Config {
	t.Helper()
	c := config.Default()
	c.Auth.Mode = "headers"
	c.Trust.Relays = []string{"hou-smtp01.calderenergy-exemple.com", "HOU-EXCH01.corp.calderenergy-exemple.com"}
	c.Trust.AuthServIDs = []string{"hou-smtp01.calderenergy-exemple.com"}
	c.Org.Domains = []string{"calderenergy-exemple.com"}
	c.Scan.Timeout = checktest.ScanTimeout
	return &c
}

// TestCorp2001MailIsAccepted: an energy company's mail of 2000-2002
// (testdata/corp2001/README.md) — colleagues' notes and replies that
// write "Re:" without In-Reply-To, trading-desk notes full of dollars and
// volumes, deal and broker confirmations, IT notices (mailbox over its
// size limit, password expiry, Outlook migration, outage tonight, virus
// alerts and hoaxes), HR notices (open enrolment, direct deposit, 401(k),
// performance reviews), the chairman's memos, United Way, the travel
// agency's itineraries, expense approvals, conferences, newsletters,
// legal holds, forwarded jokes and chain letters, a spouse's and
// friends' personal mail, recruiters, meeting requests and forwards of
// both Outlook's and Notes' shapes — is accepted. The archive's export
// shape (export-*: no Received field at all, X-From/X-To/X-Folder
// headers) is scored behind another company's trusted MX and under the
// evaluation's trust settings; the same kinds as received at the
// company's own gateway (mx-*) behind that gateway and under the
// evaluation's trust. The log gives every score and its signals.
func TestCorp2001MailIsAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/corp2001/export-*.eml", 30)
	files := fixtures(t, "testdata/corp2001/mx-*.eml", 20)
	for _, c := range []struct {
		name string
		cfg  *config.Config
	}{{"behind the company's gateway", calderConfig(t)}, {"eval-corpus trust", evalTrustConfig(t)}} {
		s := newScanner(t, c.cfg)
		for _, f := range files {
			if v := scanLogged(t, s, f); v.Action != scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// calderHop is the company's sendmail gateway receiving from a relay it
// does not know: the context of the written shapes below.
const calderHop = "Received: from mail.relais-exemple.net (mail.relais-exemple.net [203.0.113.77])\r\n" +
	"\tby hou-smtp01.calderenergy-exemple.com (8.11.4/8.11.4) with ESMTP id f9Q1a2b3c4\r\n" +
	"\tfor <tom.reyes@calderenergy-exemple.com>; Tue, 16 Oct 2001 09:02:11 -0500 (CDT)\r\n"

// TestCorp2001RoleMailboxes: a company's role mailbox named with the
// abbreviations of business English (perfmgmt, itsvcdesk: "mgmt", "svc")
// is not a generated address (FROM_LOCAL_RANDOM's generatedLocal spells
// them out before judging the letters), and a generated address that
// glues one of them to its random letters is still one, and its
// credential lure still flagged.
func TestCorp2001RoleMailboxes(t *testing.T) {
	runShapesUnderBothTrusts(t, []sourceCase{{
		name:   "HR's performance-management mailbox answers an employee",
		file:   "testdata/corp2001/export-2001-rh-re-liste-evaluateurs-perfmgmt-en.eml",
		accept: true,
		absent: []string{"FROM_LOCAL_RANDOM"},
	}, {
		name:   "the IT service desk closes a ticket",
		file:   "testdata/corp2001/mx-2002-it-centre-services-ticket-resolu-en.eml",
		accept: true,
		absent: []string{"FROM_LOCAL_RANDOM"},
	}, {
		name: "a generated address with mgmt glued on asks to sign in",
		raw: crlf(calderHop+"From: Performance Management <perfmgmt.xkqzvbtp@review-notice-exemple.net>",
			"To: tom.reyes@calderenergy-exemple.com",
			"Subject: Re: your performance review",
			"Date: Tue, 16 Oct 2001 09:01:44 -0500",
			"Message-ID: <t5.20011016@review-notice-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=us-ascii",
			"",
			"Your performance review has been posted.  To view and sign it, verify",
			"your account before Friday or your account will be suspended:",
			"",
			"http://review-notice-exemple.net/pep/signin"),
		present: []string{"FROM_LOCAL_RANDOM"},
		flag:    true,
	}})
}

// TestCorp2001ShoutingCountsOnce: a pipeline's critical notice to all
// shippers, printed in capitals by its bulletin board and sent in blind
// copy, raised BODY_SHOUTING and SUBJECT_SHOUTING for the one habit and
// NO_VISIBLE_RECIPIENT for the blind copy (3.71; 4.52 tagged fitted
// without saeasy). A subject in capitals above a body in capitals now
// counts once, as the body's; the advance-fee letter in capitals keeps
// BODY_SHOUTING and is still flagged, and a shouting subject over an
// ordinary body keeps SUBJECT_SHOUTING.
func TestCorp2001ShoutingCountsOnce(t *testing.T) {
	runShapesUnderBothTrusts(t, []sourceCase{{
		name:    "a pipeline's critical notice in capitals, in blind copy",
		file:    "testdata/corp2001/export-2002-gazoduc-avis-critique-majuscules-sans-destinataire-en.eml",
		accept:  true,
		present: []string{"BODY_SHOUTING"},
		absent:  []string{"SUBJECT_SHOUTING"},
	}, {
		name: "an advance-fee letter in capitals, replies to a free mailbox",
		raw: crlf(calderHop+"From: DR. JAMES OKORO <j.okoro@contractaward-exemple.net>",
			"Reply-To: jokoro_2001@yahoo.com",
			"To: tom.reyes@calderenergy-exemple.com",
			"Subject: URGENT BUSINESS PROPOSAL",
			"Date: Tue, 16 Oct 2001 09:01:44 -0500",
			"Message-ID: <t6.20011016@contractaward-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=us-ascii",
			"",
			"DEAR SIR,",
			"",
			"I AM DR. JAMES OKORO, CHAIRMAN OF THE CONTRACT AWARD COMMITTEE OF THE",
			"NATIONAL PETROLEUM CORPORATION.  I HAVE THE SUM OF US$25,500,000.00",
			"(TWENTY FIVE MILLION FIVE HUNDRED THOUSAND US DOLLARS) FROM AN",
			"OVER-INVOICED CONTRACT WHICH I WISH TO TRANSFER TO A FOREIGN ACCOUNT.",
			"YOU WILL RECEIVE 30% OF THE TOTAL SUM FOR YOUR ASSISTANCE.  PLEASE SEND",
			"YOUR BANK NAME, ACCOUNT NUMBER AND PRIVATE TELEPHONE NUMBER IN STRICT",
			"CONFIDENCE."),
		present: []string{"BODY_SHOUTING"},
		flag:    true,
	}, {
		name: "a shouting subject over an ordinary body",
		raw: crlf(calderHop+"From: Deals Desk <offers@deals-exemple.net>",
			"To: tom.reyes@calderenergy-exemple.com",
			"Subject: FINAL NOTICE - YOUR ACCOUNT EXPIRES TODAY",
			"Date: Tue, 16 Oct 2001 09:01:44 -0500",
			"Message-ID: <t7.20011016@deals-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=us-ascii",
			"",
			"Your membership ends tonight. Renew now at http://deals-exemple.net/renew"),
		present: []string{"SUBJECT_SHOUTING"},
	}})
}

// TestCorp2001MailboxTwin: the Exchange-era quota phishing ("your mailbox
// is over its size limit … click here to re-validate your mailbox") is
// flagged by the mailbox theme's "re-validate your mailbox"; Exchange's own
// storage warnings of the set, which say "over its size limit" but ask
// nothing, do not raise the theme.
func TestCorp2001MailboxTwin(t *testing.T) {
	runShapesUnderBothTrusts(t, []sourceCase{{
		name:    "a quota notice asking to re-validate the mailbox on a page",
		file:    "testdata/corp2001/twins/jumeau-boite-limite-taille-revalider-en.eml",
		present: []string{"LURE_PASSWORD_EXPIRY"},
		flag:    true,
	}, {
		name:   "IT's storage warning, no link",
		file:   "testdata/corp2001/export-2001-it-boite-au-dela-limite-taille-en.eml",
		accept: true,
		absent: []string{"LURE_PASSWORD_EXPIRY"},
	}, {
		name:   "Exchange System Attendant's storage warning",
		file:   "testdata/corp2001/mx-2001-exchange-avis-boite-limite-taille-en.eml",
		accept: true,
		absent: []string{"LURE_PASSWORD_EXPIRY"},
	}})
}
