package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
)

// The incident actions that come after the first response: reopening a
// closed case, finding whom a compromised account wrote to (InterCERT
// fiche, action 4.b) and checking the main courante against a head
// published earlier. Each goes through the incident service, as `vigie
// incident reopen|correspondents|verify` do, and is written in the
// console's audit trail with who asked and why.

func (s *Server) incidentReopen(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	// The service refuses an empty reason and journals it with the user.
	inc, err := s.o.Incidents.Reopen(r.Context(), id, q.get("reason"), p.User)
	if err != nil {
		return nil, "", err
	}
	s.audit(r, p, "incident.reopen", strconv.FormatInt(id, 10), q.get("reason"))
	return inc, fmt.Sprintf("/incidents/%d?done=reopened", id), nil
}

// incidentCorrespondents searches the trace for the mail the account sent
// (the console reads no log file of the server: `vigie incident
// correspondents --log` does). The service journals the search and its
// correspondents; the warning-correspondents report uses them.
func (s *Server) incidentCorrespondents(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	days := 30
	if d := q.get("days"); d != "" {
		if days, err = strconv.Atoi(d); err != nil || days <= 0 || days > 366 {
			return nil, "", badf("days: want a number from 1 to 366")
		}
	}
	res, err := s.o.Incidents.SentBy(r.Context(), id, incident.SentByRequest{Account: q.get("account"), Days: days, By: p.User})
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	s.sent[id] = res
	s.mu.Unlock()
	s.audit(r, p, "incident.correspondents", strconv.FormatInt(id, 10),
		fmt.Sprintf("%s, %d days: %d message(s), %d correspondent(s)", res.Account, days, len(res.Messages), len(res.Correspondents)))
	return res, fmt.Sprintf("/incidents/%d?done=correspondents#correspondents", id), nil
}

// VerifyView is the answer of a verification: a broken chain or a
// missing published head is an answer, not a failed request.
type VerifyView struct {
	OK      bool                  `json:"ok"`
	Error   string                `json:"error,omitempty"`
	Result  incident.VerifyResult `json:"result"`
	Against []string              `json:"against,omitempty"` // the published heads checked
	// Key is the public key the seals were checked with, when one was
	// given instead of the service's own (its SHA-256, short).
	Key string `json:"key,omitempty"`
	By  string `json:"by"`
}

// incidentVerify checks the hash chain, the case digest and the seals, and
// that each head given (one per line: HASH or SEQ:HASH, as printed in a
// report, a manifest or sent to the CERT) and the head of an export's
// manifest.json sent with it are still in the chain. Any role
// that reads incidents may check them; the check is audited.
func (s *Server) incidentVerify(r *http.Request, p *principal) (any, string, error) {
	id, q, err := incidentParams(r)
	if err != nil {
		return nil, "", err
	}
	var req incident.VerifyRequest
	v := VerifyView{By: p.User}
	for _, line := range strings.FieldsFunc(strings.Join(q.all("head"), "\n"), func(r rune) bool { return r == '\n' || r == ',' || r == ' ' }) {
		a, err := incident.ParseAnchor(line)
		if err != nil {
			return nil, "", badRequest{err}
		}
		a.From = "la console"
		req.Anchors = append(req.Anchors, a)
		v.Against = append(v.Against, line)
	}
	if a, ok, err := uploadedManifest(r, id); err != nil {
		return nil, "", err
	} else if ok {
		req.Anchors = append(req.Anchors, a)
		v.Against = append(v.Against, a.From)
	}
	if k, ok, err := givenPublicKey(r, q.get("pubkey")); err != nil {
		return nil, "", err
	} else if ok {
		req.Key = k
		v.Key = k.Fingerprint()
	}
	v.Result, err = s.o.Incidents.Verify(r.Context(), id, req)
	v.OK = err == nil
	if err != nil {
		var ce *journal.ChainError
		if !errors.As(err, &ce) {
			return nil, "", err
		}
		v.Error = incident.Message(err, lang(r))
	}
	s.mu.Lock()
	s.verified[id] = v
	s.mu.Unlock()
	detail := "intact"
	if !v.OK {
		detail = "NOT intact: " + incident.Message(err, "en")
	}
	if v.Key != "" {
		detail += "; seals checked with the public key " + v.Key
	}
	s.audit(r, p, "incident.verify", strconv.FormatInt(id, 10), fmt.Sprintf("%s; %d published head(s)", detail, len(req.Anchors)))
	return v, fmt.Sprintf("/incidents/%d?done=verified#verify", id), nil
}

// givenPublicKey reads the ed25519 public key the seals are to be checked
// with, as `vigie incident verify --key` does: pasted (field pubkey) or
// sent as a file (field pubkey_file). Only a public key is taken: a
// secret or a private key has no business in a browser form.
func givenPublicKey(r *http.Request, pasted string) (*journal.Ed25519, bool, error) {
	name, b := "", []byte(strings.TrimSpace(pasted))
	if r.MultipartForm != nil {
		f, hdr, err := r.FormFile("pubkey_file")
		switch {
		case errors.Is(err, http.ErrMissingFile):
		case err != nil:
			return nil, false, badf("pubkey_file: %v", err)
		default:
			defer f.Close()
			fb, err := io.ReadAll(io.LimitReader(f, 64<<10+1))
			if err != nil {
				return nil, false, badf("pubkey_file: %v", err)
			}
			if len(bytes.TrimSpace(fb)) > 0 {
				if len(b) > 0 {
					return nil, false, badfr("une seule clé publique : collée ou envoyée en fichier, pas les deux",
						"one public key: pasted or sent as a file, not both")
				}
				name, b = hdr.Filename, fb
			}
		}
	}
	if len(b) == 0 {
		return nil, false, nil
	}
	if name == "" {
		name = "collée"
	}
	k, err := journal.ParsePublicKey(b, name)
	if err != nil {
		return nil, false, badfr("clé publique refusée : %v (attendu : une clé publique ed25519 PEM, celle de vigie incident export)",
			"public key refused: %v (expected: an ed25519 public key in PEM, as vigie incident export gives)", err)
	}
	return k, true, nil
}

// uploadedManifest reads the manifest.json of an export sent with the
// verification (field manifest), when there is one: its journal head must
// still be in the chain.
func uploadedManifest(r *http.Request, id int64) (journal.Anchor, bool, error) {
	if r.MultipartForm == nil {
		return journal.Anchor{}, false, nil
	}
	f, hdr, err := r.FormFile("manifest")
	if errors.Is(err, http.ErrMissingFile) {
		return journal.Anchor{}, false, nil
	}
	if err != nil {
		return journal.Anchor{}, false, badf("manifest: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return journal.Anchor{}, false, badf("manifest: %v", err)
	}
	a, of, err := incident.AnchorFromManifest(b, hdr.Filename)
	if err != nil {
		return journal.Anchor{}, false, badRequest{err}
	}
	if of != id {
		return journal.Anchor{}, false, badfr("%s est le manifeste de l'incident %d, pas du %d", "%s is the manifest of incident %d, not %d", hdr.Filename, of, id)
	}
	return a, true, nil
}
