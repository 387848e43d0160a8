#!/usr/bin/env bash
# podlite's main job on a fresh machine: build a small local image from
# Debian's static busybox and run containers from it. Run after
# contrib/setup.sh and make build (the README's first command does all three).
set -euo pipefail
cd "$(dirname "$0")/.."
podlite=${PODLITE:-bin/podlite}
image=localhost/busybox:latest

# A one-layer image: busybox and its applets, passwd and group.
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,etc,root,tmp,www}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
	[ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
echo 'hello from a podlite container' >"$rootfs/www/index.html"
tar -C "$rootfs" -cf "$rootfs.tar" .
"$podlite" import --change 'CMD ["sh"]' "$rootfs.tar" "$image" >/dev/null
rm -f "$rootfs.tar"

set -x
"$podlite" images
"$podlite" run --rm "$image" echo "hello from podlite"
"$podlite" run -d --replace --name web -p 8088:80 "$image" httpd -f -p 80 -h /www
"$podlite" ps
sleep 0.5
busybox wget -q -O - http://127.0.0.1:8088/
"$podlite" logs web
"$podlite" stop -t 2 web
"$podlite" rm web
