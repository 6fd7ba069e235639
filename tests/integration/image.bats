#!/usr/bin/env bats
# brig image import / ls / rm, and safe extraction of hostile tarballs.

load helpers

setup() {
	sandbox_setup
}

teardown() {
	sandbox_teardown
}

@test "image import: a rootfs tarball becomes an image listed by ls" {
	run brig image import "$(image_tarball)" busybox
	[ "$status" -eq 0 ]
	run brig image ls
	[ "$status" -eq 0 ]
	echo "$output"
	# A header naming the columns, then the image.
	[[ ${lines[0]^^} == *REPOSITORY* ]]
	[[ ${lines[0]^^} == *TAG* ]]
	[[ ${lines[0]^^} == *ID* ]]
	[[ ${lines[0]^^} == *SIZE* ]]
	[[ ${lines[0]^^} == *CREATED* ]]
	[[ ${lines[1]} == busybox* ]]
	[ -d "$ROOT/images/by-id" ]
	[ -s "$ROOT/images/repositories.json" ]
	run brig run --rm busybox echo works
	[ "$status" -eq 0 ]
	[ "$output" = works ]
}

@test "image ls --format json lists repository, tag, id, size and created" {
	brig image import "$(image_tarball)" busybox
	run brig image ls --format json
	[ "$status" -eq 0 ]
	echo "$output"
	json_valid <<<"$output"
	local row
	row=$(python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["Repository"], r["Tag"], r["Id"], r["Size"] > 0, r["Created"] != "")' <<<"$output")
	[[ $row =~ ^busybox\ latest\ sha256:[0-9a-f]{64}\ True\ True$ ]]
}

@test "image import: .tar, .tar.gz, .tar.xz and .tar.zst" {
	local tar=$BATS_TEST_TMPDIR/img
	cp "$(image_tarball)" "$tar.tar"
	gzip -c "$tar.tar" >"$tar.tar.gz"
	xz -T1 -c "$tar.tar" >"$tar.tar.xz"
	zstd -q -c "$tar.tar" >"$tar.tar.zst"
	local ext
	for ext in tar tar.gz tar.xz tar.zst; do
		run brig image import "$tar.$ext" "img-${ext//./-}"
		echo "$ext: $output"
		[ "$status" -eq 0 ]
		run brig run --rm "img-${ext//./-}" echo "$ext"
		[ "$status" -eq 0 ]
		[ "$output" = "$ext" ]
	done
	run brig image ls
	[ "${#lines[@]}" -eq 5 ]
}

@test "image import: importing a name again replaces it" {
	brig image import "$(image_tarball)" busybox
	# A second image under the same name, told apart by a marker file.
	local dir=$BATS_TEST_TMPDIR/v2
	mkdir -p "$dir"
	tar -xf "$(image_tarball)" -C "$dir"
	echo v2 >"$dir/etc/version"
	tar -cf "$BATS_TEST_TMPDIR/v2.tar" -C "$dir" --owner=0 --group=0 --numeric-owner .
	run brig image import "$BATS_TEST_TMPDIR/v2.tar" busybox
	[ "$status" -eq 0 ]
	run brig image ls
	[ "$(grep -c '^busybox\b' <<<"$output")" -eq 1 ]
	# As Docker, the replaced image stays, untagged, until a prune.
	[ "$(grep -c '^<none>' <<<"$output")" -eq 1 ]
	run brig run --rm busybox cat /etc/version
	[ "$status" -eq 0 ]
	[ "$output" = v2 ]
	run brig image prune
	[ "$status" -eq 0 ]
	[ "$(find "$ROOT/images" -mindepth 2 -maxdepth 2 -path '*/by-id/*' | wc -l)" -eq 1 ]
}

@test "image import: a missing file exits 125 with a one-line message" {
	run --separate-stderr brig image import "$BATS_TEST_TMPDIR/nope.tar" busybox
	[ "$status" -eq 125 ]
	one_line_error
	run brig image ls
	[[ $output != *busybox* ]]
}

@test "image import: an invalid image name is refused" {
	run --separate-stderr brig image import "$(image_tarball)" '../evil'
	[ "$status" -eq 125 ]
	one_line_error
	[ ! -e "$ROOT/evil.json" ]
	[ ! -e "$ROOT/images/../evil.json" ]
	[ -z "$(ls -A "$ROOT/images/layers" 2>/dev/null)" ]
}

