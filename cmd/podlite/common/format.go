package common

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"text/tabwriter"
	"text/template"

	"github.com/podlite/podlite/libpod/define"
)

// templateFuncs are the helpers podman's --format templates offer.
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"join":  strings.Join,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"truncate": func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	},
}

// IsJSON reports whether a --format value asks for JSON output.
func IsJSON(format string) bool {
	return format == "json" || format == "{{json .}}"
}

// WriteJSON prints v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

var (
	action   = regexp.MustCompile(`\{\{.*?\}\}`)
	fieldRef = regexp.MustCompile(`\.(\w+)`)
)

// Write prints a slice of items. format may be "json", a Go template applied
// to each item, or a template starting with "table" that prints a header
// row and aligned columns. An empty format uses defaultTable. headers
// overrides column titles by field name ("ID": "CONTAINER ID"). A template
// that does not parse or fails on any item prints nothing.
func Write(w io.Writer, format, defaultTable string, items any, headers map[string]string) error {
	check := func(tmpl *template.Template) error {
		return checkGoFields(tmpl, reflect.TypeOf(items).Elem())
	}
	return write(w, format, defaultTable, items, headers, check)
}

// write is Write with check, when not nil, run on the parsed template
// before any item.
func write(w io.Writer, format, defaultTable string, items any, headers map[string]string, check func(*template.Template) error) error {
	if IsJSON(format) {
		return WriteJSON(w, items)
	}
	if format == "" {
		format = defaultTable
	}
	table := strings.HasPrefix(format, "table")
	if table {
		format = strings.TrimSpace(strings.TrimPrefix(format, "table"))
	}
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	tmpl, err := template.New("format").Funcs(templateFuncs).Parse(format + "\n")
	if err != nil {
		return fmt.Errorf("parsing --format template: %v: %w", oneLine(err), define.ErrInvalidArg)
	}
	if check != nil {
		if err := check(tmpl); err != nil {
			return err
		}
	}
	// Everything is rendered before anything is printed: a template that
	// fails on the third item must not leave two on the terminal.
	var all bytes.Buffer
	var out io.Writer = &all
	var tw *tabwriter.Writer
	if table {
		// podman's report writer: columns at least 12 wide, 2 apart.
		tw = tabwriter.NewWriter(&all, 12, 2, 2, ' ', 0)
		out = tw
		fmt.Fprintln(out, headerRow(format, headers))
	}
	v := reflect.ValueOf(items)
	for i := 0; i < v.Len(); i++ {
		if err := tmpl.Execute(out, v.Index(i).Interface()); err != nil {
			return fmt.Errorf("executing --format template: %v: %w", oneLine(err), define.ErrInvalidArg)
		}
	}
	if tw != nil {
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err = w.Write(all.Bytes())
	return err
}

// oneLine keeps an error message on one line: template errors quote the
// template, which may span several.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// headerRow turns "{{.ID}}\t{{.CreatedAt}}" into "ID\tCREATED AT": each
// template action becomes the title of the first field it names.
func headerRow(format string, headers map[string]string) string {
	return action.ReplaceAllStringFunc(format, func(a string) string {
		m := fieldRef.FindStringSubmatch(a)
		if m == nil {
			return ""
		}
		if h, ok := headers[m[1]]; ok {
			return h
		}
		return headerName(m[1])
	})
}

// headerName spells a Go field name as a column title: CreatedAt → CREATED AT.
func headerName(field string) string {
	var b strings.Builder
	for i, r := range field {
		if i > 0 && r >= 'A' && r <= 'Z' && (field[i-1] < 'A' || field[i-1] > 'Z') {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// WriteJSONTemplate applies format to each item's JSON form, so templates
// use the names the JSON output shows ({{.Id}}, {{.State.Pid}}), as in
// podman and docker. Numbers keep their JSON spelling (no 1e+06 PIDs).
func WriteJSONTemplate(w io.Writer, format string, items any) error {
	b, err := json.Marshal(items)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic []any
	if err := dec.Decode(&generic); err != nil {
		return err
	}
	// Templates written for podman say {{.ID}}, for docker {{.Id}}: both work.
	for _, item := range generic {
		if m, ok := item.(map[string]any); ok {
			if id, ok := m["Id"]; ok {
				if _, taken := m["ID"]; !taken {
					m["ID"] = id
				}
			}
		}
	}
	check := func(tmpl *template.Template) error {
		// The slice's element type, so that no items is no excuse, and
		// each item's own, for slices of interfaces (inspect of any kind).
		v := reflect.ValueOf(items)
		types := []reflect.Type{v.Type().Elem()}
		for i := 0; i < v.Len(); i++ {
			types = append(types, reflect.TypeOf(v.Index(i).Interface()))
		}
		for _, t := range types {
			if t == nil || t.Kind() == reflect.Interface {
				continue
			}
			if err := checkJSONFields(tmpl, t); err != nil {
				return err
			}
		}
		return nil
	}
	return write(w, format, "", generic, nil, check)
}

// WriteInspect prints inspect data as a JSON array, or each item through a
// --format template applied to its JSON form.
func WriteInspect(w io.Writer, format string, items any) error {
	if format == "" || IsJSON(format) {
		return WriteJSON(w, items)
	}
	return WriteJSONTemplate(w, format, items)
}
