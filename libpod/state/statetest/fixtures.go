package statetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"time"

	spec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/podlite/podlite/libpod/define"
)

// ID returns a 64-hex-digit container ID derived from seed, stable across
// runs so that failures are reproducible.
func ID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])
}

// NewConfig returns a container config shaped like one `podlite create`
// writes, spec included, so that size-sensitive tests and benchmarks see
// realistic records.
func NewConfig(id, name string, created time.Time) *define.ContainerConfig {
	return &define.ContainerConfig{
		ID:            id,
		Name:          name,
		ImageName:     "docker.io/library/alpine:latest",
		ImageID:       ID("image"),
		StorageID:     id,
		Command:       []string{"/bin/sh", "-c", "sleep infinity"},
		Cmd:           []string{"/bin/sh", "-c", "sleep infinity"},
		Labels:        map[string]string{"app": name, "tier": "test"},
		CreatedAt:     created,
		Spec:          newSpec(id, name),
		StopSignal:    15,
		StopTimeout:   10,
		RestartPolicy: define.RestartPolicy{Name: "no"},
		LogDriver:     "k8s-file",
		LogPath:       "/var/lib/podlite/containers/" + id + "/ctr.log",
		NetworkMode:   "none",
		CreateCommand: []string{"podlite", "create", "--name", name, "alpine", "sleep", "infinity"},
	}
}

// NewState returns the state of a freshly created container.
func NewState() *define.ContainerState {
	return &define.ContainerState{Status: define.StatusCreated}
}

var caps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
	"CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
}

func newSpec(id, name string) *spec.Spec {
	hostname := id[:min(len(id), 12)]
	return &spec.Spec{
		Version: spec.Version,
		Process: &spec.Process{
			Args: []string{"/bin/sh", "-c", "sleep infinity"},
			Env: []string{
				"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"TERM=xterm", "container=podlite", "HOSTNAME=" + hostname, "HOME=/root",
			},
			Cwd:             "/",
			Capabilities:    &spec.LinuxCapabilities{Bounding: caps, Effective: caps, Permitted: caps},
			Rlimits:         []spec.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1048576, Soft: 1048576}, {Type: "RLIMIT_NPROC", Hard: 4194304, Soft: 4194304}},
			NoNewPrivileges: true,
			OOMScoreAdj:     new(int),
		},
		Root:     &spec.Root{Path: "/var/lib/podlite/storage/overlay/" + id + "/merged"},
		Hostname: hostname,
		Mounts:   newMounts(id),
		Annotations: map[string]string{
			"io.podlite.container.name": name, "io.container.manager": "podlite",
		},
		Linux: &spec.Linux{
			Namespaces: []spec.LinuxNamespace{
				{Type: spec.PIDNamespace}, {Type: spec.NetworkNamespace}, {Type: spec.IPCNamespace},
				{Type: spec.UTSNamespace}, {Type: spec.MountNamespace}, {Type: spec.CgroupNamespace},
			},
			Resources:   &spec.LinuxResources{Devices: []spec.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}},
			CgroupsPath: "machine.slice:podlite:" + id,
			MaskedPaths: []string{
				"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
				"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux",
				"/sys/dev/block", "/sys/devices/virtual/powercap",
			},
			ReadonlyPaths: []string{
				"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
			},
		},
	}
}

func newMounts(id string) []spec.Mount {
	userdata := "/run/podlite/containers/" + id + "/userdata/"
	mounts := []spec.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"}},
		{Destination: "/dev/shm", Type: "bind", Source: userdata + "shm", Options: []string{"bind", "rprivate"}},
	}
	for _, dest := range []string{"/etc/resolv.conf", "/etc/hosts", "/etc/hostname", "/run/.containerenv"} {
		mounts = append(mounts, spec.Mount{
			Destination: dest, Type: "bind", Source: userdata + path.Base(dest),
			Options: []string{"bind", "rprivate", "nosuid", "noexec", "nodev"},
		})
	}
	return mounts
}

// timeAt returns a fixed creation time i seconds after an arbitrary epoch.
func timeAt(i int) time.Time {
	return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
}

func name(i int) string { return fmt.Sprintf("ctr-%d", i) }
