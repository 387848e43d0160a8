// Package stats computes what `podlite stats` reports of a container from
// its cgroup counters, as podman does: CPU percent from two samples, the
// average over the samples taken, memory against its limit, and network
// counters of the container's namespace.
package stats

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ContainerStats is one report of a container, with podman's field names
// (its define.ContainerStats) for --format templates.
type ContainerStats struct {
	AvgCPU      float64
	ContainerID string
	Name        string
	PerCPU      []uint64
	// CPU is the percent of one CPU used since the previous sample.
	CPU           float64
	CPUNano       uint64
	CPUSystemNano uint64
	// SystemNano is when the sample was taken (Unix nanoseconds).
	SystemNano uint64
	MemUsage   uint64
	MemLimit   uint64
	MemPerc    float64
	NetInput   uint64
	NetOutput  uint64
	// BlockInput and BlockOutput are bytes read and written.
	BlockInput  uint64
	BlockOutput uint64
	PIDs        uint64
	// UpTime and Duration are the CPU time used, as podman reports them.
	UpTime   time.Duration
	Duration uint64
	// DataPoints counts the samples AvgCPU averages.
	DataPoints int64
}

// Sample is one reading of a running container's counters.
type Sample struct {
	CPUTotal, CPUKernel   uint64
	PerCPU                []uint64
	MemUsage, MemLimit    uint64
	PIDs                  uint64
	BlockRead, BlockWrite uint64
	NetRx, NetTx          uint64
	At                    time.Time
}

// Compute turns sample s into a report. prev is the container's previous
// report, or nil for the first: its CPU percent is then the average since
// startedAt, as podman's. A memory limit above the host's memory (no
// limit set) reads as the host's memory.
func Compute(id, name string, s Sample, prev *ContainerStats, startedAt time.Time, hostMem uint64) *ContainerStats {
	if prev == nil {
		prev = &ContainerStats{SystemNano: uint64(startedAt.UnixNano())}
	}
	now := uint64(s.At.UnixNano())
	st := &ContainerStats{
		ContainerID: id, Name: name, PerCPU: s.PerCPU,
		CPU:     CPUPercent(s.CPUTotal, prev.CPUNano, now, prev.SystemNano),
		CPUNano: s.CPUTotal, CPUSystemNano: s.CPUKernel, SystemNano: now,
		MemUsage: s.MemUsage, MemLimit: s.MemLimit,
		NetInput: s.NetRx, NetOutput: s.NetTx, BlockInput: s.BlockRead, BlockOutput: s.BlockWrite,
		PIDs: s.PIDs, UpTime: time.Duration(s.CPUTotal), Duration: s.CPUTotal,
	}
	if hostMem > 0 && (st.MemLimit == 0 || st.MemLimit > hostMem) {
		st.MemLimit = hostMem
	}
	if st.MemLimit > 0 {
		st.MemPerc = float64(st.MemUsage) / float64(st.MemLimit) * 100
	}
	st.AvgCPU = (prev.AvgCPU*float64(prev.DataPoints) + st.CPU) / float64(prev.DataPoints+1)
	st.DataPoints = prev.DataPoints + 1
	return st
}

// CPUPercent is the CPU time used between two samples over the wall time
// between them, in percent of one CPU (podman's calculateCPUPercent).
func CPUPercent(cpu, prevCPU, now, prevNow uint64) float64 {
	if cpu <= prevCPU || now <= prevNow {
		return 0
	}
	return float64(cpu-prevCPU) / float64(now-prevNow) * 100
}

// NetDev sums the received and sent bytes of every interface but lo in
// the network namespace of process pid.
func NetDev(pid int) (rx, tx uint64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/dev", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("reading network counters: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, counters, ok := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(counters)
		if !ok || strings.TrimSpace(name) == "lo" || len(fields) < 9 {
			continue
		}
		r, rerr := strconv.ParseUint(fields[0], 10, 64)
		t, terr := strconv.ParseUint(fields[8], 10, 64)
		if rerr != nil || terr != nil {
			continue
		}
		rx, tx = rx+r, tx+t
	}
	return rx, tx, sc.Err()
}
