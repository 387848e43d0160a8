package logs

import (
	"fmt"
	"strconv"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// PrintOptions shape a line as `podman logs` prints it.
type PrintOptions struct {
	// Prefix starts each line when several containers' logs are read:
	// podman's 12-character container ID, or the name under --names.
	Prefix string
	// Timestamps adds the line's time in TimeFormat.
	Timestamps bool
	// Color, under --color, wraps the line in the ANSI color of the
	// container at ColorIndex among those read.
	Color      bool
	ColorIndex int
}

// colors are podman's, in its order: light gray, red, yellow, blue,
// magenta, cyan, green.
var colors = []string{"\033[37m", "\033[31m", "\033[33m", "\033[34m", "\033[35m", "\033[36m", "\033[32m"}

const colorReset = "\033[0m"

// Format returns l as podman prints it, without the newline: the prefix,
// the timestamp, then the text, all in the container's color under Color.
func (l Line) Format(o PrintOptions) string {
	out := ""
	if o.Prefix != "" {
		out = o.Prefix + " "
	}
	if o.Timestamps {
		out += l.Time.Format(TimeFormat) + " "
	}
	out += l.Text
	if o.Color {
		out = colors[o.ColorIndex%len(colors)] + out + colorReset
	}
	return out
}

// timeLayouts are the date forms podman's --since and --until take, read
// in local time unless they carry a zone.
var timeLayouts = []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02Z07:00", "2006-01-02"}

// ParseTime reads a --since or --until value as podman does: a date in one
// of timeLayouts, Unix seconds (with a fraction), or a Go duration counted
// back from now. The empty string is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		whole := int64(secs)
		return time.Unix(whole, int64((secs-float64(whole))*1e9)), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("unable to interpret time value: %w", define.ErrInvalidArg)
}
