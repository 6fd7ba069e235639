#!/usr/bin/env bats
# Registry pull, push and login (issue 11, item 3) against Debian's
# docker-registry (the reference distribution registry) on 127.0.0.1:5000
# inside each test's sandbox (registry_helpers.bash): filled by `skopeo copy`
# of OCI layouts made from the busybox rootfs, or by brig's own push.  No
# outside registry is ever contacted.

load helpers
load registry_helpers

setup() {
	sandbox_setup
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
}

teardown() {
	registry_stop
	sandbox_teardown
}

# The image every test pulls: busybox plus /etc/platform naming its
# architecture, in a second layer.
push_bb() {
	local lay=$BATS_TEST_TMPDIR/bb
	[ -e "$lay/index.json" ] || oci_layout "$lay" --extra /etc/platform={arch}
	skopeo_push "$lay:1" "$REG/${1:-test/bb:1}"
}

# The host's architecture as OCI spells it.
host_arch() {
	case "$(uname -m)" in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}

# inspect_of REF KEY: a top-level key of `brig image inspect REF`.
inspect_of() {
	brig image inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
v = d[sys.argv[1]]
print(json.dumps(v) if isinstance(v, (list, dict)) else v)
' "$2"
}

pulls_left() {
	ls -A "$ROOT/images/pulls" 2>/dev/null
}

# tamper_manifest FILE: one byte of a manifest changed, still valid JSON of
# the same length (a layer's media type), so only its digest tells.
tamper_manifest() {
	python3 -c '
import sys
p = sys.argv[1]
b = open(p, "rb").read()
assert b"tar+gzip" in b
open(p, "wb").write(b.replace(b"tar+gzip", b"tar+gziq", 1))
' "$1"
}

# flip_byte FILE: change the first byte of FILE in place (a tampered blob).
flip_byte() {
	python3 -c '
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[0] ^= 0xff
open(p, "wb").write(bytes(b))
' "$1"
}

# ---- pull --------------------------------------------------------------------

@test "pull: an image skopeo pushed is pulled, listed and runs; nothing is left in pulls/" {
	registry_start
	push_bb
	run --separate-stderr brig pull "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# Not a terminal: no progress, only the digest, the status and the name.
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} =~ ^Digest:\ sha256:[0-9a-f]{64}$ ]]
	[ "${lines[1]}" = "Status: Downloaded newer image for $REG/test/bb:1" ]
	[ "${lines[2]}" = "$REG/test/bb:1" ]
	run brig image ls
	[[ $output == *"$REG/test/bb "*" 1 "* ]]
	run brig run --rm "$REG/test/bb:1" cat /etc/platform
	[ "$status" -eq 0 ]
	[ "$output" = amd64 ]
	[ -z "$(pulls_left)" ]
}

@test "pull: an image the store has is not downloaded again, only tagged" {
	registry_start
	push_bb
	local blobs
	mapfile -t blobs < <(layout_blobs "$BATS_TEST_TMPDIR/bb")
	brig pull -q "$REG/test/bb:1"
	skopeo_push "$BATS_TEST_TMPDIR/bb:1" "$REG/other/name:2"
	run brig pull "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "Status: Image is up to date for $REG/test/bb:1" ]
	run brig pull "$REG/other/name:2"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "Status: Image is up to date for $REG/other/name:2" ]
	local b
	for b in "${blobs[@]}"; do
		[ "$(blob_requests "$b")" -eq 1 ]
	done
	run brig run --rm "$REG/other/name:2" cat /etc/platform
	[ "$output" = amd64 ]
	[ -z "$(pulls_left)" ]
}

@test "pull: the image records its repo digest, the registry's manifest digest" {
	registry_start
	push_bb
	run brig pull "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	local digest=${lines[0]#Digest: }
	run sb skopeo --policy "$(skopeo_policy)" inspect --tls-verify=false --format '{{.Digest}}' \
		"docker://$REG/test/bb:1"
	[ "$output" = "$digest" ]
	run inspect_of "$REG/test/bb:1" RepoDigests
	[[ $output == *"\"$REG/test/bb@$digest\""* ]]
	run brig pull -q "$REG/test/bb@$digest"
	[ "$status" -eq 0 ]
	[ "$output" = "$REG/test/bb@$digest" ]
	run brig run --rm "$REG/test/bb@$digest" cat /etc/platform
	[ "$status" -eq 0 ]
	[ "$output" = amd64 ]
}

@test "pull: localhost is insecure by default, as 127.0.0.0/8 is" {
	registry_start
	push_bb
	run brig pull -q "localhost:5000/test/bb:1"
	[ "$status" -eq 0 ]
	[ "$output" = "localhost:5000/test/bb:1" ]
}

