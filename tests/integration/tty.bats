#!/usr/bin/env bats
# Interactive terminal (issue 4): run -it, exec -it and attach driven through
# a real terminal: a tmux server of the test's own, started inside the
# sandbox with its own socket ($SB/tmux.sock), killed in teardown.
#
# The tmux pane runs a plain bash; the test types brig commands into it and
# polls (bounded) what the pane shows.  Each brig command line also records
# brig's exit status and the terminal mode (`stty -g`) before and after into
# files, so the test reads them instead of scraping the screen.

load helpers
load tmux

setup() {
	sandbox_setup
	CGP=brig-test-$$-$BATS_TEST_NUMBER
	export CGP
	import_busybox
	tmux_start
}

teardown() {
	if [ -n "${SB:-}" ] && [ -S "$SB/tmux.sock" ]; then
		[ -n "${BATS_TEST_COMPLETED:-}" ] || {
			echo "--- pane:"
			pane 2>/dev/null || true
		}
		tmx kill-server 2>/dev/null || true
	fi
	if [ -n "${SB:-}" ] && [ -e "$SB/holder.pid" ]; then
		local ids
		ids=$(timeout 60 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" ps -a -q 2>/dev/null) || true
		[ -z "$ids" ] || timeout 60 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" rm -f $ids >/dev/null 2>&1 || true
	fi
	sandbox_teardown
	local d
	for d in /sys/fs/cgroup/"$CGP" /sys/fs/cgroup/*/"$CGP"; do
		if [ -d "$d" ]; then
			find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
		fi
	done
	return 0
}

# runs_sleep NAME: a sleep process runs in container NAME.
runs_sleep() {
	brig exec "$1" sh -c 'ps -o stat,comm | grep -v "^Z" | grep -q " sleep$"'
}

file_has() { grep -Eq -- "$2" "$1" 2>/dev/null; }

# host_brig ARGS: the brig command line to type in the pane (it runs inside
# the sandbox already: tmux does).  Records the mode before and after and
# brig's exit status in $SB/{before,after,rc}.
host_brig() {
	echo "stty -g > $SB/before; $BRIG_BIN --root $ROOT --runroot $RUNROOT $*; echo rc=\$? > $SB/rc.tmp; stty -g > $SB/after; mv $SB/rc.tmp $SB/rc"
}

# finish_brig CODE: wait (bounded) for the typed brig to end; it returned
# CODE and the terminal mode is what it was before.
finish_brig() {
	wait_for 20 test -s "$SB/rc"
	cat "$SB/rc"
	[ "$(cat "$SB/rc")" = "rc=$1" ]
	echo "before: $(cat "$SB/before")"
	echo "after:  $(cat "$SB/after")"
	[ -s "$SB/before" ]
	[ "$(cat "$SB/before")" = "$(cat "$SB/after")" ]
}

@test "run -it: tty is a pts, stty size follows the terminal and its resizes, Ctrl-C, exit 5, mode restored" {
	type_line "$(host_brig run -it --net none --cgroup-parent "$CGP" --name tty1 busybox sh)"
	# The container's shell prompts; tty names a pts of its own devpts.
	wait_for 20 brig exec tty1 true
	type_line 'echo "T=$(tty)"'
	wait_for 10 pane_has '^T=/dev/pts/[0-9]+$'

	# The window size at start.
	local want
	want=$(pane_size)
	echo "pane: $want"
	type_line 'echo "S1=$(stty size)"'
	wait_for 10 pane_has "^S1=$want\$"

	# A resize reaches it (SIGWINCH); the shell polls, bounded, for a change.
	tmx resize-window -t t -x 120 -y 40
	wait_for 10 test "$(pane_size)" != "$want"
	want=$(pane_size)
	echo "pane after resize: $want"
	type_line "i=0; while [ \"\$(stty size)\" != \"$want\" ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done; echo \"S2=\$(stty size)\""
	wait_for 20 pane_has "^S2=$want\$"

	# Ctrl-C interrupts the foreground sleep, not the shell.
	type_line 'sleep 100'
	wait_for 10 runs_sleep tty1
	tmx send-keys -t t C-c
	type_line 'echo "R=$? A=$((40 + 2))"'
	wait_for 10 pane_has '^R=130 A=42$'
	! runs_sleep tty1 || false

	type_line 'exit 5'
	finish_brig 5
	run brig wait tty1
	[ "$output" = 5 ]
}

@test "run -it: EOF (Ctrl-D) ends the shell with 0; mode restored" {
	type_line "$(host_brig run -it --rm --net none --cgroup-parent "$CGP" --name tty2 busybox sh)"
	wait_for 20 brig exec tty2 true
	type_line 'echo "X=$((6 * 7))"'
	wait_for 10 pane_has '^X=42$'
	tmx send-keys -t t C-d
	finish_brig 0
}

@test "run -it: a full-screen program draws and the mode is restored after a kill" {
	type_line "$(host_brig run -it --net none --cgroup-parent "$CGP" --name tty3 busybox sh)"
	wait_for 20 brig exec tty3 true
	type_line 'top'
	wait_for 10 pane_has 'PID +PPID +USER'
	# The container dies under the terminal: mode is still restored.
	run brig kill tty3
	[ "$status" -eq 0 ]
	finish_brig 137
}

@test "exec -it: tty is a pts, exit status propagates, mode restored" {
	run brig run -d --net none --cgroup-parent "$CGP" --name box busybox sleep 1000
	[ "$status" -eq 0 ]
	type_line "$(host_brig exec -it box sh)"
	type_line 'echo "T=$(tty) P=$$"'
	wait_for 20 pane_has '^T=/dev/pts/[0-9]+ P=[0-9]+$'
	local want
	want=$(pane_size)
	type_line 'echo "S=$(stty size)"'
	wait_for 10 pane_has "^S=$want\$"
	type_line 'exit 3'
	finish_brig 3
	# The container is still running.
	run brig exec box true
	[ "$status" -eq 0 ]
}

@test "attach: reach a detached -it container, detach with Ctrl-P Ctrl-Q, it keeps running" {
	run brig run -d -i -t --net none --cgroup-parent "$CGP" --name att busybox sh
	[ "$status" -eq 0 ]
	type_line "$(host_brig attach att)"
	type_line 'echo "Y=$((20 + 3))"'
	wait_for 20 pane_has '^Y=23$'
	tmx send-keys -t t C-p C-q
	wait_for 10 test -s "$SB/rc"
	[ "$(cat "$SB/rc")" = rc=0 ]
	[ "$(cat "$SB/before")" = "$(cat "$SB/after")" ]
	run brig exec att true
	[ "$status" -eq 0 ]
	run brig ps
	[[ $output == *att* ]]
}
