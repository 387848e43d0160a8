package events

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// timeLayouts are the absolute times --since and --until take besides
// Unix seconds, read in local time when they name no zone.
var timeLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05",
	"2006-01-02Z07:00", "2006-01-02",
}

// ParseTime reads a --since or --until value as podman does: a time
// stamp, Unix seconds (with a fraction), or a Go duration, counted back
// from now for since and forward from now for until (`--until 10s`
// follows the log for ten seconds).
func ParseTime(value string, since bool) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, value, time.Local); err == nil {
			return t, nil
		}
	}
	if secs, frac, _ := strings.Cut(value, "."); secs != "" {
		if s, err := strconv.ParseInt(secs, 10, 64); err == nil {
			var ns int64
			if frac != "" {
				f, ferr := strconv.ParseFloat("0."+frac, 64)
				if ferr != nil {
					return time.Time{}, invalidTime(value)
				}
				ns = int64(f * 1e9)
			}
			return time.Unix(s, ns), nil
		}
	}
	if d, err := time.ParseDuration(value); err == nil {
		if since {
			return time.Now().Add(-d), nil
		}
		return time.Now().Add(d), nil
	}
	return time.Time{}, invalidTime(value)
}

func invalidTime(value string) error {
	return fmt.Errorf("%q is not a time stamp, Unix time or duration: %w", value, define.ErrInvalidArg)
}
