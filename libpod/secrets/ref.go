package secrets

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// ParseRef reads one --secret value: NAME[,type=mount|env][,target=…]
// [,uid=…][,gid=…][,mode=…], with podman's defaults (a mount at
// /run/secrets/NAME, mode 0444; an env variable named NAME).
func ParseRef(v string) (define.SecretRef, error) {
	parts := strings.Split(v, ",")
	ref := define.SecretRef{Name: parts[0], Type: "mount", Mode: 0o444}
	if ref.Name == "" {
		return ref, fmt.Errorf("invalid --secret %q: no secret name: %w", v, define.ErrInvalidArg)
	}
	idOpts := false
	for _, p := range parts[1:] {
		key, val, ok := strings.Cut(p, "=")
		if !ok {
			return ref, fmt.Errorf("invalid --secret option %q: want KEY=VALUE: %w", p, define.ErrInvalidArg)
		}
		var err error
		switch key {
		case "type":
			if val != "mount" && val != "env" {
				return ref, fmt.Errorf("type %s is invalid: must be mount or env: %w", val, define.ErrInvalidArg)
			}
			ref.Type = val
		case "target":
			ref.Target = val
		case "uid", "gid", "mode":
			idOpts = true
			err = parseNumber(&ref, key, val)
		default:
			return ref, fmt.Errorf("option %s invalid: %w", p, define.ErrInvalidArg)
		}
		if err != nil {
			return ref, err
		}
	}
	if ref.Type == "env" {
		if idOpts {
			return ref, fmt.Errorf("UID, GID, Mode options cannot be set with secret option type=env: %w", define.ErrInvalidArg)
		}
		if ref.Target == "" {
			ref.Target = ref.Name
		}
		return ref, nil
	}
	switch {
	case ref.Target == "":
		ref.Target = "/run/secrets/" + ref.Name
	case !path.IsAbs(ref.Target):
		ref.Target = "/run/secrets/" + ref.Target
	}
	ref.Target = path.Clean(ref.Target)
	return ref, nil
}

func parseNumber(ref *define.SecretRef, key, val string) error {
	base := 10
	if key == "mode" {
		base = 8
	}
	n, err := strconv.ParseUint(val, base, 32)
	if err != nil {
		return fmt.Errorf("invalid --secret %s %q: %w", key, val, define.ErrInvalidArg)
	}
	switch key {
	case "uid":
		ref.UID = uint32(n)
	case "gid":
		ref.GID = uint32(n)
	default:
		ref.Mode = uint32(n)
	}
	return nil
}

// Matches reports whether a secret passes `secret ls --filter`s: name
// (a substring or regular expression), id (a prefix), label (KEY or
// KEY=VALUE); values of one key ORed, keys ANDed.
func Matches(sec *Secret, filters map[string][]string) bool {
	for key, vals := range filters {
		ok := false
		for _, v := range vals {
			ok = ok || matchOne(sec, key, v)
		}
		if !ok {
			return false
		}
	}
	return true
}

func matchOne(sec *Secret, key, v string) bool {
	switch key {
	case "name":
		return strings.Contains(sec.Name, v) || matchRegexp(v, sec.Name)
	case "id":
		return strings.HasPrefix(sec.ID, v)
	case "label":
		k, val, hasVal := strings.Cut(v, "=")
		got, ok := sec.Labels[k]
		return ok && (!hasVal || got == val)
	}
	return false
}

// ParseFilters checks `secret ls --filter KEY=VALUE` values.
func ParseFilters(filters []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, f := range filters {
		key, val, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: want KEY=VALUE: %w", f, define.ErrInvalidArg)
		}
		switch key {
		case "name", "id", "label":
		default:
			return nil, fmt.Errorf("invalid filter %q: secret filters are name, id and label: %w", key, define.ErrInvalidArg)
		}
		out[key] = append(out[key], val)
	}
	return out, nil
}

func matchRegexp(expr, s string) bool {
	re, err := regexp.Compile(expr)
	return err == nil && re.MatchString(s)
}
