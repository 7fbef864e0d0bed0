package auth_test

import (
	"fmt"

	"vigie.dev/vigie/internal/auth"
)

func ExampleAligned() {
	// RFC 7489 §3.1: relaxed alignment compares organizational domains.
	fmt.Println(auth.Aligned("bounces.mail.example.co.uk", "example.co.uk", false))
	fmt.Println(auth.Aligned("bounces.mail.example.co.uk", "example.co.uk", true))
	// Output:
	// true
	// false
}

func ExampleFormatAuthResults() {
	r := auth.Results{
		SPF: auth.Pass, SPFDomain: "sender.example",
		DKIM:  []auth.DKIMResult{{Domain: "sender.example", Selector: "s1", Result: auth.Pass}},
		DMARC: auth.Pass, DMARCPolicy: "reject", DMARCDomain: "sender.example",
	}
	fmt.Println(auth.FormatAuthResults("mx.vigie.example", r))
	// Output:
	// mx.vigie.example; spf=pass smtp.mailfrom=sender.example; dkim=pass header.d=sender.example header.s=s1; dmarc=pass (p=reject) header.from=sender.example
}
