package quadlet

import (
	"fmt"
	"strings"

	"github.com/podlite/podlite/pkg/shellwords"
	"github.com/podlite/podlite/pkg/systemd"
)

// Unit is one generated unit.
type Unit struct {
	// Name is the unit's file name ("web.service"); Text the unit file.
	Name, Text string
	// WantedBy and RequiredBy are the [Install] targets: a generator
	// links the unit into TARGET.wants/ and TARGET.requires/.
	WantedBy, RequiredBy []string
	// Warnings name a file and line the translation did not understand.
	Warnings []string
}

// Context is what units need to know of the podlite that runs them.
type Context struct {
	// Executable is the podlite binary; Version goes into the header.
	Executable, Version string
	// Systemd carries the flags of podlite and `run`, to parse the
	// command lines the container units are made from.
	Systemd systemd.Options
	// CheckpointPossible, when set, says whether units with Checkpoint=
	// can checkpoint here (nil: they can).
	CheckpointPossible func() error
}

// section of each Quadlet type, and the keys podlite understands there.
var sections = map[string]string{"container": "Container", "network": "Network", "volume": "Volume", "pod": "Pod"}

var knownKeys = map[string][]string{
	"Container": {"Image", "ContainerName", "Exec", "Environment", "EnvironmentFile", "Volume", "Mount", "PublishPort",
		"Network", "Pod", "User", "UserNS", "Label", "Notify", "HealthCmd", "HealthOnFailure", "Secret", "PodmanArgs",
		"Pull", "StopTimeout", "IP", "AutoUpdate", "GlobalArgs", "Checkpoint", "CheckpointFallback"},
	"Network": {"NetworkName", "Subnet", "Gateway", "Internal", "Driver", "Label", "Options", "PodmanArgs", "GlobalArgs"},
	"Volume":  {"VolumeName", "Label", "Driver", "Options", "PodmanArgs", "GlobalArgs"},
	"Pod":     {"PodName", "PublishPort", "Network", "PodmanArgs", "GlobalArgs"},
}

// passThrough are the sections copied into the unit as they are.
var passThrough = []string{"Unit", "Service", "Install"}

// warnings names every option of f the translation does not know.
func warnings(f *File) []string {
	own := sections[f.Kind()]
	var out []string
	for _, o := range f.Options {
		switch {
		case contains(passThrough, o.Section):
		case o.Section != own:
			out = append(out, fmt.Sprintf("%s:%d: unknown section [%s] in a .%s file: ignored", o.File, o.Line, o.Section, f.Kind()))
		case !contains(knownKeys[own], o.Key):
			out = append(out, fmt.Sprintf("%s:%d: unknown key %s in [%s]: ignored", o.File, o.Line, o.Key, own))
		}
	}
	return out
}

