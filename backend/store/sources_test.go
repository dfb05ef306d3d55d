package store

import (
	"testing"
	"time"
)

func TestInterval(t *testing.T) {
	for _, tt := range []struct {
		in, out string
		d       time.Duration
	}{
		{"1h", "1h", time.Hour},
		{"90m", "1h30m", 90 * time.Minute},
		{"45m", "45m", 45 * time.Minute},
		{"1d", "1d", 24 * time.Hour},
		{"48h", "2d", 48 * time.Hour},
		{"30s", "30s", 30 * time.Second},
		{" 6h ", "6h", 6 * time.Hour},
	} {
		iv, err := ParseInterval(tt.in)
		if err != nil || time.Duration(iv) != tt.d || iv.String() != tt.out {
			t.Errorf("ParseInterval(%q) = %v (%q), %v; want %v (%q)", tt.in, time.Duration(iv), iv, err, tt.d, tt.out)
		}
	}
	for _, bad := range []string{"", "often", "0", "-1h", "0d", "1.5d", "d", "400d", "01d"} {
		if iv, err := ParseInterval(bad); err == nil {
			t.Errorf("ParseInterval(%q) = %v", bad, iv)
		}
	}
}

// FuzzParseInterval: what parses writes back as text that parses to the
// same interval.
func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"1h", "90m", "1d", "366d", "1h30m15s", "1.5h", "2562047h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseInterval(s)
		if err != nil {
			return
		}
		back, err := ParseInterval(iv.String())
		if err != nil || back != iv {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, time.Duration(iv), iv.String(), time.Duration(back), err)
		}
	})
}
