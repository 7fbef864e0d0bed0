package config

import "time"

// MailboxCfg says how `vigie mailbox` reaches users' mailboxes
// (docs/mailbox.md). Secrets are never in this file nor on the command
// line: they are read from the files named here or from the environment
// (VIGIE_MAILBOX_PASSWORD, VIGIE_ZIMBRA_PASSWORD, VIGIE_GRAPH_CLIENT_SECRET,
// VIGIE_GMAIL_SERVICE_ACCOUNT).
type MailboxCfg struct {
	Connector string `yaml:"connector"` // imap (default), graph or gmail
	// Quarantine is the folder purged copies are moved to, in each mailbox.
	Quarantine  string `yaml:"quarantine_folder"`
	Concurrency int    `yaml:"concurrency"` // mailboxes at once
	// Protected mailboxes are never purged: the abuse desk's, whose copies
	// are evidence. The incident profile's e-mail is always protected.
	Protected []string `yaml:"protected"`
	// ZapWindow bounds `vigie incident block --zap`: copies delivered
	// longer ago are left to a deliberate purge (default 48h).
	ZapWindow time.Duration `yaml:"zap_window"`

	IMAP  MailboxIMAP  `yaml:"imap"`
	Graph MailboxGraph `yaml:"graph"`
	Gmail MailboxGmail `yaml:"gmail"`
}

// MailboxIMAP is an IMAP server with an administrator (master user) login.
type MailboxIMAP struct {
	Address      string `yaml:"address"` // host:993 or host:143
	TLS          string `yaml:"tls"`     // implicit (default), starttls, none
	Admin        string `yaml:"admin"`
	PasswordFile string `yaml:"password_file"` // else $VIGIE_MAILBOX_PASSWORD
	Login        string `yaml:"login"`         // authzid (default) or separator
	Separator    string `yaml:"separator"`     // for login: separator (default "*")
	Sieve        string `yaml:"sieve"`         // ManageSieve host:4190, "" none
	SieveTLS     string `yaml:"sieve_tls"`
	UsersFile    string `yaml:"users_file"` // mailboxes for audit --all
	// ForwardMaps are Postfix virtual alias tables (source form) read for
	// forwarding set on the server.
	ForwardMaps []string `yaml:"forward_maps"`
	// Zimbra is Zimbra's admin SOAP API, read for the forwarding an
	// account has outside Sieve (docs/mailbox.md).
	Zimbra MailboxZimbra `yaml:"zimbra"`
}

// MailboxZimbra is Zimbra's admin SOAP API, read only.
type MailboxZimbra struct {
	AdminURL     string `yaml:"admin_url"`     // https://zimbra.example.fr:7071/service/admin/soap; "": not used
	Admin        string `yaml:"admin"`         // default the IMAP admin
	PasswordFile string `yaml:"password_file"` // else $VIGIE_ZIMBRA_PASSWORD, else the IMAP admin's password
}

// MailboxGraph is Microsoft 365 through the Graph API (application
// permissions Mail.ReadWrite, MailboxSettings.ReadWrite, User.Read.All).
type MailboxGraph struct {
	Tenant     string `yaml:"tenant"`
	ClientID   string `yaml:"client_id"`
	SecretFile string `yaml:"client_secret_file"` // else $VIGIE_GRAPH_CLIENT_SECRET
	BaseURL    string `yaml:"base_url"`           // default https://graph.microsoft.com/v1.0
	TokenURL   string `yaml:"token_url"`          // default the tenant's v2.0 token endpoint
}

// MailboxGmail is Google Workspace through the Gmail API, with a service
// account given domain-wide delegation.
type MailboxGmail struct {
	ServiceAccountFile string `yaml:"service_account_file"` // JSON key, else $VIGIE_GMAIL_SERVICE_ACCOUNT (a path)
	BaseURL            string `yaml:"base_url"`             // default https://gmail.googleapis.com/gmail/v1
	TokenURL           string `yaml:"token_url"`            // default the key file's token_uri
	// Admin is the Workspace administrator the service account acts as
	// in the Admin SDK Directory API (scopes admin.directory.user.readonly
	// and admin.directory.user.security): audit --all and application
	// passwords. "": neither.
	Admin        string `yaml:"admin"`
	DirectoryURL string `yaml:"directory_url"` // default https://admin.googleapis.com/admin/directory/v1
}
