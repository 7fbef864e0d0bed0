package anomaly_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/anomaly"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
)

// received is the border MX's trace at 12 Mar 2024 09:14:02 +0100: the
// message's arrival.
const received = "Received: from a.example (a.example [198.51.100.1])\n\tby mx.vigie.test (Postfix) with ESMTP id 1; Tue, 12 Mar 2024 09:14:02 +0100\n"

func emitted(raw []byte) []string {
	var names []string
	for _, s := range checktest.Emitted(raw, anomaly.New()) {
		names = append(names, s.Name+" "+s.Detail)
	}
	return names
}

// The date thresholds are rspamd's: more than 2 hours after the arrival,
// more than a day before it; exactly at the limit is not an anomaly.
func TestDateAgainstArrival(t *testing.T) {
	for _, c := range []struct {
		date string
		want []string
	}{
		{"Tue, 12 Mar 2024 09:14:00 +0100", nil},
		{"Tue, 12 Mar 2024 11:14:02 +0100", nil},                             // exactly 2 h after
		{"Tue, 12 Mar 2024 11:14:03 +0100", []string{"DATE_IN_FUTURE +2h"}},  // a second more
		{"Tue, 12 Mar 2024 10:14:03 +0000", []string{"DATE_IN_FUTURE +2h"}},  // zones count
		{"Mon, 11 Mar 2024 09:14:02 +0100", nil},                             // exactly a day before
		{"Mon, 11 Mar 2024 09:14:01 +0100", []string{"DATE_IN_PAST -24h"}},   // a second more
		{"Sat, 16 Mar 2024 09:10:00 +0100", []string{"DATE_IN_FUTURE +4d"}},  // days beyond two
		{"Thu, 22 Aug 2002 16:30:02 +0100", []string{"DATE_IN_PAST -7873d"}}, // an old message replayed
		{"not a date", nil}, // MALFORMED_HEADER's business
	} {
		raw := checktest.Message(received+"From: a@a.example\nMessage-ID: <1@a.example>\nDate: "+c.date, "x")
		if got := emitted(raw); !slices.Equal(got, c.want) {
			t.Errorf("Date %s: %q, want %q", c.date, got, c.want)
		}
	}
	// Without a trusted trace the arrival is unknown: nothing is judged,
	// however old the date (a mailbox read years later).
	raw := checktest.Message("From: a@a.example\nMessage-ID: <1@a.example>\nDate: Thu, 22 Aug 2002 16:30:02 +0100", "x")
	if got := emitted(raw); len(got) != 0 {
		t.Errorf("unknown arrival: %q", got)
	}
}

// A Message-ID that names the trusted relay which took the message from
// outside was written on the way in: the message reached the door without
// one, as a gateway in front would have seen it (SpamAssassin's
// MSGID_FROM_MTA_HEADER fact). The sender's own Message-ID, or none, are
// judged as before.
func TestMessageIDWrittenOnTheWayIn(t *testing.T) {
	const date = "\nDate: Tue, 12 Mar 2024 09:14:00 +0100"
	for _, c := range []struct {
		id   string
		want []string
	}{
		{"Message-ID: <20240312081402.4Tp9Ab@mx.vigie.test>", []string{"MISSING_MESSAGE_ID "}},
		{"Message-ID: <20240312081402.4Tp9Ab@MX.VIGIE.TEST.>", []string{"MISSING_MESSAGE_ID "}},
		{"Message-ID: <1@a.example>", nil},
		{"Message-ID: <1@vigie.test>", nil}, // the relay's domain is not the relay
		{"X-Other: 1", []string{"MISSING_MESSAGE_ID "}},
	} {
		raw := checktest.Message(received+"From: a@a.example\n"+c.id+date, "x")
		if got := emitted(raw); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.id, got, c.want)
		}
	}
	// With no trusted trace, the name of whoever received it says nothing.
	raw := checktest.Message("Received: from a.example (a.example [198.51.100.1])\n\tby mx.other.test (Postfix) with ESMTP id 1; Tue, 12 Mar 2024 09:14:02 +0100\nFrom: a@a.example\nMessage-ID: <1@mx.other.test>"+date, "x")
	if got := emitted(raw); len(got) != 0 {
		t.Errorf("untrusted trace: %q", got)
	}
}

