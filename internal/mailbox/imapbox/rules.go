package imapbox

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/managesieve"
	"vigie.dev/vigie/internal/mailbox/sieve"
)

// sieveState is the session's ManageSieve connection and the copies of
// scripts it activated, so that several rules of one script are disabled
// in the same copy.
type sieveState struct {
	client *managesieve.Client
	copies map[string]string // original script → Vigie's active copy
}

func (s *session) sieveClient(ctx context.Context) (*managesieve.Client, error) {
	if s.sieve != nil && s.sieve.client != nil {
		return s.sieve.client, nil
	}
	if s.c.cfg.SieveAddr == "" {
		return nil, fmt.Errorf("imap %s: no ManageSieve server configured: %w", s.user, mailbox.ErrUnsupported)
	}
	o := managesieve.Options{Timeout: s.c.cfg.Timeout, Dialer: s.c.cfg.Dial}
	if s.c.cfg.SieveTLS != "none" {
		o.TLS, o.StartTLS = s.c.tlsConfig(), s.c.cfg.SieveTLS == "starttls"
	}
	cl, err := managesieve.Dial(ctx, s.c.cfg.SieveAddr, o)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", mailbox.ErrUnreachable, err)
	}
	if s.c.cfg.Login == LoginSeparator {
		err = cl.AuthenticatePlain("", s.user+s.c.cfg.Separator+s.c.cfg.Admin, s.c.cfg.Password)
	} else {
		err = cl.AuthenticatePlain(s.user, s.c.cfg.Admin, s.c.cfg.Password)
	}
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("managesieve %s: log in for %s: %w: %v", s.c.cfg.SieveAddr, s.user, mailbox.ErrCredentials, err)
	}
	s.sieve = &sieveState{client: cl, copies: map[string]string{}}
	return cl, nil
}

