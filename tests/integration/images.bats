#!/usr/bin/env bats
# Real images (issue 11): docker-archive and OCI import, shared layers, the
# image config, save/export/commit, atomicity on full disks and kills, and
# hostile archives.  The images are built by scripts/mkimage-oci.py from the
# busybox rootfs (image_helpers.bash: `fixture NAME`); registry pull/push
# and mounts have suites of their own.
#
# The fixture image: layer 1 is the busybox rootfs plus lower/{deleted,
# replaced,kept} and opaque/{a,b}; layer 2 whites out lower/deleted,
# replaces lower/replaced ("top"), makes opaque/ opaque (adding opaque/c)
# and creates /work (1000:1000).  Config: User 1000:1000, WorkingDir /work,
# Env FOO=from-image BAR=from-image, Entrypoint ["/bin/echo","entry"],
# Cmd ["default-cmd"], StopSignal SIGUSR1, ExposedPorts 8080/tcp 53/udp.

load helpers
load image_helpers

setup() {
	sandbox_setup
}

teardown() {
	sandbox_teardown
}

# ---- import: formats ---------------------------------------------------------

@test "import: a docker-archive (docker save, legacy layout) prints the image id; a container sees the top layer" {
	local id got
	id=$(hex_of "$(meta docker image_id)")
	run brig image import "$(fixture docker)"
	[ "$status" -eq 0 ]
	got=$(short_id_of "$output")
	[ "${#got}" -ge 12 ]
	[[ $id == "$got"* ]]
	run top_view fixture:docker
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_view)" ]
}

@test "import: a docker-archive in Docker 25's layout (blobs/sha256, index.json)" {
	run brig image import "$(fixture docker25)"
	[ "$status" -eq 0 ]
	run top_view fixture:docker25
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_view)" ]
	[ "$(inspect_field fixture:docker25 Id)" = "$(meta docker25 image_id)" ]
}

@test "image load -i: the Docker spelling of importing a docker-archive" {
	run brig image load -i "$(fixture docker)"
	[ "$status" -eq 0 ]
	run image_rows
	[[ $output == *"fixture docker "* ]]
	run top_view fixture:docker
	[ "$output" = "$(expected_view)" ]
}

@test "import: an OCI layout directory (gzip layers) under the given REF" {
	run brig image import "$(fixture oci)" fixture:oci
	[ "$status" -eq 0 ]
	run top_view fixture:oci
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_view)" ]
}

@test "import: an OCI archive with zstd layers" {
	run brig image import "$(fixture oci-zstd)" fixture:zstd
	[ "$status" -eq 0 ]
	run top_view fixture:zstd
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_view)" ]
}

@test "import: gzip, zstd and uncompressed layers give one image id and one copy of each layer" {
	brig image import "$(fixture oci)" fixture:gzip
	brig image import "$(fixture oci-none)" fixture:none
	brig image import "$(fixture oci-zstd)" fixture:zstd
	local id
	id=$(meta oci image_id)
	[ "$(inspect_field fixture:gzip Id)" = "$id" ]
	[ "$(inspect_field fixture:none Id)" = "$id" ]
	[ "$(inspect_field fixture:zstd Id)" = "$id" ]
	[ "$(layer_count)" -eq 2 ]
	run top_view fixture:none
	[ "$output" = "$(expected_view)" ]
}

@test "import: - reads a docker-archive from stdin" {
	run brig image import - <"$(fixture docker)"
	[ "$status" -eq 0 ]
	[ "$(inspect_field fixture:docker Id)" = "$(meta docker image_id)" ]
	run top_view fixture:docker
	[ "$output" = "$(expected_view)" ]
}

@test "import: a rootfs tarball needs a REF" {
	run --separate-stderr brig image import "$(image_tarball)"
	[ "$status" -eq 125 ]
	one_line_error
	run image_rows
	[ -z "$output" ]
}

@test "import: an archive holding one image gets the REF given as a further tag" {
	run brig image import "$(fixture docker)" lab/router:v2
	[ "$status" -eq 0 ]
	run image_rows
	[[ $output == *"fixture docker "* ]]
	[[ $output == *"lab/router v2 "* ]]
	[ "$(inspect_field lab/router:v2 Id)" = "$(meta docker image_id)" ]
}

