#!/usr/bin/env bats
# brig serve (issue 16, acceptance): the real docker CLI 20.10 (never
# dockerd; scripts/install-deps.sh puts it at /usr/local/lib/brig-test/docker)
# and the Python SDK (python3-docker), run as an unprivileged user in the
# daemon's group, drive containers: run (--rm, exit codes, -d), ps, exec
# (-it in a tmux terminal), logs -f, inspect, a fetch between containers,
# stop, rm, networks with static addresses, images, load; a user outside
# the group is refused; a daemon killed with SIGKILL and started again
# finds its containers running and manages them; 100 concurrent runs get
# 100 addresses.
#
# Each test: its own sandbox and `brig serve` in it (api_helpers.bash);
# setup_file makes the users brigdk (in group brigdktest) and brigdkout;
# teardown_file removes them.

load helpers
load api_helpers

CLI_USER=brigdk
OUT_USER=brigdkout
CLI_GROUP=brigdktest

setup_file() {
	api_users_add
}

teardown_file() {
	api_users_drop
}

setup() {
	sandbox_setup
	need_docker
	api_pub_setup
	# the CLI's configuration directory, the user's own
	install -d -o "$CLI_USER" -m 700 "$PUB/dk-config"
	import_busybox
	api_serve_start
}

teardown() {
	api_tmux_stop
	api_serve_stop
	sandbox_teardown
	api_pub_drop
}

# dk ARG...: the docker CLI as the group's user, against the test's socket.
dk() {
	"$SANDBOX" exec "$SB" runuser -u "$CLI_USER" -- \
		env DOCKER_HOST="unix://$SOCK" DOCKER_CONFIG="$PUB/dk-config" "$DOCKER_BIN" "$@"
}

# dk_outsider ARG...: the docker CLI as the user outside the group.
dk_outsider() {
	"$SANDBOX" exec "$SB" runuser -u "$OUT_USER" -- \
		env DOCKER_HOST="unix://$SOCK" DOCKER_CONFIG="$PUB/none" "$DOCKER_BIN" "$@"
}

# dk_root ARG...: the docker CLI as root.
dk_root() {
	"$SANDBOX" exec "$SB" env DOCKER_HOST="unix://$SOCK" \
		DOCKER_CONFIG="$BATS_TEST_TMPDIR/dk-config" "$DOCKER_BIN" "$@"
}

# sdk: the Python program on stdin, with python3-docker, as the group's user.
sdk() {
	"$SANDBOX" exec "$SB" runuser -u "$CLI_USER" -- \
		env DOCKER_HOST="unix://$SOCK" python3 -
}

# fetch_is CT_ADDR WANT: a fresh busybox container fetches WANT from
# http://CT_ADDR/ (bounded: busybox wget -T crashes, see helpers.bash).
fetch_is() {
	[ "$(dk run --rm busybox timeout 5 wget -qO- "http://$1/" 2>/dev/null)" = "$2" ]
}

# ps_row NAME: the row of root's local `brig ps` for container NAME.
ps_row() {
	brig ps | awk -v n="$1" '$NF == n'
}

# ---- the docker CLI ------------------------------------------------------------

@test "docker version, info; run --rm prints hi and exits 0; an exit status of 3 is docker's" {
	run dk version --format '{{.Server.APIVersion}} {{.Client.APIVersion}}'
	[ "$status" -eq 0 ]
	[[ $output =~ ^1\.[0-9]+\ 1\.41$ ]]
	run dk info --format '{{.OSType}} {{.Containers}}'
	[ "$status" -eq 0 ]
	[ "$output" = "linux 0" ]
	run --separate-stderr dk run --rm busybox echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	run dk run --rm busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run dk ps -a -q
	[ "$output" = "" ]
}

@test "docker run -d httpd: ps shows it Up, exec, inspect's address serves another container, stop, rm" {
	run dk run -d --name w busybox httpd -f -p 80
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	local id=$output
	run dk ps --format '{{.ID}} {{.Names}} {{.Image}} {{.Status}}'
	[ "$status" -eq 0 ]
	[[ $output =~ ^${id:0:12}\ w\ busybox\ Up\  ]]
	run dk exec w hostname
	[ "$status" -eq 0 ]
	[ "$output" = "${id:0:12}" ]
	run dk exec w sh -c 'exit 7'
	[ "$status" -eq 7 ]
	# a missing command: Docker's 127, the reason on the stream
	run -127 dk exec w /nonexistent
	[[ $output == *"/nonexistent"* ]]
	dk exec w sh -c 'echo served-by-w > /index.html'
	run dk inspect -f '{{.NetworkSettings.IPAddress}}' w
	[ "$status" -eq 0 ]
	# brig's default network: bridge, 10.88.0.0/16
	[[ $output =~ ^10\.88\.[0-9]+\.[0-9]+$ ]]
	local addr=$output
	run dk inspect -f '{{.NetworkSettings.Networks.bridge.IPAddress}}' w
	[ "$output" = "$addr" ]
	wait_for 20 fetch_is "$addr" served-by-w
	# busybox httpd as pid 1 ignores SIGTERM: 1 s before the KILL, not 10
	run dk stop -t 1 w
	[ "$status" -eq 0 ]
	[ "$output" = w ]
	run dk ps -a --format '{{.Names}} {{.Status}}'
	[[ $output == "w Exited ("* ]]
	run dk rm w
	[ "$status" -eq 0 ]
	[ "$output" = w ]
	run dk ps -a -q
	[ "$output" = "" ]
	run brig ps -a -q
	[ "$output" = "" ]
}

@test "docker logs -f follows a container that prints, then ends with its output" {
	dk run -d --name f busybox sh -c 'echo one; sleep 1; echo two; echo three >&2'
	run --separate-stderr dk logs -f f
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'one\ntwo')" ]
	[ "$stderr" = three ]
	run dk wait f
	[ "$output" = 0 ]
	dk rm f
}

