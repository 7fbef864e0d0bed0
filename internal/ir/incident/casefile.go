package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
)

// WriteJournal prints the main courante, one entry per block, with UTC and
// Paris times, the hash chain shortened.
func WriteJournal(w io.Writer, entries []journal.Entry) {
	for _, e := range entries {
		fmt.Fprintf(w, "#%d  %s  %s  [%s]\n", e.Seq, journal.FormatTime(e.At), e.Author, e.Kind)
		fmt.Fprintf(w, "    %s\n", e.Text)
		if len(e.Accounts) > 0 {
			fmt.Fprintf(w, "    comptes : %v\n", e.Accounts)
		}
		if len(e.Machines) > 0 {
			fmt.Fprintf(w, "    machines : %v\n", e.Machines)
		}
		fmt.Fprintf(w, "    sha256 %s (précédent %s)\n", e.Hash, e.Prev)
	}
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
		c.Incident.ID, c.Incident.Title, c.Incident.Journal.Seq, c.Incident.Journal.Hash)
	WriteJournal(&txt, c.Journal)
	return []evidence.Attachment{
		{Name: "incident.json", Data: append(cs, '\n')},
		{Name: "journal.json", Data: append(js, '\n')},
		{Name: "main-courante.txt", Data: txt.Bytes()},
	}, nil
}
