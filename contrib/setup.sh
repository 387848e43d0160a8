#!/usr/bin/env bash
# Installs everything podlite needs to build, run and test on Debian 12, as
# root: Debian packages through apt-get, then CRIU 4.2.1 built from the
# release tarball in ../shared/vendor (Debian's criu 3.17 fails on current
# kernels, and 4.1.1 cannot dump sockets on kernels >= 6.16).
#
# Idempotent: a second run only checks that the packages are there and that
# the installed criu is new enough and passes `criu check`, which takes a
# second or two. Usage: contrib/setup.sh [--rootless-criu] (from anywhere).
# --rootless-criu also installs the opt-in rootless checkpoint/restore helper
# (contrib/setup-rootless-criu.sh; read docs/rootless.md first: its group is
# root-equivalent).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
# The Go toolchain is not a Debian package here: Debian 12's Go is too old
# for go.mod, so the machine ships Go in /usr/local/go.
export PATH="/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
criu_version=4.2.1
criu_tarball="$repo/../shared/vendor/criu_${criu_version}.orig.tar.xz"
criu_dest=/usr/local/sbin/criu

log() { printf '==> setup: %s\n' "$*" >&2; }
die() { printf '==> setup: FAILED: %s\n' "$*" >&2; exit 1; }

rootless_criu=false
for arg in "$@"; do
	case $arg in
	--rootless-criu) rootless_criu=true ;;
	*) die "unknown argument $arg (usage: contrib/setup.sh [--rootless-criu])" ;;
	esac
done

[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get, /usr/local/sbin)"

packages=(
	# Build: cgo for libcontainer's nsenter, libseccomp for the seccomp tag.
	build-essential pkg-config libseccomp-dev
	# Run: container networking and the test image's static busybox.
	busybox-static containernetworking-plugins iptables iproute2
	# --init mounts tini-static; ps(1) for `podlite top`.
	tini procps
	# Tests: a local registry for pull/push e2e, skopeo to seed it with the
	# busybox test image, hyperfine for `make bench`.
	docker-registry skopeo hyperfine time
	# Tests: podman, with runc and conmon, makes the archives podlite must
	# import; recommends are off, so Debian's criu stays out.
	podman runc conmon
	# Rootless mode: newuidmap/newgidmap (setuid helpers that map a user's
	# /etc/subuid ranges), the user-mode network tools, and fuse-overlayfs
	# where the kernel's overlay cannot mount in a user namespace.
	uidmap slirp4netns passt fuse-overlayfs
	# setcap for the opt-in rootless checkpoint/restore helper.
	libcap2-bin
	# CRIU's build dependencies. Never Debian's criu package itself.
	libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
	python3-protobuf libnl-3-dev libcap-dev libnet1-dev libbsd-dev
	libnftables-dev libgnutls28-dev uuid-dev libaio-dev
)

install_packages() {
	local missing=() p
	for p in "${packages[@]}"; do
		if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "all ${#packages[@]} Debian packages are installed"
		return
	fi
	log "installing: ${missing[*]}"
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

check_go() {
	command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
	log "$(go version)"
}

# criu_ok succeeds when the criu on PATH is at least $criu_version and
# `criu check` passes on this kernel.
criu_ok() {
	command -v criu >/dev/null || { log "criu is not installed"; return 1; }
	local have
	have=$(criu --version 2>/dev/null | awk '/^Version:/ {print $2; exit}')
	if [ -z "$have" ]; then
		log "cannot read the version of $(command -v criu)"
		return 1
	fi
	# sort -V puts the smaller version first; ours must not be smaller.
	if [ "$(printf '%s\n%s\n' "$criu_version" "$have" | sort -V | head -n1)" != "$criu_version" ]; then
		log "criu $have is installed; podlite needs $criu_version or newer"
		return 1
	fi
	if ! criu check >/dev/null 2>&1; then
		log "criu $have is installed but \`criu check\` fails"
		return 1
	fi
	log "criu $have at $(command -v criu) is usable"
}

build_criu() {
	[ -f "$criu_tarball" ] || die "$criu_tarball is missing (../shared must sit beside the repository)"
	log "verifying $(basename "$criu_tarball")"
	(cd "$(dirname "$criu_tarball")" && sha256sum --quiet -c "$(basename "$criu_tarball").sha256") ||
		die "checksum mismatch for $criu_tarball"

	local work start
	work=$(mktemp -d /tmp/podlite-criu.XXXXXX)
	# shellcheck disable=SC2064 # expand $work now: it is local.
	trap "rm -rf '$work'" EXIT
	tar -xJf "$criu_tarball" -C "$work"
	local src
	src=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -f "$src/Makefile" ] || die "no CRIU source tree in $criu_tarball"

	log "building CRIU $criu_version in $src (make -j2 criu)"
	start=$SECONDS
	# Output goes to a log: it is long, and shown only if the build fails.
	if ! make -C "$src" -j2 criu >"$work/build.log" 2>&1; then
		tail -n 60 "$work/build.log" >&2
		die "CRIU build failed (last lines above)"
	fi
	log "CRIU built in $((SECONDS - start))s"
	install -D -m 0755 "$src/criu/criu" "$criu_dest"
	hash -r
	rm -rf "$work"
	trap - EXIT
}

# checkpointctl reads podman-format checkpoint archives; the e2e suite
# checks that it reads podlite's. Pinned: its output is what the test reads.
checkpointctl_version=v1.6.0
install_checkpointctl() {
	local stamp=/usr/local/share/podlite/checkpointctl.version
	if [ -x /usr/local/bin/checkpointctl ] && [ "$(cat "$stamp" 2>/dev/null)" = "$checkpointctl_version" ]; then
		log "checkpointctl $checkpointctl_version is installed"
		return
	fi
	log "installing checkpointctl $checkpointctl_version"
	GOBIN=/usr/local/bin go install "github.com/checkpoint-restore/checkpointctl@$checkpointctl_version"
	install -D -m 0644 /dev/null "$stamp"
	echo "$checkpointctl_version" >"$stamp"
}

# rootless_devices lets ordinary users open /dev/net/tun (slirp4netns and
# pasta make their tap device with it) and /dev/fuse (fuse-overlayfs), as
# distributions set them; a fresh machine here has both at 0600. The modes
# do not survive a reboot: this runs again then (it is idempotent).
rootless_devices() {
	local dev
	for dev in /dev/net/tun /dev/fuse; do
		if [ ! -c "$dev" ]; then
			log "$dev is missing: rootless networking or fuse-overlayfs will not work"
			continue
		fi
		if [ "$(stat -c %a "$dev")" != 666 ]; then
			chmod 0666 "$dev"
			log "$dev is now mode 0666 for rootless users"
		fi
	done
}

install_packages
rootless_devices
check_go
install_checkpointctl
if ! criu_ok; then
	build_criu
	criu_ok || die "criu at $criu_dest is still not usable"
fi
# Show what the kernel offers; "Looks good." is what checkpoint needs.
criu check
if $rootless_criu; then
	"$repo/contrib/setup-rootless-criu.sh"
fi
log "done"
