#!/usr/bin/env bats
# Published ports (issue 15, items 1 and 2): -p and -P through DNAT maps
# in table inet brig, the host's 127.0.0.1, hairpin, the LAN-leak guard,
# refusals, brig port / ps / inspect, and removal of exactly a container's
# map elements (rm -f, a SIGKILLed monitor + gc, a flushed ruleset).
#
# Each test runs in its own sandbox (helpers.bash).  The "uplink" is a
# network namespace standing for another machine: 192.0.2.2 there,
# 192.0.2.1 the sandbox host's address on that link (uplink_up).

load helpers

setup_file() {
	make -C "$REPO" -s test-helpers >&2
}

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	if [ -n "${LISTENER_PID:-}" ]; then
		kill "$LISTENER_PID" 2>/dev/null || true
	fi
	sandbox_teardown
}

UDPECHO=$REPO/build/helpers/udpecho

# ---- helpers local to this suite -----------------------------------------

# web NAME PORT-ARGS...: a detached busybox httpd on port 80 serving
# "hello-NAME", published with the given -p arguments.
web() {
	local name=$1
	shift
	brig run -d --name "$name" "$@" busybox sh -c \
		"mkdir -p /www && echo hello-$name >/www/index.html && exec httpd -f -p 80 -h /www"
}

# host_get URL: fetch URL from the sandbox host (5 s bound).
host_get() {
	sb timeout 5 /bin/busybox wget -qO- "$1" 2>/dev/null
}

# uplink_get URL: fetch URL from the uplink namespace (another machine).
uplink_get() {
	sb nsenter --target "$UPLINK_PID" --net timeout 5 /bin/busybox wget -qO- "$1" 2>/dev/null
}

# host_gets URL TEXT: the sandbox host fetches TEXT from URL.
host_gets() {
	[ "$(host_get "$1")" = "$2" ]
}

# uplink_route_loopback: the uplink sends 127.0.0.0/8 to 192.0.2.1, as an
# attacker on the LAN does (moby#45610): its own loopback routes gone,
# route_localnet on so its kernel lets such packets out and answers in.
uplink_route_loopback() {
	sb nsenter --target "$UPLINK_PID" --net sh -c '
		sysctl -qw net.ipv4.conf.up1.route_localnet=1 &&
		sysctl -qw net.ipv4.conf.all.rp_filter=0 &&
		sysctl -qw net.ipv4.conf.up1.rp_filter=0 &&
		ip route del local 127.0.0.1 dev lo table local &&
		ip route del local 127.0.0.0/8 dev lo table local &&
		ip route add 127.0.0.0/8 via 192.0.2.1 dev up1'
}

# uplink_watch_loopback: count, in the uplink, every packet that arrives
# from 127.0.0.0/8 (an answer of the host's loopback that leaked).
uplink_watch_loopback() {
	sb nsenter --target "$UPLINK_PID" --net sh -c '
		nft add table ip watch &&
		nft add chain ip watch in "{ type filter hook prerouting priority -300; }" &&
		nft add rule ip watch in ip saddr 127.0.0.0/8 counter'
}

# uplink_loopback_answers: how many such packets the uplink received.
uplink_loopback_answers() {
	sb nsenter --target "$UPLINK_PID" --net nft list chain ip watch in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# nft_table: table inet brig as nft(8) lists it in the sandbox.
nft_table() {
	sb nft list table inet brig
}

# elements_of NAME-OR-ID: how many map elements carry this id (a prefix).
elements_of() {
	local n
	n=$(nft_table | grep -c "comment \"$1" || true)
	echo "${n:-0}"
}

# id_of NAME: the container's full id.
id_of() {
	brig inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])'
}

# ps_ports NAME: the PORTS cell of NAME's `brig ps` row.
ps_ports() {
	brig ps | python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
head = lines[0]
starts = [m.start() for m in re.finditer(r"\S+(?: \S+)*", head)]
names = [m.group(0) for m in re.finditer(r"\S+(?: \S+)*", head)]
i = names.index("PORTS")
for row in lines[1:]:
    if row.split()[-1] == sys.argv[1]:
        print(row[starts[i]:starts[i + 1]].strip())
' "$1"
}

