package scan

import _ "embed"

//go:embed signals.yaml
var ownSignals []byte

func init() { Signals.DefineYAML("scan", ownSignals) }
