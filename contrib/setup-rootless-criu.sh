#!/usr/bin/env bash
# Opt-in, run once by root: installs the rootless checkpoint/restore helper,
# a copy of the installed criu at /usr/local/libexec/podlite/criu-rootless
# with exactly the file capabilities CRIU 4.2.1's --unprivileged mode needs
# to dump a user's container (cap_checkpoint_restore, cap_setgid, and, for
# its seccomp filter and mount namespace, cap_sys_admin and cap_sys_chroot;
# podlite restores with the ordinary criu inside the user's namespace),
# mode 0750, owner root, group podlite-criu (created here).
# Only that group's members may run it. cap_sys_admin on it makes that group
# root-equivalent: see docs/rootless.md before adding anyone.
#
# Idempotent. contrib/setup.sh --rootless-criu calls it after criu is built.
# Usage: contrib/setup-rootless-criu.sh [USER...]   (USERs join the group)
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

helper=/usr/local/libexec/podlite/criu-rootless
group=podlite-criu
caps=cap_checkpoint_restore,cap_setgid,cap_sys_admin,cap_sys_chroot+ep

log() { printf '==> setup-rootless-criu: %s\n' "$*" >&2; }
die() { printf '==> setup-rootless-criu: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (setcap, groupadd)"
command -v setcap >/dev/null || die "setcap not found (Debian package libcap2-bin)"
criu=$(command -v criu) || die "criu not found (contrib/setup.sh builds it)"

getent group "$group" >/dev/null || { groupadd --system "$group"; log "group $group created"; }
# A fresh copy each run: a rebuilt criu replaces the helper too.
if ! cmp -s "$criu" "$helper" 2>/dev/null; then
	install -D -m 0750 -o root -g "$group" "$criu" "$helper.new"
	mv -f "$helper.new" "$helper"
fi
chown root:"$group" "$helper"
chmod 0750 "$helper"
setcap "$caps" "$helper"
# getcap lists them in capability-number order.
want=cap_setgid,cap_sys_chroot,cap_sys_admin,cap_checkpoint_restore=ep
[ "$(getcap "$helper" | awk '{print $2}')" = "$want" ] || die "getcap $helper: $(getcap "$helper"), want $want"
for u in "$@"; do
	usermod -aG "$group" "$u"
	log "$u is in group $group"
done
log "$helper: $(getcap "$helper" | awk '{print $2}'), $(stat -c '%a %U:%G' "$helper")"
