package stats

import (
	"math"
	"testing"
	"time"
)

func TestCompute(t *testing.T) {
	start := time.Unix(1000, 0)
	s1 := Sample{CPUTotal: uint64(500 * time.Millisecond), MemUsage: 1 << 20, MemLimit: math.MaxInt64, PIDs: 2, At: start.Add(2 * time.Second)}
	first := Compute("id", "web", s1, nil, start, 4<<20)
	// First report: the average since the start, 0.5s of CPU in 2s.
	if first.CPU != 25 || first.AvgCPU != 25 || first.MemLimit != 4<<20 || first.MemPerc != 25 || first.UpTime != 500*time.Millisecond {
		t.Errorf("first report: %+v", first)
	}
	s2 := Sample{CPUTotal: uint64(1500 * time.Millisecond), MemUsage: 1 << 20, MemLimit: 2 << 20, At: start.Add(3 * time.Second)}
	second := Compute("id", "web", s2, first, start, 4<<20)
	if second.CPU != 100 || second.AvgCPU != 62.5 || second.MemLimit != 2<<20 || second.MemPerc != 50 || second.DataPoints != 2 {
		t.Errorf("second report: %+v", second)
	}
	if got := CPUPercent(10, 20, 5, 1); got != 0 {
		t.Errorf("a counter that went back: %v", got)
	}
}