# listening PORT: a TCP socket listens on PORT in the sandbox.
listening() {
	sb grep -qE ":$(printf %04X "$1") [0-9A-F]+:0000 0A" /proc/net/tcp /proc/net/tcp6
}

# ---- reaching a published port --------------------------------------------

@test "ports: -p 8080:80 is reached from the uplink, from the host on 127.0.0.1 and 192.0.2.1, and through 192.0.2.1 by the container itself and a neighbour (hairpin)" {
	uplink_up
	run web web -p 8080:80
	[ "$status" -eq 0 ]
	wait_for 10 host_gets http://127.0.0.1:8080/ hello-web
	run uplink_get http://192.0.2.1:8080/
	[ "$output" = hello-web ]
	run host_get http://127.0.0.1:8080/
	[ "$output" = hello-web ]
	run host_get http://192.0.2.1:8080/
	[ "$output" = hello-web ]
	run brig exec web timeout 5 wget -qO- http://192.0.2.1:8080/
	[ "$status" -eq 0 ]
	[ "$output" = hello-web ]
	run brig run --rm busybox timeout 5 wget -qO- http://192.0.2.1:8080/
	[ "$status" -eq 0 ]
	[ "$output" = hello-web ]
}

@test "ports: -p 127.0.0.1:8081:80 is reached from the host only; an uplink routing 127.0.0.0/8 via the host gets no answer from it, nor from 127.0.0.1 of a port on every address (moby#45610)" {
	uplink_up
	run web local -p 127.0.0.1:8081:80
	[ "$status" -eq 0 ]
	run web open -p 8082:80
	[ "$status" -eq 0 ]
	wait_for 10 host_gets http://127.0.0.1:8081/ hello-local
	run host_get http://127.0.0.1:8081/
	[ "$output" = hello-local ]
	# not published on the other addresses
	run host_get http://192.0.2.1:8081/
	[ "$output" = "" ]
	uplink_route_loopback
	uplink_watch_loopback
	# the route is in use: the uplink reaches the host through it
	run uplink_get http://192.0.2.1:8082/
	[ "$output" = hello-open ]
	run uplink_get http://127.0.0.1:8081/
	[ "$output" = "" ]
	run uplink_get http://127.0.0.1:8082/
	[ "$output" = "" ]
	# not a single packet came back from the host's 127.0.0.1
	[ "$(uplink_loopback_answers)" -eq 0 ]
	# The check can fail: without brig's guard rule the translated
	# connection reaches the container, and its answers come back.
	local h
	h=$(sb nft -a list chain inet brig prerouting | awk '/127.0.0.0\/8/ { print $NF }')
	sb nft delete rule inet brig prerouting handle "$h"
	run uplink_get http://127.0.0.1:8081/
	[ "$(uplink_loopback_answers)" -gt 0 ]
}

@test "ports: -p 5353:53/udp reaches a UDP responder from the host and the uplink" {
	uplink_up
	run brig run -d --name dns -p 5353:53/udp -v "$UDPECHO:/udpecho:ro" busybox /udpecho 53
	[ "$status" -eq 0 ]
	wait_for 10 sb "$UDPECHO" 127.0.0.1 5353 ping
	run sb "$UDPECHO" 127.0.0.1 5353 from-host
	[ "$status" -eq 0 ]
	[ "$output" = echo:from-host ]
	run sb "$UDPECHO" 192.0.2.1 5353 via-uplink-address
	[ "$output" = echo:via-uplink-address ]
	run sb nsenter --target "$UPLINK_PID" --net "$UDPECHO" 192.0.2.1 5353 from-uplink
	[ "$status" -eq 0 ]
	[ "$output" = echo:from-uplink ]
	# TCP 5353 is not published
	run nft_table
	[[ $output == *"udp . 5353"* ]]
	[[ $output != *"tcp . 5353"* ]]
}

# ---- refusals --------------------------------------------------------------

