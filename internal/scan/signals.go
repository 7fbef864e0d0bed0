package scan

import _ "embed"

// ownSignals defines the pipeline's own signals: timeouts, check errors and
// the parser's defects (MALFORMED_*, OVERSIZE*).
//
//go:embed signals.yaml
var ownSignals []byte
