package layout

import (
	"strings"
	"testing"
)

// applyStyleBytes reads what applyStyle reads: the declarations the walk
// looks at, in any case, with !important, and the letters Unicode
// lower-casing turns into ASCII ones.
func TestApplyStyleBytes(t *testing.T) {
	for _, s := range []string{
		"font-size:0", "FONT-SIZE: 0PX !important", "font-size:12px;font-size:0",
		"font-size:0;font-size:14px", "display:none", "Display : NONE", "max-height:0px",
		"max-height:.0", "mso-hide:all", "MSO-HIDE:ALL!important", "font-size:0.5px",
		"font-size:0!IMPORTANT", "dİsplay:none", "font-size:\u00a00", ";;:;font-size", "",
		"font-size:..", "font-size:0..0", "color:red;font-size :\t0pt;",
	} {
		checkStyle(t, s)
	}
}

func FuzzApplyStyleBytes(f *testing.F) {
	for _, s := range []string{"font-size:0px;display:none", "MAX-HEIGHT:0 !important;mso-hide:all", "dİsplay:none"} {
		f.Add(s)
	}
	f.Fuzz(checkStyle)
}

func checkStyle(t *testing.T, s string) {
	for _, init := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		z1, h1 := init[0], init[1]
		z2, h2 := init[0], init[1]
		applyStyle(&z1, &h1, s)
		applyStyleBytes(&z2, &h2, []byte(s))
		if z1 != z2 || h1 != h2 {
			t.Fatalf("style %q from %v: applyStyleBytes = %v,%v, applyStyle = %v,%v", s, init, z2, h2, z1, h1)
		}
	}
}

// A newsletter built with MJML: every column wrapper and cell sets a zero
// font size, so the gate in scanHTML lets the walk run on it.
func BenchmarkZeroFontText(b *testing.B) {
	col := `<div class="mj-column-per-100 mj-outlook-group-fix" style="font-size:0px;text-align:left;direction:ltr;display:inline-block;vertical-align:top;width:100%;"><table border="0" cellpadding="0" cellspacing="0" role="presentation" style="vertical-align:top;" width="100%"><tbody><tr><td align="left" style="font-size:0px;padding:10px 25px;word-break:break-word;"><div style="font-family:Ubuntu, Helvetica, Arial, sans-serif;font-size:13px;line-height:1.5;text-align:left;color:#000000;">Chers adhérents, voici le programme de nos journées régionales et les modalités d'inscription.</div></td></tr></tbody></table></div>`
	src := `<html><body>` + strings.Repeat(col, 40) + `</body></html>`
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if zeroFontText(src) != "" {
			b.Fatal("a template is reported")
		}
	}
}
