package top

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// ErrUnknownDescriptor marks a descriptor podman does not have: ps(1)'s
// own options and keywords, which the caller hands to ps.
var ErrUnknownDescriptor = errors.New("unknown descriptor")

// Defaults are podman's default columns, those of `ps -ef`.
var Defaults = []string{"user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args"}

// clockTicks is USER_HZ, 100 on every Linux architecture podlite builds for.
const clockTicks = 100

// fullCaps is the mask psgo shows as "full": every capability up to
// CHECKPOINT_RESTORE (40).
const fullCaps = uint64(0x1FFFFFFFFFF)

// descriptor is one column: podman's name, its AIX code, its header.
type descriptor struct {
	normal, code, header string
	value                func(*context, *process) string
}

// context is what every row needs: the container's root for its user and
// group names, the processes by host PID, the boot time.
type context struct {
	root  string
	procs map[int]*process
	boot  time.Time
	now   time.Time
}

var descriptors = []descriptor{
	{"pcpu", "%C", "%CPU", pcpu},
	{"group", "%G", "GROUP", func(c *context, p *process) string { return c.group(p.gids[1], p.gidMap) }},
	{"ppid", "%P", "PPID", func(c *context, p *process) string { return strconv.Itoa(c.nsPID(p, p.ppid)) }},
	{"user", "%U", "USER", func(c *context, p *process) string { return c.user(p.uids[1], p.uidMap) }},
	{"args", "%a", "COMMAND", args},
	{"comm", "%c", "COMMAND", func(_ *context, p *process) string { return p.comm }},
	{"rgroup", "%g", "RGROUP", func(c *context, p *process) string { return c.group(p.gids[0], p.gidMap) }},
	{"nice", "%n", "NI", func(_ *context, p *process) string { return p.nice }},
	{"pid", "%p", "PID", func(_ *context, p *process) string { return strconv.Itoa(p.pid) }},
	{"pgid", "%r", "PGID", func(c *context, p *process) string { return strconv.Itoa(c.nsPID(p, p.pgrp)) }},
	{"etime", "%t", "ELAPSED", func(c *context, p *process) string { return c.now.Sub(c.started(p)).String() }},
	{"ruser", "%u", "RUSER", func(c *context, p *process) string { return c.user(p.uids[0], p.uidMap) }},
	{"time", "%x", "TIME", func(_ *context, p *process) string { return cpuTime(p).String() }},
	{"tty", "%y", "TTY", tty},
	{"vsz", "%z", "VSZ", func(_ *context, p *process) string { return strconv.FormatUint(p.vsize/1024, 10) }},
	{"capamb", "", "AMBIENT CAPS", capSet("CapAmb")},
	{"capinh", "", "INHERITED CAPS", capSet("CapInh")},
	{"capprm", "", "PERMITTED CAPS", capSet("CapPrm")},
	{"capeff", "", "EFFECTIVE CAPS", capSet("CapEff")},
	{"capbnd", "", "BOUNDING CAPS", capSet("CapBnd")},
	{"seccomp", "", "SECCOMP", seccomp},
	{"label", "", "LABEL", func(_ *context, p *process) string { return p.label }},
	{"hpid", "", "HPID", func(_ *context, p *process) string { return strconv.Itoa(p.hostPID) }},
	{"huser", "", "HUSER", func(_ *context, p *process) string { return hostUser(p.uids[1]) }},
	{"hgroup", "", "HGROUP", func(_ *context, p *process) string { return hostGroup(p.gids[1]) }},
	{"rss", "", "RSS", func(_ *context, p *process) string { return cmpOr(p.rssKiB, "0") }},
	{"state", "", "STATE", func(_ *context, p *process) string { return p.state }},
	{"stime", "", "STIME", func(c *context, p *process) string { return c.started(p).String() }},
}

