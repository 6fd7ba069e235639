#!/usr/bin/env bats
# Lifecycle (issue 4): detached containers and their monitor, ps, exec,
# stop/kill/rm/wait/logs/inspect, --init, fd hygiene, crash recovery, scale.
# The terminal (run -it, exec -it, attach) is in tty.bats.
#
# Every container a test starts uses a cgroup parent of its own ($CGP), so
# the cgroup checks only see this test's containers; teardown removes it.

load helpers

setup() {
	sandbox_setup
	CGP=brig-test-$$-$BATS_TEST_NUMBER
	export CGP
	import_busybox
}

teardown() {
	# Remove this test's containers first (bounded), so their cgroups go.
	if [ -n "${SB:-}" ] && [ -e "$SB/holder.pid" ]; then
		local ids
		ids=$(timeout 60 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" ps -a -q 2>/dev/null) || true
		[ -z "$ids" ] || timeout 120 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" rm -f $ids >/dev/null 2>&1 || true
	fi
	sandbox_teardown
	remove_cgroups
}

# ---- helpers -------------------------------------------------------------

# brun ARG...: brig run under this test's cgroup parent.
brun() {
	brig run --cgroup-parent "$CGP" "$@"
}

# brig_stdin DATA ARG...: brig ARG... with printf DATA on its stdin.
brig_stdin() {
	local data=$1
	shift
	# shellcheck disable=SC2059 # DATA is a printf format on purpose
	printf "$data" | brig "$@"
}

# now_ms: wall clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# state_of NAME: .state of `brig inspect NAME`, as JSON.
inspect_state() {
	brig inspect "$1" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]["state"]))'
}

# container_pid NAME: the host pid of the container's init (inspect).
container_pid() {
	brig inspect "$1" | python3 -c '
import json, sys
st = {k.lower(): v for k, v in json.load(sys.stdin)[0]["state"].items()}
print(st["pid"])'
}

# exit_code_of NAME: the exit code recorded by inspect.
exit_code_of() {
	brig inspect "$1" | python3 -c '
import json, sys
st = {k.lower(): v for k, v in json.load(sys.stdin)[0]["state"].items()}
print(st.get("exit_code", st.get("exitcode")))'
}

# ps_line NAME: the `brig ps -a` row of NAME (the name is the last column).
ps_line() {
	brig ps -a | awk -v n="$1" '$NF == n'
}

is_running() { [[ "$(ps_line "$1")" =~ (Up|[Rr]unning) ]]; }
is_exited() { [[ "$(ps_line "$1")" =~ [Ee]xited ]]; }