// Translate makes the units of every file; files are all the Quadlet
// files loaded, which references such as Network=db.network name. A file
// that cannot be translated is an error naming it.
func Translate(files []*File, c *Context) ([]*Unit, error) {
	byName := map[string]*File{}
	for _, f := range files {
		byName[f.Name] = f
	}
	var units []*Unit
	for _, f := range files {
		var u *Unit
		var err error
		switch f.Kind() {
		case "container":
			u, err = containerUnit(f, byName, c)
		case "network":
			u, err = networkUnit(f, c)
		case "volume":
			u, err = volumeUnit(f, c)
		case "pod":
			u, err = podUnit(f, byName, c)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		u.Warnings = append(warnings(f), u.Warnings...)
		u.WantedBy = splitAll(f.All("Install", "WantedBy"))
		u.RequiredBy = splitAll(f.All("Install", "RequiredBy"))
		units = append(units, u)
	}
	return units, nil
}

// ServiceName is the unit a Quadlet file becomes: web.container gives
// web.service, db.network db-network.service, data.volume
// data-volume.service, app.pod app-pod.service.
func ServiceName(fileName string) string {
	f := &File{Name: fileName}
	if f.Kind() == "container" {
		return f.Base() + ".service"
	}
	return f.Base() + "-" + f.Kind() + ".service"
}

// resourceName is the podlite name a .network, .volume or .pod file
// makes: its NetworkName (VolumeName, PodName) or systemd-BASE.
func resourceName(f *File) string {
	key := map[string]string{"network": "NetworkName", "volume": "VolumeName", "pod": "PodName"}[f.Kind()]
	if v, ok := f.Last(sections[f.Kind()], key); ok && v != "" {
		return v
	}
	return "systemd-" + f.Base()
}

// resolve turns a reference to another Quadlet file (db.network) into the
// podlite name it makes and the unit that makes it.
func resolve(ref, kind string, byName map[string]*File) (name, service string, err error) {
	if !strings.HasSuffix(ref, "."+kind) {
		return ref, "", nil
	}
	f, ok := byName[ref]
	if !ok {
		return "", "", fmt.Errorf("%s is not a Quadlet file in the search directories", ref)
	}
	return resourceName(f), ServiceName(ref), nil
}

// oneshot is the unit of a network or volume: it creates it with
// --ignore once and stays active.
func oneshot(f *File, c *Context, create []string) *Unit {
	name := ServiceName(f.Name)
	globals, _ := shellwords.Split(strings.Join(f.All(sections[f.Kind()], "GlobalArgs"), " "))
	args := append(append([]string{c.Executable}, globals...), create...)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n# autogenerated by podlite %s from %s\n\n", name, c.Version, f.Path)
	fmt.Fprintf(&b, "[Unit]\nDescription=podlite %s %s\nWants=network-online.target\nAfter=network-online.target\n", f.Kind(), resourceName(f))
	fmt.Fprintf(&b, "\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=%s\nSyslogIdentifier=%%N\n", systemd.CommandLine(args...))
	b.WriteString(passThroughText(f))
	return &Unit{Name: name, Text: b.String()}
}

func networkUnit(f *File, c *Context) (*Unit, error) {
	args := []string{"network", "create", "--ignore"}
	args = appendEach(args, "--subnet", f.All("Network", "Subnet"))
	args = appendEach(args, "--gateway", f.All("Network", "Gateway"))
	if v, _ := f.Last("Network", "Internal"); isTrue(v) {
		args = append(args, "--internal")
	}
	args = appendLast(args, f, "Network", "Driver", "--driver")
	args = appendEach(args, "--label", splitAll(f.All("Network", "Label")))
	args = appendEach(args, "--opt", f.All("Network", "Options"))
	extra, err := shellwords.Split(strings.Join(f.All("Network", "PodmanArgs"), " "))
	if err != nil {
		return nil, fmt.Errorf("PodmanArgs: %w", err)
	}
	return oneshot(f, c, append(append(args, extra...), resourceName(f))), nil
}

func volumeUnit(f *File, c *Context) (*Unit, error) {
	args := []string{"volume", "create", "--ignore"}
	args = appendLast(args, f, "Volume", "Driver", "--driver")
	args = appendEach(args, "--label", splitAll(f.All("Volume", "Label")))
	args = appendEach(args, "--opt", f.All("Volume", "Options"))
	extra, err := shellwords.Split(strings.Join(f.All("Volume", "PodmanArgs"), " "))
	if err != nil {
		return nil, fmt.Errorf("PodmanArgs: %w", err)
	}
	return oneshot(f, c, append(append(args, extra...), resourceName(f))), nil
}

// passThroughText is the file's [Unit], [Service] and [Install] lines
// (not [Install] itself: a generated unit is linked, not enabled).
func passThroughText(f *File) string {
	var b strings.Builder
	for _, s := range passThrough[:2] {
		first := true
		for _, o := range f.Options {
			if o.Section != s {
				continue
			}
			if first {
				fmt.Fprintf(&b, "\n[%s]\n", s)
				first = false
			}
			fmt.Fprintf(&b, "%s=%s\n", o.Key, o.Value)
		}
	}
	return b.String()
}

func appendEach(args []string, flag string, values []string) []string {
	for _, v := range values {
		args = append(args, flag, v)
	}
	return args
}

func appendLast(args []string, f *File, section, key, flag string) []string {
	if v, ok := f.Last(section, key); ok && v != "" {
		args = append(args, flag, v)
	}
	return args
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "yes", "true", "on":
		return true
	}
	return false
}

// splitAll splits each value into words (Label=a=1 b=2 is two labels).
func splitAll(values []string) []string {
	var out []string
	for _, v := range values {
		words, err := shellwords.Split(v)
		if err != nil {
			words = []string{v}
		}
		out = append(out, words...)
	}
	return out
}