@test "docker exec -it in a terminal: a pts, what is typed, the exit status" {
	command -v tmux >/dev/null || skip "tmux is not installed (scripts/install-deps.sh)"
	dk run -d --name t busybox sleep 1000
	tmux_start
	type_line "runuser -u $CLI_USER -- env DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$PUB/dk-config $DOCKER_BIN exec -it t sh; echo rc=\$? > $SB/rc.tmp; mv $SB/rc.tmp $SB/rc"
	wait_for 20 pane_has '^/ # '
	type_line 'echo "E=$(tty | cut -c1-8) Y=$((7 * 6))"'
	wait_for 10 pane_has '^E=/dev/pts Y=42$'
	type_line 'echo "S=$(stty size)"'
	wait_for 10 pane_has "^S=$(pane_size)\$"
	type_line 'exit 6'
	wait_for 30 test -s "$SB/rc"
	[ "$(cat "$SB/rc")" = rc=6 ]
	dk rm -f t
}

@test "docker network create --subnet, run --network --ip: the address inside" {
	run dk network create --subnet 10.77.0.0/24 n
	[ "$status" -eq 0 ]
	run dk run --rm --network n --ip 10.77.0.50 busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ $output == *"inet 10.77.0.50/24"* ]]
	run dk run --rm --network n busybox ip -4 -o addr show eth0
	[[ $output == *"inet 10.77.0."* ]]
	run dk network rm n
	[ "$status" -eq 0 ]
}

@test "docker images; docker load -i of an archive from brig image save; run from it" {
	run dk images --format '{{.Repository}}:{{.Tag}}'
	[ "$status" -eq 0 ]
	[ "$output" = busybox:latest ]
	brig image save busybox -o "$PUB/busybox-docker-archive.tar"
	brig image rm busybox >/dev/null
	run dk images -q
	[ "$output" = "" ]
	run dk load -i "$PUB/busybox-docker-archive.tar"
	[ "$status" -eq 0 ]
	[[ $output == *"Loaded image: busybox:latest"* ]]
	run dk images --format '{{.Repository}}:{{.Tag}}'
	[ "$output" = busybox:latest ]
	run dk run --rm busybox echo loaded
	[ "$output" = loaded ]
}

# ---- the Python SDK ------------------------------------------------------------

@test "python3-docker as the group's user: run, exec_run, logs, remove, run detached and wait" {
	python3 -c 'import docker' 2>/dev/null || skip "python3-docker is not installed"
	run sdk <<-'PY'
		import time
		import docker
		c = docker.from_env()
		print(repr(c.containers.run("busybox", "echo hi", remove=True)))
		ct = c.containers.run("busybox", ["sh", "-c", "echo out; exec sleep 1000"],
		                      detach=True, name="py")
		r = ct.exec_run(["sh", "-c", "echo inexec; exit 4"])
		print(r.exit_code, repr(r.output))
		# the output of a command that prints at once, every time (the SDK
		# reads past the buffer that read the upgrade's head)
		outs = [ct.exec_run(["echo", str(i)]).output for i in range(20)]
		print(sum(o == b"%d\n" % i for i, o in enumerate(outs)))
		deadline = time.monotonic() + 20
		while b"out" not in ct.logs() and time.monotonic() < deadline:
		    time.sleep(0.05)
		print(repr(ct.logs()))
		ct.reload()
		print(ct.status)
		ct.remove(force=True)
		print([x.name for x in c.containers.list(all=True)])
		w = c.containers.run("busybox", ["sh", "-c", "exit 5"], detach=True)
		print(w.wait()["StatusCode"])
		w.remove()
		print(len(c.containers.list(all=True)))
	PY
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "b'hi\\n'" ]
	[ "${lines[1]}" = "4 b'inexec\\n'" ]
	[ "${lines[2]}" = 20 ]
	[ "${lines[3]}" = "b'out\\n'" ]
	[ "${lines[4]}" = running ]
	[ "${lines[5]}" = "[]" ]
	[ "${lines[6]}" = 5 ]
	[ "${lines[7]}" = 0 ]
}