@test "pull: a loopback registry on HTTPS with a self-signed certificate (tried first, unverified)" {
	registry_start tls
	push_bb
	# It speaks only TLS: a fallback to plain HTTP could not pull.
	run sb curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/"
	[ "$output" = 400 ]
	run brig pull -q "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	[ "$output" = "$REG/test/bb:1" ]
}

@test "run: a reference not yet pulled is pulled first" {
	registry_start
	push_bb
	run --separate-stderr brig run --rm "$REG/test/bb:1" cat /etc/platform
	[ "$status" -eq 0 ]
	[ "$output" = amd64 ]
	# Off a terminal the pull is silent (no progress, no "Unable to find").
	[ -z "$stderr" ]
	run brig image ls
	[[ $output == *"$REG/test/bb "* ]]
}

@test "pull: a manifest list (arm64 first, amd64 second) gives the host's platform" {
	registry_start
	oci_layout "$BATS_TEST_TMPDIR/multi" --arch arm64 --arch amd64 --extra /etc/platform={arch}
	skopeo_push "$BATS_TEST_TMPDIR/multi:1" "$REG/test/multi:1"
	run brig pull "$REG/test/multi:1"
	[ "$status" -eq 0 ]
	run inspect_of "$REG/test/multi:1" Architecture
	[ "$output" = "$(host_arch)" ]
	[ "$(host_arch)" = amd64 ] || skip "the image runs on amd64 only"
	run brig run --rm "$REG/test/multi:1" cat /etc/platform
	[ "$output" = amd64 ]
}

@test "pull --platform linux/arm64: the arm64 manifest of the list" {
	registry_start
	oci_layout "$BATS_TEST_TMPDIR/multi" --arch arm64 --arch amd64 --extra /etc/platform={arch}
	skopeo_push "$BATS_TEST_TMPDIR/multi:1" "$REG/test/multi:1"
	run brig pull --platform linux/arm64 "$REG/test/multi:1"
	[ "$status" -eq 0 ]
	run inspect_of "$REG/test/multi:1" Architecture
	[ "$output" = arm64 ]
	run --separate-stderr brig pull --platform linux/s390x "$REG/test/multi:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"no manifest for linux/s390x"*"linux/arm64, linux/amd64"* ]]
}

@test "pull: a digest the registry does not have is refused with 'digest'; nothing is added" {
	registry_start
	push_bb
	local before
	before=$(brig image ls)
	run --separate-stderr brig pull "$REG/test/bb@sha256:$(printf '0%.0s' {1..64})"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *digest* ]]
	[ "$(brig image ls)" = "$before" ]
}

@test "pull: a tampered layer in the registry is refused with 'digest'; the store is unchanged" {
	registry_start
	push_bb
	local before layer
	before=$(brig image ls)
	layer=$(layout_blobs "$BATS_TEST_TMPDIR/bb" | sed -n 3p)
	flip_byte "$(registry_blob_file "$layer")"
	run --separate-stderr brig pull "$REG/test/bb:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"blob $layer does not match its digest"* ]]
	[ "$(brig image ls)" = "$before" ]
}

@test "pull: a tampered manifest in the registry is refused with 'digest'" {
	registry_start
	push_bb
	local manifest
	manifest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
		"$BATS_TEST_TMPDIR/bb/index.json")
	tamper_manifest "$(registry_blob_file "$manifest")"
	run --separate-stderr brig pull "$REG/test/bb:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"does not match the digest"* ]]
}

@test "pull: an interrupted pull resumes; layers already verified are not fetched again" {
	registry_start
	push_bb
	local blobs data
	mapfile -t blobs < <(layout_blobs "$BATS_TEST_TMPDIR/bb")
	[ "${#blobs[@]}" -eq 3 ] # config, busybox, the /etc/platform layer
	# The registry loses the last layer: the pull fails on it.
	data=$(registry_blob_file "${blobs[2]}")
	mv "$data" "$data.away"
	run --separate-stderr brig pull "$REG/test/bb:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"blob ${blobs[2]}: HTTP 404"* ]]
	[ -n "$(pulls_left)" ] # the download is kept for the next attempt
	mv "$data.away" "$data"
	run brig pull "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	[ "$(blob_requests "${blobs[0]}")" -eq 1 ]
	[ "$(blob_requests "${blobs[1]}")" -eq 1 ]
	[ "$(blob_requests "${blobs[2]}")" -eq 2 ]
	[ -z "$(pulls_left)" ]
	run brig run --rm "$REG/test/bb:1" cat /etc/platform
	[ "$output" = amd64 ]
}

