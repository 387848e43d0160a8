package rootless

import "testing"

func TestInUnitCgroup(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       bool
	}{
		{"v1 user unit", "9:name=systemd:/user.slice/user-1001.slice/user@1001.service/app.slice/container-web.service\n4:memory:/\n0::/", true},
		{"v2 user unit", "0::/user.slice/user-1001.slice/user@1001.service/app.slice/web.service\n", true},
		{"login session", "9:name=systemd:/user.slice/user-1001.slice/session-3.scope\n0::/user.slice/user-1001.slice/session-3.scope", false},
		{"the manager itself", "9:name=systemd:/user.slice/user-1001.slice/user@1001.service/init.scope\n", false},
		{"another user's manager", "0::/user.slice/user-1002.slice/user@1002.service/app.slice/web.service\n", false},
		{"a pause scope", "0::/user.slice/user-1001.slice/user@1001.service/app.slice/podlite-pause-7.scope\n", false},
		{"not systemd", "4:memory:/user@1001.service/x.service\n", false},
	} {
		if got := inUnitCgroup(tc.text, 1001); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