# ---- who is served -------------------------------------------------------------

@test "a user outside the group is refused, by the socket's mode and by the daemon; root and members are served" {
	run dk_outsider version
	[ "$status" -ne 0 ]
	[[ $output == *"permission denied"* ]]
	run dk_outsider run -d --name nope busybox sleep 1000
	[ "$status" -ne 0 ]
	# the daemon's own check (SO_PEERCRED), with the socket opened to all
	chmod 0666 "$SOCK"
	run dk_outsider ps
	[ "$status" -ne 0 ]
	run dk_outsider run -d --name nope busybox sleep 1000
	[ "$status" -ne 0 ]
	grep -q 'refused' "$SB/serve.log"
	run brig ps -a -q
	[ "$output" = "" ]
	run dk_root version --format '{{.Server.Os}}'
	[ "$status" -eq 0 ]
	[ "$output" = linux ]
	run dk version --format '{{.Server.Os}}'
	[ "$status" -eq 0 ]
	[ "$output" = linux ]
}

# ---- restart safety --------------------------------------------------------------

@test "the daemon killed with SIGKILL and started again: containers run on, are listed, logged, stopped, removed" {
	dk run -d --name a busybox sh -c 'echo before; exec sleep 1000'
	dk run -d --name b busybox sleep 1000
	local pa pb
	pa=$(dk inspect -f '{{.State.Pid}}' a)
	pb=$(dk inspect -f '{{.State.Pid}}' b)
	[ "$pa" -gt 0 ]
	[ "$pb" -gt 0 ]
	kill -KILL "$SERVE_PID"
	wait "$SERVE_PID" || true
	SERVE_PID=
	alive "$pa"
	alive "$pb"
	run ps_row a
	[[ $output == *" Up "* ]]
	run ps_row b
	[[ $output == *" Up "* ]]
	api_serve_start
	run dk ps --format '{{.Names}} {{.Status}}'
	[ "$status" -eq 0 ]
	[[ $output == *"a Up"* ]]
	[[ $output == *"b Up"* ]]
	run dk inspect -f '{{.State.Running}} {{.State.Pid}}' a
	[ "$output" = "true $pa" ]
	run dk logs a
	[ "$output" = before ]
	run dk stop -t 1 a
	[ "$status" -eq 0 ]
	wait_for 10 not_alive "$pa"
	run dk inspect -f '{{.State.Status}}' a
	[ "$output" = exited ]
	dk rm a
	run dk rm -f b
	[ "$output" = b ]
	wait_for 10 not_alive "$pb"
	run dk ps -a -q
	[ "$output" = "" ]
}

# ---- load ------------------------------------------------------------------------

@test "100 concurrent docker run -d complete, with 100 distinct addresses" {
	local dir=$BATS_TEST_TMPDIR/runs pids=() fails=0 i
	mkdir -p "$dir"
	for i in $(seq 1 100); do
		dk run -d busybox sleep 1000 >"$dir/$i.out" 2>"$dir/$i.err" &
		pids+=("$!")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || {
			fails=$((fails + 1))
			echo "run $((i + 1)) failed: $(cat "$dir/$((i + 1)).err")"
		}
	done
	[ "$fails" -eq 0 ]
	cat "$dir"/*.out >"$dir/ids"
	[ "$(sort -u "$dir/ids" | wc -l)" -eq 100 ]
	run dk ps -q
	[ "${#lines[@]}" -eq 100 ]
	# shellcheck disable=SC2046
	dk inspect -f '{{.NetworkSettings.IPAddress}}' $(cat "$dir/ids") >"$dir/addrs"
	[ "$(wc -l <"$dir/addrs")" -eq 100 ]
	[ "$(grep -c '^10\.88\.' "$dir/addrs")" -eq 100 ]
	[ "$(sort -u "$dir/addrs" | wc -l)" -eq 100 ]
	xargs -P 4 -n 25 "$SANDBOX" exec "$SB" runuser -u "$CLI_USER" -- \
		env DOCKER_HOST="unix://$SOCK" DOCKER_CONFIG="$PUB/dk-config" "$DOCKER_BIN" rm -f \
		<"$dir/ids" >/dev/null
	run dk ps -a -q
	[ "$output" = "" ]
}

# docker run reads the attach's 101 and sends its start at once: a socket
# kept for the start only after the 101 was sent could miss it, and the CLI
# then waited for its stream's end forever (about 1 run in 30).
@test "docker run --rm 30 times in a row: each prints its output and ends" {
	local i
	for i in $(seq 30); do
		run timeout -s KILL 30 "$SANDBOX" exec "$SB" env DOCKER_HOST="unix://$SOCK" \
			DOCKER_CONFIG="$BATS_TEST_TMPDIR/dk-config" "$DOCKER_BIN" run --rm busybox echo "run $i"
		[ "$status" -eq 0 ]
		[ "$output" = "run $i" ]
	done
}
