package storage

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/shellwords"
)

// applyChanges applies --change instructions, in Dockerfile syntax, to an
// image config. An instruction is "NAME value" or "NAME=value":
//
//	CMD ["sh","-c","x"] | CMD sh -c x     (shell form runs under /bin/sh -c)
//	ENTRYPOINT …                          (as CMD)
//	ENV A=1 B="two words" | ENV A one
//	LABEL a=b "c d"=e | LABEL a b
//	EXPOSE 80 53/udp 8000-8002/tcp
//	STOPSIGNAL SIGTERM | TERM | 15        (recorded as the number)
//	USER name[:group] | WORKDIR /dir | VOLUME ["/a"] | VOLUME /a /b
func applyChanges(c *imgspecv1.ImageConfig, changes []string) error {
	for _, change := range changes {
		if err := applyChange(c, change); err != nil {
			// podman's wording, which scripts may match.
			return fmt.Errorf("invalid change %q - %w", change, err)
		}
	}
	return nil
}

func applyChange(c *imgspecv1.ImageConfig, change string) error {
	change = strings.TrimSpace(change)
	name, value := change, ""
	if i := strings.IndexAny(change, " \t="); i >= 0 {
		name, value = change[:i], strings.TrimSpace(change[i+1:])
	}
	name = strings.ToUpper(name)
	if value == "" {
		return fmt.Errorf("must be formatted as KEY VALUE: %w", define.ErrInvalidArg)
	}
	var err error
	switch name {
	case "CMD":
		c.Cmd = commandValue(value)
	case "ENTRYPOINT":
		c.Entrypoint = commandValue(value)
	case "ENV":
		var pairs [][2]string
		if pairs, err = keyValues(value); err == nil {
			for _, kv := range pairs {
				c.Env = setEnv(c.Env, kv[0], kv[1])
			}
		}
	case "LABEL":
		var pairs [][2]string
		if pairs, err = keyValues(value); err == nil {
			if c.Labels == nil {
				c.Labels = map[string]string{}
			}
			for _, kv := range pairs {
				c.Labels[kv[0]] = kv[1]
			}
		}
	case "EXPOSE":
		err = expose(c, value)
	case "STOPSIGNAL":
		c.StopSignal, err = stopSignal(value)
	case "USER":
		c.User = value
	case "WORKDIR":
		if !path.IsAbs(value) {
			value = path.Join("/", c.WorkingDir, value)
		}
		c.WorkingDir = path.Clean(value)
	case "VOLUME":
		err = volumes(c, value)
	default:
		return fmt.Errorf("invalid instruction %s: %w", name, define.ErrInvalidArg)
	}
	return err
}

// commandValue parses the exec form (a JSON array) or, as Docker does for
// anything else, the shell form.
func commandValue(value string) []string {
	var argv []string
	if strings.HasPrefix(value, "[") && json.Unmarshal([]byte(value), &argv) == nil {
		return argv
	}
	return []string{"/bin/sh", "-c", value}
}

// keyValues parses "k=v k2=\"v 2\"" or the legacy single pair "k v w".
func keyValues(value string) ([][2]string, error) {
	words, err := shellwords.Split(value)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, define.ErrInvalidArg)
	}
	if !strings.Contains(words[0], "=") {
		key, rest, _ := strings.Cut(value, " ")
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return nil, fmt.Errorf("%q has no value: %w", key, define.ErrInvalidArg)
		}
		return [][2]string{{key, rest}}, nil
	}
	pairs := make([][2]string, 0, len(words))
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not KEY=VALUE: %w", w, define.ErrInvalidArg)
		}
		pairs = append(pairs, [2]string{k, v})
	}
	return pairs, nil
}

func setEnv(env []string, key, value string) []string {
	env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, key+"=") })
	return append(env, key+"="+value)
}

// expose adds "port/proto" entries, expanding ranges.
func expose(c *imgspecv1.ImageConfig, value string) error {
	for _, spec := range strings.Fields(value) {
		ports, proto, _ := strings.Cut(spec, "/")
		if proto == "" {
			proto = "tcp"
		}
		proto = strings.ToLower(proto)
		if proto != "tcp" && proto != "udp" && proto != "sctp" {
			return fmt.Errorf("port %q: protocol must be tcp, udp or sctp: %w", spec, define.ErrInvalidArg)
		}
		lo, hi, isRange := strings.Cut(ports, "-")
		if !isRange {
			hi = lo
		}
		first, err1 := strconv.ParseUint(lo, 10, 16)
		last, err2 := strconv.ParseUint(hi, 10, 16)
		if err1 != nil || err2 != nil || first == 0 || last < first {
			return fmt.Errorf("port %q: not a port or port range: %w", spec, define.ErrInvalidArg)
		}
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		for p := first; p <= last; p++ {
			c.ExposedPorts[fmt.Sprintf("%d/%s", p, proto)] = struct{}{}
		}
	}
	return nil
}

// stopSignal accepts "SIGTERM", "term" or "15" and returns the number
// ("15"), as podman's --change records it.
func stopSignal(value string) (string, error) {
	if n, err := strconv.Atoi(value); err == nil {
		if n < 1 || n > 64 {
			return "", fmt.Errorf("signal %d is out of range: %w", n, define.ErrInvalidArg)
		}
		return value, nil
	}
	name := strings.ToUpper(value)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	n := unix.SignalNum(name)
	if n == 0 {
		return "", fmt.Errorf("unknown signal %q: %w", value, define.ErrInvalidArg)
	}
	return strconv.Itoa(int(n)), nil
}

// volumes adds VOLUME paths, as a JSON array or blank-separated.
func volumes(c *imgspecv1.ImageConfig, value string) error {
	var paths []string
	if !strings.HasPrefix(value, "[") || json.Unmarshal([]byte(value), &paths) != nil {
		paths = strings.Fields(value)
	}
	for _, p := range paths {
		if !path.IsAbs(p) {
			return fmt.Errorf("volume %q is not an absolute path: %w", p, define.ErrInvalidArg)
		}
		if c.Volumes == nil {
			c.Volumes = map[string]struct{}{}
		}
		c.Volumes[path.Clean(p)] = struct{}{}
	}
	return nil
}