@test "import: several images and tags in one docker-archive (legacy layout)" {
	run brig image load -i "$(fixture multi)"
	[ "$status" -eq 0 ]
	local a b
	a=$(meta multi image_id 0)
	b=$(meta multi image_id 1)
	[ "$(inspect_field multi:a Id)" = "$a" ]
	[ "$(inspect_field multi:b Id)" = "$a" ]
	[ "$(inspect_field other:1 Id)" = "$b" ]
	run image_rows
	[ "${#lines[@]}" -eq 3 ]
	run brig run --rm --net none --entrypoint /bin/cat other:1 /b/marker
	[ "$status" -eq 0 ]
	[ "$output" = "image b" ]
	# The base layer both images share is stored once: base, top, b's top.
	[ "$(layer_count)" -eq 3 ]
}

@test "import: several images and tags in one docker-archive (Docker 25 layout)" {
	run brig image load -i "$(fixture multi25)"
	[ "$status" -eq 0 ]
	[ "$(inspect_field multi:a Id)" = "$(meta multi25 image_id 0)" ]
	[ "$(inspect_field multi:b Id)" = "$(meta multi25 image_id 0)" ]
	[ "$(inspect_field other:1 Id)" = "$(meta multi25 image_id 1)" ]
	[ "$(layer_count)" -eq 3 ]
}

@test "import: an OCI index holding a manifest list (arm64 first) picks amd64" {
	run brig image import "$(fixture platforms)" fixture:platforms
	[ "$status" -eq 0 ]
	[ "$(inspect_field fixture:platforms Id)" = "$(meta platforms image_id)" ]
	[ "$(inspect_field fixture:platforms Id)" != "$(meta platforms image_id arm64)" ]
	[ "$(inspect_label fixture:platforms org.brig.test.arch)" = amd64 ]
	run top_view fixture:platforms
	[ "$output" = "$(expected_view)" ]
}

# ---- references, ls, inspect, history, tag ------------------------------------

@test "references are normalised as Docker does (alpine = docker.io/library/alpine:latest)" {
	brig image load -i "$(fixture docker)"
	local id
	id=$(meta docker image_id)
	[ "$(inspect_field docker.io/library/fixture:docker Id)" = "$id" ]
	[ "$(inspect_field fixture:docker RepoTags)" = '["fixture:docker"]' ]
	run brig image tag fixture:docker fixture
	[ "$status" -eq 0 ]
	[ "$(inspect_field fixture:latest Id)" = "$id" ]
	[ "$(inspect_field docker.io/library/fixture Id)" = "$id" ]
	run brig image tag docker.io/library/fixture:docker localhost:5000/lab/r1:v2
	[ "$status" -eq 0 ]
	[ "$(inspect_field localhost:5000/lab/r1:v2 Id)" = "$id" ]
	run image_rows
	[[ $output == *"fixture latest "* ]]
	[[ $output == *"localhost:5000/lab/r1 v2 "* ]]
	run brig run --rm --net none fixture
	[ "$status" -eq 0 ]
	[ "$output" = "entry default-cmd" ]
}

@test "image ls: REPOSITORY TAG IMAGE ID CREATED SIZE; -q prints short ids; --format json" {
	brig image load -i "$(fixture docker)"
	local hex
	hex=$(hex_of "$(meta docker image_id)")
	run brig image ls
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == REPOSITORY*TAG*"IMAGE ID"*CREATED*SIZE* ]]
	[ "$(awk '$1 == "fixture" && $2 == "docker" { print $3 }' <<<"$output")" = "${hex:0:12}" ]
	run brig image ls -q
	[ "$status" -eq 0 ]
	[ "$output" = "${hex:0:12}" ]
	run brig image ls --format json
	[ "$status" -eq 0 ]
	json_valid <<<"$output"
	run python3 -c '
import json, sys
text = sys.stdin.read().strip()
try:
    rows = json.loads(text)
    rows = rows if isinstance(rows, list) else [rows]
except ValueError:
    rows = [json.loads(l) for l in text.splitlines() if l.strip()]
