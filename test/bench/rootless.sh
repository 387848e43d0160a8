#!/usr/bin/env bash
# The rootless section of podlite's benchmark (bench.sh runs it; make
# bench-rootless alone): `run --rm` as an ordinary user with --network none,
# with pasta (a user's default) and on a user network (its rootless network
# namespace made and removed each time), beside root's --network none and,
# where podman is installed, podman's rootless run as the same user.
#
# Needs root (to make the user), hyperfine, setpriv; PODLITE_BINARY names
# the binary. The user is made as the e2e harness makes its users (useradd
# -m -U, Debian's subordinate ID range) and deleted afterwards; one that
# already exists is reused and kept. ROOT_RUN_MS, root's median of `run --rm
# --network none` (bench.sh passes it), saves measuring it again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
P_BIN=${PODLITE_BINARY:?set PODLITE_BINARY}
RUNS=${BENCH_RUNS:-20}
USER_NAME=${BENCH_USER:-podlite-bench}
IMG=localhost/bench-busybox:latest

made_user=0
if ! id "$USER_NAME" >/dev/null 2>&1; then
	useradd -m -U -s /bin/sh "$USER_NAME"
	made_user=1
fi
uid=$(id -u "$USER_NAME")
gid=$(id -g "$USER_NAME")
home=$(getent passwd "$USER_NAME" | cut -d: -f6)
# A short path: under /var/tmp/podlite-bench-rootless.XXXXXX each rootless
# podman run took 20.7 s ("Exceeded conmon timeout waiting for container
# to exit"), under this one 0.5 s (conmon's socket paths have a length limit).
work=$(mktemp -d /var/tmp/plbr.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/u/data" "$work/u/config" "$work/u/run" "$work/u/out"
cp "$P_BIN" "$work/podlite"
chown -R "$uid:$gid" "$work/u"
chmod 700 "$work/u"

# U runs a command as the user, with the user's XDG directories in $work/u.
U() {
	setpriv --reuid "$uid" --regid "$gid" --init-groups -- env -i HOME="$home" USER="$USER_NAME" \
		LOGNAME="$USER_NAME" SHELL=/bin/sh PATH=/usr/local/bin:/usr/bin:/bin \
		XDG_DATA_HOME="$work/u/data" XDG_CONFIG_HOME="$work/u/config" XDG_RUNTIME_DIR="$work/u/run" "$@"
}
P="$work/podlite"

cleanup() {
	(cd "$work/u" && U "$P" rm -af >/dev/null 2>&1) || true
	(cd "$work/u" && U "$P" system reset -f >/dev/null 2>&1) || true
	if command -v podman >/dev/null 2>&1; then
		(cd "$work/u" && U env CONTAINERS_CONF="$work/u/containers.conf" podman system reset -f >/dev/null 2>&1) || true
	fi
	# The pause processes of podlite and podman, by their PID files.
	for f in "$work/u/run/podlite/pause.pid" "$work/u/run/libpod/tmp/pause.pid"; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
	sleep 0.5
	grep -o "${work}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$work"
	if [ "$made_user" = 1 ]; then
		userdel -r "$USER_NAME" >/dev/null 2>&1 || echo "bench: userdel -r $USER_NAME failed" >&2
	fi
}
trap cleanup EXIT
cd "$work/u"

# A busybox rootfs imported as the user's image (no registry needed).
# shellcheck source=test/bench/lib.sh
. "$here/lib.sh"
make_rootfs "$work/rootfs" "$work/rootfs.tar"
chmod 644 "$work/rootfs.tar"
U "$P" import "$work/rootfs.tar" "$IMG" >/dev/null

# measure NAME CMD...: hyperfine run as the user (the commands it times
# start as the user, as a user's shell starts them).
measure() {
	local name=$1; shift
	U hyperfine -N --runs "$RUNS" --warmup 3 --export-json "$work/u/out/$name.json" "$@" >"$work/u/out/$name.log" 2>&1 || { cat "$work/u/out/$name.log" >&2; return 1; }
	median "$work/u/out/$name.json"
}

root_run=${ROOT_RUN_MS:-}
if [ -z "$root_run" ]; then
	rw=$work/root
	root_run=$(
		$P_BIN --root "$rw/root" --runroot "$rw/run" import "$work/rootfs.tar" "$IMG" >/dev/null
		hyperfine -N --runs "$RUNS" --warmup 3 --export-json "$work/root.json" "$P_BIN --root $rw/root --runroot $rw/run run --rm --network none $IMG true" >/dev/null 2>&1
		median "$work/root.json"
		$P_BIN --root "$rw/root" --runroot "$rw/run" system reset -f >/dev/null 2>&1 || true
	)
fi

U "$P" network create --subnet 10.198.0.0/24 benchnet >/dev/null
rl_none=$(measure rl_none "$P run --rm --network none $IMG true")
rl_pasta=$(measure rl_pasta "$P run --rm $IMG true")
rl_usernet=$(measure rl_usernet "$P run --rm --network benchnet $IMG true")

printf '\n%-44s %10s  %s\n' "rootless (user $USER_NAME)" "median" "ratio"
printf '%-44s %8s ms\n' "root: podlite run --rm --network none" "$root_run"
printf '%-44s %8s ms  %s of root'"'"'s\n' "rootless podlite run --rm --network none" "$rl_none" "$(ratio "$rl_none" "$root_run")"
printf '%-44s %8s ms  %s of rootless none\n' "rootless podlite run --rm (pasta)" "$rl_pasta" "$(ratio "$rl_pasta" "$rl_none")"
printf '%-44s %8s ms  %s of rootless none\n' "rootless podlite run --rm on a user network" "$rl_usernet" "$(ratio "$rl_usernet" "$rl_none")"

if command -v podman >/dev/null 2>&1; then
	# podman 4.3.1 has no pasta for containers: its rootless default is
	# slirp4netns. runc, the runtime podlite embeds; cgroupfs and the file
	# events logger, as this host runs neither systemd nor journald.
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' >"$work/u/containers.conf"
	chown "$uid:$gid" "$work/u/containers.conf"
	PM="podman"
	# $PM and the command strings are split into words on purpose.
	# shellcheck disable=SC2086
	export_conf="CONTAINERS_CONF=$work/u/containers.conf"
	if U env "$export_conf" podman import "$work/rootfs.tar" "$IMG" >/dev/null 2>&1; then
		if pm=$(measure pm_none "env $export_conf $PM run --rm --network none $IMG true"); then
			printf '%-44s %8s ms  podlite is %s of podman\n' "rootless podman run --rm --network none" "$pm" "$(ratio "$rl_none" "$pm")"
		fi
		if pms=$(measure pm_slirp "env $export_conf $PM run --rm $IMG true"); then
			printf '%-44s %8s ms  podlite (pasta) is %s of podman\n' "rootless podman run --rm (slirp4netns)" "$pms" "$(ratio "$rl_pasta" "$pms")"
		fi
	else
		echo "rootless podman could not import the image: no podman rows"
	fi
else
	echo "podman is not installed: no rootless podman rows"
fi
