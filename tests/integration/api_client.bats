#!/usr/bin/env bats
# brig's CLI as a client of brig serve (issue 16, item 3): an unprivileged
# user in the daemon's group, with BRIG_HOST=unix://SOCKET, runs run (-d,
# --rm, -it, exit codes), ps, exec (-it, exit codes), logs -f, stop, kill,
# rm, inspect, image ls and network ls|create|rm through the daemon, and
# they print what root's local brig prints; the other commands say they
# need root; a user outside the group is refused in one line; -H before
# the command works for root too.
#
# Each test: its own sandbox, a `brig serve` inside it (as root, on the
# sandbox's roots) with its socket in a directory the test users can
# reach, killed by pid in teardown (api_helpers.bash).  setup_file makes
# the users brigcli (in group brigtest) and brigout (not in it);
# teardown_file removes them.

load helpers
load api_helpers

CLI_USER=brigcli
OUT_USER=brigout
CLI_GROUP=brigtest

setup_file() {
	api_users_add
}

teardown_file() {
	api_users_drop
}

setup() {
	sandbox_setup
	api_pub_setup
	import_busybox
	api_serve_start
}

teardown() {
	api_tmux_stop
	api_serve_stop
	sandbox_teardown
	api_pub_drop
}

# cli ARG...: brig as the group's user, through the daemon.
cli() {
	"$SANDBOX" exec "$SB" runuser -u "$CLI_USER" -- env BRIG_HOST="unix://$SOCK" "$CLI_BIN" "$@"
}

# outsider ARG...: brig as a user outside the group, told the socket.
outsider() {
	"$SANDBOX" exec "$SB" runuser -u "$OUT_USER" -- env BRIG_HOST="unix://$SOCK" "$CLI_BIN" "$@"
}

# same ARGS: brig ARGS prints the same through the daemon (as the group's
# user) as root's local brig (stdout and status); the diff on failure.
same() {
	local mine theirs
	mine=$(cli "$@" 2>&1; echo "rc=$?")
	theirs=$(brig "$@" 2>&1; echo "rc=$?")
	if [ "$mine" = "$theirs" ]; then
		return 0
	fi
	diff <(echo "$theirs") <(echo "$mine") >&2 || true
	return 1
}

# ---- listings: the same output, line for line ------------------------------

@test "ps, ps -a, ps -q and ps --format json through the daemon equal root's local ps" {
	brig run -d --net none --name localone busybox sleep 1000
	cli run -d --net none --name viaapi busybox sleep 1000
	brig run --net none --name exited busybox sh -c 'exit 4' || true
	# CREATED and STATUS read "N seconds ago": the two listings agree once
	# no second boundary falls between them (bounded retry)
	wait_for 20 same ps
	wait_for 20 same ps -a
	run cli ps -a
	[ "$status" -eq 0 ]
	[[ $output == *viaapi* ]]
	[[ $output == *localone* ]]
	[[ $output == *"Exited (4)"* ]]
	same ps -q
	same ps -a -q
	same ps -a --format json
}

@test "inspect, image ls and network ls through the daemon equal root's" {
	cli run -d --net none --name insp busybox sleep 1000
	same inspect insp
	same image ls
	same image ls -q
	same image ls --format json
	brig network create --subnet 10.77.0.0/24 labnet
	same network ls
	same network ls --format json
	# a missing name: the engine's message and status, the found one printed
	same inspect insp nosuch
}

# ---- run -------------------------------------------------------------------

@test "run --rm through the daemon prints the output and gives the exit status" {
	run --separate-stderr cli run --rm --net none busybox echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	run cli run --rm --net none busybox sh -c 'echo out; echo err >&2; exit 3'
	[ "$status" -eq 3 ]
	[[ $output == *out* ]]
	[[ $output == *err* ]]
	# stdout and stderr kept apart
	run --separate-stderr cli run --rm --net none busybox sh -c 'echo out; echo err >&2'
	[ "$output" = out ]
	[ "$stderr" = err ]
	# --rm: nothing is left
	run brig ps -a -q
	[ -z "$output" ]
	# stdin with -i
	run sh -c "echo piped | $SANDBOX exec $SB runuser -u $CLI_USER -- env BRIG_HOST=unix://$SOCK $CLI_BIN run --rm -i --net none busybox cat"
	[ "$output" = piped ]
}