for r in rows:
    r = {k.lower(): v for k, v in r.items()}
    if r.get("repository") == "fixture" and r.get("tag") == "docker":
        print(str(r.get("id")).replace("sha256:", ""))
' <<<"$output"
	[ "$status" -eq 0 ]
	[ "${#output}" -ge 12 ]
	[[ $hex == "$output"* ]]
}

@test "image inspect: Id, RepoTags, the config and the layers' diff_ids" {
	brig image load -i "$(fixture docker)"
	[ "$(inspect_field fixture:docker Id)" = "$(meta docker image_id)" ]
	[ "$(inspect_field fixture:docker Config.Entrypoint)" = '["/bin/echo","entry"]' ]
	[ "$(inspect_field fixture:docker Config.Cmd)" = '["default-cmd"]' ]
	[ "$(inspect_field fixture:docker Config.WorkingDir)" = /work ]
	[ "$(inspect_field fixture:docker Config.User)" = 1000:1000 ]
	[ "$(inspect_field fixture:docker Config.StopSignal)" = SIGUSR1 ]
	[ "$(inspect_field fixture:docker Config.ExposedPorts)" = '{"53/udp":{},"8080/tcp":{}}' ]
	[ "$(inspect_field fixture:docker Config.Labels)" = '{"org.brig.test":"fixture","org.brig.test.arch":"amd64"}' ]
	run inspect_field fixture:docker Config.Env
	[[ $output == *'"FOO=from-image"'* ]]
	[[ $output == *'"BAR=from-image"'* ]]
	[ "$(inspect_field fixture:docker RootFS.Type)" = layers ]
	[ "$(inspect_field fixture:docker RootFS.Layers)" = "$(meta docker diff_ids | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split(), separators=(",", ":")))')" ]
	local d
	for d in $(meta docker diff_ids); do
		has_layer "$d"
	done
}

@test "image history lists the image's history entries" {
	brig image load -i "$(fixture docker)"
	run brig image history fixture:docker
	[ "$status" -eq 0 ]
	[[ $output == *"fixture: top layer"* ]]
	[[ $output == *"fixture: base rootfs"* ]]
}

@test "image rm is refused while a container uses a layered image; untagging keeps a tagged image" {
	brig image load -i "$(fixture docker)"
	brig image tag fixture:docker fixture:other
	run brig image rm fixture:other
	[ "$status" -eq 0 ]
	[ "$(inspect_field fixture:docker Id)" = "$(meta docker image_id)" ]
	run brig run --name user --net none fixture:docker
	[ "$status" -eq 0 ]
	run --separate-stderr brig image rm fixture:docker
	[ "$status" -eq 125 ]
	one_line_error
	run image_rows
	[[ $output == *"fixture docker "* ]]
	run brig rm user
	[ "$status" -eq 0 ]
	run brig image rm fixture:docker
	[ "$status" -eq 0 ]
	run image_rows
	[ -z "$output" ]
}

# ---- the image config ------------------------------------------------------------

@test "config: no arguments run Entrypoint + Cmd" {
	brig image load -i "$(fixture docker)"
	run brig run --rm --net none fixture:docker
	[ "$status" -eq 0 ]
	[ "$output" = "entry default-cmd" ]
}

@test "config: arguments replace Cmd and keep the Entrypoint" {
	brig image load -i "$(fixture docker)"
	run brig run --rm --net none fixture:docker one two
	[ "$status" -eq 0 ]
	[ "$output" = "entry one two" ]
}

@test "config: --entrypoint replaces the Entrypoint and resets Cmd" {
	brig image load -i "$(fixture docker)"
	run brig run --rm --net none --entrypoint /bin/echo fixture:docker
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run brig run --rm --net none --entrypoint /bin/echo fixture:docker a b
	[ "$status" -eq 0 ]
	[ "$output" = "a b" ]
	run brig run --rm --net none --entrypoint '' fixture:docker /bin/echo reset
	[ "$status" -eq 0 ]
	[ "$output" = reset ]
}

