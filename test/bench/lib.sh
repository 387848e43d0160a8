# Functions bench.sh and rootless.sh share (sourced, not run).

# make_rootfs DIR TAR: a busybox rootfs in DIR, archived as TAR.
make_rootfs() {
	local rootfs=$1
	mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
	cp /bin/busybox "$rootfs/bin/busybox"
	for a in sh true sleep echo; do ln -s busybox "$rootfs/bin/$a"; done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
	echo 'root:x:0:' >"$rootfs/etc/group"
	tar -C "$rootfs" -cf "$2" .
}

# median FILE: hyperfine's median in ms from its JSON export.
median() { python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }

# ratio A B: A/B as "1.23x".
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.2fx" % (a/b) if b>0 else "n/a")' "$1" "$2"; }
