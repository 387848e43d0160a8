package containers

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
)

// specFlags are the run/create flags that shape the OCI spec: namespaces
// and ID mappings, devices, cgroup resources and process settings.
type specFlags struct {
	sh                       spec.ShapeFlags
	blkioWeight, ip6         string
	oomScoreAdj              int
	memorySwappiness         int64
	httpProxy, readOnlyTmpfs bool
	passwd                   bool
}

func (f *specFlags) registerSpec(fs *pflag.FlagSet) {
	s, r := &f.sh, &f.sh.Resources
	fs.StringVar(&s.PID, "pid", "", "PID namespace: private, host, container:NAME or ns:PATH")
	fs.StringVar(&s.UTS, "uts", "", "UTS namespace: private, host, container:NAME or ns:PATH")
	fs.StringVar(&s.IPC, "ipc", "", "IPC namespace: shareable, private, none, host, container:NAME or ns:PATH")
	fs.StringVar(&s.CgroupNS, "cgroupns", "", "cgroup namespace: host (the default on cgroups v1), private, container:NAME or ns:PATH")
	fs.StringVar(&s.UserNS, "userns", "", "user namespace: host (the default); use --uidmap/--gidmap for a private one")
	fs.StringArrayVar(&s.UIDMap, "uidmap", nil, "UID mapping of a new user namespace (CONTAINER_UID:HOST_UID:SIZE)")
	fs.StringArrayVar(&s.GIDMap, "gidmap", nil, "GID mapping of a new user namespace (CONTAINER_GID:HOST_GID:SIZE)")
	fs.StringVar(&s.SubUIDName, "subuidname", "", "map UIDs from this /etc/subuid entry")
	fs.StringVar(&s.SubGIDName, "subgidname", "", "map GIDs from this /etc/subgid entry")
	fs.StringArrayVar(&s.Devices, "device", nil, "add a host device (HOST[:CONTAINER][:PERMISSIONS])")
	fs.StringArrayVar(&s.DeviceCgroupRules, "device-cgroup-rule", nil, "allow devices in the cgroup (TYPE MAJOR:MINOR ACCESS)")
	fs.StringArrayVar(&s.GPUs, "gpus", nil, "GPU devices (not supported)")
	fs.Uint64Var(&r.CPUPeriod, "cpu-period", 0, "CPU CFS period (microseconds)")
	fs.Int64Var(&r.CPUQuota, "cpu-quota", 0, "CPU CFS quota (microseconds)")
	fs.Uint64Var(&r.CPURtPeriod, "cpu-rt-period", 0, "CPU real-time period (microseconds)")
	fs.Int64Var(&r.CPURtRuntime, "cpu-rt-runtime", 0, "CPU real-time runtime (microseconds)")
	fs.Uint64VarP(&r.CPUShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	fs.StringVar(&r.CpusetCPUs, "cpuset-cpus", "", "CPUs the container may use (0-3, 0,1)")
	fs.StringVar(&r.CpusetMems, "cpuset-mems", "", "memory nodes the container may use (0-3, 0,1)")
	fs.StringVar(&r.MemoryReservation, "memory-reservation", "", "memory soft limit (e.g. 256m)")
	fs.StringVar(&r.MemorySwap, "memory-swap", "", "memory plus swap limit (e.g. 1g), -1 for unlimited swap")
	fs.Int64Var(&f.memorySwappiness, "memory-swappiness", -1, "swappiness of the container's memory (0-100)")
	fs.BoolVar(&r.OOMKillDisable, "oom-kill-disable", false, "disable the OOM killer for the container")
	fs.IntVar(&f.oomScoreAdj, "oom-score-adj", 0, "the container's OOM score adjustment (-1000 to 1000)")
	fs.StringVar(&f.blkioWeight, "blkio-weight", "", "block IO weight (10-1000)")
	fs.StringArrayVar(&r.BlkioWeightDevice, "blkio-weight-device", nil, "block IO weight of a device (DEVICE:WEIGHT)")
	fs.StringArrayVar(&r.DeviceReadBps, "device-read-bps", nil, "limit reads from a device (DEVICE:RATE, e.g. /dev/vda:1mb)")
	fs.StringArrayVar(&r.DeviceWriteBps, "device-write-bps", nil, "limit writes to a device (DEVICE:RATE)")
	fs.StringArrayVar(&r.DeviceReadIOPS, "device-read-iops", nil, "limit read operations per second on a device (DEVICE:N)")
	fs.StringArrayVar(&r.DeviceWriteIOPS, "device-write-iops", nil, "limit write operations per second on a device (DEVICE:N)")
	fs.StringVar(&s.CgroupParent, "cgroup-parent", "", "cgroup under which the container's cgroup is made")
	fs.StringVar(&s.Cgroups, "cgroups", "enabled", "cgroup mode: enabled or no-conmon (disabled and split are refused)")
	fs.StringArrayVar(&s.CgroupConf, "cgroup-conf", nil, "cgroups v2 setting (KEY=VALUE)")
	fs.StringArrayVar(&s.Sysctls, "sysctl", nil, "set a namespaced kernel parameter (KEY=VALUE)")
	fs.StringVar(&s.Umask, "umask", "", "umask of the container's process (octal, default 0022)")
	fs.StringVar(&s.Personality, "personality", "", "execution domain: LINUX or LINUX32")
	fs.StringVar(&s.RDTClass, "rdt-class", "", "RDT class (not supported)")
	fs.StringVar(&s.Systemd, "systemd", "true", "systemd mode: true (for an init or systemd command), false or always")
	fs.StringVar(&s.ShmSizeSystemd, "shm-size-systemd", "", "size of the systemd mode's tmpfs mounts (e.g. 64m)")
	fs.StringArrayVar(&s.UnsetEnv, "unsetenv", nil, "unset a default or image environment variable")
	fs.BoolVar(&s.UnsetEnvAll, "unsetenv-all", false, "unset every default and image environment variable")
	fs.StringArrayVar(&s.EnvMerge, "env-merge", nil, "set a variable from the image's ones (e.g. PATH=${PATH}:/opt/bin)")
	fs.BoolVar(&f.httpProxy, "http-proxy", true, "copy the host's proxy variables into the container")
	fs.StringSliceVar(&s.GroupAdd, "group-add", nil, "add a supplementary group (name or GID)")
	fs.BoolVar(&f.readOnlyTmpfs, "read-only-tmpfs", true, "with --read-only, mount tmpfs on /run, /tmp and /var/tmp")
	fs.BoolVar(&s.NoHosts, "no-hosts", false, "do not mount podlite's /etc/hosts")
	fs.StringVar(&s.HostsFile, "hosts-file", "", "base of the container's /etc/hosts: a host file, none, or image (the image's own)")
	fs.BoolVar(&s.NoHostname, "no-hostname", false, "do not mount podlite's /etc/hostname")
	fs.StringArrayVar(&s.ChrootDirs, "chrootdirs", nil, "a chroot directory inside the container that gets podlite's files too")
	fs.StringVar(&s.SeccompPolicy, "seccomp-policy", "default", "seccomp policy: default, or image (the image's io.containers.seccomp.profile label)")
	fs.StringVar(&f.ip6, "ip6", "", "static IPv6 address (not supported)")
	fs.BoolVar(&f.passwd, "passwd", true, "add an /etc/passwd and /etc/group entry for a numeric --user the image lacks")
	fs.StringVar(&s.UserFiles.PasswdEntry, "passwd-entry", "", "template of that /etc/passwd entry ($USERNAME, $UID, $GID, $NAME, $HOME)")
	fs.StringVar(&s.UserFiles.GroupEntry, "group-entry", "", "template of that /etc/group entry ($GROUPNAME, $GID, $USERNAME)")
	fs.StringArrayVar(&s.UserFiles.HostUsers, "hostuser", nil, "add the host's /etc/passwd entry of this user")
	fs.StringSliceVar(&s.LinkLocalIP, "link-local-ip", nil, "link-local address (not supported)")
	fs.StringSliceVar(&s.NetworkAliases, "network-alias", nil, "network-scoped alias (not supported: no DNS)")
}

// shape returns the checked raw values of the spec flags.
func (f *specFlags) shape(cmd *cobra.Command) (spec.ShapeFlags, error) {
	sh := f.sh
	sh.NoHTTPProxy, sh.NoReadOnlyTmpfs, sh.UserFiles.NoPasswd = !f.httpProxy, !f.readOnlyTmpfs, !f.passwd
	if f.ip6 != "" {
		sh.IP6 = []string{f.ip6}
	}
	if cmd.Flags().Changed("oom-score-adj") {
		v := f.oomScoreAdj
		sh.OOMScoreAdj = &v
	}
	if f.memorySwappiness != -1 { // podman's "not given", also when given
		v := f.memorySwappiness
		sh.Resources.MemorySwappiness = &v
	}
	if f.blkioWeight != "" {
		w, err := strconv.ParseUint(f.blkioWeight, 10, 16)
		if err != nil {
			return sh, fmt.Errorf("invalid --blkio-weight %q: not a number: %w", f.blkioWeight, define.ErrInvalidArg)
		}
		sh.Resources.BlkioWeight = uint16(w)
	}
	return sh, nil
}