@test "config: the image's Env applies and -e wins over it" {
	brig image load -i "$(fixture docker)"
	run brig run --rm --net none --entrypoint /usr/bin/env fixture:docker
	[ "$status" -eq 0 ]
	[ "$(grep -c '^FOO=' <<<"$output")" -eq 1 ]
	grep -qx 'FOO=from-image' <<<"$output"
	grep -qx 'BAR=from-image' <<<"$output"
	grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' <<<"$output"
	run brig run --rm --net none -e FOO=cli -e NEW=1 --entrypoint /usr/bin/env fixture:docker
	[ "$status" -eq 0 ]
	[ "$(grep -c '^FOO=' <<<"$output")" -eq 1 ]
	grep -qx 'FOO=cli' <<<"$output"
	grep -qx 'BAR=from-image' <<<"$output"
	grep -qx 'NEW=1' <<<"$output"
}

@test "config: WorkingDir applies and -w overrides it; a WorkingDir missing from the image is created" {
	brig image load -i "$(fixture docker)"
	brig image load -i "$(fixture newdir)"
	run brig run --rm --net none --entrypoint /bin/pwd fixture:docker
	[ "$status" -eq 0 ]
	[ "$output" = /work ]
	run brig run --rm --net none -w /tmp --entrypoint /bin/pwd fixture:docker
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
	run brig run --rm --net none --entrypoint /bin/pwd fixture:newdir
	[ "$status" -eq 0 ]
	[ "$output" = /new/dir ]
}

@test "config: User applies (numeric and a name from the image's /etc/passwd) and -u overrides it" {
	brig image load -i "$(fixture docker)"
	brig image load -i "$(fixture named)"
	local ids='echo "$(id -u):$(id -g)"'
	run brig run --rm --net none --entrypoint /bin/sh fixture:docker -c "$ids"
	[ "$status" -eq 0 ]
	[ "$output" = 1000:1000 ]
	run brig run --rm --net none --entrypoint /bin/sh fixture:named -c "$ids"
	[ "$status" -eq 0 ]
	[ "$output" = 1000:1000 ]
	run brig run --rm --net none -u 0 --entrypoint /bin/sh fixture:docker -c "$ids"
	[ "$status" -eq 0 ]
	[ "$output" = 0:0 ]
	run brig run --rm --net none -u 1234:5678 --entrypoint /bin/sh fixture:docker -c "$ids"
	[ "$status" -eq 0 ]
	[ "$output" = 1234:5678 ]
}

log_has() {
	brig logs "$1" 2>&1 | grep -q -- "$2"
}

@test "config: stop sends the image's StopSignal (SIGUSR1)" {
	brig image load -i "$(fixture docker)"
	# pid 1 ignores a signal it has no handler for: only USR1 ends it.
	run brig run -d --name sig --net none --entrypoint /bin/sh fixture:docker \
		-c 'trap "exit 42" USR1; echo ready; while :; do sleep 1 & wait $!; done'
	[ "$status" -eq 0 ]
	wait_for 10 log_has sig ready
	run brig stop -t 60 sig
	[ "$status" -eq 0 ]
	run brig wait sig
	[ "$status" -eq 0 ]
	[ "$output" = 42 ]
}

# ---- integrity -------------------------------------------------------------------

# refused_unchanged FIXTURE [REF]: importing FIXTURE fails with exit 125 and
# one line naming a digest; the store and `image ls` are as before, and no
# temp file is left.
refused_unchanged() {
	local before rows
	before=$(store_listing)
	rows=$(image_rows)
	run --separate-stderr brig image import "$(fixture "$1")" "${@:2}"
	echo "status $status, stderr: $stderr"
	[ "$status" -eq 125 ]
	one_line_error
	[[ ${stderr,,} == *digest* ]]
	[ "$(store_listing)" = "$before" ]
	[ "$(image_rows)" = "$rows" ]
	tmp_is_empty
}

@test "integrity: a docker-archive whose top layer has one byte changed is refused; the shared base stays" {
	import_busybox
	brig image load -i "$(fixture base)"
	refused_unchanged tamper-docker
	run brig run --rm --net none --entrypoint /bin/cat base:1 /lower/kept
	[ "$status" -eq 0 ]
	[ "$output" = "lower kept" ]
}