@test "ports: bad -p values (70000:80, 8085:0, abc, 8085:80/bogus, a range mismatch, IPv6) fail with 125 and one line; nothing is created" {
	local bad
	for bad in 70000:80 8085:0 abc 8085:80/bogus 8000-8001:80-82 '[::1]:8080:80' 1.2.3:80:80; do
		run --separate-stderr brig run -d -p "$bad" busybox true
		echo "$bad: $status $stderr"
		[ "$status" -eq 125 ]
		one_line_error "$stderr"
		[[ $stderr == *"$bad"* ]]
	done
	run brig ps -aq
	[ -z "$output" ]
	[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ]
}

@test "ports: a port published by another container, or held by a host socket, is refused with 125; the table and the containers are unchanged" {
	run web first -p 8083:80
	[ "$status" -eq 0 ]
	local before
	before=$(nft_table)
	run --separate-stderr brig run -d --name second -p 8083:81 busybox sleep 100
	[ "$status" -eq 125 ]
	one_line_error "$stderr"
	[[ $stderr == *"already published by container"* ]]
	run --separate-stderr brig run -d --name third -p 127.0.0.1:8083:80 busybox sleep 100
	[ "$status" -eq 125 ]
	[[ $stderr == *"already published"* ]]
	# a host socket
	(exec "$SANDBOX" exec "$SB" /bin/busybox nc -l -p 8084 </dev/null >/dev/null 2>&1 3>&-) &
	LISTENER_PID=$!
	wait_for 10 listening 8084
	run --separate-stderr brig run -d --name fourth -p 8084:80 busybox sleep 100
	[ "$status" -eq 125 ]
	one_line_error "$stderr"
	[[ $stderr == *"in use on the host"* ]]
	[ "$(nft_table)" = "$before" ]
	run brig ps -a --format json
	[[ $output != *second* ]]
	[[ $output != *third* ]]
	[[ $output != *fourth* ]]
	# the same port twice in one run
	run --separate-stderr brig run -d -p 8086:80 -p 8086:81 busybox sleep 100
	[ "$status" -eq 125 ]
	[[ $stderr == *"asked for twice"* ]]
	[ "$(nft_table)" = "$before" ]
}

# ---- removal ---------------------------------------------------------------

@test "ports: rm -f deletes exactly the container's map elements; the others stay and still work" {
	run web a -p 8080:80 -p 127.0.0.1:8081:80
	[ "$status" -eq 0 ]
	run web b -p 8082:80
	[ "$status" -eq 0 ]
	local a b
	a=$(id_of a)
	b=$(id_of b)
	[ "$(elements_of "$a")" -eq 2 ]
	[ "$(elements_of "$b")" -eq 1 ]
	run brig rm -f a
	[ "$status" -eq 0 ]
	[ "$(elements_of "$a")" -eq 0 ]
	[ "$(elements_of "$b")" -eq 1 ]
	wait_for 10 host_gets http://127.0.0.1:8082/ hello-b
	# a stopped container publishes nothing; its port is free again
	run brig stop -t 1 b
	[ "$status" -eq 0 ]
	[ "$(elements_of "$b")" -eq 0 ]
	run web c -p 8080:80
	[ "$status" -eq 0 ]
	wait_for 10 host_gets http://127.0.0.1:8080/ hello-c
}

@test "ports: after SIGKILL of the monitor, system gc deletes the container's map elements; its port can be published again" {
	run web crash -p 8080:80 -p 5353:53/udp
	[ "$status" -eq 0 ]
	local id pid mon
	id=$(id_of crash)
	[ "$(elements_of "$id")" -eq 2 ]
	pid=$(brig inspect crash | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["pid"])')
	mon=$(awk '{ print $4 }' "/proc/$pid/stat")
	[ "$mon" -gt 1 ]
	kill -KILL "$mon"
	wait_for 10 not_alive "$mon"
	wait_for 10 not_alive "$pid"
	# until gc the elements are still there: nothing else removed them
	[ "$(elements_of "$id")" -eq 2 ]
	run brig system gc
	[ "$status" -eq 0 ]
	[ "$(elements_of "$id")" -eq 0 ]
	run web again -p 8080:80
	[ "$status" -eq 0 ]
	wait_for 10 host_gets http://127.0.0.1:8080/ hello-again
}

