// Package kvfile reads KEY=VALUE lists as podman does for --env-file,
// --label-file, --env and --annotation: one entry a line, leading blanks
// dropped, blank lines and "#" comments skipped, the value kept as written
// (quotes and trailing blanks included).
package kvfile

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

const blanks = " \t"

// Env returns the variables of an env file in file order, a later line
// overriding an earlier one. A bare NAME takes the host's value (and is
// dropped when the host has none); NAME* takes every host variable whose
// name starts with NAME.
func Env(path string) ([]string, error) {
	var env []string
	err := eachLine(path, func(line string) error {
		kvs, err := ParseEnv(line)
		env = append(env, kvs...)
		return err
	})
	return env, err
}

// ParseEnv reads one --env value or env file line into KEY=VALUE entries.
func ParseEnv(s string) ([]string, error) {
	name, value, hasValue := strings.Cut(s, "=")
	if name == "" {
		return nil, fmt.Errorf("invalid variable: %q: %w", s, define.ErrInvalidArg)
	}
	name = strings.TrimLeft(name, blanks)
	switch {
	case hasValue:
		return []string{name + "=" + value}, nil
	case strings.HasSuffix(name, "*"):
		var out []string
		prefix := strings.TrimSuffix(name, "*")
		for _, kv := range os.Environ() {
			if k, _, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, prefix) {
				out = append(out, kv)
			}
		}
		return out, nil
	}
	if v, ok := os.LookupEnv(name); ok {
		return []string{name + "=" + v}, nil
	}
	return nil, nil
}

// Labels returns the labels of a label file. A line without "=" is
// skipped, as podman does.
func Labels(path string) (map[string]string, error) {
	labels := map[string]string{}
	err := eachLine(path, func(line string) error {
		if !strings.Contains(line, "=") {
			return nil
		}
		k, v, err := ParseLabel(line)
		labels[k] = v
		return err
	})
	return labels, err
}

// ParseLabel reads one --label or --annotation value.
func ParseLabel(s string) (string, string, error) {
	k, v, _ := strings.Cut(s, "=")
	k = strings.TrimLeft(k, blanks)
	if k == "" {
		return "", "", fmt.Errorf("invalid label %q: no name: %w", s, define.ErrInvalidArg)
	}
	return k, v, nil
}

func eachLine(path string, fn func(string) error) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", err, define.ErrNotFound)
	} else if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), blanks)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