func TestOffset(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Hour:                  "+3h",
		-25*time.Hour - 40*time.Minute: "-26h",
		47 * time.Hour:                 "+47h",
		48 * time.Hour:                 "+2d",
		-100 * 24 * time.Hour:          "-100d",
	} {
		if got := anomaly.Offset(d); got != want {
			t.Errorf("Offset(%v) = %s, want %s", d, got, want)
		}
	}
}

func TestFromAndEncodedHeaders(t *testing.T) {
	for _, c := range []struct {
		headers string
		want    []string
	}{
		{"From: J\xc3\xa9r\xc3\xb4me <jerome@a.example>", []string{"FROM_NAME_8BIT Jérôme"}},
		{"From: <j\xc3\xa9r\xc3\xb4me@a.example>", []string{"INVALID_FROM_8BIT j\xc3\xa9r\xc3\xb4me@a.example"}},
		{"From: Jerome <jerome@xn--hpital-exemple-gsb.fr>", nil},   // an IDN written in ASCII
		{"From: =?utf-8?B?SsOpcsO0bWU=?= <jerome@a.example>", nil}, // "Jérôme": needs encoding
		{"From: =?utf-8?B?SmVyb21l?= <jerome@a.example>", []string{"HEADER_EXCESS_BASE64 From"}},
		{"From: =?utf-8?Q?Jerome_Martin?= <jerome@a.example>", nil},                                                                                               // Q: what clients write for punctuation
		{"From: a@a.example\nReply-To: =?utf-8?b?c3VwcG9ydA==?= <s@b.example>\nSubject: =?UTF-8?B?8J+TpiBDb2xpcw==?=", []string{"HEADER_EXCESS_BASE64 Reply-To"}}, // an emoji needs encoding
		{"From: a@a.example\nSubject: =?utf-8?B??=", nil},
		{"From: a@a.example\nSubject: =?utf-8?B", nil},
	} {
		raw := checktest.Message(received+c.headers+"\nDate: Tue, 12 Mar 2024 09:14:00 +0100\nMessage-ID: <1@a.example>", "x")
		if got := emitted(raw); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.headers, got, c.want)
		}
	}
}

func TestBadSevenBit(t *testing.T) {
	const head = received + "From: a@a.example\nDate: Tue, 12 Mar 2024 09:14:00 +0100\nMessage-ID: <1@a.example>\n"
	for _, c := range []struct {
		headers, body string
		want          []string
	}{
		{"Content-Type: text/plain; charset=utf-8", "caf\xc3\xa9", []string{"BAD_CTE_7BIT text/plain; charset=utf-8"}}, // 7bit by default
		{"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 7bit", "caf\xe9", []string{"BAD_CTE_7BIT text/plain; charset=iso-8859-1"}},
		{"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit", "caf\xc3\xa9", nil},
		{"Content-Type: text/plain; charset=utf-8", "cafe", nil},
		{"Content-Type: text/plain", "caf\xe9", nil},                   // unlabelled: old mailers' habit
		{"Content-Type: text/plain; charset=us-ascii", "caf\xe9", nil}, // so is a wrong US-ASCII label
		{"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64", "Y2Fmw6k=", nil},
		// The sender declared the whole multipart binary: it said 8-bit,
		// one level too high.
		{"Content-Type: multipart/alternative; boundary=b\nContent-Transfer-Encoding: binary",
			"--b\nContent-Type: text/plain; charset=iso-8859-1\n\ncaf\xe9\n--b--\n", nil},
		{"Content-Type: multipart/alternative; boundary=b",
			"--b\nContent-Type: text/plain; charset=iso-8859-1\n\ncaf\xe9\n--b--\n", []string{"BAD_CTE_7BIT text/plain; charset=iso-8859-1"}},
	} {
		raw := checktest.Message(head+c.headers, c.body)
		if got := emitted(raw); !slices.Equal(got, c.want) {
			t.Errorf("%q / %q: %q, want %q", c.headers, c.body, got, c.want)
		}
	}
}

