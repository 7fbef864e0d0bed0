package queue

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// DSN builds a delivery status notification (RFC 3464) telling env's
// sender that rcpts could not be delivered: a multipart/report
// (RFC 6522) with a human-readable part, the machine-readable
// message/delivery-status part, and the original header fields (not the
// body, which may be the very phishing the relay let through).
func DSN(hostname string, env Envelope, raw []byte, rcpts []string, failed map[string]error, now time.Time) []byte {
	var rb [8]byte
	rand.Read(rb[:])
	boundary := "vigie-dsn-" + hex.EncodeToString(rb[:])
	date := now.Format(time.RFC1123Z)
	var b bytes.Buffer
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\r\n", a...) }
	w("From: Mail Delivery System <MAILER-DAEMON@%s>", hostname)
	w("To: <%s>", env.From)
	w("Subject: Undelivered Mail Returned to Sender")
	w("Date: %s", date)
	w("Message-ID: <%s.dsn@%s>", env.ID, hostname)
	w("Auto-Submitted: auto-replied") // RFC 3834 §5
	w("MIME-Version: 1.0")
	w("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"%s\"", boundary)
	w("")
	w("This is a MIME-encapsulated delivery status notification.")
	w("")
	w("--%s", boundary)
	w("Content-Type: text/plain; charset=us-ascii")
	w("")
	w("Your message could not be delivered to the following recipients by")
	w("the mail gateway %s:", hostname)
	w("")
	for _, r := range rcpts {
		w("  <%s>: %s", r, errorText(failed[r]))
	}
	w("")
	w("--%s", boundary)
	w("Content-Type: message/delivery-status")
	w("")
	// Per-message fields, RFC 3464 §2.2.
	w("Reporting-MTA: dns; %s", hostname)
	w("X-Vigie-Queue-ID: %s", env.ID)
	w("Arrival-Date: %s", env.Created.Format(time.RFC1123Z))
	for _, r := range rcpts {
		// Per-recipient fields, RFC 3464 §2.3.
		w("")
		w("Final-Recipient: rfc822; %s", r)
		w("Action: failed")
		w("Status: %s", status(failed[r]))
		if code := smtpCode(failed[r]); code != "" {
			w("Diagnostic-Code: smtp; %s", code)
		}
		w("Last-Attempt-Date: %s", date)
	}
	w("")
	w("--%s", boundary)
	w("Content-Type: text/rfc822-headers")
	w("")
	b.Write(headerBlock(raw))
	w("")
	w("--%s--", boundary)
	return b.Bytes()
}

// status is the RFC 3463 status code of err: the next hop's enhanced code
// when it gave one, else 5.0.0 for a permanent reply and 5.4.7 (delivery
// time expired) for a failure that only outlived the queue's max age.
func status(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		if se.EnhancedCode != (smtp.EnhancedCode{}) && se.EnhancedCode[0] > 0 {
			c := se.EnhancedCode
			if c[0] == 4 {
				c[0] = 5 // final now, whatever the last attempt said
			}
			return fmt.Sprintf("%d.%d.%d", c[0], c[1], c[2])
		}
		if se.Code >= 500 {
			return "5.0.0"
		}
	}
	return "5.4.7"
}

func smtpCode(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return fmt.Sprintf("%d %s", se.Code, strings.ReplaceAll(se.Message, "\n", " "))
	}
	if err != nil {
		return errorText(err)
	}
	return ""
}

// headerBlock returns raw's header section, CRLF-terminated lines.
func headerBlock(raw []byte) []byte {
	end := len(raw)
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		end = i + 2
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		end = i + 1
	}
	h := bytes.ReplaceAll(raw[:end], []byte("\r\n"), []byte("\n"))
	h = bytes.ReplaceAll(h, []byte("\n"), []byte("\r\n"))
	if len(h) > 64<<10 {
		h = h[:64<<10]
	}
	return h
}
