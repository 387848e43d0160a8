#!/usr/bin/env bash
# podlite's checkpoint archive benchmark (the last section of make bench;
# make bench-archive runs it alone). A container holding ~200 MB of memory
# (test/bench/memhold.c, half random bytes, half text) and ~100 MB of rootfs
# changes (50 MB from /dev/urandom, 55 MB of numbers) is exported with
# `checkpoint --export` and imported into a fresh name with
# `restore --import --name`, per compression; then the metadata of a ~1 GB
# archive is read with `checkpoint inspect`. Where podman is installed it
# gets the same workload, interleaved with podlite's runs, and the script
# prints podlite/podman ratios measured in this one run.
#
# Needs root, hyperfine, gcc with a static libc (for memhold) and busybox;
# PODLITE_BINARY names the binary. BENCH_ARCHIVE_RUNS (default 3) sets the
# runs per heavy case. podman runs with CONTAINERS_CONF, or with a
# containers.conf the script writes (runc, file limits a container may set).
set -euo pipefail
P_BIN=${PODLITE_BINARY:?set PODLITE_BINARY}
RUNS=${BENCH_ARCHIVE_RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /var/tmp/podlite-bench-archive.XXXXXX)
# A network domain of its own, as bench.sh's.
printf 'network_config_dir = "%s/net.d"\ndefault_network_interface = "plbencha0"\ndefault_subnet = "10.198.0.0/16"\n' "$work" >"$work/podlite.conf"
P=("$P_BIN" --config "$work/podlite.conf" --root "$work/root" --runroot "$work/run")
PM=()
if command -v podman >/dev/null 2>&1; then
	PM=(podman --root "$work/podman" --runroot "$work/podman-run")
	if [ -z "${CONTAINERS_CONF:-}" ]; then
		printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\n' >"$work/containers.conf"
		export CONTAINERS_CONF=$work/containers.conf
	fi
