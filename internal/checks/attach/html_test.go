package attach

import "testing"

func TestInertHTML(t *testing.T) {
	for _, c := range []struct {
		page string
		want bool
	}{
		{`<html><head><meta charset="utf-8"><style>td{padding:4px}</style></head><body><table><tr><td>Arrivée on 22/09</td></tr></table></body></html>`, true},
		{`<p><a href="https://example.org/">voir</a></p>`, false},
		{`<p onclick = "go()">voir</p>`, false},
		{`<div style="background:url(https://example.org/x.png)">x</div>`, false},
		{`<meta http-equiv="refresh" content="0; url=x">`, false},
		{`<form><input name=p></form>`, false},
		{`<img src=x>`, false},
		{`<iframe srcdoc="x"></iframe>`, false},
	} {
		if got := inertHTML([]byte(c.page)); got != c.want {
			t.Errorf("inertHTML(%q) = %v, want %v", c.page, got, c.want)
		}
	}
}