@test "run through the daemon: a missing command is 127, brig's own failures 125 in one line" {
	run --separate-stderr cli run --rm --net none busybox /nonexistent
	[ "$status" -eq 127 ]
	run --separate-stderr cli run --net none --name dup busybox true
	[ "$status" -eq 0 ]
	run --separate-stderr cli run --net none --name dup busybox true
	[ "$status" -eq 125 ]
	one_line_error
	local mine=$stderr
	run --separate-stderr brig run --net none --name dup busybox true
	[ "$stderr" = "$mine" ]
	run --separate-stderr cli run --net none --no-such-option busybox true
	[ "$status" -eq 125 ]
	one_line_error
}

@test "run -d, exec, logs -f, stop, kill and rm through the daemon" {
	run --separate-stderr cli run -d --net none --hostname hh --name w busybox sh -c 'echo started; exec sleep 1000'
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	run cli exec w hostname
	[ "$status" -eq 0 ]
	[ "$output" = hh ]
	run cli exec w sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run cli exec -e X=42 -w /tmp w sh -c 'echo $X $(pwd)'
	[ "$output" = "42 /tmp" ]
	run cli exec w /nonexistent
	[ "$status" -eq 127 ]
	run cli exec -d w touch /tmp/detached
	[ "$status" -eq 0 ]
	wait_for 10 brig exec w test -e /tmp/detached
	run cli logs w
	[ "$output" = started ]
	run cli stop -t 1 w
	[ "$status" -eq 0 ]
	[ "$output" = w ]
	run brig ps -a
	[[ $output == *Exited* ]]
	# exec in a stopped container: the engine's words
	run --separate-stderr cli exec w true
	[ "$status" -eq 125 ]
	one_line_error
	local mine=$stderr
	run --separate-stderr brig exec w true
	[ "$stderr" = "$mine" ]
	run cli rm w
	[ "$output" = w ]
	run brig ps -a -q
	[ -z "$output" ]
}

@test "logs -f through the daemon follows until the container exits" {
	cli run -d --net none --name f busybox sh -c 'echo one; sleep 1; echo two; echo three >&2'
	run --separate-stderr cli logs -f f
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'one\ntwo')" ]
	[ "$stderr" = three ]
}

@test "kill and rm -f through the daemon; a running container is refused by rm as locally" {
	cli run -d --net none --name k busybox sleep 1000
	run --separate-stderr cli rm k
	[ "$status" -eq 125 ]
	one_line_error
	local mine=$stderr
	run --separate-stderr brig rm k
	[ "$stderr" = "$mine" ]
	run cli kill -s KILL k
	[ "$output" = k ]
	wait_for 10 sh -c "$SANDBOX exec $SB $BRIG_BIN --root $ROOT --runroot $RUNROOT ps -a | grep -q 'Exited (137)'"
	cli run -d --net none --name k2 busybox sleep 1000
	run cli rm -f k2
	[ "$output" = k2 ]
	run --separate-stderr cli stop nosuch
	[ "$status" -eq 125 ]
	one_line_error
	mine=$stderr
	run --separate-stderr brig stop nosuch
	[ "$stderr" = "$mine" ]
}

# ---- networks --------------------------------------------------------------

@test "network create, ls and rm through the daemon" {
	run cli network create --subnet 10.66.0.0/24 --internal viaapi
	[ "$status" -eq 0 ]
	[ "$output" = viaapi ]
	run brig network ls
	[[ $output == *viaapi*10.66.0.0/24*yes* ]]
	run --separate-stderr cli network create --subnet 10.66.0.0/33 bad
	[ "$status" -eq 125 ]
	one_line_error
	local mine=$stderr
	run --separate-stderr brig network create --subnet 10.66.0.0/33 bad
	[ "$stderr" = "$mine" ]
	cli run -d --network viaapi --name onnet busybox sleep 1000
	run cli ps
	[[ $output == *10.66.0.* ]]
	cli rm -f onnet
	run cli network rm viaapi
	[ "$output" = viaapi ]
	run brig network ls
	[[ $output != *viaapi* ]]
}

# ---- who may, what is served -------------------------------------------------

@test "a user outside the group is refused in one line, and nothing runs" {
	run --separate-stderr outsider run -d --net none --name nope busybox sleep 1000
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"$SOCK"* ]]
	run --separate-stderr outsider ps
	[ "$status" -eq 125 ]
	one_line_error
	run brig ps -a -q
	[ -z "$output" ]
}