fi
IMG=localhost/bench-memhold:latest
cleanup() {
	"${P[@]}" rm -af >/dev/null 2>&1 || true
	"${P[@]}" system reset -f >/dev/null 2>&1 || true
	if [ ${#PM[@]} -gt 0 ]; then "${PM[@]}" system reset -f >/dev/null 2>&1 || true; fi
	# A container whose state podman lost survives the reset: end it and
	# its conmon, found by this run's directory on conmon's command line.
	for pid in $(pgrep -f "conmon .*${work}/" || true); do
		pkill -KILL -P "$pid" || true
		kill -KILL "$pid" 2>/dev/null || true
	done
	grep -o "${work}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

if ! gcc -static -O2 -o "$work/memhold" "$here/memhold.c" 2>"$work/gcc.log"; then
	echo "checkpoint archives: skipped, gcc -static cannot build memhold.c:" >&2
	cat "$work/gcc.log" >&2
	exit 0
fi
rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for a in sh true sleep head seq; do ln -s busybox "$rootfs/bin/$a"; done
cp "$work/memhold" "$rootfs/bin/memhold"
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
tar -C "$rootfs" -cf "$work/rootfs.tar" .
"${P[@]}" import "$work/rootfs.tar" "$IMG" >/dev/null
if [ ${#PM[@]} -gt 0 ] && ! "${PM[@]}" import "$work/rootfs.tar" "$IMG" >/dev/null 2>&1; then
	echo "podman cannot import the image: no podman figures" >&2
	PM=()
fi

# e ENGINE ARGS...: runs podlite or podman with ARGS.
e() {
	local eng=$1
	shift
	if [ "$eng" = podman ]; then "${PM[@]}" "$@"; else "${P[@]}" "$@"; fi
}
# workload ENGINE NAME MB PERCENT DIFF: starts a memhold container and waits
# until its memory is filled; DIFF=1 writes the rootfs changes first.
workload() {
	local files=':'
	[ "$5" = 1 ] && files='head -c 50m /dev/urandom >/random.bin && seq 7000000 >/numbers.txt'
	e "$1" run -d --name "$2" "$IMG" sh -c "$files && exec memhold $3 $4" >/dev/null || return 1
	for _ in $(seq 600); do
		if e "$1" logs "$2" 2>/dev/null | grep -q ready; then
			sync
			return 0
		fi
		sleep 0.1
	done
	echo "container $2 of $1 did not fill its memory in 60 s" >&2
	return 1
}
# remove ENGINE NAME...: removes containers at once (memhold, PID 1,
# ignores SIGTERM).
remove() {
	local eng=$1
	shift
	if [ "$eng" = podman ]; then e "$eng" rm -f -t 0 "$@"; else e "$eng" rm -f "$@"; fi >/dev/null 2>&1 || true
}
# ms CMD...: runs CMD and prints its wall time in milliseconds.
ms() {
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null || return 1
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}
# median FILE: the median of the numbers in FILE, n/a when there are none.
median() {
	if [ -s "$1" ]; then sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; else echo n/a; fi
}
ratio() { python3 -c 'import sys; a,b=sys.argv[1:3]; print("%.2fx" % (float(a)/float(b)) if b not in ("n/a","0") and a != "n/a" else "n/a")' "$1" "$2"; }
mb() { python3 -c 'import sys; a=sys.argv[1]; print("%.1f" % (int(a)/1e6) if a != "n/a" else a)' "$1"; }

# cycle ENGINE C: one export and one import with compression C, their
# times and the archive's size appended to $work/ENGINE-C.{export,import,size}.
# A failure is reported and leaves that run out.
cycle() {
	local eng=$1 c=$2 a=$work/$1-$2.archive t
	if workload "$eng" cra 200 50 1 &&
		t=$(ms e "$eng" container checkpoint --export "$a" -c "$c" cra) &&
		echo "$t" >>"$work/$eng-$c.export" &&
		stat -c %s "$a" >>"$work/$eng-$c.size" &&
		sync &&
		t=$(ms e "$eng" container restore --import "$a" --name crb) &&
		echo "$t" >>"$work/$eng-$c.import"; then
		:
	else
		echo "$eng: export/import with $c failed" >&2
	fi
	remove "$eng" crb cra
	rm -f "$a"
}
engines=(podlite)
[ ${#PM[@]} -gt 0 ] && engines+=(podman)
for _ in $(seq "$RUNS"); do
	for c in zstd gzip none; do
		for eng in "${engines[@]}"; do cycle "$eng" "$c"; done
	done
done

# Metadata of a ~1 GB archive: 1 GB of random memory, zstd.
workload podlite big 1000 100 0
"${P[@]}" container checkpoint --export "$work/big.tar.zst" big >/dev/null
remove podlite big
hyperfine -N --runs 20 --warmup 3 --export-json "$work/inspect.json" \
	"${P[*]} container checkpoint inspect $work/big.tar.zst" >"$work/inspect.log" 2>&1 || { cat "$work/inspect.log" >&2; exit 1; }
inspect=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/inspect.json")
big_size=$(stat -c %s "$work/big.tar.zst")
pm_tar=n/a
if [ ${#PM[@]} -gt 0 ]; then
	# podman has no reader of an archive's metadata: tar finds config.dump
	# and reads on to the end of the archive, decompressing all of it.
	if workload podman big 1000 100 0 &&
		"${PM[@]}" container checkpoint --export "$work/big-podman.tar.zst" -c zstd big >/dev/null; then
		for _ in 1 2 3; do ms tar --zstd -xOf "$work/big-podman.tar.zst" config.dump >>"$work/pm-tar"; done
		pm_tar=$(median "$work/pm-tar")
	fi
	remove podman big
	rm -f "$work/big-podman.tar.zst"
fi

printf '\ncheckpoint archives: ~200 MB memory + ~100 MB rootfs changes, medians of %s runs\n' "$RUNS"
printf '%-6s %24s %24s %22s\n' "" "podlite export/import" "podman export/import" "podlite/podman"
for c in zstd gzip none; do
	pe=$(median "$work/podlite-$c.export")
	pi=$(median "$work/podlite-$c.import")
	ps=$(mb "$(median "$work/podlite-$c.size")")
	qe=$(median "$work/podman-$c.export")
	qi=$(median "$work/podman-$c.import")
	qs=$(mb "$(median "$work/podman-$c.size")")
	printf '%-6s %7s/%6s ms %6s MB %7s/%6s ms %6s MB %9s/%s\n' "$c" "$pe" "$pi" "$ps" "$qe" "$qi" "$qs" "$(ratio "$pe" "$qe")" "$(ratio "$pi" "$qi")"
done
printf '(target: export and import <= 0.6x podman)\n'
printf '%-44s %8s ms  (target <= 50 ms; archive %s MB)\n' "podlite container checkpoint inspect, 1 GB" "$inspect" "$(mb "$big_size")"
if [ ${#PM[@]} -gt 0 ]; then
	printf '%-44s %8s ms  (no metadata reader: decompresses all)\n' "podman archive: tar -xOf FILE config.dump" "$pm_tar"
fi
