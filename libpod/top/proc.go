package top

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// process is what /proc says about one host PID.
type process struct {
	hostPID    int
	pid        int    // in the container's PID namespace (last NSpid)
	pidNS      string // the ns/pid link, to tell the container's processes
	comm       string
	state      string // the letter of status's State
	ppid, pgrp int    // host PIDs
	ttyNr      uint64
	utime      uint64 // clock ticks
	stime      uint64
	nice       string
	start      uint64 // clock ticks after boot
	vsize      uint64 // bytes
	uids, gids [4]int // real, effective, saved, fs as the host sees them
	caps       map[string]string
	seccomp    string
	rssKiB     string
	cmdline    []string
	label      string
	uidMap     []idRange
	gidMap     []idRange
}

// idRange is one line of /proc/PID/uid_map: inside, outside, count.
type idRange struct{ inside, outside, count int }

// readProcess reads /proc/PID/{stat,status,cmdline,attr/current,ns/pid,*id_map}.
func readProcess(hostPID int) (*process, error) {
	dir := filepath.Join("/proc", strconv.Itoa(hostPID))
	p := &process{hostPID: hostPID, caps: map[string]string{}}
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return nil, err
	}
	if err := p.parseStat(string(stat)); err != nil {
		return nil, fmt.Errorf("parsing %s/stat: %w", dir, err)
	}
	status, err := os.ReadFile(filepath.Join(dir, "status"))
	if err != nil {
		return nil, err
	}
	p.parseStatus(status)
	cmdline, err := os.ReadFile(filepath.Join(dir, "cmdline"))
	if err != nil {
		return nil, err
	}
	p.cmdline = strings.Split(string(cmdline), "\x00")
	if p.pidNS, err = os.Readlink(filepath.Join(dir, "ns", "pid")); err != nil {
		return nil, err
	}
	p.label = "?" // no LSM label readable: psgo's "?"
	if l, err := os.ReadFile(filepath.Join(dir, "attr", "current")); err == nil {
		p.label = strings.Trim(string(l), "\n\x00")
	}
	// The maps say how the process's namespace sees the IDs this one
	// reads; in this process's own namespace (an ordinary user's
	// container shares it) the IDs read are already the container's.
	if ns, err := os.Readlink(filepath.Join(dir, "ns", "user")); err == nil && ns == ownUserNS() {
		return p, nil
	}
	p.uidMap, _ = readIDMap(filepath.Join(dir, "uid_map"))
	p.gidMap, _ = readIDMap(filepath.Join(dir, "gid_map"))
	return p, nil
}

// ownUserNS is this process's user namespace ("" when unreadable).
func ownUserNS() string {
	ns, _ := os.Readlink("/proc/self/ns/user")
	return ns
}

// parseStat reads the fields after the command name, which may hold
// spaces and parentheses: the last ")" ends it.
func (p *process) parseStat(s string) error {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return fmt.Errorf("no command name in %q", s)
	}
	p.comm = s[open+1 : end]
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state) of proc(5).
	if len(f) < 21 {
		return fmt.Errorf("%d fields", len(f)+2)
	}
	num := func(i int) uint64 { n, _ := strconv.ParseUint(f[i-3], 10, 64); return n }
	p.ppid, p.pgrp = int(num(4)), int(num(5))
	p.ttyNr, p.utime, p.stime = num(7), num(14), num(15)
	p.nice, p.start, p.vsize = f[19-3], num(22), num(23)
	return nil
}

// parseStatus reads the lines of /proc/PID/status top needs.
func (p *process) parseStatus(b []byte) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(val)
		if len(f) == 0 {
			continue
		}
		switch key {
		case "State":
			p.state = f[0]
		case "Uid", "Gid":
			ids := &p.uids
			if key == "Gid" {
				ids = &p.gids
			}
			for i := 0; i < 4 && i < len(f); i++ {
				ids[i], _ = strconv.Atoi(f[i])
			}
		case "NSpid":
			p.pid, _ = strconv.Atoi(f[len(f)-1])
		case "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb":
			p.caps[key] = f[0]
		case "Seccomp":
			p.seccomp = f[0]
		case "VmRSS":
			p.rssKiB = f[0]
		}
	}
}

// readIDMap reads a uid_map or gid_map file.
func readIDMap(path string) ([]idRange, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m []idRange
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r idRange
		if _, err := fmt.Sscan(line, &r.inside, &r.outside, &r.count); err == nil {
			m = append(m, r)
		}
	}
	return m, nil
}

// inside maps a host ID to the container's, or -1 (the overflow ID) when
// the container's user namespace has no such ID.
func inside(m []idRange, host int) int {
	for _, r := range m {
		if host >= r.outside && host < r.outside+r.count {
			return r.inside + host - r.outside
		}
	}
	return -1
}