// Every rspamd symbol that mx_sec_conf's rules/anomalies.md lists is
// accounted for in fiche.yaml, and every signal fiche.yaml names is one
// Vigie defines.
func TestFicheIsAccountedFor(t *testing.T) {
	const fichePath = "../../../../shared/playbooks/mx_sec_conf/rules/anomalies.md"
	md, err := os.ReadFile(fichePath)
	if err != nil {
		t.Skipf("%s not beside the repository: %v", fichePath, err)
	}
	f := anomaly.EmbeddedFiche()
	listed := map[string]bool{}
	for _, s := range f.Symbols {
		listed[s.Symbol] = true
	}
	for _, m := range regexp.MustCompile(`(?m)^\s+- "([A-Z0-9_*]+)"`).FindAllSubmatch(md, -1) {
		if sym := string(m[1]); !listed[sym] {
			t.Errorf("%s (rules/anomalies.md) is not in fiche.yaml", sym)
		}
	}
	cfg := config.Default()
	s, err := engine.New(&cfg, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sym := range f.Symbols {
		for _, name := range sym.Signals {
			if _, ok := s.Catalogue.Lookup(name); !ok {
				t.Errorf("fiche.yaml: %s: no signal %s", sym.Symbol, name)
			}
		}
	}
	if !strings.Contains(string(md), "R_MIXED_CHARSET_URL") || !listed["R_MIXED_CHARSET_URL"] {
		t.Error("the URL section's R_MIXED_CHARSET_URL is not accounted for")
	}
}

// A message that asks to be read first is judged by who set the priority:
// a mail client names itself (Outlook and Exchange by Thread-Index,
// Thunderbird by User-Agent, Apple Mail by X-Mailer); a script that dresses
// bulk mail up as urgent names nobody. A domain passing DMARC answers for
// its mail, urgent or not; so does one without a DMARC record whose SPF
// or DKIM pass is aligned with From (an ERP's or a supervision server's
// alert), not one whose DMARC record is broken.
func TestPriorityWithoutClient(t *testing.T) {
	const head = received + "From: Service <info@offres-exemple.top>\nDate: Tue, 12 Mar 2024 09:14:00 +0100\nMessage-ID: <1@offres-exemple.top>\n"
	const dmarcPass = "Authentication-Results: mx.vigie.test; spf=pass smtp.mailfrom=chu-exemple.fr; dmarc=pass header.from=chu-exemple.fr\n"
	const alignedNoRecord = "Authentication-Results: mx.vigie.test; spf=pass smtp.mailfrom=offres-exemple.top; dkim=none; dmarc=none header.from=offres-exemple.top\n"
	const alignedPermerror = "Authentication-Results: mx.vigie.test; spf=pass smtp.mailfrom=offres-exemple.top; dmarc=permerror header.from=offres-exemple.top\n"
	const otherSPF = "Authentication-Results: mx.vigie.test; spf=pass smtp.mailfrom=envoi-exemple.net; dmarc=none header.from=offres-exemple.top\n"
	for _, c := range []struct {
		headers string
		want    []string
	}{
		{"X-Priority: 1\nImportance: high\nX-Message-Flag: Follow up", []string{"PRIORITY_NO_CLIENT X-Priority 1, Importance high, X-Message-Flag"}},
		{"X-Priority: 1 (Highest)", []string{"PRIORITY_NO_CLIENT X-Priority 1"}},
		{"X-Priority: 2", []string{"PRIORITY_NO_CLIENT X-Priority 2"}},
		{"X-MSMail-Priority: High", []string{"PRIORITY_NO_CLIENT X-MSMail-Priority high"}},
		{"X-Message-Flag: Follow up", []string{"PRIORITY_NO_CLIENT X-Message-Flag"}},
		{"X-Priority: 3 (Normal)\nImportance: Normal", nil}, // ordinary priority asks nothing
		{"X-Priority: 12", nil},                                   // not a priority of 1 or 2
		{"Importance: high\nThread-Index: AdpzA1b2c3d4e5f6", nil}, // Outlook, Exchange
		{"X-Priority: 1 (Highest)\nUser-Agent: Mozilla Thunderbird", nil},
		{"X-Priority: 1\nX-Mailer: Apple Mail (2.3774.500.171.1.1)", nil},
		{"X-MSMail-Priority: High\nX-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.5512", nil},
		{dmarcPass + "Importance: high\nX-Priority: 1", nil}, // a domain that passes DMARC
		{alignedNoRecord + "Importance: high\nX-Priority: 1", nil},
		{alignedPermerror + "X-Priority: 1", []string{"PRIORITY_NO_CLIENT X-Priority 1"}},
		{otherSPF + "X-Priority: 1", []string{"PRIORITY_NO_CLIENT X-Priority 1"}},
	} {
		raw := checktest.Message(head+c.headers, "x")
		if got := emitted(raw); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.headers, got, c.want)
		}
	}
}
