package quadlet

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
)

// Option is one Key=Value line of a Quadlet file or one of its drop-ins.
type Option struct {
	Section, Key, Value string
	// File and Line say where it was written, for warnings.
	File string
	Line int
}

// File is a Quadlet file with its drop-ins applied: the drop-ins'
// options come after the file's, in the order systemd reads them.
type File struct {
	// Path is the file; Name its base name ("web.container").
	Path, Name string
	Options    []Option
}

// Kind is the file's type: "container", "network", "volume" or "pod".
func (f *File) Kind() string { return strings.TrimPrefix(filepath.Ext(f.Name), ".") }

// Base is the file's name without its type ("web" of "web.container").
func (f *File) Base() string { return strings.TrimSuffix(f.Name, filepath.Ext(f.Name)) }

// Last returns the last value of a key (a later line, or a drop-in,
// overrides an earlier one) and whether the key is set.
func (f *File) Last(section, key string) (string, bool) {
	value, found := "", false
	for _, o := range f.Options {
		if o.Section == section && o.Key == key {
			value, found = o.Value, true
		}
	}
	return value, found
}

// All returns every value of a list key in order; an empty value clears
// the ones before it, as in systemd.
func (f *File) All(section, key string) []string {
	var out []string
	for _, o := range f.Options {
		if o.Section == section && o.Key == key {
			if o.Value == "" {
				out = nil
				continue
			}
			out = append(out, o.Value)
		}
	}
	return out
}

// Kinds are the Quadlet file types podlite reads.
var Kinds = []string{"container", "network", "volume", "pod"}

// LoadFile reads a Quadlet file and the drop-ins for it found in dirs
// (NAME.TYPE.d/*.conf; of two drop-ins of one name the one in the earlier
// directory wins; they apply in name order).
func LoadFile(path string, dirs []string) (*File, error) {
	f := &File{Path: path, Name: filepath.Base(path)}
	opts, err := readOptions(path)
	if err != nil {
		return nil, err
	}
	f.Options = opts
	dropins := map[string]string{}
	for _, d := range dirs {
		matches, _ := filepath.Glob(filepath.Join(d, f.Name+".d", "*.conf"))
		for _, m := range matches {
			if _, seen := dropins[filepath.Base(m)]; !seen {
				dropins[filepath.Base(m)] = m
			}
		}
	}
	names := make([]string, 0, len(dropins))
	for n := range dropins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		opts, err := readOptions(dropins[n])
		if err != nil {
			return nil, err
		}
		f.Options = append(f.Options, opts...)
	}
	return f, nil
}

// readOptions parses one unit file with go-systemd and gives each option
// the line it starts on.
func readOptions(path string) ([]Option, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	parsed, err := unit.DeserializeOptions(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	lines := optionLines(data)
	out := make([]Option, len(parsed))
	for i, p := range parsed {
		out[i] = Option{Section: p.Section, Key: p.Name, Value: p.Value, File: path}
		if len(lines) == len(parsed) {
			out[i].Line = lines[i]
		}
	}
	return out, nil
}

var keyLine = regexp.MustCompile(`^\s*[A-Za-z0-9_.-]+\s*=`)

// optionLines returns the line numbers on which options start, in order
// (go-systemd keeps no positions): key lines outside comments and
// continuations.
func optionLines(data []byte) []int {
	var lines []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	continued := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		wasContinued := continued
		continued = strings.HasSuffix(line, "\\")
		if wasContinued || trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' || trimmed[0] == '[' {
			if trimmed != "" && (trimmed[0] == '#' || trimmed[0] == ';') {
				continued = false
			}
			continue
		}
		if keyLine.MatchString(line) {
			lines = append(lines, n)
		}
	}
	return lines
}

// UnitDirs are the directories searched for Quadlet files, the first
// winning: $PODLITE_QUADLET_UNIT_DIRS (colon-separated) when set; for a
// user manager $XDG_CONFIG_HOME/containers/systemd (or
// ~/.config/containers/systemd) and /etc/containers/systemd/users/UID;
// for the system manager /etc/containers/systemd and
// /usr/share/containers/systemd.
func UnitDirs(user bool) []string {
	if env := os.Getenv("PODLITE_QUADLET_UNIT_DIRS"); env != "" {
		var dirs []string
		for _, d := range strings.Split(env, ":") {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
		return dirs
	}
	if !user {
		return []string{"/etc/containers/systemd", "/usr/share/containers/systemd"}
	}
	config := os.Getenv("XDG_CONFIG_HOME")
	if config == "" {
		if home, err := os.UserHomeDir(); err == nil {
			config = filepath.Join(home, ".config")
		}
	}
	var dirs []string
	if config != "" {
		dirs = append(dirs, filepath.Join(config, "containers", "systemd"))
	}
	return append(dirs, fmt.Sprintf("/etc/containers/systemd/users/%d", os.Getuid()))
}

// LoadDirs reads every Quadlet file in dirs; of two files of one name the
// one in the earlier directory wins. Missing directories are skipped.
func LoadDirs(dirs []string) ([]*File, error) {
	seen := map[string]bool{}
	var files []*File
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the Quadlet directory %s: %w", d, err)
		}
		for _, e := range entries {
			kind := strings.TrimPrefix(filepath.Ext(e.Name()), ".")
			if e.IsDir() || !contains(Kinds, kind) || seen[e.Name()] {
				continue
			}
			seen[e.Name()] = true
			f, err := LoadFile(filepath.Join(d, e.Name()), dirs)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
