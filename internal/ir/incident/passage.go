package incident

import (
	"context"

	"vigie.dev/vigie/internal/posture"
)

// PassageExplainer says why an incident's messages got through the
// gateway: their verdicts from the trace, the posture findings that bear on
// them and what to change (CERT Santé fiche: "identifier pourquoi le
// courriel de phishing a réussi à contourner vos protections").
type PassageExplainer interface {
	Explain(ctx context.Context, c Case) (*posture.Passage, error)
}