// Table returns a header row and one row per process of hostPIDs (the
// container's processes as the host numbers them), ordered by their PIDs
// in the container. list holds descriptors, each maybe comma-separated;
// empty means Defaults. root is the container's root as the host reaches
// it (/proc/PID/root), for its user and group names.
func Table(hostPIDs []int, list []string, root string) ([][]string, error) {
	cols, err := parse(list)
	if err != nil {
		return nil, err
	}
	c := &context{root: root, procs: map[int]*process{}, now: time.Now()}
	if c.boot, err = bootTime(); err != nil {
		return nil, err
	}
	var rows []*process
	for _, pid := range hostPIDs {
		p, err := readProcess(pid)
		if errors.Is(err, os.ErrNotExist) {
			continue // exited since it was listed
		}
		if err != nil {
			return nil, fmt.Errorf("reading process %d: %w", pid, err)
		}
		c.procs[pid] = p
		rows = append(rows, p)
	}
	slices.SortFunc(rows, func(a, b *process) int { return a.pid - b.pid })
	header := make([]string, len(cols))
	for i, d := range cols {
		header[i] = d.header
	}
	table := [][]string{header}
	for _, p := range rows {
		row := make([]string, len(cols))
		for i, d := range cols {
			row[i] = d.value(c, p)
		}
		table = append(table, row)
	}
	return table, nil
}

// parse resolves the descriptors, splitting comma-separated ones.
func parse(list []string) ([]descriptor, error) {
	var names []string
	for _, d := range list {
		for _, s := range strings.Split(d, ",") {
			if s = strings.TrimSpace(s); s != "" {
				names = append(names, s)
			}
		}
	}
	if len(names) == 0 {
		names = Defaults
	}
	cols := make([]descriptor, 0, len(names))
	for _, n := range names {
		i := slices.IndexFunc(descriptors, func(d descriptor) bool { return n == d.normal || (d.code != "" && n == d.code) })
		if i < 0 {
			return nil, fmt.Errorf("'%s': %w", n, ErrUnknownDescriptor)
		}
		cols = append(cols, descriptors[i])
	}
	return cols, nil
}

// Known says whether every descriptor of list is podman's own.
func Known(list []string) bool {
	_, err := parse(list)
	return err == nil
}

// nsPID is the container's number for host PID hostPID, or 0 when that
// process is outside the container's PID namespace (the parent of PID 1
// and of exec sessions), as ps inside the container shows it.
func (c *context) nsPID(p *process, hostPID int) int {
	if q, ok := c.procs[hostPID]; ok {
		return q.pid
	}
	q, err := readProcess(hostPID)
	if err != nil || q.pidNS != p.pidNS {
		return 0
	}
	return q.pid
}

func (c *context) started(p *process) time.Time {
	return c.boot.Add(time.Duration(p.start/clockTicks) * time.Second)
}

// bootTime reads btime from /proc/stat.
func bootTime() (time.Time, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the boot time: %w", define.ErrUnavailable)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err == nil {
				return time.Unix(n, 0), nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("no btime in /proc/stat: %w", define.ErrUnavailable)
}

func cpuTime(p *process) time.Duration {
	return time.Duration((p.utime+p.stime)/clockTicks) * time.Second
}

func pcpu(c *context, p *process) string {
	elapsed := c.now.Sub(c.started(p)).Seconds()
	return strconv.FormatFloat(100*cpuTime(p).Seconds()/elapsed, 'f', 3, 64)
}

// args is the command line joined by spaces, as psgo joins /proc's
// NUL-separated (and NUL-ended) list; "[comm]" when it is empty.
func args(_ *context, p *process) string {
	if len(p.cmdline) == 0 || p.cmdline[0] == "" {
		return "[" + p.comm + "]"
	}
	return strings.Join(p.cmdline, " ")
}

// tty names the controlling terminal from its device number: podlite's
// containers get pseudo-terminals (/dev/pts/N) only.
func tty(_ *context, p *process) string {
	major, minor := (p.ttyNr>>8)&0xfff, (p.ttyNr&0xff)|((p.ttyNr>>12)&0xfff00)
	switch {
	case p.ttyNr == 0:
		return "?"
	case major >= 136 && major <= 143:
		return "pts/" + strconv.FormatUint((major-136)*256+minor, 10)
	case major == 4 && minor < 64:
		return "tty" + strconv.FormatUint(minor, 10)
	}
	return "?"
}

func seccomp(_ *context, p *process) string {
	switch p.seccomp {
	case "0":
		return "disabled"
	case "1":
		return "strict"
	case "2":
		return "filter"
	}
	return "?"
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