@test "pull: per-layer progress on a terminal, none with -q" {
	registry_start
	push_bb
	local blobs cmd="$SANDBOX exec $SB $BRIG_BIN --root $ROOT --runroot $RUNROOT pull"
	mapfile -t blobs < <(layout_blobs "$BATS_TEST_TMPDIR/bb")
	run script -qec "$cmd $REG/test/bb:1" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"${blobs[1]:7:12}: Download complete"* ]]
	[[ $output == *"${blobs[2]:7:12}: Download complete"* ]]
	run script -qec "$cmd -q $REG/test/bb:1" /dev/null
	[ "$status" -eq 0 ]
	[ "$(tr -d '\r' <<<"$output")" = "$REG/test/bb:1" ]
}

@test "pull: errors are one line: no registry, unknown tag, bad reference, no reference" {
	run --separate-stderr brig pull "$REG/test/bb:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"registry $REG"* ]]
	registry_start
	run --separate-stderr brig pull "$REG/test/none:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"HTTP 404"* ]]
	run --separate-stderr brig pull "$REG/Test/Upper:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"invalid reference format"* ]]
	run --separate-stderr brig pull
	[ "$status" -eq 125 ]
	one_line_error
	run brig pull --help
	[ "$status" -eq 0 ]
	[[ $output == *"usage: brig pull"* ]]
}

# ---- insecure registries -----------------------------------------------------
# 192.0.2.10 (TEST-NET-1) has no route in the sandbox: no packet leaves, and
# the error names the URL brig gave up on: https only for a secure registry,
# the http fallback for an insecure one.

# gave_up_on SCHEME: a pull from 192.0.2.10:5000 failed last on SCHEME://.
gave_up_on() {
	run --separate-stderr brig pull 192.0.2.10:5000/x:1
	[ "$status" -eq 125 ] || return 1
	[[ $stderr == *" $1://192.0.2.10:5000/v2/: "* ]]
}

@test "insecure: other registries are HTTPS only unless --insecure or daemon.json lists them" {
	gave_up_on https
	run --separate-stderr brig pull --insecure 192.0.2.10:5000/x:1
	[[ $stderr == *" http://192.0.2.10:5000/v2/: "* ]]
	local listed
	for listed in 192.0.2.0/24 192.0.2.10:5000 http://192.0.2.10:5000/; do
		echo "{\"insecure-registries\": [\"$listed\"]}" >"$ROOT/daemon.json"
		gave_up_on http
	done
	for listed in 192.0.3.0/24 192.0.2.10:5001 192.0.2.10; do
		echo "{\"insecure-registries\": [\"$listed\"]}" >"$ROOT/daemon.json"
		gave_up_on https
	done
	echo '{"insecure-registries": "192.0.2.10:5000"}' >"$ROOT/daemon.json"
	run --separate-stderr brig pull 192.0.2.10:5000/x:1
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"daemon.json: insecure-registries is not a list"* ]]
}

# ---- push --------------------------------------------------------------------

