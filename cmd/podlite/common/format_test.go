package common_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

type row struct {
	ID     string
	Labels map[string]string
	State  struct{ Status string }
}

func (row) Short() string { return "s" }

type inspected struct {
	ID      string            `json:"Id"`
	Created time.Time         `json:"Created"`
	Labels  map[string]string `json:"Labels,omitempty"`
	Network *struct {
		IP string `json:"ip_address,omitempty"`
	} `json:"network,omitempty"`
	Hidden string `json:"-"`
}

func TestWriteRefusesBadTemplates(t *testing.T) {
	rows := []row{{ID: "a"}, {ID: "b"}}
	items := []*inspected{{ID: "a"}, {ID: "b", Network: &struct {
		IP string `json:"ip_address,omitempty"`
	}{IP: "10.0.0.2"}}}
	for _, tc := range []struct {
		name, format string
		json         bool // through WriteJSONTemplate
		empty        bool // no items
		want         string
	}{
		{name: "field", format: "{{.ID}} {{.State.Status}} {{.Short}}", want: "a  s\nb  s\n"},
		{name: "map key", format: "{{.Labels.x}}", want: "<no value>\n<no value>\n"},
		{name: "broken", format: "{{.ID"},
		{name: "missing", format: "{{.NoSuchField}}"},
		{name: "missing on no items", format: "{{.NoSuchField}}", empty: true},
		{name: "missing below", format: "{{.State.Nope}}"},
		{name: "field of a string", format: "{{.ID.Nope}}"},
		{name: "missing in if", format: "{{if .Nope}}x{{end}}"},
		{name: "table missing", format: "table {{.ID}}\t{{.Nope}}"},
		{name: "json field", format: "{{.Id}} {{.ID}} {{.ip_address}}", json: true},
		{name: "json names", format: "{{.Id}}|{{.ID}}|{{with .network}}{{.ip_address}}{{end}}", json: true, want: "a|a|\nb|b|10.0.0.2\n"},
		{name: "json omitted key", format: "{{.Labels}}", json: true, want: "<no value>\n<no value>\n"},
		{name: "json missing", format: "{{.Nope}}", json: true},
		{name: "json go name of a renamed field", format: "{{.Network}}", json: true},
		{name: "json hidden field", format: "{{.Hidden}}", json: true},
		{name: "json into time", format: "{{.Created.Year}}", json: true},
		{name: "json missing on no items", format: "{{.Nope}}", json: true, empty: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			var err error
			switch {
			case tc.json && tc.empty:
				err = common.WriteJSONTemplate(&out, tc.format, []*inspected{})
			case tc.json:
				err = common.WriteJSONTemplate(&out, tc.format, items)
			case tc.empty:
				err = common.Write(&out, tc.format, "", []row{}, nil)
			default:
				err = common.Write(&out, tc.format, "", rows, nil)
			}
			if tc.want == "" {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Fatalf("error %v, want ErrInvalidArg", err)
				}
				if out.Len() != 0 {
					t.Errorf("printed %q before failing", out.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("printed %q, want %q", out.String(), tc.want)
			}
		})
	}
}