// Rules implements mailbox.Session: every action of every Sieve script,
// enabled when its script is the active one and it is not already inside
// "if false".
func (s *session) Rules(ctx context.Context) ([]mailbox.Rule, error) {
	out, err := s.serverForwards()
	if err != nil {
		return nil, err
	}
	if f := s.c.cfg.Forwards; f != nil {
		more, err := f.Forwards(ctx, s.user)
		if err != nil {
			return nil, fmt.Errorf("imap %s: server forwarding: %w", s.user, err)
		}
		out = append(out, more...)
	}
	if s.c.cfg.SieveAddr == "" && (len(s.c.cfg.ForwardMaps) > 0 || s.c.cfg.Forwards != nil) {
		return out, nil
	}
	cl, err := s.sieveClient(ctx)
	if err != nil {
		return nil, err
	}
	scripts, err := cl.ListScripts()
	if err != nil {
		return nil, fmt.Errorf("managesieve %s: %w", s.user, err)
	}
	texts := map[string]string{}
	parsed := map[string][]sieve.Command{}
	active := ""
	for _, sc := range scripts {
		text, err := cl.GetScript(sc.Name)
		if err != nil {
			return out, fmt.Errorf("managesieve %s: %w", s.user, err)
		}
		texts[sc.Name] = text
		parsed[sc.Name], _ = sieve.Parse(text)
		if sc.Active {
			active = sc.Name
		}
	}
	// A script included by the active one (RFC 6609) runs as well, though
	// inactive: an attacker's redirect may hide there.
	included := map[string]bool{}
	var walk func(name string, depth int)
	walk = func(name string, depth int) {
		for _, inc := range sieve.Includes(parsed[name]) {
			if !included[inc] && depth < sieve.MaxDepth {
				included[inc] = true
				walk(inc, depth+1)
			}
		}
	}
	if active != "" {
		walk(active, 0)
	}
	for _, sc := range scripts {
		text := texts[sc.Name]
		cmds, err := sieve.Parse(text)
		if err != nil {
			// A script the server stored but Vigie cannot read is itself a
			// finding: report it whole.
			out = append(out, mailbox.Rule{ID: ruleID(sc.Name, 0), Kind: mailbox.KindFilter, Source: source(sc),
				Name: sc.Name, Enabled: sc.Active, Effects: []string{"unreadable"}, Text: text, When: err.Error(),
				NoFixFR: "Vigie ne sait pas lire ce script, donc ne le modifie pas ; le corriger avec le client de filtrage ou sur le serveur",
				NoFixEN: "Vigie cannot read this script, so it does not edit it; fix it with the filter client or on the server"})
			continue
		}
		runs := sc.Active || included[sc.Name]
		src := source(sc)
		if !sc.Active && included[sc.Name] {
			src = "sieve (script inclus par le script actif : à corriger à la main)"
		}
		for _, a := range sieve.Actions(text, cmds) {
			r := mailbox.Rule{ID: ruleID(sc.Name, a.Index), Kind: mailbox.KindFilter, Source: src, Name: sc.Name,
				Enabled: runs && !a.Disabled, Targets: a.Targets, Folder: a.Folder, When: a.When, Text: a.Text,
				Fixable: sc.Active && !a.Disabled}
			if !sc.Active && included[sc.Name] {
				r.NoFixFR = "script inclus par le script actif ; Vigie ne modifie que le script actif : retirer l'inclusion ou corriger ce script à la main"
				r.NoFixEN = "a script the active one includes; Vigie only edits the active script: remove the include or fix this script by hand"
			}
			for _, e := range a.Effects {
				r.Effects = append(r.Effects, string(e))
			}
			if a.Copy {
				r.Effects = append(r.Effects, "copy")
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func source(sc managesieve.Script) string {
	if sc.Active {
		return "sieve (script actif)"
	}
	return "sieve (script inactif)"
}

// ruleID is "sieve:SCRIPT#N".
func ruleID(script string, index int) string { return "sieve:" + script + "#" + strconv.Itoa(index) }

func parseRuleID(id string) (string, int, bool) {
	rest, ok := strings.CutPrefix(id, "sieve:")
	if !ok {
		return "", 0, false
	}
	i := strings.LastIndexByte(rest, '#')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(rest[i+1:])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return rest[:i], n, true
}

// Disable implements mailbox.Session: the active script is copied under a
// new name with the rule wrapped in "if false { … }", the copy is checked
// by the server, stored and activated. The original script is left as it
// was (inactive): activating it again undoes the change.
func (s *session) Disable(ctx context.Context, r mailbox.Rule) (string, error) {
	script, index, ok := parseRuleID(r.ID)
	if !ok {
		return "", fmt.Errorf("imap: rule %q is not a Sieve rule of this connector", r.ID)
	}
	cl, err := s.sieveClient(ctx)
	if err != nil {
		return "", err
	}
	target := script
	if cp, ok := s.sieve.copies[script]; ok {
		target = cp
	}
	scripts, err := cl.ListScripts()
	if err != nil {
		return "", fmt.Errorf("managesieve %s: %w", s.user, err)
	}
	active := ""
	for _, sc := range scripts {
		if sc.Active {
			active = sc.Name
		}
	}
	if active != target {
		return "", fmt.Errorf("managesieve %s: script %q is not the active one (%q): its rules do not run", s.user, target, active)
	}
	text, err := cl.GetScript(target)
	if err != nil {
		return "", fmt.Errorf("managesieve %s: %w", s.user, err)
	}
	edited, err := sieve.Disable(text, index)
	if err != nil {
		return "", err
	}
	name := target
	if _, ours := s.sieve.copies[script]; !ours {
		name = script + ".vigie-" + time.Now().UTC().Format("20060102T150405")
	}
	if err := cl.CheckScript(edited); err != nil {
		return "", fmt.Errorf("managesieve %s: the edited script does not compile: %w", s.user, err)
	}
	if err := cl.PutScript(name, edited); err != nil {
		return "", fmt.Errorf("managesieve %s: store %q: %w", s.user, name, err)
	}
	if err := cl.SetActive(name); err != nil {
		return "", fmt.Errorf("managesieve %s: activate %q: %w", s.user, name, err)
	}
	s.sieve.copies[script] = name
	return fmt.Sprintf("script Sieve « %s » : règle %d désactivée (if false) dans la copie « %s », activée ; l'original est conservé, inactif (retour arrière : l'activer)",
		script, index, name), nil
}