# lease_lines: every lease left in the runtime root: a line naming a
# container id (the file also keeps bookkeeping such as "last ADDR").
lease_lines() {
	local f
	for f in "$RUNROOT"/leases/*; do
		case "$f" in *.lock | *.tmp | *'*') continue ;; esac
		grep -E '(^|[^0-9a-f])[0-9a-f]{64}([^0-9a-f]|$)' "$f" || true
	done
}

# veths: brig's host-side veth ends in the sandbox.
veths() {
	sb ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep '^vb' || true
}

# file_has FILE REGEX
file_has() { grep -Eq -- "$2" "$1" 2>/dev/null; }

# bg_finish: wait (bounded) for the background brig; sets BG_STATUS.
bg_finish() {
	wait_for 30 not_alive "$BG_PID" || {
		kill -KILL "$BG_PID"
		echo "background brig did not end"
		return 1
	}
	BG_STATUS=0
	wait "$BG_PID" || BG_STATUS=$?
}

# ---- run -d, ps, networking, stop ---------------------------------------

@test "run -d: prints the full id, ps shows it running with its address, a second container reaches it by name, stop -t 1 < 3s" {
	run --separate-stderr brun -d --name web busybox httpd -f -p 8080
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	local id=$output
	# Something to serve: httpd -f serves its working directory, /.
	run brig exec web sh -c 'echo hi-from-web > /index.html'
	[ "$status" -eq 0 ]

	# The address inside, as the container itself sees it.
	local addr
	addr=$(brig exec web ip -o -4 addr show eth0 | awk '{ print $4 }' | cut -d/ -f1)
	[[ $addr =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]

	run brig ps
	[ "$status" -eq 0 ]
	echo "$output"
	local row
	row=$(awk '$NF == "web"' <<<"$output")
	[ -n "$row" ]
	[[ $row == "${id:0:12}"* ]]
	[[ $row =~ (Up|[Rr]unning) ]]
	[[ $row == *"$addr"* ]]

	run brig ps --format json
	[ "$status" -eq 0 ]
	json_valid <<<"$output"

	# From a second container: by address, and by name.
	wait_for 10 brig run --rm --cgroup-parent "$CGP" busybox wget -qO- "http://$addr:8080/"
	run brun --rm busybox wget -qO- "http://$addr:8080/"
	[ "$status" -eq 0 ]
	[ "$output" = hi-from-web ]
	run brun --rm busybox wget -qO- http://web:8080/
	[ "$status" -eq 0 ]
	[ "$output" = hi-from-web ]

	local t0 t1
	t0=$(now_ms)
	run brig stop -t 1 web
	t1=$(now_ms)
	echo "stop took $((t1 - t0)) ms"
	[ "$status" -eq 0 ]
	[ $((t1 - t0)) -lt 3000 ]

	run brig ps
	[[ $(awk '$NF == "web"' <<<"$output") == "" ]]
	is_exited web
	run brig ps -a --format json
	local st
	st=$(json_field state web <<<"$output")
	[[ ${st,,} == *exited* ]]
}

# ---- exec ----------------------------------------------------------------

@test "exec: pid is not 1, hostname and init are the container's; exit status propagates; missing command 127" {
	run brun -d --net none --name web --hostname webhost busybox httpd -f -p 8080
	[ "$status" -eq 0 ]
	run brig exec web sh -c 'echo $$; hostname; tr "\0" " " < /proc/1/cmdline'
	[ "$status" -eq 0 ]
	echo "$output"
	[[ ${lines[0]} =~ ^[0-9]+$ ]]
	[ "${lines[0]}" -ne 1 ]
	[ "${lines[1]}" = webhost ]
	[[ ${lines[2]} == "httpd -f -p 8080"* ]]
	# The host's hostname is not touched.
	[ "$(sb hostname)" != webhost ]

	run brig exec web sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run -127 --separate-stderr brig exec web no-such-command
	[ "$status" -eq 127 ]
	run brig exec web /etc/passwd
	[ "$status" -eq 126 ]
	run --separate-stderr brig exec nosuch-container true
	[ "$status" -eq 125 ]
	one_line_error
}

@test "exec: joins the container's namespaces and cgroup" {
	run brun -d --net none --name ns busybox sleep 1000
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid ns)
	# Same pid, mount, uts, ipc, net and cgroup namespaces as the init.
	run brig exec ns sh -c 'for n in pid mnt uts ipc net cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	[ "$status" -eq 0 ]
	echo "$output"
	local n want
	for n in pid mnt uts ipc net cgroup; do
		want=$(readlink "/proc/$pid/ns/$n")
		grep -qxF "$n $want" <<<"$output"
	done
	# The same cgroup as the init.
	run brig exec ns cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$output" = "$(brig exec ns cat /proc/1/cgroup)" ]
}

@test "exec: -e, -w and -i" {
	run brun -d --net none --name ex -e FROMRUN=yes busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec -e FOO=bar ex sh -c 'echo "$FOO $FROMRUN"'
	[ "$status" -eq 0 ]
	[ "$output" = "bar yes" ]
	run brig exec -w /tmp ex pwd
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
	run brig_stdin 'via-pipe\n' exec -i ex cat
	[ "$status" -eq 0 ]
	[ "$output" = via-pipe ]
	# without -i the command reads nothing, as in Docker
	run brig_stdin 'not-for-you\n' exec ex sh -c 'cat; echo end'
	[ "$status" -eq 0 ]
	[ "$output" = end ]
}

@test "exec -u: runs as that user, in the container's root" {
	run brun -d --net none --name exu busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec -u 65534 exu sh -c 'id -u; pwd; ls / >/dev/null && echo can-list-root'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "${lines[1]}" = / ]
	[ "${lines[2]}" = can-list-root ]
}

@test "run -i without -t passes stdin through a pipe" {
	run brig_stdin 'one\ntwo\n' run -i --rm --net none --cgroup-parent "$CGP" busybox sh -c 'cat; echo end'
	[ "$status" -eq 0 ]
	[ "$output" = "one
two
end" ]
}

# ---- stop, kill, rm, wait ------------------------------------------------

@test "stop -t 1: an init that ignores SIGTERM is killed within 3s, exit 137" {
	run brun -d --net none --name ign busybox sh -c 'trap "" TERM; echo ready; while :; do sleep 1; done'
	[ "$status" -eq 0 ]
	wait_for 10 file_has_log ign ready
	local t0 t1
	t0=$(now_ms)
	run brig stop -t 1 ign
	t1=$(now_ms)
	echo "stop took $((t1 - t0)) ms"
	[ "$status" -eq 0 ]
	[ $((t1 - t0)) -lt 3000 ]
	run brig wait ign
	[ "$status" -eq 0 ]
	[ "$output" = 137 ]
	[ "$(exit_code_of ign)" = 137 ]
	is_exited ign
	[[ $(ps_line ign) == *137* ]]
}

# file_has_log NAME REGEX: brig logs NAME matches REGEX.
file_has_log() {
	brig logs "$1" 2>&1 | grep -Eq -- "$2"
}

@test "stop: a container that exits on SIGTERM stops with its own status" {
	run brun -d --net none --name polite busybox sh -c 'trap "exit 3" TERM; echo ready; while :; do sleep 1; done'
	[ "$status" -eq 0 ]
	wait_for 10 file_has_log polite ready
	run brig stop polite
	[ "$status" -eq 0 ]
	run brig wait polite
	[ "$output" = 3 ]
	# Stopping an exited container is not an error.
	run brig stop polite
	[ "$status" -eq 0 ]
}

@test "kill -s TERM reaches a trap (wait prints 42); kill -s 9 gives 137; signal numbers work" {
	run brun -d --net none --name tr busybox sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 1; done'
	[ "$status" -eq 0 ]
	wait_for 10 file_has_log tr ready
	run brig kill -s TERM tr
	[ "$status" -eq 0 ]
	run brig wait tr
	[ "$status" -eq 0 ]
	[ "$output" = 42 ]
	[ "$(exit_code_of tr)" = 42 ]

	run brun -d --net none --name k9 busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig kill -s 9 k9
	[ "$status" -eq 0 ]
	run brig wait k9
	[ "$output" = 137 ]

	run brun -d --net none --name sigkill busybox sleep 1000
	run brig kill -s SIGKILL sigkill
	[ "$status" -eq 0 ]
	run brig wait sigkill
	[ "$output" = 137 ]

	# Default signal is KILL.
	run brun -d --net none --name dflt busybox sleep 1000
	run brig kill dflt
	[ "$status" -eq 0 ]
	run brig wait dflt
	[ "$output" = 137 ]

	run --separate-stderr brig kill -s NOSUCHSIG k9
	[ "$status" -eq 125 ]
}

@test "rm: a running container without -f fails with 125 and keeps running; -f kills and removes" {
	run brun -d --net none --name busy busybox sleep 1000
	[ "$status" -eq 0 ]
	local id=$output
	run --separate-stderr brig rm busy
	[ "$status" -eq 125 ]
	one_line_error
	is_running busy
	run brig rm -f busy
	[ "$status" -eq 0 ]
	run brig ps -a
	[[ $output != *busy* ]]
	[ ! -e "$ROOT/containers/$id" ]
	[ -z "$(leftover_cgroups)" ]
}

@test "wait: several names print one exit code each, in order" {
	run brun -d --net none --name w1 busybox sh -c 'exit 1'
	run brun -d --net none --name w2 busybox sh -c 'exit 2'
	run brig wait w2 w1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = 1 ]
}

@test "names and unique id prefixes work for stop/kill/rm/inspect/logs/exec/wait" {
	run brun -d --net none --name pfx busybox sh -c 'trap "exit 9" TERM; echo hello-prefix; while :; do sleep 1; done'
	[ "$status" -eq 0 ]
	local id=$output p
	p=${id:0:8}
	wait_for 10 file_has_log "$p" hello-prefix
	run brig logs pfx
	[[ $output == *hello-prefix* ]]
	run brig exec "$p" echo via-prefix
	[ "$status" -eq 0 ]
	[ "$output" = via-prefix ]
	run brig inspect "$p"
	[ "$status" -eq 0 ]
	[ "$(json_field id pfx <<<"$output")" = "$id" ]
	run brig inspect "$id"
	[ "$(json_field id pfx <<<"$output")" = "$id" ]
	run brig kill -s TERM "$p"
	[ "$status" -eq 0 ]
	run brig wait "$p"
	[ "$output" = 9 ]
	run brig rm "$p"
	[ "$status" -eq 0 ]
	run brig ps -a -q
	[[ $output != *"${id:0:12}"* ]]

	run brun -d --net none --name pfx2 busybox sleep 1000
	id=$output
	p=${id:0:6}
	run brig stop -t 1 "$p"
	[ "$status" -eq 0 ]
	run brig wait pfx2
	[ "$output" = 137 ]
	run brig rm -f "$id"
	[ "$status" -eq 0 ]
	run --separate-stderr brig inspect nosuch
	[ "$status" -eq 125 ]
}

# ---- logs ----------------------------------------------------------------

@test "logs shows what a detached container printed; logs -f follows until it exits" {
	run brun -d --net none --name talker busybox sh -c '
		echo first-line; echo to-stderr >&2
		while [ ! -e /tmp/go ]; do sleep 0.1; done
		echo last-line'
	[ "$status" -eq 0 ]
	wait_for 10 file_has_log talker to-stderr
	run brig logs talker
	[ "$status" -eq 0 ]
	[[ $output == *first-line* ]]
	[[ $output == *to-stderr* ]]
	[[ $output != *last-line* ]]

	local out=$BATS_TEST_TMPDIR/follow
	brig_bg "$out" logs -f talker
	wait_for 10 file_has "$out" first-line
	# Still following: the container has not exited yet.
	alive "$BG_PID"
	run brig exec talker touch /tmp/go
	[ "$status" -eq 0 ]
	bg_finish
	cat "$out"
	[ "$BG_STATUS" -eq 0 ]
	grep -q first-line "$out"
	grep -q to-stderr "$out"
	grep -q last-line "$out"
	run brig wait talker
	[ "$output" = 0 ]
	# logs -f of an exited container prints everything and returns.
	run brig logs -f talker
	[ "$status" -eq 0 ]
	[[ $output == *first-line*last-line* ]]
}

# ---- inspect -------------------------------------------------------------

@test "inspect: id, name, image, created, config (cmd, env, hostname, limits), state" {
	run brun -d --net none --name insp --hostname ihost -e FOO=bar --pids-limit 50 -m 64m \
		busybox sh -c 'trap "exit 5" TERM; echo ready; while :; do sleep 1; done'
	[ "$status" -eq 0 ]
	local id=$output
	wait_for 10 file_has_log insp ready
	run brig inspect insp
	[ "$status" -eq 0 ]
	echo "$output"
	echo "$output" >"$BATS_TEST_TMPDIR/inspect.json"
	python3 - "$id" "$BATS_TEST_TMPDIR/inspect.json" <<'EOF'
import json, sys
id_ = sys.argv[1]
doc = json.load(open(sys.argv[2]))
assert isinstance(doc, list) and len(doc) == 1, "inspect prints a JSON array"
c = {k.lower(): v for k, v in doc[0].items()}
assert c["id"] == id_, c["id"]
assert c["name"].lstrip("/") == "insp"
assert c["image"] == "busybox"
assert c["created"]
cfg = {k.lower(): v for k, v in c["config"].items()}
assert cfg["cmd"][0] == "sh" and cfg["cmd"][-1].strip().endswith("done"), cfg["cmd"]
assert "FOO=bar" in cfg["env"], cfg["env"]
assert cfg["hostname"] == "ihost"
lim = {k.lower(): v for k, v in cfg.get("limits", cfg.get("hostconfig", {})).items()}
assert lim.get("pids", lim.get("pidslimit")) == 50, lim
assert lim.get("memory") == 64 * 1024 * 1024, lim
st = {k.lower(): v for k, v in c["state"].items()}
assert st["status"] == "running", st
assert isinstance(st["pid"], int) and st["pid"] > 1, st
assert "oomkilled" in st, st
assert st.get("started") or st.get("startedat"), st
EOF
	run brig kill -s TERM insp
	run brig wait insp
	[ "$output" = 5 ]
	run brig inspect insp
	python3 <<<"$output" -c '
import json, sys
st = {k.lower(): v for k, v in json.load(sys.stdin)[0]["state"].items()}
assert st["status"] == "exited", st
assert st.get("exit_code", st.get("exitcode")) == 5, st
assert st["oomkilled"] is False, st
assert st.get("finished") or st.get("finishedat"), st
'
	# Several names: one array with one record each.
	run brun -d --net none --name insp2 busybox true
	run brig inspect insp insp2
	[ "$status" -eq 0 ]
	[ "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$output")" = 2 ]
}

@test "inspect: network settings (address, prefix, gateway, mac, host interface)" {
	run brun -d --name netc busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig inspect netc
	[ "$status" -eq 0 ]
	echo "$output"
	local got
	got=$(python3 <<<"$output" -c '
import json, sys
c = {k.lower(): v for k, v in json.load(sys.stdin)[0].items()}
st = {k.lower(): v for k, v in c["state"].items()}
# Per network: a list, or a dict keyed by network name, wherever inspect
# keeps it (top-level network_settings/networks, or state.networks).
nets = None
for holder, key in ((c, "network_settings"), (c, "networksettings"), (c, "networks"), (st, "networks")):
    v = holder.get(key)
    if isinstance(v, dict):
        v = {k.lower(): x for k, x in v.items()}
        # NetworkSettings (as Docker) holds Ports too: only its Networks count
        v = v.get("networks", None if key in ("network_settings", "networksettings") else v)
        v = list(v.values()) if isinstance(v, dict) else v
    if v:
        nets = v
        break
assert nets, "no network settings"
n = {k.lower(): v for k, v in nets[0].items()}
def get(*names):
    for k in names:
        if n.get(k) not in (None, ""):
            return n[k]
    raise AssertionError("missing %s in %r" % (names, n))
print(get("address", "ipaddress"), get("prefix", "ipprefixlen", "prefixlen"),
      get("gateway"), get("mac", "macaddress"), get("host_interface", "hostinterface", "veth"))
')
	echo "$got"
	local addr prefix gw mac hostif
	read -r addr prefix gw mac hostif <<<"$got"
	# They are the truth: the container's eth0 and the host's veth end.
	run brig exec netc ip -o -4 addr show eth0
	[[ $output == *" $addr/$prefix "* ]]
	run brig exec netc cat /sys/class/net/eth0/address
	[ "${output,,}" = "${mac,,}" ]
	run brig exec netc ip route show default
	[[ $output == *"via $gw "* ]]
	sb ip link show "$hostif"
}

# ---- --init --------------------------------------------------------------

@test "--init: PID 1 is brig-init and orphans that exit are reaped (no zombies)" {
	run brun --rm --init --net none busybox sh -c '
		(sleep 0.1 &) ; (sleep 0.1 &) ; (sh -c "sleep 0.2 & exit" &)
		# Poll (bounded) until the orphans are gone, zombie or not: they
		# are the children of PID 1 other than this shell (a fresh fork may
		# not be named sleep yet, so count parents, not names).
		orphans() { grep -l "^PPid:[[:space:]]*1\$" /proc/[0-9]*/status 2>/dev/null | grep -vc "^/proc/$$/"; }
		i=0
		while [ $i -lt 100 ] && [ "$(orphans)" -gt 0 ]; do
			sleep 0.1; i=$((i + 1))
		done
		ps -o stat,pid,comm'
	[ "$status" -eq 0 ]
	echo "$output"
	[[ ${lines[0]} == STAT* ]]
	# No zombies, no orphan left.
	! awk 'NR > 1 { print $1 }' <<<"$output" | grep -q '^Z' || false
	[[ $output != *sleep* ]]
	# PID 1 is the init.
	awk '$2 == 1 { print $3 }' <<<"$output" | grep -qx brig-init
}

