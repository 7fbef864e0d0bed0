package logs

// Format names a log format that a parser sub-package reads.
type Format string

const (
	Unknown    Format = ""
	M365       Format = "m365"       // Unified Audit Log and Entra directory audits: CSV with AuditData, or JSON records
	Entra      Format = "entra"      // Entra ID sign-in logs: Graph JSON, Azure Monitor or Sentinel export
	GWorkspace Format = "gworkspace" // Google Workspace Reports API activities (login, admin, token, user_accounts)
	Defender   Format = "defender"   // Microsoft Defender XDR advanced hunting export
	Dovecot    Format = "dovecot"
	Postfix    Format = "postfix"
	Exim       Format = "exim" // mainlog, or syslog lines tagged exim
	Roundcube  Format = "roundcube"
	SOGo       Format = "sogo"
	Zimbra     Format = "zimbra" // audit.log and mailbox.log
	Squid      Format = "squid"  // native access.log
	Weblog     Format = "weblog" // nginx/Apache common or combined
)

// Formats lists every format a reader may return.
var Formats = []Format{M365, Entra, GWorkspace, Defender, Dovecot, Postfix, Exim, Roundcube, SOGo, Zimbra, Squid, Weblog}

// DetectSize is how much of the beginning of an input format detection looks at.
const DetectSize = 64 << 10
