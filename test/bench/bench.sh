#!/usr/bin/env bash
# podlite's benchmark (make bench). Prints medians measured in this one run
# and podlite's figures as ratios to the floor (the same container run
# through libcontainer by test/bench/floor) and to podman where installed:
# absolute times on shared machines are noisy, ratios much less so.
#
# Needs root, hyperfine and GNU time; PODLITE_BINARY and PODLITE_FLOOR name
# the binaries (make bench sets both). The pod section, test/bench/pods.sh,
# the rootless section, test/bench/rootless.sh, and the checkpoint archive
# section, test/bench/archive.sh, run last.
set -euo pipefail
P_BIN=${PODLITE_BINARY:?set PODLITE_BINARY}
FLOOR=${PODLITE_FLOOR:?set PODLITE_FLOOR}
RUNS=${BENCH_RUNS:-20}
work=$(mktemp -d /var/tmp/podlite-bench.XXXXXX)
# A network domain of the bench's own (the leases go to net.d/state): the
# host's podlite0 bridge and /var/lib/podlite stay as they are.
printf 'network_config_dir = "%s/net.d"\ndefault_network_interface = "plbench0"\ndefault_subnet = "10.199.0.0/16"\n' "$work" >"$work/podlite.conf"
P="$P_BIN --config $work/podlite.conf --root $work/root --runroot $work/run"
IMG=localhost/bench-busybox:latest
cleanup() {
	$P rm -af >/dev/null 2>&1 || true
	# Its networks go, with their bridge and firewall chains.
	$P system reset -f >/dev/null 2>&1 || true
	grep -o "${work}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=test/bench/lib.sh
. "$(dirname "$0")/lib.sh"
# One busybox rootfs, used as the floor's rootfs and imported as the image.
rootfs=$work/rootfs
make_rootfs "$rootfs" "$work/rootfs.tar"
$P import "$work/rootfs.tar" "$IMG" >/dev/null

measure() { # name, hyperfine args...
	local name=$1; shift
	hyperfine -N --runs "$RUNS" --warmup 3 --export-json "$work/$name.json" "$@" >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; return 1; }
	median "$work/$name.json"
}

echo "podlite benchmark: medians over $RUNS runs, $(nproc) CPUs, $(uname -r)"
floor=$(measure floor "$FLOOR --rootfs $rootfs true")
run=$(measure run "$P run --rm --network none $IMG true")
bridge=$(measure bridge "$P run --rm $IMG true")
bridge_port=$(measure bridge_port "$P run --rm -p 18080:80 $IMG true")
create=$(measure create --prepare "$P rm -f --ignore bc" "$P create --network none --name bc $IMG true")
start=$(measure start --prepare "sh -c '$P rm -f bs >/dev/null 2>&1; $P create --network none --name bs $IMG sleep 1000 >/dev/null'" "$P start bs")
stop=$(measure stop --prepare "sh -c '$P rm -f bt >/dev/null 2>&1; $P run -d --network none --name bt $IMG sleep 1000 >/dev/null'" "$P stop -t 0 bt")
rm_=$(measure rm --prepare "sh -c '$P create --network none --name br $IMG true >/dev/null'" "$P rm br")
$P rm -af >/dev/null

