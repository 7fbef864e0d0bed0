package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strings"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/gmail"
	"vigie.dev/vigie/internal/mailbox/graph"
	"vigie.dev/vigie/internal/mailbox/imapbox"
	"vigie.dev/vigie/internal/mailbox/zimbra"
)

// secret reads a credential from a file, else from the environment; it is
// never taken from the command line, where ps and shell histories show it.
func secret(file, env, what string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s : %w", what, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if v := os.Getenv(env); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%s : ni fichier configuré ni variable $%s", what, env)
}

// mailboxConnector builds the connector the configuration names.
func mailboxConnector(cfg config.MailboxCfg) (mailbox.Connector, error) {
	switch cfg.Connector {
	case "", "imap":
		c := cfg.IMAP
		if c.Address == "" {
			return nil, errors.New("mailbox.imap.address n'est pas configuré (voir docs/mailbox.md)")
		}
		pass, err := secret(c.PasswordFile, "VIGIE_MAILBOX_PASSWORD", "mot de passe de l'administrateur IMAP")
		if err != nil {
			return nil, err
		}
		cfg := imapbox.Config{Addr: c.Address, TLS: c.TLS, Admin: c.Admin, Password: pass, Login: c.Login,
			Separator: c.Separator, SieveAddr: c.Sieve, SieveTLS: c.SieveTLS, UsersFile: c.UsersFile, ForwardMaps: c.ForwardMaps}
		if z := c.Zimbra; z.AdminURL != "" {
			admin, zpass := cmp.Or(z.Admin, c.Admin), pass
			if z.PasswordFile != "" || os.Getenv("VIGIE_ZIMBRA_PASSWORD") != "" {
				if zpass, err = secret(z.PasswordFile, "VIGIE_ZIMBRA_PASSWORD", "mot de passe de l'administrateur Zimbra"); err != nil {
					return nil, err
				}
			}
			zc, err := zimbra.New(zimbra.Config{URL: z.AdminURL, Admin: admin, Password: zpass})
			if err != nil {
				return nil, err
			}
			cfg.Forwards = zc
		}
		return imapbox.New(cfg)
	case "graph":
		g := cfg.Graph
		sec, err := secret(g.SecretFile, "VIGIE_GRAPH_CLIENT_SECRET", "secret de l'application Graph")
		if err != nil {
			return nil, err
		}
		return graph.New(graph.Config{Tenant: g.Tenant, ClientID: g.ClientID, ClientSecret: sec, BaseURL: g.BaseURL, TokenURL: g.TokenURL})
	case "gmail":
		g := cfg.Gmail
		path := g.ServiceAccountFile
		if path == "" {
			path = os.Getenv("VIGIE_GMAIL_SERVICE_ACCOUNT")
		}
		if path == "" {
			return nil, errors.New("clé du compte de service Gmail : ni mailbox.gmail.service_account_file ni $VIGIE_GMAIL_SERVICE_ACCOUNT")
		}
		key, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("clé du compte de service Gmail : %w", err)
		}
		return gmail.New(gmail.Config{Key: key, BaseURL: g.BaseURL, TokenURL: g.TokenURL, Admin: g.Admin, DirectoryURL: g.DirectoryURL})
	}
	return nil, fmt.Errorf("mailbox.connector %q inconnu (imap, graph ou gmail)", cfg.Connector)
}
