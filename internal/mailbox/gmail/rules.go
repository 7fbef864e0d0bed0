package gmail

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/mailbox"
)

// FilterJSON is a users.settings.filters resource.
type FilterJSON struct {
	ID       string `json:"id"`
	Criteria struct {
		From          string `json:"from,omitempty"`
		To            string `json:"to,omitempty"`
		Subject       string `json:"subject,omitempty"`
		Query         string `json:"query,omitempty"`
		NegatedQuery  string `json:"negatedQuery,omitempty"`
		HasAttachment bool   `json:"hasAttachment,omitempty"`
	} `json:"criteria"`
	Action struct {
		AddLabelIDs    []string `json:"addLabelIds,omitempty"`
		RemoveLabelIDs []string `json:"removeLabelIds,omitempty"`
		Forward        string   `json:"forward,omitempty"`
	} `json:"action"`
}

// FilterRule turns a filter into a mailbox.Rule: Gmail filters cannot be
// disabled, only deleted, so none is fixable.
func FilterRule(f FilterJSON) mailbox.Rule {
	r := mailbox.Rule{ID: "gmail-filter:" + f.ID, Kind: mailbox.KindFilter, Source: "filtre Gmail", Enabled: true,
		NoFixFR: "l'API Gmail ne peut que supprimer un filtre, pas le désactiver ; le supprimer dans Gmail après avoir gardé sa définition",
		NoFixEN: "Gmail's API can only delete a filter, not disable it; delete it in Gmail once its definition is kept"}
	a := f.Action
	if a.Forward != "" {
		r.Effects = append(r.Effects, "forward")
		r.Targets = []string{strings.ToLower(a.Forward)}
	}
	if slices.Contains(a.AddLabelIDs, "TRASH") {
		r.Effects = append(r.Effects, "delete")
	}
	if slices.Contains(a.RemoveLabelIDs, "UNREAD") {
		r.Effects = append(r.Effects, "mark-read")
	}
	if slices.Contains(a.RemoveLabelIDs, "INBOX") && !slices.Contains(a.AddLabelIDs, "TRASH") {
		r.Effects = append(r.Effects, "move")
		r.Folder = "(hors de la boîte de réception)"
		for _, l := range a.AddLabelIDs {
			r.Folder = l
		}
	}
	var cond []string
	c := f.Criteria
	for _, kv := range [][2]string{{"from", c.From}, {"to", c.To}, {"subject", c.Subject}, {"query", c.Query}, {"-query", c.NegatedQuery}} {
		if kv[1] != "" {
			cond = append(cond, kv[0]+":"+kv[1])
		}
	}
	r.When = strings.Join(cond, " ")
	b, _ := json.Marshal(f)
	r.Text = string(b)
	return r
}

// Rules implements mailbox.Session: filters, automatic forwarding and
// delegates.
func (s *session) Rules(ctx context.Context) ([]mailbox.Rule, error) {
	var out []mailbox.Rule
	var fl struct {
		Filter []FilterJSON `json:"filter"`
	}
	if err := s.do(ctx, http.MethodGet, s.url("/settings/filters"), nil, &fl); err != nil {
		return nil, fmt.Errorf("gmail %s: filters: %w", s.user, err)
	}
	for _, f := range fl.Filter {
		out = append(out, FilterRule(f))
	}
	var af struct {
		Enabled      bool   `json:"enabled"`
		EmailAddress string `json:"emailAddress,omitempty"`
		Disposition  string `json:"disposition,omitempty"`
	}
	if err := s.do(ctx, http.MethodGet, s.url("/settings/autoForwarding"), nil, &af); err != nil {
		return out, fmt.Errorf("gmail %s: auto-forwarding: %w", s.user, err)
	}
	if af.Enabled {
		def, _ := json.Marshal(af)
		r := mailbox.Rule{ID: "gmail-autoforward", Kind: mailbox.KindForwarding, Source: "transfert automatique Gmail",
			Enabled: true, Effects: []string{"forward"}, Targets: []string{strings.ToLower(af.EmailAddress)}, Fixable: true,
			Text: string(def)}
		if af.Disposition == "trash" {
			r.Effects = append(r.Effects, "delete")
		}
		if af.Disposition == "markRead" {
			r.Effects = append(r.Effects, "mark-read")
		}
		out = append(out, r)
	}
	var dl struct {
		Delegates []struct {
			DelegateEmail      string `json:"delegateEmail"`
			VerificationStatus string `json:"verificationStatus"`
		} `json:"delegates"`
	}
	if err := s.do(ctx, http.MethodGet, s.url("/settings/delegates"), nil, &dl); err != nil {
		return out, fmt.Errorf("gmail %s: delegates: %w", s.user, err)
	}
	for _, d := range dl.Delegates {
		out = append(out, mailbox.Rule{ID: "gmail-delegate:" + d.DelegateEmail, Kind: mailbox.KindDelegate,
			Source: "délégué Gmail", Name: d.VerificationStatus, Enabled: d.VerificationStatus == "accepted",
			Targets: []string{strings.ToLower(d.DelegateEmail)},
			NoFixFR: "l'API Gmail ne peut que retirer un délégué ; le retirer dans Gmail ou la console d'administration",
			NoFixEN: "Gmail's API can only remove a delegate; remove it in Gmail or the admin console"})
	}
	fwd, err := s.forwardingAddresses(ctx, out)
	if err != nil {
		return out, err
	}
	out = append(out, fwd...)
	asps, err := s.appPasswords(ctx)
	if err != nil {
		return out, err
	}
	return append(out, asps...), nil
}

