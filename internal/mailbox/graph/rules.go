package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/restapi"
)

// RuleJSON is a messageRule (Graph v1.0).
type RuleJSON struct {
	ID          string         `json:"id"`
	DisplayName string         `json:"displayName"`
	Sequence    int            `json:"sequence"`
	IsEnabled   bool           `json:"isEnabled"`
	Conditions  map[string]any `json:"conditions"`
	Actions     struct {
		Delete                bool      `json:"delete"`
		PermanentDelete       bool      `json:"permanentDelete"`
		MarkAsRead            bool      `json:"markAsRead"`
		MoveToFolder          string    `json:"moveToFolder"`
		CopyToFolder          string    `json:"copyToFolder"`
		ForwardTo             []address `json:"forwardTo"`
		ForwardAsAttachmentTo []address `json:"forwardAsAttachmentTo"`
		RedirectTo            []address `json:"redirectTo"`
	} `json:"actions"`
}

// PermissionJSON is a calendarPermission.
type PermissionJSON struct {
	ID           string `json:"id"`
	EmailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
	Role                 string `json:"role"`
	IsInsideOrganization bool   `json:"isInsideOrganization"`
}

// RuleOf turns an inbox rule into a mailbox.Rule; folders names the
// folder ids the session knows.
func RuleOf(r RuleJSON, folders map[string]string) mailbox.Rule {
	out := mailbox.Rule{ID: "graph-rule:" + r.ID, Kind: mailbox.KindFilter, Source: "règle de boîte de réception (Graph)",
		Name: r.DisplayName, Enabled: r.IsEnabled, Fixable: r.IsEnabled}
	a := r.Actions
	for _, l := range [][]address{a.ForwardTo, a.ForwardAsAttachmentTo, a.RedirectTo} {
		for _, x := range l {
			out.Targets = append(out.Targets, strings.ToLower(x.EmailAddress.Address))
		}
	}
	if len(out.Targets) > 0 {
		out.Effects = append(out.Effects, "forward")
	}
	if a.Delete || a.PermanentDelete {
		out.Effects = append(out.Effects, "delete")
	}
	if a.MarkAsRead {
		out.Effects = append(out.Effects, "mark-read")
	}
	if f := a.MoveToFolder; f != "" {
		name := f
		for n, id := range folders {
			if id == f {
				name = n
			}
		}
		out.Folder = name
		if mailbox.RoleByName(name) == mailbox.Trash {
			out.Effects = append(out.Effects, "delete")
		} else {
			out.Effects = append(out.Effects, "move")
		}
	}
	if len(r.Conditions) > 0 {
		b, _ := json.Marshal(r.Conditions)
		out.When = string(b)
	}
	b, _ := json.Marshal(r)
	out.Text = string(b)
	slices.Sort(out.Effects)
	out.Effects = slices.Compact(out.Effects)
	return out
}

// Rules implements mailbox.Session: the inbox rules and the calendar
// delegates.
func (s *session) Rules(ctx context.Context) ([]mailbox.Rule, error) {
	var r struct {
		Value []RuleJSON `json:"value"`
	}
	if err := s.do(ctx, http.MethodGet, s.c.userURL(s.user, "/mailFolders/inbox/messageRules"), nil, &r); err != nil {
		return nil, fmt.Errorf("graph %s: inbox rules: %w", s.user, err)
	}
	var out []mailbox.Rule
	for _, x := range r.Value {
		out = append(out, RuleOf(x, s.ids))
	}
	var p struct {
		Value []PermissionJSON `json:"value"`
	}
	if err := s.do(ctx, http.MethodGet, s.c.userURL(s.user, "/calendar/calendarPermissions"), nil, &p); err != nil {
		if !restapi.IsNotFound(err) {
			return out, fmt.Errorf("graph %s: calendar permissions: %w", s.user, err)
		}
	}
	for _, x := range p.Value {
		if strings.HasPrefix(x.Role, "delegate") {
			def, _ := json.Marshal(x)
			out = append(out, mailbox.Rule{ID: "graph-delegate:" + x.ID, Kind: mailbox.KindDelegate,
				Source: "délégué de l'agenda (Graph)", Name: x.Role, Enabled: true,
				Targets: []string{strings.ToLower(x.EmailAddress.Address)}, Text: string(def),
				NoFixFR: "Graph ne peut que retirer une permission d'agenda, pas la suspendre ; la retirer dans Outlook ou le centre d'administration Exchange",
				NoFixEN: "Graph can only remove a calendar permission, not suspend it; remove it in Outlook or the Exchange admin center"})
		}
	}
	return out, nil
}

// Disable implements mailbox.Session: PATCH isEnabled false.
func (s *session) Disable(ctx context.Context, r mailbox.Rule) (string, error) {
	id, ok := strings.CutPrefix(r.ID, "graph-rule:")
	if !ok {
		return "", fmt.Errorf("graph: %s: %w", r.ID, mailbox.ErrCannotDisable)
	}
	if err := s.do(ctx, http.MethodPatch, s.c.userURL(s.user, "/mailFolders/inbox/messageRules/"+url.PathEscape(id)),
		map[string]bool{"isEnabled": false}, nil); err != nil {
		return "", fmt.Errorf("graph %s: disable rule: %w", s.user, err)
	}
	return fmt.Sprintf("règle de boîte de réception « %s » désactivée (isEnabled false ; retour arrière : la réactiver)", r.Name), nil
}
