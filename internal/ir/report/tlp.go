package report

import (
	"fmt"
	"strings"
)

// TLP is a Traffic Light Protocol 2.0 level.
type TLP string

const (
	TLPClear       TLP = "clear"
	TLPGreen       TLP = "green"
	TLPAmber       TLP = "amber"
	TLPAmberStrict TLP = "amber+strict"
	TLPRed         TLP = "red"
)

// ParseTLP reads a TLP 2.0 level in English or French, with or without
// the "TLP:" prefix, any case: clear/clair, green/vert, amber/ambre,
// amber+strict/ambre+strict, red/rouge. "" is amber, the level the CERT
// fiches use for incident details. TLP 1.0's WHITE is refused: TLP 2.0
// renamed it CLEAR, and a bundle must never go out without the marking
// its sender meant.
func ParseTLP(s string) (TLP, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.TrimPrefix(k, "tlp:")
	k = strings.ReplaceAll(k, " ", "")
	switch k {
	case "":
		return TLPAmber, nil
	case "clear", "clair":
		return TLPClear, nil
	case "green", "vert":
		return TLPGreen, nil
	case "amber", "ambre":
		return TLPAmber, nil
	case "amber+strict", "ambre+strict", "amber-strict", "ambre-strict":
		return TLPAmberStrict, nil
	case "red", "rouge":
		return TLPRed, nil
	case "white", "blanc":
		return "", &tlpError{s: s, white: true}
	}
	return "", &tlpError{s: s}
}

type tlpError struct {
	s     string
	white bool
}

func (e *tlpError) Error() string {
	if e.white {
		return fmt.Sprintf("report: TLP %q is TLP 1.0: TLP 2.0 calls it clear", e.s)
	}
	return fmt.Sprintf("report: unknown TLP %q (want clear, green, amber, amber+strict or red)", e.s)
}

// FR is the message in French.
func (e *tlpError) FR() string {
	if e.white {
		return fmt.Sprintf("TLP %q appartient à TLP 1.0 : en TLP 2.0 c'est clear (clair)", e.s)
	}
	return fmt.Sprintf("TLP %q inconnu (clear/clair, green/vert, amber/ambre, amber+strict/ambre+strict, red/rouge)", e.s)
}

// Label is the TLP 2.0 label: "TLP:AMBER+STRICT".
func (t TLP) Label() string { return "TLP:" + strings.ToUpper(string(t)) }

// stixTLP are the TLP 2.0 marking definitions OASIS publishes for STIX
// 2.1 (cti-stix-common-objects, extension tlp-2.0).
var stixTLP = map[TLP]string{
	TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

const stixTLPExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// stixMarking is the marking-definition object of a TLP 2.0 level, carried
// in the bundle so a consumer that lacks it still reads the level.
func stixMarking(t TLP) map[string]any {
	return map[string]any{
		"type": "marking-definition", "spec_version": "2.1", "id": stixTLP[t],
		"created": "2022-10-01T00:00:00.000Z", "name": t.Label(),
		"extensions": map[string]any{stixTLPExtension: map[string]any{
			"extension_type": "property-extension", "tlp_2_0": string(t),
		}},
	}
}