@test "integrity: a tampered layer in a Docker 25 archive is refused" {
	import_busybox
	refused_unchanged tamper-docker25
}

@test "integrity: a tampered gzip layer in an OCI layout is refused (it still decompresses)" {
	import_busybox
	refused_unchanged tamper-oci-layer tampered:layer
}

@test "integrity: a tampered base layer in an OCI layout is refused" {
	import_busybox
	refused_unchanged tamper-oci-base tampered:base
}

@test "integrity: a tampered config in an OCI layout is refused" {
	import_busybox
	refused_unchanged tamper-oci-config tampered:config
}

@test "integrity: a tampered manifest in an OCI layout is refused" {
	import_busybox
	refused_unchanged tamper-oci-manifest tampered:manifest
}

@test "integrity: a tampered image index (manifest list) is refused" {
	import_busybox
	refused_unchanged tamper-oci-index tampered:index
}

# ---- shared layers -----------------------------------------------------------------

@test "layers: two images sharing a base layer store it once; prune drops layers nobody uses" {
	brig image load -i "$(fixture docker)"
	local n1 kib1 base_kib
	n1=$(layer_count)
	kib1=$(store_kib)
	[ "$n1" -eq 2 ]
	brig image load -i "$(fixture shared)"
	# One new layer: the small top; the disk grows by far less than the base.
	[ "$(layer_count)" -eq $((n1 + 1)) ]
	base_kib=$(($(meta docker layer_sizes | head -n 1) / 1024))
	echo "store: $kib1 KiB, then $(store_kib) KiB; base layer $base_kib KiB"
	[ $(($(store_kib) - kib1)) -lt $((base_kib / 2)) ]
	[ "$(meta shared diff_ids | head -n 1)" = "$(meta docker diff_ids | head -n 1)" ]
	# Removing one image keeps the shared layer for the other.
	brig image rm fixture:docker
	run brig run --rm --net none --entrypoint /bin/cat shared:b /b/marker /lower/kept
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'shared-b\nlower kept')" ]
	brig image rm shared:b
	run brig image prune
	[ "$status" -eq 0 ]
	[ "$(layer_count)" -eq 0 ]
}

# ---- save, export, commit ---------------------------------------------------------

@test "save: a docker-archive with docker load's layout (RepoTags, config and layer digests)" {
	brig image load -i "$(fixture docker)"
	brig image tag fixture:docker fixture:copy
	local out=$BATS_TEST_TMPDIR/saved.tar
	run brig image save fixture:docker -o "$out"
	[ "$status" -eq 0 ]
	run saved_check "$out"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "TAGS=fixture:docker CONFIG=$(meta docker image_id) LAYERS=ok" ]
	# The reference tool reads it too.
	run skopeo inspect "docker-archive:$out"
	[ "$status" -eq 0 ]
}

@test "save: several references into one archive; it loads back into brig" {
	brig image load -i "$(fixture multi)"
	local out=$BATS_TEST_TMPDIR/saved.tar
	run brig image save multi:a other:1 -o "$out"
	[ "$status" -eq 0 ]
	run saved_check "$out"
	[ "$status" -eq 0 ]
	[[ $output == *"TAGS=multi:a CONFIG=$(meta multi image_id 0) LAYERS=ok"* ]]
	[[ $output == *"TAGS=other:1 CONFIG=$(meta multi image_id 1) LAYERS=ok"* ]]
	# Into a fresh root: the same ids, and the containers see the same.
	ROOT=$SB/root2
	mkdir -p "$ROOT"
	run brig image load -i "$out"
	[ "$status" -eq 0 ]
	[ "$(inspect_field multi:a Id)" = "$(meta multi image_id 0)" ]
	[ "$(inspect_field other:1 Id)" = "$(meta multi image_id 1)" ]
	run top_view multi:a
	[ "$output" = "$(expected_view)" ]
}

