#!/usr/bin/env bash
# mkimage-busybox.sh OUT.tar[.gz|.xz|.zst] - build brig's default image: a
# small root filesystem made from Debian's busybox-static (/bin/busybox),
# with a link for every applet, minimal /etc files and empty mount points.
set -euo pipefail

usage() {
	echo "usage: $0 OUT.tar[.gz|.xz|.zst]" >&2
	exit 2
}

[ "$#" -eq 1 ] || usage
out=$1
busybox=${BUSYBOX:-/bin/busybox}

if ! "$busybox" --list-full >/dev/null 2>&1; then
	echo "mkimage-busybox: $busybox is missing or not busybox (apt-get install busybox-static)" >&2
	exit 1
fi
# A dynamically linked busybox would need the host's libc inside the image.
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "mkimage-busybox: $busybox is not statically linked (install busybox-static)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rootfs=$tmp/rootfs
mkdir -p "$rootfs"

mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,root,tmp,var,run,home}
chmod 0755 "$rootfs" "$rootfs"/{bin,sbin,usr,usr/bin,usr/sbin,etc,proc,sys,dev,var,run,home}
chmod 0700 "$rootfs/root"
chmod 1777 "$rootfs/tmp"

install -m 0755 "$busybox" "$rootfs/bin/busybox"

# One symlink per applet, at the path busybox itself reports (bin/sh,
# usr/bin/wget, sbin/ip, ...).  The links are relative (sbin/ip ->
# ../bin/busybox) so they resolve inside the rootfs wherever it is looked at
# from, and a safe extractor has no absolute target to worry about.
while IFS= read -r applet; do
	[ -n "$applet" ] || continue
	[ "$applet" = bin/busybox ] && continue
	dir=$(dirname "$applet")
	up=
	IFS=/ read -ra parts <<<"$dir"
	for _ in "${parts[@]}"; do
		up=../$up
	done
	mkdir -p "$rootfs/$dir"
	ln -sfn "${up}bin/busybox" "$rootfs/$applet"
done < <("$busybox" --list-full)

cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
cat >"$rootfs/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
HOSTS
# brig writes the real resolv.conf for containers on a network; this stub
# keeps resolvers quiet for --net none.
cat >"$rootfs/etc/resolv.conf" <<'RESOLV'
# written by brig at container start
RESOLV
echo 'brig-busybox' >"$rootfs/etc/hostname"
chmod 0644 "$rootfs"/etc/{passwd,group,hosts,resolv.conf,hostname}

case "$out" in
*.tar) comp=() ;;
*.tar.gz | *.tgz) comp=(--gzip) ;;
*.tar.xz) comp=(--xz) ;;
*.tar.zst) comp=(--zstd) ;;
*) usage ;;
esac

# Write next to the destination, then rename: never a half-written image.
outdir=$(dirname "$out")
partial=$(mktemp "$outdir/.mkimage.XXXXXX")
if ! tar --create --file "$partial" "${comp[@]}" --directory "$rootfs" \
	--owner=0 --group=0 --numeric-owner --sort=name .; then
	rm -f "$partial"
	exit 1
fi
chmod 0644 "$partial"
mv -f "$partial" "$out"