@test "ports: a flushed ruleset is restored by the next brig run, with the running containers' map elements" {
	run web keep -p 8080:80
	[ "$status" -eq 0 ]
	local id
	id=$(id_of keep)
	wait_for 10 host_gets http://127.0.0.1:8080/ hello-keep
	sb nft flush ruleset
	run sb nft list ruleset
	[[ $output != *brig* ]]
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	[ "$(elements_of "$id")" -eq 1 ]
	wait_for 10 host_gets http://127.0.0.1:8080/ hello-keep
	# a network created later rebuilds the table: the element stays
	run brig network create --subnet 10.99.0.0/24 other
	[ "$status" -eq 0 ]
	[ "$(elements_of "$id")" -eq 1 ]
	run host_get http://127.0.0.1:8080/
	[ "$output" = hello-keep ]
}

# ---- choosing, listing -----------------------------------------------------

@test "ports: -p 80 and -p 0:80 get free host ports; a range maps port to port; brig port, ps and inspect list them as Docker does" {
	run web web -p 8090-8092:80-82 -p 0:80/udp -p 127.0.0.1::80
	[ "$status" -eq 0 ]
	run brig port web
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[0]}" = "80/tcp -> 0.0.0.0:8090" ]
	[ "${lines[1]}" = "81/tcp -> 0.0.0.0:8091" ]
	[ "${lines[2]}" = "82/tcp -> 0.0.0.0:8092" ]
	[[ ${lines[3]} =~ ^80/udp\ -\>\ 0\.0\.0\.0:[1-9][0-9]*$ ]]
	[[ ${lines[4]} =~ ^80/tcp\ -\>\ 127\.0\.0\.1:[1-9][0-9]*$ ]]
	local free=${lines[4]##*:}
	wait_for 10 host_gets "http://127.0.0.1:$free/" hello-web
	run brig port web 81
	[ "$output" = 0.0.0.0:8091 ]
	run brig port web 80/udp
	[[ $output =~ ^0\.0\.0\.0:[1-9][0-9]*$ ]]
	run --separate-stderr brig port web 83
	[ "$status" -eq 125 ]
	one_line_error "$stderr"
	run ps_ports web
	echo "$output"
	[[ $output == "0.0.0.0:8090-8092->80-82/tcp, 0.0.0.0:"*"->80/udp, 127.0.0.1:$free->80/tcp" ]]
	run brig inspect web
	run python3 -c 'import json, sys; p = json.load(sys.stdin)[0]["NetworkSettings"]["Ports"]; print(p["81/tcp"][0]["HostIp"], p["81/tcp"][0]["HostPort"])' <<<"$output"
	[ "$output" = "0.0.0.0 8091" ]
}

@test "ports: -P publishes the image's ExposedPorts (8080/tcp, 53/udp) on free host ports" {
	load image_helpers
	run brig image import "$(fixture docker)"
	[ "$status" -eq 0 ]
	run brig run -d --name exp -P --entrypoint sleep fixture:docker 1000
	[ "$status" -eq 0 ]
	run brig port exp
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ $output =~ 8080/tcp\ -\>\ 0\.0\.0\.0:[1-9][0-9]* ]]
	[[ $output =~ 53/udp\ -\>\ 0\.0\.0\.0:[1-9][0-9]* ]]
	[ "$(elements_of "$(id_of exp)")" -eq 2 ]
}

@test "ports: a lab node's ports: key publishes its ports" {
	cat >"$BATS_TEST_TMPDIR/web.clab.yml" <<-EOF
		name: pub
		topology:
		  nodes:
		    web:
		      kind: linux
		      image: busybox
		      ports: ["8088:80"]
		      cmd: sh -c "mkdir -p /www && echo hello-lab >/www/index.html && exec httpd -f -p 80 -h /www"
	EOF
	run --separate-stderr brig lab up "$BATS_TEST_TMPDIR/web.clab.yml"
	[ "$status" -eq 0 ]
	[[ $stderr != *"not published"* ]]
	run brig port clab-pub-web
	[ "$output" = "80/tcp -> 0.0.0.0:8088" ]
	wait_for 10 host_gets http://127.0.0.1:8088/ hello-lab
	run brig lab down pub
	[ "$status" -eq 0 ]
	[ "$(elements_of "")" -eq 0 ]
}