// ForwardingAddressJSON is a users.settings.forwardingAddresses resource.
type ForwardingAddressJSON struct {
	ForwardingEmail    string `json:"forwardingEmail"`
	VerificationStatus string `json:"verificationStatus"` // accepted, pending
}

// forwardingAddresses lists the addresses registered for forwarding that
// none of used (the filters and automatic forwarding already read) sends
// to: verified ones are ready for an attacker's filter; pending ones are
// listed, disabled, as someone asked for them.
func (s *session) forwardingAddresses(ctx context.Context, used []mailbox.Rule) ([]mailbox.Rule, error) {
	var fa struct {
		ForwardingAddresses []ForwardingAddressJSON `json:"forwardingAddresses"`
	}
	if err := s.do(ctx, http.MethodGet, s.url("/settings/forwardingAddresses"), nil, &fa); err != nil {
		return nil, fmt.Errorf("gmail %s: forwarding addresses: %w", s.user, err)
	}
	var out []mailbox.Rule
	for _, a := range fa.ForwardingAddresses {
		addr := strings.ToLower(a.ForwardingEmail)
		if slices.ContainsFunc(used, func(r mailbox.Rule) bool { return r.Enabled && slices.Contains(r.Targets, addr) }) {
			continue
		}
		b, _ := json.Marshal(a)
		out = append(out, mailbox.Rule{ID: "gmail-forwarding-address:" + addr, Kind: mailbox.KindForwardAddress,
			Source: "adresse de transfert Gmail", Name: a.VerificationStatus, Enabled: a.VerificationStatus == "accepted",
			Targets: []string{addr}, Text: string(b),
			NoFixFR: "l'API Gmail ne peut que supprimer une adresse de transfert, pas la désactiver ; la supprimer dans Gmail après avoir gardé sa définition",
			NoFixEN: "Gmail's API can only delete a forwarding address, not disable it; delete it in Gmail once its definition is kept"})
	}
	return out, nil
}

// Disable implements mailbox.Session: only automatic forwarding can be
// turned off without deleting anything.
func (s *session) Disable(ctx context.Context, r mailbox.Rule) (string, error) {
	if r.ID != "gmail-autoforward" {
		return "", fmt.Errorf("gmail: %s: %w", r.ID, mailbox.ErrCannotDisable)
	}
	if err := s.do(ctx, http.MethodPut, s.url("/settings/autoForwarding"), map[string]any{"enabled": false}, nil); err != nil {
		return "", fmt.Errorf("gmail %s: disable auto-forwarding: %w", s.user, err)
	}
	return fmt.Sprintf("transfert automatique Gmail vers %s désactivé (retour arrière : le réactiver dans les paramètres)", strings.Join(r.Targets, ", ")), nil
}