@test "export: the tar holds the container's filesystem with its changes" {
	brig image load -i "$(fixture docker)"
	run brig run --name ex --net none -u 0 --entrypoint /bin/sh fixture:docker \
		-c 'echo exported > /work/new && rm /lower/kept'
	[ "$status" -eq 0 ]
	local out=$BATS_TEST_TMPDIR/export.tar
	run brig export ex -o "$out"
	[ "$status" -eq 0 ]
	run tar_names "$out"
	[ "$status" -eq 0 ]
	grep -qx 'work/new' <<<"$output"
	grep -qx 'lower/replaced' <<<"$output"
	grep -qx 'opaque/c' <<<"$output"
	grep -qx 'bin/busybox' <<<"$output"
	! grep -qx 'lower/kept' <<<"$output" || false
	! grep -qx 'lower/deleted' <<<"$output" || false
	! grep -qx 'opaque/a' <<<"$output" || false
	! grep -q '\.wh\.' <<<"$output" || false
	[ "$(tar_cat "$out" work/new)" = exported ]
	[ "$(tar_cat "$out" lower/replaced)" = top ]
}

@test "commit: a new image from the container's changes; run sees them" {
	brig image load -i "$(fixture docker)"
	run brig run --name co --net none -u 0 --entrypoint /bin/sh fixture:docker \
		-c 'echo committed > /work/new && rm /lower/kept && echo changed > /lower/replaced'
	[ "$status" -eq 0 ]
	run brig commit co committed:1
	[ "$status" -eq 0 ]
	run brig run --rm --net none -u 0 --entrypoint /bin/sh committed:1 \
		-c 'cat /work/new /lower/replaced; ls /lower'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'committed\nchanged\nreplaced')" ]
	# The image's layers plus one; its Env kept.
	run inspect_field committed:1 RootFS.Layers
	[ "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$output")" -eq 3 ]
	[[ $output == '["'"$(meta docker diff_ids | head -n 1)"'","'"$(meta docker diff_ids | tail -n 1)"'",'* ]]
	run inspect_field committed:1 Config.Env
	[[ $output == *'"FOO=from-image"'* ]]
}

# ---- atomicity ---------------------------------------------------------------------

@test "atomicity: a 100 MiB archive into a root on a 32 MiB tmpfs fails with 'no space' and changes nothing" {
	small_root 32m
	import_busybox
	brig image load -i "$(fixture base)"
	local before rows
	before=$(store_listing)
	rows=$(image_rows)
	run --separate-stderr brig image load -i "$(fixture big)"
	echo "stderr: $stderr"
	[ "$status" -eq 125 ]
	one_line_error
	[[ ${stderr,,} == *"no space"* ]]
	[ "$(store_listing)" = "$before" ]
	[ "$(image_rows)" = "$rows" ]
	tmp_is_empty
	run brig run --rm --net none --entrypoint /bin/cat base:1 /lower/kept
	[ "$status" -eq 0 ]
	[ "$output" = "lower kept" ]
	run brig run --rm --net none busybox echo still
	[ "$status" -eq 0 ]
	[ "$output" = still ]
}

# refused_clean FILE [REF]: importing FILE fails with exit 125 and one
# error line, and leaves the store and `image ls` as they were, with no temp
# file.
refused_clean() {
	local before rows
	before=$(store_listing)
	rows=$(image_rows)
	run --separate-stderr brig image import "$@"
	echo "status $status, stderr: $stderr"
	[ "$status" -eq 125 ]
	one_line_error
	[ "$(store_listing)" = "$before" ]
	[ "$(image_rows)" = "$rows" ]
	tmp_is_empty
}

