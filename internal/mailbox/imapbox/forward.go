package imapbox

import (
	"fmt"
	"os"
	"strings"

	"vigie.dev/vigie/internal/mailbox"
)

// MaxMapSize bounds a forwarding map read.
const MaxMapSize = 64 << 20

// ParseAliasMap reads a Postfix lookup table in its source form (the text
// postmap(1) compiles: "key value", # comments, lines starting with white
// space continuing the previous one) as virtual(5) alias maps use it: each
// key and the addresses it is delivered to.
func ParseAliasMap(text string) map[string][]string {
	out := map[string][]string{}
	key := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			key = ""
			continue
		}
		var rest string
		if line[0] == ' ' || line[0] == '\t' {
			if key == "" {
				continue
			}
			rest = trimmed
		} else {
			k, v, _ := strings.Cut(strings.ReplaceAll(trimmed, "\t", " "), " ")
			key, rest = strings.ToLower(k), v
		}
		for _, a := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			out[key] = append(out[key], strings.ToLower(a))
		}
	}
	return out
}

// serverForwards reads the configured maps for what delivers user's mail
// elsewhere: forwarding set on the server, outside the user's reach and
// outside Sieve. Vigie does not edit Postfix maps: the rule is reported
// for the administrator to change (then postmap and postfix reload).
func (s *session) serverForwards() ([]mailbox.Rule, error) {
	var out []mailbox.Rule
	for _, path := range s.c.cfg.ForwardMaps {
		st, err := os.Stat(path)
		if err != nil {
			return out, fmt.Errorf("imap: forwarding map: %w", err)
		}
		if st.Size() > MaxMapSize {
			return out, fmt.Errorf("imap: forwarding map %s: over %d bytes", path, MaxMapSize)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return out, fmt.Errorf("imap: forwarding map: %w", err)
		}
		var targets []string
		for _, t := range ParseAliasMap(string(b))[strings.ToLower(s.user)] {
			if t != strings.ToLower(s.user) {
				targets = append(targets, t)
			}
		}
		if len(targets) > 0 {
			out = append(out, mailbox.Rule{ID: "postfix-map:" + path, Kind: mailbox.KindForwarding,
				Source:  "table Postfix " + path + " (redirection sur le serveur : modifier la table, postmap, postfix reload)",
				Enabled: true, Effects: []string{"forward"}, Targets: targets, Text: s.user + " " + strings.Join(targets, ", "),
				NoFixFR: "redirection dans une table Postfix, que Vigie ne modifie pas : corriger la table, puis postmap et postfix reload",
				NoFixEN: "forwarding in a Postfix table, which Vigie does not edit: change the table, then postmap and postfix reload"})
		}
	}
	return out, nil
}