@test "image rm removes an image" {
	brig image import "$(image_tarball)" busybox
	run brig image rm busybox
	[ "$status" -eq 0 ]
	run brig image ls
	[[ $output != *busybox* ]]
	[ -z "$(ls -A "$ROOT/images/by-id" 2>/dev/null)" ]
	run --separate-stderr brig run --rm busybox true
	[ "$status" -eq 125 ]
	one_line_error
}

@test "image rm is refused while a container uses the image" {
	brig image import "$(image_tarball)" busybox
	run brig run --name user busybox true
	[ "$status" -eq 0 ]
	run --separate-stderr brig image rm busybox
	[ "$status" -eq 125 ]
	one_line_error
	run brig image ls
	[[ $output == *busybox* ]]
	run brig rm user
	[ "$status" -eq 0 ]
	run brig image rm busybox
	[ "$status" -eq 0 ]
}

@test "image rm of an unknown image exits 125" {
	run --separate-stderr brig image rm no-such-image
	[ "$status" -eq 125 ]
	one_line_error
}

# The hostile names carry a random tag: if extraction ever escaped, the file
# it wrote on the real host is unmistakable, and teardown of this test
# removes it (the test fails either way).
@test "image import: a hostile tarball writes nothing outside the image" {
	local tag=brigtest-$$-$RANDOM
	local evil=$BATS_TEST_TMPDIR/evil.tar
	python3 - "$evil" "$tag" <<'PY'
import io, sys, tarfile
out, tag = sys.argv[1], sys.argv[2]
def reg(t, name, data=b"x\n"):
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644
    t.addfile(i, io.BytesIO(data))
def link(t, name, target, kind):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = target
    t.addfile(i)
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    reg(t, "ok-file")
    reg(t, "../escape-" + tag)
    reg(t, "../../../../../../../../tmp/escape-" + tag)
    reg(t, "/tmp/abs-" + tag)
    link(t, "evil", "/", tarfile.SYMTYPE)
    reg(t, "evil/tmp/pwned-" + tag)
    link(t, "up", "../../../../../../../..", tarfile.SYMTYPE)
    reg(t, "up/tmp/pwned2-" + tag)
    link(t, "hard", "/etc/hostname", tarfile.LNKTYPE)
    link(t, "hard2", "../../../../../../../../etc/hostname", tarfile.LNKTYPE)
PY
	echo x >"$BATS_TEST_TMPDIR/canary"
	run --separate-stderr brig image import "$evil" evil
	echo "status $status; stderr: $stderr"
	# Refused (125), or contained with a warning.
	if [ "$status" -ne 125 ]; then
		[ "$status" -eq 0 ]
		[ -n "$stderr" ]
	fi

	local leaks=() f
	for f in /tmp/escape-$tag /tmp/abs-$tag /tmp/pwned-$tag /tmp/pwned2-$tag \
		/escape-$tag "$PWD/escape-$tag" "$BATS_TEST_TMPDIR/escape-$tag"; do
		if [ -e "$f" ]; then
			leaks+=("$f")
			rm -f "$f"
		fi
	done
	# Anything with the tag under the test's tree must be inside a rootfs.
	while IFS= read -r f; do
		[[ $f == */images/layers/*/diff/* ]] || leaks+=("$f")
	done < <(find "$SB" -name "*$tag*")
	# No hard link to a host file.
	[ -z "$(find "$ROOT" -samefile /etc/hostname 2>/dev/null)" ] || leaks+=("hard link to /etc/hostname")
	[ "$(cat "$BATS_TEST_TMPDIR/canary")" = x ]
	if [ "${#leaks[@]}" -gt 0 ]; then
		printf 'written outside the image: %s\n' "${leaks[@]}"
		return 1
	fi
	# A contained import is a usable image whose symlinks resolve inside.
	if [ "$status" -eq 0 ]; then
		run brig image ls
		[[ $output == *evil* ]]
	fi
}

@test "image import: a corrupt tarball exits 125 and leaves no image" {
	head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/junk.tar"
	run --separate-stderr brig image import "$BATS_TEST_TMPDIR/junk.tar" junk
	[ "$status" -eq 125 ]
	one_line_error
	run brig image ls
	[[ $output != *junk* ]]
	[ -z "$(ls -A "$ROOT/images/by-id" 2>/dev/null)" ]
}
