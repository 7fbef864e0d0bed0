package brand

import (
	"slices"
	"testing"
)

// TestCapitalIReadsAsLOnlyWhereItNamesABrand: the display name is read a
// second time with a capital I after a small letter taken for the l it
// stands for ("PayPaI"). Names that really write such an I (camel-case
// products and companies, Scottish and Irish surnames, "IT" glued to a
// word) must not come to name a catalogued brand that way: review of
// 6575914, no second reading adds a brand to these.
func TestCapitalIReadsAsLOnlyWhereItNamesABrand(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := func(name string) []string {
		var out []string
		c.display.Find(name, 50, func(i int) bool {
			out = append(out, c.brands[i].Name)
			return true
		})
		return out
	}
	for _, name := range []string{
		"LinkedIn", "OpenAI", "McIntosh Dental", "MacInnes & Partners", "McIlroy",
		"BioInformatics Lab", "NetIQ", "ZoomInfo", "DeIulio Law", "AppleInsider",
		"MyIT Helpdesk", "CorpIT", "SmartInvoice", "MediaInfo", "ProtonMail",
		"WiFi", "iPhone", "McAfee", "AirPods", "YouTube", "iCloud", "eBay",
		"GlobalIntel", "BlueIsland", "RoyalInsurance", "MetaIdentity", "GmailInbox",
	} {
		alt := capitalIAsL(name)
		if extra := slices.DeleteFunc(found(alt), func(b string) bool { return slices.Contains(found(name), b) }); len(extra) > 0 {
			t.Errorf("%q read as %q names %v", name, alt, extra)
		}
	}
	if got := capitalIAsL("PayPaI Billing"); got != "PayPal Billing" {
		t.Errorf("capitalIAsL(PayPaI Billing) = %q", got)
	}
	if len(found("NetfIix Support")) > 0 || len(found(capitalIAsL("NetfIix Support"))) == 0 {
		t.Errorf("NetfIix Support: %v read as written, %v read with an l", found("NetfIix Support"), found(capitalIAsL("NetfIix Support")))
	}
}
