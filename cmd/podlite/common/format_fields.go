package common

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/podlite/podlite/libpod/define"
)

// A template naming a field its items lack must fail whether or not there
// are items to run it on, and WriteJSONTemplate runs templates over maps,
// where a key nobody has prints "<no value>" instead of failing: the
// checks below find such names beforehand from the items' Go types.

var (
	jsonMarshaler = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshaler = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// checkJSONFields returns an ErrInvalidArg error naming the first field
// the template reads from an item (the top-level dot, not a range's or a
// with's) that item's JSON form cannot have. Maps, interfaces and types
// that marshal themselves are not looked into: any key may be there.
func checkJSONFields(tmpl *template.Template, item reflect.Type) error {
	return checkFields(tmpl, item, true)
}

// checkGoFields is checkJSONFields for templates run on the items
// themselves, whose fields and methods go by their Go names. Execution
// would find a wrong name too, but only if there is an item to run on.
func checkGoFields(tmpl *template.Template, item reflect.Type) error {
	return checkFields(tmpl, item, false)
}

func checkFields(tmpl *template.Template, item reflect.Type, byJSON bool) error {
	var err error
	walkFields(tmpl.Tree.Root, func(chain []string) {
		if err == nil {
			err = resolveField(item, chain, byJSON)
		}
	})
	return err
}

// walkFields calls fn with every field chain (".State.Pid" is
// [State Pid]) evaluated where dot is the item itself.
func walkFields(n parse.Node, fn func([]string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkFields(c, fn)
		}
	case *parse.ActionNode:
		walkFields(n.Pipe, fn)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			for _, a := range c.Args {
				walkFields(a, fn)
			}
		}
	case *parse.FieldNode:
		fn(n.Ident)
	case *parse.IfNode:
		walkFields(n.Pipe, fn)
		walkFields(n.List, fn)
		walkFields(n.ElseList, fn)
	case *parse.RangeNode:
		walkFields(n.Pipe, fn) // inside, dot is an element
	case *parse.WithNode:
		walkFields(n.Pipe, fn) // inside, dot is the pipeline's value
	}
}

// resolveField follows chain through t by JSON field names, or by Go
// field and method names.
func resolveField(t reflect.Type, chain []string, byJSON bool) error {
	for i, name := range chain {
		if !byJSON {
			if m, ok := t.MethodByName(name); ok && m.Type.NumOut() > 0 {
				t = m.Type.Out(0)
				continue
			}
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t.Kind() == reflect.Map || t.Kind() == reflect.Interface || byJSON && marshalsItself(t):
			return nil // any key may be there
		case t.Kind() != reflect.Struct:
			return fmt.Errorf("--format template: .%s: a %s has no fields: %w", strings.Join(chain[:i+1], "."), t.Kind(), define.ErrInvalidArg)
		}
		f, ok := goField(t, name)
		if byJSON {
			f, ok = jsonField(t, name)
			if !ok && name == "ID" { // WriteJSONTemplate's alias of Id
				f, ok = jsonField(t, "Id")
			}
		}
		if !ok {
			return fmt.Errorf("--format template: .%s: no field %q here: %w", strings.Join(chain[:i+1], "."), name, define.ErrInvalidArg)
		}
		t = f
	}
	return nil
}

func marshalsItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonMarshaler) || p.Implements(jsonMarshaler) || t.Implements(textMarshaler) || p.Implements(textMarshaler)
}

// goField returns the type of t's exported field name, promoted ones
// included; methods of pointer receivers count too.
func goField(t reflect.Type, name string) (reflect.Type, bool) {
	if f, ok := t.FieldByName(name); ok && f.IsExported() {
		return f.Type, true
	}
	if m, ok := reflect.PointerTo(t).MethodByName(name); ok && m.Type.NumOut() > 0 {
		return m.Type.Out(0), true
	}
	return nil, false
}

// jsonField returns the type of t's field that encoding/json writes as
// name, looking into embedded structs as it does.
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		key, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && key == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if found, ok := jsonField(ft, name); ok {
					return found, true
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if key == "" {
			key = f.Name
		}
		if key == name {
			return f.Type, true
		}
	}
	return nil, false
}