@test "atomicity: a truncated docker-archive and a corrupt gzip are refused; the store is as before" {
	import_busybox
	brig image load -i "$(fixture base)"
	local f=$BATS_TEST_TMPDIR/truncated.tar size
	size=$(stat -c %s "$(fixture docker)")
	head -c $((size * 2 / 3)) "$(fixture docker)" >"$f"
	refused_clean "$f"
	# A gzip rootfs with a run of bytes in the middle of its deflate data
	# changed: the stream no longer inflates (or its CRC fails).
	f=$BATS_TEST_TMPDIR/corrupt.tar.gz
	gzip -c "$(image_tarball)" >"$f"
	python3 - "$f" <<-'PY'
		import os, sys
		with open(sys.argv[1], "r+b") as f:
		    f.seek(os.path.getsize(sys.argv[1]) // 2)
		    f.write(bytes(64))
	PY
	refused_clean "$f" corrupt:1
}

@test "atomicity: SIGKILL midway through an import leaves the store as before; the next command removes the partial files" {
	import_busybox
	brig image load -i "$(fixture base)"
	local before rows fifo=$BATS_TEST_TMPDIR/stdin pid fd
	before=$(store_listing)
	rows=$(image_rows)
	# brig reads the archive from a pipe this test holds open: it has most
	# of it and waits for the rest when it is killed.
	mkfifo "$fifo"
	exec {fd}<>"$fifo"
	(
		exec {fd}>&-
		exec "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" \
			image import - big:1 <"$fifo" >"$BATS_TEST_TMPDIR/import.log" 2>&1 3>&-
	) &
	pid=$!
	timeout 120 head -c $((80 << 20)) "$(fixture big)" >&"$fd"
	wait_for 60 tmp_has_files
	kill -KILL "$pid"
	wait "$pid" || true
	exec {fd}>&-
	run image_rows
	[ "$output" = "$rows" ]
	run brig image prune
	[ "$status" -eq 0 ]
	tmp_is_empty
	[ "$(store_listing)" = "$before" ]
	run brig run --rm --net none --entrypoint /bin/cat base:1 /lower/kept
	[ "$output" = "lower kept" ]
}

# ---- hostile archives ------------------------------------------------------------

# hostile CASE: the rootfs form and the docker-archive form (its top layer)
# of mkhostile.py's CASE import safely or fail cleanly.
hostile() {
	local dir=$BATS_TEST_TMPDIR/hostile
	canary_setup
	mkdir -p "$dir"
	brig image load -i "$(fixture base)"
	python3 "$MKHOSTILE" rootfs "$1" --target "$CANARY" "$dir/$1.tar"
	python3 "$MKHOSTILE" docker "$1" --target "$CANARY" --rootfs "$(image_tarball)" \
		--tag "hostile-$1:docker" "$dir/$1.docker.tar"
	hostile_import "$dir/$1.tar" "hostile-$1:rootfs"
	hostile_import "$dir/$1.docker.tar"
	# The base layer the docker form shares is intact.
	run brig run --rm --net none -u 0 --entrypoint /bin/cat base:1 /lower/kept /opaque/a
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'lower kept\nlower a')" ]
}

@test "hostile: path traversal (../../x, /x, a/../../x, a long PAX name)" {
	hostile traversal
}

@test "hostile: symlink escapes (evil -> / then evil/x, chains, a directory through a link)" {
	hostile symlink
}

@test "hostile: hard link escapes (to a file outside, via a symlinked dir, to /etc/shadow) and writes through them" {
	hostile hardlink
}

@test "hostile: whiteouts naming .. and . and escaping or absolute paths, and through a symlink" {
	hostile whiteout
}

@test "hostile: device nodes with huge major/minor numbers" {
	hostile devices
}

@test "hostile: a header size larger than the data that follows" {
	hostile size-overrun
}

@test "hostile: a negative (base-256) header size" {
	hostile size-negative
}

@test "hostile: a header size that is not octal" {
	hostile size-garbage
}

@test "hostile: a PAX size record of 10^14 bytes" {
	hostile pax-size
}

@test "hostile: a 300-level directory chain and a 5000-byte name" {
	hostile deep
}

@test "hostile: a docker-archive whose own members escape (../x, /x, through a symlink)" {
	canary_setup
	brig image load -i "$(fixture base)"
	local out=$BATS_TEST_TMPDIR/outer.tar
	python3 "$MKHOSTILE" docker docker-outer --target "$CANARY" --rootfs "$(image_tarball)" "$out"
	hostile_import "$out"
}

# bad_digest CASE: an archive naming a path outside itself where a digest or
# a member name belongs (CVE-2024-3727) is refused, and nothing is read or
# written outside (bait files in the canary would make a naive import work).
bad_digest() {
	canary_setup
	import_busybox
	local out=$BATS_TEST_TMPDIR/$1
	python3 "$MKHOSTILE" bad-digest "$1" --target "$CANARY" --rootfs "$(image_tarball)" "$out"
	hostile_import "$out" hostile:digest
	[ "$status" -eq 125 ]
	run brig image inspect hostile:digest
	[ "$status" -ne 0 ]
}

