package logs

import (
	"bytes"
	"regexp"
)

// Format names a log format that a parser sub-package reads.
type Format string

const (
	Unknown    Format = ""
	M365       Format = "m365"       // Unified Audit Log: CSV export with AuditData, or JSON records
	Entra      Format = "entra"      // Entra ID sign-in logs: Graph JSON or Azure Monitor export
	GWorkspace Format = "gworkspace" // Google Workspace Reports API activities (login, admin, gmail)
	Dovecot    Format = "dovecot"
	Postfix    Format = "postfix"
	Zimbra     Format = "zimbra" // audit.log and mailbox.log
	Squid      Format = "squid"  // native access.log
	Weblog     Format = "weblog" // nginx/Apache common or combined
)

// Formats lists every format Detect can return.
var Formats = []Format{M365, Entra, GWorkspace, Dovecot, Postfix, Zimbra, Squid, Weblog}

// DetectSize is how much of the beginning of an input Detect wants to see.
const DetectSize = 64 << 10

var (
	squidLine  = regexp.MustCompile(`^\d{9,11}\.\d{3}\s+-?\d+ \S+ [A-Z_]+/\d{3} \d+ \S+ \S+`)
	weblogLine = regexp.MustCompile(`^(\S+ )?\S+ \S+ \S+ \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "`)
	zimbraLine = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} +[A-Z]+ +\[`)
)

// Detect guesses the format of an input from its first bytes (up to DetectSize).
// JSON is recognised by vendor field names, text logs by the shape of their lines;
// the first recognisable line decides.
func Detect(head []byte) Format {
	trim := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if len(trim) == 0 {
		return Unknown
	}
	if trim[0] == '{' || trim[0] == '[' {
		switch {
		case bytes.Contains(head, []byte(`admin#reports#activity`)) || bytes.Contains(head, []byte(`"applicationName"`)):
			return GWorkspace
		case containsFold(head, `"userPrincipalName"`) && (containsFold(head, `"createdDateTime"`) || containsFold(head, `SignInLogs`)):
			return Entra
		case containsFold(head, `"Operation"`) || containsFold(head, `"OperationName"`) || containsFold(head, `"RecordType"`):
			return M365
		}
		return Unknown
	}
	// CSV export of the audit log search: a header naming the AuditData column.
	firstLine := trim
	if i := bytes.IndexByte(firstLine, '\n'); i >= 0 {
		firstLine = firstLine[:i]
	}
	if bytes.Contains(firstLine, []byte("AuditData")) {
		return M365
	}
	lines := bytes.Split(trim, []byte("\n"))
	for i, l := range lines {
		if i > 200 {
			break
		}
		l = bytes.TrimRight(l, "\r")
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		switch {
		case squidLine.Match(l):
			return Squid
		case weblogLine.Match(l):
			return Weblog
		case bytes.Contains(l, []byte(" postfix/")) || bytes.Contains(l, []byte(" postfix[")):
			return Postfix
		case bytes.Contains(l, []byte("dovecot")) || bytes.Contains(l, []byte("imap-login:")) || bytes.Contains(l, []byte("pop3-login:")) || bytes.Contains(l, []byte("auth-worker(")):
			return Dovecot
		case zimbraLine.Match(l) && (bytes.Contains(l, []byte("cmd=")) || bytes.Contains(l, []byte("[name="))):
			return Zimbra
		}
	}
	return Unknown
}

func containsFold(b []byte, s string) bool {
	return bytes.Contains(b, []byte(s)) || bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(s)))
}