@test "--init: signals are forwarded to the command; exit status is the command's" {
	run brun -d --init --net none --name fw busybox sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 1; done'
	[ "$status" -eq 0 ]
	wait_for 10 file_has_log fw ready
	run brig exec fw cat /proc/1/comm
	[ "$output" = brig-init ]
	run brig kill -s TERM fw
	[ "$status" -eq 0 ]
	run brig wait fw
	[ "$output" = 42 ]
	run brun --rm --init --net none busybox sh -c 'exit 6'
	[ "$status" -eq 6 ]
}

# ---- fds -----------------------------------------------------------------

@test "fds: container init and exec'd processes have only 0, 1, 2 (and ls's own)" {
	# bats holds fd 3 (and more) open in this shell: they must not leak.
	run brun --rm --net none busybox ls /proc/self/fd
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ]
	run brun --rm --net none busybox sh -c 'ls /proc/1/fd; true'
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2" ]

	run brun -d --net none --name fds busybox sh -c 'ls /proc/self/fd; echo ---; exec sleep 1000'
	[ "$status" -eq 0 ]
	wait_for 10 file_has_log fds ---
	run brig logs fds
	[ "$(echo $output)" = "0 1 2 3 ---" ]
	run brig exec fds ls /proc/self/fd
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ]
	run brig exec fds ls /proc/1/fd
	[ "$(echo $output)" = "0 1 2" ]
	# No host working directory either.
	run brig exec fds readlink /proc/self/cwd
	[ "$output" = / ]
	run brig exec fds readlink /proc/1/cwd
	[ "$output" = / ]
}