@test "hostile: an OCI layer digest sha256:../../x is refused" {
	bad_digest oci-layer-digest
}

@test "hostile: an OCI config digest sha256:../../x is refused" {
	bad_digest oci-config-digest
}

@test "hostile: an index.json manifest digest sha256:../../x is refused" {
	bad_digest oci-manifest-digest
}

@test "hostile: a config whose rootfs.diff_ids names sha256:../../x is refused" {
	bad_digest oci-diffid
}

@test "hostile: a digest whose algorithm part is a path is refused" {
	bad_digest oci-digest-alg
}

@test "hostile: a docker-archive manifest.json Config of ../../x is refused" {
	bad_digest docker-config-path
}

@test "hostile: a docker-archive manifest.json layer at an absolute path is refused" {
	bad_digest docker-layer-path
}

@test "hostile: a Docker 25 manifest.json Config of blobs/sha256/../../x is refused" {
	bad_digest docker-blob-path
}

# ---- hostile streams: bounded memory --------------------------------------------

# stream_import FORMAT REF: mkhostile.py's padding stream (the archive then
# 8 GiB of zeros) piped into `brig image import -`.
stream_import() {
	python3 "$MKHOSTILE" padding --format "$1" --rootfs "$(image_tarball)" --tag padded:docker --gib 8 |
		brig_rss "$BATS_TEST_TMPDIR/rss" image import - "${@:2}"
}

# imported_or_refused: the last `run` imported (0) or failed cleanly.
imported_or_refused() {
	if [ "$status" -ne 0 ]; then
		[ "$status" -eq 125 ]
		one_line_error
	fi
}

@test "hostile: a docker-archive followed by 8 GiB of zeros on stdin, in bounded memory" {
	run --separate-stderr stream_import docker
	echo "status $status, stderr: $stderr, peak RSS $(cat "$BATS_TEST_TMPDIR/rss") KiB"
	imported_or_refused
	[ "$(cat "$BATS_TEST_TMPDIR/rss")" -lt "$RSS_LIMIT_KIB" ]
	tmp_is_empty
	if [ "$status" -eq 0 ]; then
		run top_view padded:docker
		[ "$output" = "$(expected_view)" ]
	fi
}

@test "hostile: a rootfs tarball followed by 8 GiB of zeros on stdin, in bounded memory" {
	run --separate-stderr stream_import rootfs padded:rootfs
	echo "status $status, stderr: $stderr, peak RSS $(cat "$BATS_TEST_TMPDIR/rss") KiB"
	imported_or_refused
	[ "$(cat "$BATS_TEST_TMPDIR/rss")" -lt "$RSS_LIMIT_KIB" ]
	tmp_is_empty
	if [ "$status" -eq 0 ]; then
		run brig run --rm --net none padded:rootfs echo padded
		[ "$output" = padded ]
	fi
}

# bomb FIXTURE [REF]: the 4 GiB-of-zeros bomb into a root on a 256 MiB
# tmpfs (so that extracting it ends soon either way) imports or fails
# cleanly, in bounded memory, leaving no temp file (and, failed, the store
# as it was).
bomb() {
	small_root 256m
	import_busybox
	local before rss=$BATS_TEST_TMPDIR/rss
	before=$(store_listing)
	run --separate-stderr brig_rss "$rss" image import "$(fixture "$1")" "${@:2}"
	echo "status $status, stderr: $stderr, peak RSS $(cat "$rss") KiB"
	imported_or_refused
	[ "$(cat "$rss")" -lt "$RSS_LIMIT_KIB" ]
	tmp_is_empty
	if [ "$status" -ne 0 ]; then
		[ "$(store_listing)" = "$before" ]
	fi
}

@test "hostile: a decompression bomb as a rootfs tarball (tar.gz)" {
	bomb bomb bomb:rootfs
}

@test "hostile: a decompression bomb as a docker-archive layer" {
	bomb bomb-docker
}
