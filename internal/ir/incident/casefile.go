package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
)

// WriteJournal prints the main courante, one entry per block, with UTC and
// Paris times. Every text that came from outside (an entry's text, which
// may quote an attacker's Subject, its author, accounts and machines) is
// neutralised with journal.Printable, so a line break or a terminal escape
// can neither forge an entry nor drive the terminal; the stored text is
// unchanged. lang picks the labels (fr or en); the texts stay as written.
func WriteJournal(w io.Writer, entries []journal.Entry, lang string) {
	l := journalLabels[lang == "en"]
	for _, e := range entries {
		kind := e.Kind.FR()
		if lang == "en" {
			kind = string(e.Kind)
		}
		fmt.Fprintf(w, "#%d  %s  %s  [%s]\n", e.Seq, journal.FormatTime(e.At), journal.Printable(e.Author), kind)
		if !e.EventAt.IsZero() {
			fmt.Fprintf(w, "    %s %s\n", l.event, journal.FormatTime(e.EventAt))
		}
		fmt.Fprintf(w, "    %s\n", journal.Printable(e.Text))
		if len(e.Accounts) > 0 {
			fmt.Fprintf(w, "    %s %s\n", l.accounts, journal.Printable(strings.Join(e.Accounts, ", ")))
		}
		if len(e.Machines) > 0 {
			fmt.Fprintf(w, "    %s %s\n", l.machines, journal.Printable(strings.Join(e.Machines, ", ")))
		}
		fmt.Fprintf(w, "    sha256 %s (%s %s)\n", e.Hash, l.prev, e.Prev)
		if e.Seal != "" {
			fmt.Fprintf(w, "    %s %s\n", l.seal, e.Seal)
		}
	}
}

var journalLabels = map[bool]struct{ event, accounts, machines, prev, seal string }{
	false: {"survenu le", "comptes :", "machines :", "précédent", "sceau"},
	true:  {"happened on", "accounts:", "machines:", "previous", "seal"},
}

// caseAttachments are the documents an export carries besides the
// evidence: the full case as JSON and the journal as JSON and text.
func caseAttachments(c Case) ([]evidence.Attachment, error) {
	cs, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("incident: export: %w", err)
	}
	js, err := json.MarshalIndent(c.Journal, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("incident: export: %w", err)
	}
	var txt bytes.Buffer
	fmt.Fprintf(&txt, "Main courante — incident %d « %s »\nTête de chaîne : entrée %d, sha256 %s\n\n",
		c.Incident.ID, journal.Printable(c.Incident.Title), c.Incident.Journal.Seq, c.Incident.Journal.Hash)
	WriteJournal(&txt, c.Journal, "fr")
	return []evidence.Attachment{
		{Name: "incident.json", Data: append(cs, '\n')},
		{Name: "journal.json", Data: append(js, '\n')},
		{Name: "main-courante.txt", Data: txt.Bytes()},
	}, nil
}