@test "commands brig serve does not serve say so in one line" {
	run --separate-stderr cli system gc
	[ "$status" -eq 125 ]
	[ "$stderr" = "brig: system needs root, or run it as root: brig serve does not serve it" ]
	run --separate-stderr cli image rm busybox
	[ "$status" -eq 125 ]
	[ "$stderr" = "brig: image rm needs root, or run it as root: brig serve does not serve it" ]
	run --separate-stderr cli network connect x y
	[ "$status" -eq 125 ]
	one_line_error
	# help and bad hosts stay local, in one line
	run --separate-stderr sb "$CLI_BIN" -H tcp://127.0.0.1:2375 ps
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr sb runuser -u "$CLI_USER" -- env BRIG_HOST="unix://$PUB/none.sock" "$CLI_BIN" ps
	[ "$status" -eq 125 ]
	one_line_error
}

@test "-H unix://PATH before the command: root goes through the daemon too" {
	run --separate-stderr sb "$CLI_BIN" -H "unix://$SOCK" run -d --net none --name viah busybox sleep 1000
	[ "$status" -eq 0 ]
	run sb "$CLI_BIN" --host "unix://$SOCK" ps
	[[ $output == *viah* ]]
	# the daemon's roots, not the default ones: root's local ps on the
	# sandbox's roots sees it
	run brig ps
	[[ $output == *viah* ]]
	run sb "$CLI_BIN" -H "unix://$SOCK" rm -f viah
	[ "$output" = viah ]
}

# ---- terminals: run -it and exec -it through tmux ----------------------------

# cli_line ARGS: the line to type: brig as the group's user, its status
# and the terminal mode before and after into $SB/{rc,before,after}.
cli_line() {
	echo "stty -g > $SB/before; runuser -u $CLI_USER -- env BRIG_HOST=unix://$SOCK $CLI_BIN $*; echo rc=\$? > $SB/rc.tmp; stty -g > $SB/after; mv $SB/rc.tmp $SB/rc"
}

finish_cli() {
	wait_for 30 test -s "$SB/rc"
	cat "$SB/rc"
	[ "$(cat "$SB/rc")" = "rc=$1" ]
	[ "$(cat "$SB/before")" = "$(cat "$SB/after")" ]
	rm -f "$SB/rc"
}

@test "run -it and exec -it through the daemon in a terminal: a pts, its size, exit codes, mode restored" {
	command -v tmux >/dev/null || skip "tmux is not installed (scripts/install-deps.sh)"
	tmux_start
	type_line "$(cli_line run -it --net none --name tty1 busybox sh)"
	wait_for 20 brig exec tty1 true
	type_line 'echo "T=$(tty) X=$((6 * 7))"'
	wait_for 10 pane_has '^T=/dev/pts/[0-9]+ X=42$'
	local want
	want=$(pane_size)
	type_line 'echo "S1=$(stty size)"'
	wait_for 10 pane_has "^S1=$want\$"
	type_line 'exit 5'
	finish_cli 5

	brig run -d --net none --name tty2 busybox sleep 1000
	type_line "$(cli_line exec -it tty2 sh)"
	wait_for 10 pane_has '^/ # '
	type_line 'echo "E=$(tty | cut -c1-8) Y=$((7 * 6))"'
	wait_for 10 pane_has '^E=/dev/pts Y=42$'
	type_line 'exit 6'
	finish_cli 6
}

@test "events through the daemon: the group's user sees a container's start and die, --since replays" {
	# --since the test's start: the follower sees the run whenever it joins
	local since
	since=$(date +%s)
	(exec "$SANDBOX" exec "$SB" runuser -u "$CLI_USER" -- env BRIG_HOST="unix://$SOCK" \
		"$CLI_BIN" events --since "$since" --filter event=start --filter event=die \
		</dev/null >"$SB/events.out" 2>&1 3>&-) &
	local follower=$!
	run brig run --rm --net none --name evx busybox sh -c 'exit 4'
	[ "$status" -eq 4 ]
	run cli events --since 0 --until "$(date +%s.%N)" --filter container=evx --format json
	[ "$status" -eq 0 ]
	[[ $output == *'"Action":"start"'* ]]
	[[ $output == *'"exitCode":"4"'* ]]
	wait_for 20 grep -q 'container die .*exitCode=4.*name=evx' "$SB/events.out"
	kill "$follower"
	wait "$follower" || true
}
