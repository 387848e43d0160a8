package libpod

import (
	"errors"
	"strings"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestPreCheckpointRefusal(t *testing.T) {
	probeErr := errors.New("criu check failed")
	for _, tc := range []struct {
		name      string
		asked     bool
		softDirty bool
		probeErr  error
		wantClass error  // nil: no refusal
		wantText  string // what the message must name
	}{
		{name: "not asked", asked: false},
		{name: "host without soft-dirty", asked: true, softDirty: false,
			wantClass: define.ErrNotSupported, wantText: "CONFIG_MEM_SOFT_DIRTY"},
		{name: "host with soft-dirty", asked: true, softDirty: true,
			wantClass: define.ErrNotSupported, wantText: "podlite does not implement pre-dump yet"},
		{name: "probe fails", asked: true, probeErr: probeErr, wantClass: probeErr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probed := false
			err := preCheckpointRefusal(tc.asked, func() (bool, error) {
				probed = true
				return tc.softDirty, tc.probeErr
			})
			if !tc.asked && probed {
				t.Error("probed the host for an ordinary checkpoint")
			}
			if tc.wantClass == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.wantClass) {
				t.Fatalf("error %v, want %v", err, tc.wantClass)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %q", err, tc.wantText)
			}
		})
	}
}