# ---- crash recovery ------------------------------------------------------

# crash_monitor NAME: SIGKILL NAME's monitor (the parent of its init); wait
# (bounded) for the container's init to be gone.
crash_monitor() {
	local pid mon
	pid=$(container_pid "$1")
	alive "$pid"
	mon=$(awk '{ print $4 }' "/proc/$pid/stat")
	[ -n "$mon" ]
	[ "$mon" -gt 1 ]
	kill -KILL "$mon"
	wait_for 10 not_alive "$mon"
	# The container does not outlive its monitor (it is not left running
	# unmanaged).
	wait_for 10 not_alive "$pid"
}

@test "crash: SIGKILL of a monitor; ps -a tells the truth; gc releases lease, veth and cgroup" {
	run brun -d --name crash busybox sleep 1000
	[ "$status" -eq 0 ]
	[ -n "$(lease_lines)" ]
	[ -n "$(veths)" ]
	[ -n "$(leftover_cgroups)" ]
	crash_monitor crash
	# The very next command tells the truth.
	run brig ps
	[[ $output != *crash* ]]
	is_exited crash
	run brig system gc
	[ "$status" -eq 0 ]
	is_exited crash
	[ -z "$(lease_lines)" ]
	[ -z "$(veths)" ]
	[ -z "$(leftover_cgroups)" ]
	# The record is still there to be removed.
	run brig rm crash
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$ROOT/containers")" ]
}