@test "push: an image of the store is pushed; skopeo inspect sees it; a second push uploads nothing" {
	registry_start
	push_bb
	brig pull -q "$REG/test/bb:1"
	brig image tag "$REG/test/bb:1" "$REG/test/copy:2"
	local id
	id=$(inspect_of "$REG/test/bb:1" Id)
	run --separate-stderr brig push "$REG/test/copy:2"
	[ "$status" -eq 0 ]
	[[ $output =~ ^$REG/test/copy:2:\ digest:\ sha256:[0-9a-f]{64}$ ]]
	local digest=${output##* }
	run sb skopeo --policy "$(skopeo_policy)" inspect --tls-verify=false "docker://$REG/test/copy:2"
	[ "$status" -eq 0 ]
	[[ $output == *"\"Digest\": \"$digest\""* ]]
	[[ $output == *'"Architecture": "amd64"'* ]]
	local puts
	puts=$(grep -c '"PUT /v2/test/copy/blobs/uploads/' "$REG_LOG")
	run brig push "$REG/test/copy:2"
	[ "$status" -eq 0 ]
	[ "$(grep -c '"PUT /v2/test/copy/blobs/uploads/' "$REG_LOG")" -eq "$puts" ]
	# And brig pulls back what it pushed, into a store without the image.
	brig image rm "$REG/test/copy:2" "$REG/test/bb:1"
	run brig pull "$REG/test/copy:2"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "Status: Downloaded newer image for $REG/test/copy:2" ]
	[ "$(inspect_of "$REG/test/copy:2" Id)" = "$id" ] # the same image, id and all
	run brig run --rm "$REG/test/copy:2" cat /etc/platform
	[ "$status" -eq 0 ]
	[ "$output" = amd64 ]
}

@test "push: an imported rootfs tarball is pushed and skopeo can copy it (digests verified)" {
	registry_start
	brig image import "$(image_tarball)" "$REG/lab/rootfs:v1"
	run brig push -q "$REG/lab/rootfs:v1"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run sb skopeo --policy "$(skopeo_policy)" copy --quiet --src-tls-verify=false \
		"docker://$REG/lab/rootfs:v1" "dir:$BATS_TEST_TMPDIR/copy"
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/copy/manifest.json" ]
}

@test "push: an image the store does not have fails with one line" {
	registry_start
	run --separate-stderr brig push "$REG/test/absent:1"
	[ "$status" -eq 125 ]
	one_line_error
}

# ---- auth --------------------------------------------------------------------

auth_json() {
	cat "$ROOT/auth.json"
}

mode_of() {
	stat -c %a "$1"
}

@test "login: basic auth (htpasswd); credentials kept mode 0600 in Docker's format; logout" {
	registry_start basic
	SKOPEO_CREDS=$REG_USER:$REG_PASS push_bb
	run --separate-stderr brig pull "$REG/test/bb:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *unauthorized* ]]
	run --separate-stderr brig login -u "$REG_USER" --password-stdin "$REG" <<<"wrong"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"incorrect username or password"* ]]
	[ ! -e "$ROOT/auth.json" ]
	run brig login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
	[ "$status" -eq 0 ]
	[ "$output" = "Login Succeeded" ]
	[ "$(mode_of "$ROOT/auth.json")" = 600 ]
	run auth_json
	[[ $output == *"\"$REG\""* ]]
	[[ $output == *"\"auth\": \"$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)\""* ]]
	run brig pull -q "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	run brig logout "$REG"
	[ "$status" -eq 0 ]
	[ "$output" = "Removing login credentials for $REG" ]
	run auth_json
	[[ $output != *"\"$REG\""* ]]
	run brig logout "$REG"
	[ "$output" = "Not logged in to $REG" ]
	run brig pull -q "$REG/test/bb:1"
	[ "$status" -eq 125 ]
}

@test "login: bearer tokens from the registry's token server, with the stored credentials" {
	registry_start token
	SKOPEO_CREDS=$REG_USER:$REG_PASS push_bb
	: >"$TOKEN_LOG"
	# Anonymous: the token server grants nothing, the registry refuses.
	run --separate-stderr brig pull "$REG/test/bb:1"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *unauthorized* ]]
	grep -qx 'anonymous repository:test/bb:pull' "$TOKEN_LOG"
	run --separate-stderr brig login -u "$REG_USER" -p wrong "$REG"
	[ "$status" -eq 125 ]
	[[ $stderr == *"incorrect username or password"* ]]
	grep -q '^refused' "$TOKEN_LOG"
	run brig login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
	[ "$status" -eq 0 ]
	[ "$(mode_of "$ROOT/auth.json")" = 600 ]
	run brig pull -q "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	grep -qx 'user repository:test/bb:pull' "$TOKEN_LOG"
	run brig run --rm "$REG/test/bb:1" cat /etc/platform
	[ "$output" = amd64 ]
}

@test "push: with bearer tokens, the token asked for is pull,push" {
	registry_start token
	brig image import "$(image_tarball)" "$REG/test/again:1"
	run --separate-stderr brig push "$REG/test/again:1"
	[ "$status" -eq 125 ]
	[[ $stderr == *unauthorized* ]]
	brig login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
	run brig push "$REG/test/again:1"
	[ "$status" -eq 0 ]
	# The registry's challenge names the actions in either order (a Go map).
	grep -qxE 'user repository:test/again:(pull,push|push,pull)' "$TOKEN_LOG"
	run sb skopeo --policy "$(skopeo_policy)" inspect --tls-verify=false \
		--creds "$REG_USER:$REG_PASS" "docker://$REG/test/again:1"
	[ "$status" -eq 0 ]
}

@test "login: refused without a password source when stdin is not a terminal" {
	run --separate-stderr brig login -u someone "$REG" </dev/null
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"--password-stdin"* ]]
	run --separate-stderr brig login -p x --password-stdin "$REG" </dev/null
	[ "$status" -eq 125 ]
	one_line_error
	[ ! -e "$ROOT/auth.json" ]
}