# Supervisor memory: RSS of each running container's supervisor.
for i in 1 2 3 4 5; do $P run -d --network none --name sup$i $IMG sleep 1000 >/dev/null; done
# The supervisor's argv[0] is podlite-supervisor (its comm stays "podlite").
sup_pids=$(pgrep -d, -f "^podlite-supervisor .*$work" || true)
sup_rss=$(ps -o rss= -p "$sup_pids" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
$P rm -af >/dev/null

# Checkpoint/restore of a small container: podlite (no network, as the
# floor, and on the default bridge) vs libcontainer directly.
crfloor=$("$FLOOR" --rootfs "$rootfs" --checkpoint-cycles "$RUNS" sleep 100000)
floor_ck=$(echo "$crfloor" | awk '{print $2}')
floor_rs=$(echo "$crfloor" | awk '{print $4}')
cr_pair() { # name, run flags...: prints "checkpoint_ms restore_ms"
	local name=$1; shift
	$P run -d --name "$name" "$@" "$IMG" sleep 100000 >/dev/null
	local ck rs
	ck=$(measure "ck-$name" --prepare "sh -c '$P container restore $name >/dev/null 2>&1 || true'" "$P container checkpoint $name")
	rs=$(measure "rs-$name" --prepare "sh -c '$P container checkpoint $name >/dev/null 2>&1 || true'" "$P container restore $name")
	$P rm -f "$name" >/dev/null
	echo "$ck $rs"
}
read -r ck rs <<<"$(cr_pair crnone --network none)"
read -r ckb rsb <<<"$(cr_pair crbridge)"

# A pod's checkpoint and restore (two containers and the infra, frozen and
# dumped as one) against the same two containers, each on the bridge,
# checkpointed and restored one by one.
$P pod create --name bpod >/dev/null
for c in bp1 bp2; do $P run -d --pod bpod --name "$c" "$IMG" sleep 100000 >/dev/null; done
podcr=$(measure podcr "sh -c '$P pod checkpoint bpod >/dev/null && $P pod restore bpod >/dev/null'")
$P pod rm -f bpod >/dev/null
for c in bs1 bs2; do $P run -d --name "$c" "$IMG" sleep 100000 >/dev/null; done
onecr=$(measure onecr "sh -c '$P container checkpoint bs1 >/dev/null && $P container checkpoint bs2 >/dev/null && $P container restore bs1 >/dev/null && $P container restore bs2 >/dev/null'")
$P rm -f bs1 bs2 >/dev/null

# $P is split into the binary and its flags on purpose, here and below.
# shellcheck disable=SC2086
cli_rss=$( { /usr/bin/time -f '%M' $P run --rm --network none $IMG true >/dev/null; } 2>&1 | tail -1)

# shellcheck disable=SC2086
for i in $(seq 1000); do echo "create --network none --name ps$i $IMG true"; done | while read -r line; do $P $line >/dev/null; done
ps1000=$(measure ps "$P ps -a")

printf '\n%-44s %10s  %s\n' "measurement" "median" "ratio"
printf '%-44s %8s ms\n' "floor: libcontainer minimal run of true" "$floor"
printf '%-44s %8s ms  %s of floor\n' "podlite run --rm --network none IMAGE true" "$run" "$(ratio "$run" "$floor")"
printf '%-44s %8s ms  %s of --network none\n' "podlite run --rm IMAGE true (bridge network)" "$bridge" "$(ratio "$bridge" "$run")"
printf '%-44s %8s ms  %s of --network none\n' "  ... with -p 18080:80" "$bridge_port" "$(ratio "$bridge_port" "$run")"
printf '%-44s %8s ms\n' "podlite create" "$create"
printf '%-44s %8s ms\n' "podlite start (detached, supervised)" "$start"
printf '%-44s %8s ms\n' "podlite stop -t 0" "$stop"
printf '%-44s %8s ms\n' "podlite rm" "$rm_"
printf '%-44s %8s ms  (target <= 100 ms)\n' "podlite ps -a, 1000 containers" "$ps1000"
printf '%-44s %8s ms\n' "floor: libcontainer checkpoint (CRIU dump)" "$floor_ck"
printf '%-44s %8s ms\n' "floor: libcontainer restore" "$floor_rs"
printf '%-44s %8s ms  %s of floor\n' "podlite container checkpoint (no network)" "$ck" "$(ratio "$ck" "$floor_ck")"
printf '%-44s %8s ms  %s of floor\n' "podlite container restore (no network)" "$rs" "$(ratio "$rs" "$floor_rs")"
printf '%-44s %8s ms  %s of floor\n' "podlite container checkpoint (bridge)" "$ckb" "$(ratio "$ckb" "$floor_ck")"
printf '%-44s %8s ms  %s of floor\n' "podlite container restore (bridge, same IP)" "$rsb" "$(ratio "$rsb" "$floor_rs")"
printf '%-44s %8s ms  %s of one by one\n' "podlite pod checkpoint + restore (2 + infra)" "$podcr" "$(ratio "$podcr" "$onecr")"
printf '%-44s %8s ms\n' "  the 2 containers checkpointed, restored 1 by 1" "$onecr"
printf '%-44s %8s KB\n' "podlite CLI peak RSS (run --rm)" "$cli_rss"
printf '%-44s %8s KB  (conmon: ~2100 KB)\n' "supervisor RSS per running container" "$sup_rss"

if command -v podman >/dev/null 2>&1; then
	PM="podman --root $work/podman --runroot $work/podman-run"
	# Without CONTAINERS_CONF, podman gets runc (the runtime podlite uses)
	# and file limits a container may set on hosts with a low hard limit.
	if [ -z "${CONTAINERS_CONF:-}" ]; then
		printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\n' >"$work/containers.conf"
		export CONTAINERS_CONF=$work/containers.conf
	fi
	$PM import "$work/rootfs.tar" "$IMG" >/dev/null 2>&1 || true
	if pm=$(measure podman "$PM run --rm --network none $IMG true"); then
		printf '%-44s %8s ms  podlite is %s of podman\n' "podman run --rm --network none" "$pm" "$(ratio "$run" "$pm")"
	fi
	if pmb=$(measure podman_bridge "$PM run --rm $IMG true"); then
		printf '%-44s %8s ms  podlite is %s of podman\n' "podman run --rm (default network)" "$pmb" "$(ratio "$bridge" "$pmb")"
	fi
	if $PM run -d --name crp "$IMG" sleep 100000 >/dev/null 2>&1; then
		pck=$(measure pck --prepare "sh -c '$PM container restore crp >/dev/null 2>&1 || true'" "$PM container checkpoint crp") &&
			printf '%-44s %8s ms  podlite is %s of podman\n' "podman container checkpoint" "$pck" "$(ratio "$ckb" "$pck")"
		prs=$(measure prs --prepare "sh -c '$PM container checkpoint crp >/dev/null 2>&1 || true'" "$PM container restore crp") &&
			printf '%-44s %8s ms  podlite is %s of podman\n' "podman container restore" "$prs" "$(ratio "$rsb" "$prs")"
	fi
	$PM system reset -f >/dev/null 2>&1 || true
else
	echo "podman is not installed: no podman ratios"
fi

# Pods: a pod with two containers against two plain ones, in a script of
# its own (make bench-pods runs it alone); BENCH_PODS=0 leaves it out.
if [ "${BENCH_PODS:-1}" != 0 ]; then
	bash "$(dirname "$0")/pods.sh"
fi

# Rootless: run --rm as an ordinary user (none, pasta, a user network)
# beside root's and rootless podman's, in a script of its own (make
# bench-rootless runs it alone); BENCH_ROOTLESS=0 leaves it out.
if [ "${BENCH_ROOTLESS:-1}" != 0 ]; then
	ROOT_RUN_MS=$run bash "$(dirname "$0")/rootless.sh"
fi

# Checkpoint archives: export, import and metadata read, in a script of its
# own (make bench-archive runs it alone); BENCH_ARCHIVE=0 leaves it out.
if [ "${BENCH_ARCHIVE:-1}" != 0 ]; then
	bash "$(dirname "$0")/archive.sh"
fi
