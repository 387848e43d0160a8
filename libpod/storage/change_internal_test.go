package storage

import (
	"errors"
	"reflect"
	"testing"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/podlite/podlite/libpod/define"
)

func TestApplyChanges(t *testing.T) {
	tests := []struct {
		name    string
		changes []string
		want    imgspecv1.ImageConfig
	}{
		{
			name:    "cmd exec form",
			changes: []string{`CMD ["sh", "-c", "echo hi"]`},
			want:    imgspecv1.ImageConfig{Cmd: []string{"sh", "-c", "echo hi"}},
		},
		{
			name:    "cmd shell form",
			changes: []string{"CMD echo hi"},
			want:    imgspecv1.ImageConfig{Cmd: []string{"/bin/sh", "-c", "echo hi"}},
		},
		{
			name:    "equals syntax",
			changes: []string{"CMD=/bin/app", "LABEL=blue=image", "ENV=A=1"},
			want: imgspecv1.ImageConfig{
				Cmd:    []string{"/bin/sh", "-c", "/bin/app"},
				Labels: map[string]string{"blue": "image"},
				Env:    []string{"A=1"},
			},
		},
		{
			name:    "entrypoint lower case",
			changes: []string{`entrypoint ["/bin/app","--flag"]`},
			want:    imgspecv1.ImageConfig{Entrypoint: []string{"/bin/app", "--flag"}},
		},
		{
			name:    "bad json falls back to shell form",
			changes: []string{`CMD [not json`},
			want:    imgspecv1.ImageConfig{Cmd: []string{"/bin/sh", "-c", "[not json"}},
		},
		{
			name:    "env pairs quoting and override",
			changes: []string{`ENV A=1 B="two words" C=x\ y`, "ENV A=3", "ENV LEGACY some value"},
			want:    imgspecv1.ImageConfig{Env: []string{"B=two words", "C=x y", "A=3", "LEGACY=some value"}},
		},
		{
			name:    "labels",
			changes: []string{`LABEL a=b "c d"=e`, "LABEL k v w"},
			want:    imgspecv1.ImageConfig{Labels: map[string]string{"a": "b", "c d": "e", "k": "v w"}},
		},
		{
			name:    "expose",
			changes: []string{"EXPOSE 80 53/udp 8000-8001/TCP"},
			want: imgspecv1.ImageConfig{ExposedPorts: map[string]struct{}{
				"80/tcp": {}, "53/udp": {}, "8000/tcp": {}, "8001/tcp": {},
			}},
		},
		{
			name:    "workdir user stopsignal",
			changes: []string{"WORKDIR /srv", "WORKDIR app", "USER nobody:nogroup", "STOPSIGNAL term"},
			want:    imgspecv1.ImageConfig{WorkingDir: "/srv/app", User: "nobody:nogroup", StopSignal: "15"},
		},
		{
			name:    "numeric stopsignal",
			changes: []string{"STOPSIGNAL 9"},
			want:    imgspecv1.ImageConfig{StopSignal: "9"},
		},
		{
			name:    "volumes",
			changes: []string{`VOLUME ["/data"]`, "VOLUME /a /b/"},
			want:    imgspecv1.ImageConfig{Volumes: map[string]struct{}{"/data": {}, "/a": {}, "/b": {}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got imgspecv1.ImageConfig
			if err := applyChanges(&got, tt.changes); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("applyChanges(%q) =\n%+v\nwant\n%+v", tt.changes, got, tt.want)
			}
		})
	}
}

func TestApplyChangesErrors(t *testing.T) {
	for _, change := range []string{
		"FROM busybox",
		"CMD",
		"ENV",
		"ENV =x",
		`ENV A="unterminated`,
		"EXPOSE 0",
		"EXPOSE 70000",
		"EXPOSE 80/icmp",
		"EXPOSE 90-80",
		"STOPSIGNAL SIGNOPE",
		"STOPSIGNAL 99",
		"VOLUME relative",
	} {
		t.Run(change, func(t *testing.T) {
			var c imgspecv1.ImageConfig
			if err := applyChanges(&c, []string{change}); !errors.Is(err, define.ErrInvalidArg) {
				t.Fatalf("applyChanges(%q) error = %v, want ErrInvalidArg", change, err)
			}
		})
	}
}
