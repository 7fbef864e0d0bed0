package brand

import "testing"

// TestStemLabelsAndTenantDomains: a brand label that begins everyday
// words (stem_labels: "intuit") is the brand's only as a word of its own
// in a domain label, and a brand's tenant domain itself (Shopify's
// shopifyemail.com, its stores' sending address) is no look-alike; the
// copies' domains still are. Intuitive Surgical's mail from intuitive.com
// and a training firm's from intuition-formation.fr scored 4.24, a point
// from tagging, and a store's order confirmation from
// store+ID@shopifyemail.com 3.00, behind the MX and under the
// evaluation's trust alike.
func TestStemLabelsAndTenantDomains(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"intuitive.com":                    "",
		"www.intuitive.com":                "",
		"intuition-formation.fr":           "",
		"intuitions.fr":                    "",
		"notification-intuit.com":          "BRAND_IN_DOMAIN",
		"intuit-invoice-portal.com":        "BRAND_IN_DOMAIN",
		"secure.intuit.account-review.com": "BRAND_IN_DOMAIN",
		"quickbooksonline-billing.com":     "BRAND_IN_DOMAIN",
		"intuitpayments.com":               "BRAND_IN_DOMAIN",
		"mail.intuitive.com":               "",
		"lntuit.com":                       "LOOKALIKE_DOMAIN",
		"shopifyemail.com":                 "",
		"shopifyemail-billing.com":         "BRAND_IN_DOMAIN",
		"shopify-support.shopifyemail.com": "BRAND_IN_DOMAIN",
		"shopify-merchant-review.com":      "BRAND_IN_DOMAIN",
	} {
		if kind, detail, _ := c.lookalike(host, map[string]bool{}); kind != want {
			t.Errorf("%s: %q (%s), want %q", host, kind, detail, want)
		}
	}
}
