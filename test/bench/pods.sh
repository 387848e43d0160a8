#!/usr/bin/env bash
# podlite's pod benchmark (a section of make bench; make bench-pods runs it
# alone). One cycle is a pod created, two containers of it started, and
# the pod removed, against the same two containers run and removed
# without a pod; each with no network and on the default bridge (a pod's
# containers share one sandbox: one CNI setup instead of two). podlite's
# infra is its built-in pause process. Where podman is installed it runs
# the same cycles; podman 4.3.1's default infra needs a pause image from a
# registry (or catatonit), so its infra runs a local busybox image with
# CMD sleep, given with --infra-image.
#
# Needs root and hyperfine; PODLITE_BINARY names the binary; BENCH_RUNS
# (default 20) sets the runs per cycle.
set -euo pipefail
P_BIN=${PODLITE_BINARY:?set PODLITE_BINARY}
RUNS=${BENCH_RUNS:-20}
work=$(mktemp -d /var/tmp/podlite-bench-pods.XXXXXX)
# A network domain of its own, as bench.sh's.
printf 'network_config_dir = "%s/net.d"\ndefault_network_interface = "plbenchp0"\ndefault_subnet = "10.197.0.0/16"\n' "$work" >"$work/podlite.conf"
P="$P_BIN --config $work/podlite.conf --root $work/root --runroot $work/run"
PM=""
if command -v podman >/dev/null 2>&1; then
	PM="podman --root $work/podman --runroot $work/podman-run"
	if [ -z "${CONTAINERS_CONF:-}" ]; then
		printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\n' >"$work/containers.conf"
		export CONTAINERS_CONF=$work/containers.conf
	fi
fi
IMG=localhost/bench-busybox:latest
INFRA=localhost/bench-infra:latest
cleanup() {
	$P pod rm -af -t 0 >/dev/null 2>&1 || true
	$P system reset -f >/dev/null 2>&1 || true
	if [ -n "$PM" ]; then $PM system reset -f >/dev/null 2>&1 || true; fi
	grep -o "${work}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for a in sh true sleep; do ln -s busybox "$rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
tar -C "$rootfs" -cf "$work/rootfs.tar" .
$P import "$work/rootfs.tar" "$IMG" >/dev/null

median() { python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }
measure() { # name, command line run by sh
	local name=$1
	hyperfine -N --runs "$RUNS" --warmup 2 --export-json "$work/$name.json" "sh -c '$2'" >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; return 1; }
	median "$work/$name.json"
}
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.2fx" % (a/b) if b>0 else "n/a")' "$1" "$2"; }

# pod_cycle ENGINE NETFLAGS [POD CREATE FLAGS...]: create, two containers
# started, pod removed; plain_cycle ENGINE NETFLAGS: two containers run
# and removed. Output is dropped, failures are not (set -e in sh).
pod_cycle() {
	local e=$1 net=$2; shift 2
	echo "set -e; $e pod create --name bp $net $* >/dev/null; $e run -d --pod bp $IMG sleep 1000 >/dev/null; $e run -d --pod bp $IMG sleep 1000 >/dev/null; $e pod rm -f -t 0 bp >/dev/null"
}
plain_cycle() {
	local e=$1 net=$2
	echo "set -e; $e run -d $net --name b1 $IMG sleep 1000 >/dev/null; $e run -d $net --name b2 $IMG sleep 1000 >/dev/null; $e rm -f -t 0 b1 b2 >/dev/null"
}

pod_none=$(measure pod_none "$(pod_cycle "$P" "--network none")")
plain_none=$(measure plain_none "$(plain_cycle "$P" "--network none")")
pod_bridge=$(measure pod_bridge "$(pod_cycle "$P" "")")
plain_bridge=$(measure plain_bridge "$(plain_cycle "$P" "")")

printf '\n%-52s %10s  %s\n' "pods: one cycle (create, 2 started, removed)" "median" "ratio"
printf '%-52s %8s ms\n' "podlite 2 containers run -d + rm (no network)" "$plain_none"
printf '%-52s %8s ms  %s of 2 plain containers\n' "podlite pod create + 2 run -d --pod + pod rm" "$pod_none" "$(ratio "$pod_none" "$plain_none")"
printf '%-52s %8s ms\n' "podlite 2 containers run -d + rm (bridge)" "$plain_bridge"
printf '%-52s %8s ms  %s of 2 plain containers\n' "podlite pod (bridge) + 2 run -d --pod + pod rm" "$pod_bridge" "$(ratio "$pod_bridge" "$plain_bridge")"

if [ -n "$PM" ]; then
	$PM import "$work/rootfs.tar" "$IMG" >/dev/null 2>&1 || true
	$PM import --change 'CMD ["sleep", "100000"]' "$work/rootfs.tar" "$INFRA" >/dev/null 2>&1 || true
	if pm_pod=$(measure pm_pod_none "$(pod_cycle "$PM" "--network none" --infra-image "$INFRA")"); then
		printf '%-52s %8s ms  podlite is %s of podman\n' "podman pod (infra: busybox sleep), no network" "$pm_pod" "$(ratio "$pod_none" "$pm_pod")"
	fi
	if pm_plain=$(measure pm_plain_none "$(plain_cycle "$PM" "--network none")"); then
		printf '%-52s %8s ms  podlite is %s of podman\n' "podman 2 containers run -d + rm (no network)" "$pm_plain" "$(ratio "$plain_none" "$pm_plain")"
	fi
	if pm_podb=$(measure pm_pod_bridge "$(pod_cycle "$PM" "" --infra-image "$INFRA")"); then
		printf '%-52s %8s ms  podlite is %s of podman\n' "podman pod (infra: busybox sleep), bridge" "$pm_podb" "$(ratio "$pod_bridge" "$pm_podb")"
	fi
else
	echo "podman is not installed: no podman ratios for pods"
fi