@test "crash (--net none): SIGKILL of a monitor; ps -a exited, gc releases the cgroup" {
	run brun -d --net none --name crash busybox sleep 1000
	[ "$status" -eq 0 ]
	[ -n "$(leftover_cgroups)" ]
	crash_monitor crash
	is_exited crash
	run brig ps -q
	[ -z "$output" ]
	run brig system gc
	[ "$status" -eq 0 ]
	is_exited crash
	[ -z "$(leftover_cgroups)" ]
	# wait on it returns at once (killed with its monitor: 137).
	run brig wait crash
	[ "$status" -eq 0 ]
	[ "$output" = 137 ]
}

# ---- scale ---------------------------------------------------------------

# scale NONE BRIDGE: NONE containers with --net none and BRIDGE on the
# default bridge, all run -d; then rm -f all: nothing remains.
scale() {
	local i n=$(($1 + $2))
	for i in $(seq 1 "$1"); do
		brun -d --net none --name "c$i" busybox sleep 1000 >/dev/null
	done
	for i in $(seq 1 "$2"); do
		brun -d --name "b$i" busybox sleep 1000 >/dev/null
	done
	run brig ps -q
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$n" ]
	[ "$(lease_lines | wc -l)" -eq "$2" ]
	[ "$(veths | wc -l)" -eq "$2" ]
	[ "$(leftover_cgroups | wc -l)" -ge "$n" ]
	run brig rm -f $(brig ps -a -q)
	[ "$status" -eq 0 ]
	run brig ps -a -q
	[ -z "$output" ]
	[ -z "$(ls -A "$ROOT/containers")" ]
	[ -z "$(lease_lines)" ]
	[ -z "$(leftover_cgroups)" ]
	[ -z "$(veths)" ]
	run sb ip -o link show
	[[ $output != *" vb"* ]]
}

@test "100 containers run -d (and 3 on the bridge), rm -f all: nothing remains" {
	scale 100 3
}

@test "100 containers run -d --net none, rm -f all: nothing remains" {
	scale 100 0
}
