package spec

import (
	"fmt"
	"os"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// HostShape is the part of `inspect`'s HostConfig the shaping flags set,
// with podman's keys, read back from a container's spec.
type HostShape struct {
	PidMode            string              `json:"PidMode"`
	IpcMode            string              `json:"IpcMode"`
	UTSMode            string              `json:"UTSMode"`
	CgroupMode         string              `json:"CgroupMode"`
	UsernsMode         string              `json:"UsernsMode"`
	IDMappings         *InspectIDMappings  `json:"IDMappings,omitempty"`
	GroupAdd           []string            `json:"GroupAdd"`
	Cgroups            string              `json:"Cgroups"`
	CgroupParent       string              `json:"CgroupParent"`
	OomScoreAdj        int                 `json:"OomScoreAdj"`
	CpuShares          uint64              `json:"CpuShares"`
	CpuPeriod          uint64              `json:"CpuPeriod"`
	CpuQuota           int64               `json:"CpuQuota"`
	CpuRealtimePeriod  uint64              `json:"CpuRealtimePeriod"`
	CpuRealtimeRuntime int64               `json:"CpuRealtimeRuntime"`
	CpusetCpus         string              `json:"CpusetCpus"`
	CpusetMems         string              `json:"CpusetMems"`
	MemoryReservation  int64               `json:"MemoryReservation"`
	MemorySwap         int64               `json:"MemorySwap"`
	MemorySwappiness   int64               `json:"MemorySwappiness"`
	OomKillDisable     bool                `json:"OomKillDisable"`
	BlkioWeight        uint16              `json:"BlkioWeight"`
	Devices            []InspectDevice     `json:"Devices"`
	Sysctls            map[string]string   `json:"Sysctls,omitempty"`
	BlkioDeviceReadBps []InspectDeviceRate `json:"BlkioDeviceReadBps"`
}

// InspectIDMappings are a user namespace's mappings as podman prints them.
type InspectIDMappings struct {
	UIDMap []string `json:"UidMap"` // podman's Go and JSON names
	GIDMap []string `json:"GidMap"`
}

// InspectDevice is one --device in inspect.
type InspectDevice struct {
	PathOnHost        string `json:"PathOnHost"`
	PathInContainer   string `json:"PathInContainer"`
	CgroupPermissions string `json:"CgroupPermissions"`
}

// InspectDeviceRate is one throttled device in inspect.
type InspectDeviceRate struct {
	Path string `json:"Path"`
	Rate uint64 `json:"Rate"`
}

// InspectHost reads a container's HostShape from its spec, its
// cgroups path (parent/name) and its --group-add groups.
func InspectHost(s *specs.Spec, groupAdd []string) HostShape {
	h := HostShape{GroupAdd: groupAdd, Cgroups: "default", Devices: []InspectDevice{}}
	if h.GroupAdd == nil {
		h.GroupAdd = []string{}
	}
	l := s.Linux
	if l == nil {
		return h
	}
	h.PidMode = nsInspect(l, specs.PIDNamespace, "private")
	h.IpcMode = nsInspect(l, specs.IPCNamespace, "shareable")
	if h.IpcMode == "shareable" && !slices.ContainsFunc(s.Mounts, func(m specs.Mount) bool { return m.Destination == "/dev/shm" }) {
		h.IpcMode = "none"
	}
	h.UTSMode = nsInspect(l, specs.UTSNamespace, "private")
	h.CgroupMode = nsInspect(l, specs.CgroupNamespace, "private")
	if len(l.UIDMappings) > 0 {
		h.UsernsMode = "private"
		h.IDMappings = &InspectIDMappings{UIDMap: idStrings(l.UIDMappings), GIDMap: idStrings(l.GIDMappings)}
	}
	if parent, name, ok := strings.Cut(strings.TrimPrefix(l.CgroupsPath, "/"), "/podlite-"); ok && !strings.Contains(name, "/") {
		h.CgroupParent = "/" + parent
	}
	if s.Process != nil && s.Process.OOMScoreAdj != nil {
		h.OomScoreAdj = *s.Process.OOMScoreAdj
	}
	h.Sysctls = l.Sysctl
	for _, d := range l.Devices {
		kind := "char"
		if d.Type == "b" {
			kind = "block"
		}
		h.Devices = append(h.Devices, InspectDevice{PathOnHost: hostDevPath(kind, d.Major, d.Minor), PathInContainer: d.Path})
	}
	if l.Resources != nil {
		inspectResources(&h, l.Resources)
	}
	return h
}

// nsInspect is podman's word for a namespace: host when the spec has none
// of that type, the default word for a new one, else where it is joined.
func nsInspect(l *specs.Linux, t specs.LinuxNamespaceType, fresh string) string {
	i := slices.IndexFunc(l.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == t })
	switch {
	case i < 0:
		return "host"
	case l.Namespaces[i].Path == "":
		return fresh
	case strings.HasPrefix(l.Namespaces[i].Path, ContainerPrefix):
		return l.Namespaces[i].Path
	}
	return "ns:" + l.Namespaces[i].Path
}

func idStrings(m []specs.LinuxIDMapping) []string {
	out := make([]string, len(m))
	for i, e := range m {
		out[i] = fmt.Sprintf("%d:%d:%d", e.ContainerID, e.HostID, e.Size)
	}
	return out
}

func inspectResources(h *HostShape, r *specs.LinuxResources) {
	if c := r.CPU; c != nil {
		h.CpusetCpus, h.CpusetMems = c.Cpus, c.Mems
		h.CpuShares, h.CpuPeriod, h.CpuQuota = deref(c.Shares), deref(c.Period), deref(c.Quota)
		h.CpuRealtimePeriod, h.CpuRealtimeRuntime = deref(c.RealtimePeriod), deref(c.RealtimeRuntime)
	}
	if m := r.Memory; m != nil {
		h.MemoryReservation, h.MemorySwap, h.OomKillDisable = deref(m.Reservation), deref(m.Swap), deref(m.DisableOOMKiller)
		h.MemorySwappiness = int64(deref(m.Swappiness))
	}
	if b := r.BlockIO; b != nil {
		h.BlkioWeight = deref(b.Weight)
		for _, d := range b.ThrottleReadBpsDevice {
			h.BlkioDeviceReadBps = append(h.BlkioDeviceReadBps, InspectDeviceRate{Path: blockPath(d.Major, d.Minor), Rate: d.Rate})
		}
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// hostDevPath finds the host path of a device number from sysfs's
// uevent (DEVNAME), "" when it cannot.
func hostDevPath(kind string, major, minor int64) string {
	b, err := os.ReadFile(fmt.Sprintf("/sys/dev/%s/%d:%d/uevent", kind, major, minor))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(l, "DEVNAME="); ok {
			return "/dev/" + name
		}
	}
	return ""
}

func blockPath(major, minor int64) string { return hostDevPath("block", major, minor) }
