package storetest

import (
	"fmt"
	"testing"
)

// recorder is a testing.TB that notes Fatalf instead of stopping.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestBackendsWithoutPostgres(t *testing.T) {
	tests := []struct {
		ci        string
		wantFatal bool
	}{
		{"", false},
		{"false", false},
		{"true", true},
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Setenv(EnvPostgres, "")
			t.Setenv("CI", tt.ci)
			r := &recorder{TB: t}
			bs := Backends(r)
			if got := r.fatal != ""; got != tt.wantFatal {
				t.Fatalf("Backends failed the test = %v (%q), want %v", got, r.fatal, tt.wantFatal)
			}
			if len(bs) != 1 || bs[0].Name != "sqlite" {
				t.Errorf("Backends = %+v, want SQLite alone", bs)
			}
		})
	}
}
