#!/usr/bin/env bats
# Basics (issue 9): --network long form (ip=, mac-address=, alias=,
# gw-priority=), --no-gateway networks, the default route, --dns*,
# --add-host, --entrypoint, a refused run leaving nothing behind, start,
# restart, exec -d, one-line option errors, network ls and ps tables.
#
# Each test runs in its own sandbox (see helpers.bash).  Packets go only to
# addresses the test created: containers' own, and 192.0.2.53, which the
# DNS test puts on the sandbox's loopback behind a rule that drops DNS.

load helpers

setup() {
	sandbox_setup
	CGP=brig-basics-$$-$BATS_TEST_NUMBER
	export CGP
	import_busybox
}

teardown() {
	sandbox_teardown
	remove_cgroups
}

# ---- helpers local to this suite -----------------------------------------

# ct_net NAME KEY [INDEX]: field KEY of state.networks[INDEX] (default 0)
# from `brig inspect NAME`.
ct_net() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
print(d["state"]["networks"][int(sys.argv[2])][sys.argv[1]])
' "$2" "${3:-0}"
}

# ct_field NAME KEY: KEY of `brig inspect NAME` (id, name), or of its state.
ct_field() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
v = d[sys.argv[1]] if sys.argv[1] in d else d["state"].get(sys.argv[1])
print("" if v is None else v)
' "$2"
}

# leases NET: the lease lines of network NET ("last ADDR" is not a lease).
leases() {
	local f=$RUNROOT/leases/$1
	[ -e "$f" ] || return 0
	grep -v '^last ' "$f" || true
}

# fake_host_resolv TEXT: the sandbox's /etc/resolv.conf (the "host's", which
# brig reads) becomes TEXT, bind-mounted in the sandbox's mount namespace.
fake_host_resolv() {
	local f=$BATS_TEST_TMPDIR/host-resolv.conf
	printf '%s\n' "$1" >"$f"
	sb mount --bind "$f" /etc/resolv.conf
	[ "$(sb cat /etc/resolv.conf)" = "$1" ]
}

# nameservers NAME: the nameserver lines of container NAME's resolv.conf.
nameservers() {
	brig exec "$1" cat /etc/resolv.conf | grep '^nameserver' || true
}

# default_routes ARG...: the default routes of `brig run --rm ARG... busybox`
# (busybox's `ip route show default` lists every route).
default_routes() {
	local out
	out=$(brig run --rm "$@" busybox ip route) || return 1
	grep '^default' <<<"$out" || true
}

# brig_bounded SECONDS ARG...: brig ARG..., killed after SECONDS (status 124).
brig_bounded() {
	local secs=$1
	shift
	timeout "$secs" "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" "$@"
}

# cell COLUMN HEADER ROW: the text of ROW under COLUMN of a table whose
# heading line is HEADER (headings are separated by two spaces or more; a
# column starts where its heading does and ends where the next one starts).
# Fails when a cell of ROW runs into the next column.
cell() {
	python3 - "$@" <<'PY'
import re, sys
col, head, row = sys.argv[1:4]
heads = [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", head)]
starts = [s for s, _ in heads]
for s in starts[1:]:
    if len(row) > s and row[s - 1] != " ":
        sys.exit(f"row is not aligned with the heading at offset {s}: {row!r}")
for i, (s, name) in enumerate(heads):
    if name == col:
        end = starts[i + 1] if i + 1 < len(heads) else len(row)
        print(row[s:end].strip())
        sys.exit(0)
sys.exit(f"no column {col}")
PY
}

# aligned: every row of the table on stdin has its cells start exactly
# where the headings start (cells hold no two consecutive spaces).
aligned() {
	python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
starts = lambda l: [m.start() for m in re.finditer(r"\S+(?: \S+)*", l)]
want = starts(lines[0])
bad = [l for l in lines[1:] if starts(l) != want]
print("\n".join(bad))
sys.exit(1 if bad else 0)
'
}

# ---- --network long form -------------------------------------------------

@test "run --network name=NET,ip=,mac-address=,alias=: address, MAC and aliases on that network; another member resolves the aliases" {
	run brig network create --subnet 10.95.0.0/24 lab
	[ "$status" -eq 0 ]
	run brig run -d --name srv \
		--network name=lab,ip=10.95.0.50,mac-address=02:42:0a:5f:00:32,alias=web,alias=www \
		busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec srv ip -4 -o addr show dev eth0
	[ "$status" -eq 0 ]
	[[ $output == *" inet 10.95.0.50/24 "* ]]
	run brig exec srv cat /sys/class/net/eth0/address
	[ "$output" = 02:42:0a:5f:00:32 ]
	[ "$(ct_net srv mac)" = 02:42:0a:5f:00:32 ]
	[[ "$(leases lab)" == "10.95.0.50 "* ]]

	# --net is the same option; a plain network name is the short form.
	run brig run -d --name client --net lab busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec client cat /etc/hosts
	[ "$status" -eq 0 ]
	echo "$output"
	local line
	line=$(grep -E '^10\.95\.0\.50[[:space:]]' <<<"$output")
	[[ " $line " =~ [[:space:]]srv[[:space:]] ]]
	[[ " $line " =~ [[:space:]]web[[:space:]] ]]
	[[ " $line " =~ [[:space:]]www[[:space:]] ]]
	run brig exec client ping -c 1 -W 2 web
	[ "$status" -eq 0 ]
	[[ $output == *"(10.95.0.50)"* ]]
	run brig exec client ping -c 1 -W 2 www
	[ "$status" -eq 0 ]
}

@test "run: plain --ip and --mac-address apply to the first network; a second --ip fails 125 with one line" {
	run brig network create --subnet 10.95.1.0/24 one
	[ "$status" -eq 0 ]
	run brig network create --subnet 10.95.2.0/24 two
	[ "$status" -eq 0 ]
	run brig run -d --name c --net one --net two --ip 10.95.1.9 --mac-address 02:00:00:00:01:09 \
		busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec c ip -4 -o addr show dev eth0
	[[ $output == *" inet 10.95.1.9/24 "* ]]
	run brig exec c cat /sys/class/net/eth0/address
	[ "$output" = 02:00:00:00:01:09 ]
	run brig exec c ip -4 -o addr show dev eth1
	[[ $output == *" inet 10.95.2."*/24* ]]
	run brig exec c cat /sys/class/net/eth1/address
	[ "$output" != 02:00:00:00:01:09 ]

	run --separate-stderr brig run --rm --net one --net two --ip 10.95.1.10 --ip 10.95.2.10 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *--ip* ]]
	# ip= and a plain --ip for the same network is as ambiguous.
	run --separate-stderr brig run --rm --net name=one,ip=10.95.1.11 --ip 10.95.1.12 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run brig ps -a -q
	[ "${#lines[@]}" -eq 1 ]
}

@test "run --network ...,ip6= on a v4-only network: refused with 125 and one line naming IPv6" {
	run brig network create --subnet 10.95.3.0/24 lab
	[ "$status" -eq 0 ]
	run --separate-stderr brig run --name v6 --network name=lab,ip6=fd00::5 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *IPv6* ]]
	run brig ps -a -q
	[ -z "$output" ]
	[ -z "$(leases lab)" ]
}

@test "run: a refused run (bad input, taken or outside address, unknown network) leaves no record, no lease and no cgroup" {
	run brig network create --subnet 10.95.4.0/24 lab
	[ "$status" -eq 0 ]
	run brig run -d --name holder --net name=lab,ip=10.95.4.50 busybox sleep 1000
	[ "$status" -eq 0 ]
	local holder
	holder=$(ct_field holder id)

	local -a refused=(
		"--net name=lab,ip=10.95.4.50"
		"--net name=lab,ip=10.95.9.9"
		"--net nosuch"
		"--net lab --net nosuch"
		"--net name=lab,ip=10.95.4.60 --net nosuch"
		"--net name=lab,bogus=1"
		"--net lab --mac-address 01:00:5e:00:00:01"
		"--net lab --dns not-an-ip"
		"--net lab --add-host nocolon"
	)
	local args mode
	for args in "${refused[@]}"; do
		for mode in -d --rm ""; do
			echo "refused: run $mode $args"
			# shellcheck disable=SC2086 # one word per option on purpose
			run --separate-stderr brig run $mode --cgroup-parent "$CGP" --name refused $args \
				busybox sleep 1000
			[ "$status" -eq 125 ]
			one_line_error
		done
	done
	run brig ps -a -q
	[ "$output" = "${holder:0:12}" ]
	run leases lab
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "10.95.4.50 $holder "* ]]
	[ -z "$(leftover_cgroups)" ]
	# The name is free again.
	run brig run --rm --cgroup-parent "$CGP" --name refused --net lab busybox true
	[ "$status" -eq 0 ]
}

# ---- default route ---------------------------------------------------------

@test "default route: the highest gw-priority wins (first of equals); --internal and --no-gateway networks never give one" {
	run brig network create --subnet 10.96.1.0/24 a
	[ "$status" -eq 0 ]
	run brig network create --subnet 10.96.2.0/24 b
	[ "$status" -eq 0 ]
	run brig network create --internal --subnet 10.96.3.0/24 inner
	[ "$status" -eq 0 ]
	run brig network create --no-gateway --subnet 10.96.4.0/24 nogw
	[ "$status" -eq 0 ]

	run default_routes --net a --net name=b,gw-priority=10
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "default via 10.96.2.1 dev eth1"* ]]
	run default_routes --net name=a,gw-priority=5 --net name=b,gw-priority=5
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "default via 10.96.1.1 dev eth0"* ]]
	run default_routes --net name=a,gw-priority=-1 --net b
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "default via 10.96.2.1 dev eth1"* ]]
	run default_routes --net name=inner,gw-priority=100 --net a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "default via 10.96.1.1 dev eth1"* ]]
	run default_routes --net name=nogw,gw-priority=100 --net a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "default via 10.96.1.1 dev eth1"* ]]

	# Only internal or --no-gateway networks: no default route at all.
	run default_routes --net inner
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run default_routes --net nogw
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig run --rm --net inner --net nogw busybox ip route show
	[ "$status" -eq 0 ]
	[ "$(grep -c '^default' <<<"$output")" -eq 0 ]
	[ "$(grep -c 'dev eth0' <<<"$output")" -eq 1 ]
	[ "$(grep -c 'dev eth1' <<<"$output")" -eq 1 ]
}

@test "network create --no-gateway: no gateway, the bridge has no IPv4 address, containers lease from .1 and reach each other" {
	fake_host_resolv "nameserver 198.51.100.53"
	run brig network create --no-gateway --subnet 10.97.0.0/24 nogw
	[ "$status" -eq 0 ]
	run brig network inspect nogw
	[ "$status" -eq 0 ]
	[ "$(json_field gateway nogw <<<"$output")" = "" ]
	[ "$(json_field no_gateway nogw <<<"$output")" = True ]
	local bridge
	bridge=$(json_field bridge nogw <<<"$output")
	[ "$bridge" = br-nogw ]

	run brig run -d --name first --net nogw busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name second --net nogw busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(ct_net first address)" = 10.97.0.1 ]
	[ "$(ct_net second address)" = 10.97.0.2 ]
	[ "$(ct_net first gateway)" = "" ]

	run sb ip -4 -o addr show dev "$bridge"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig exec first ip route
	[ "$status" -eq 0 ]
	[ "$(grep -c '^default' <<<"$output")" -eq 0 ]
	run brig exec first ping -c 1 -W 2 10.97.0.2
	[ "$status" -eq 0 ]
	run brig exec second ping -c 1 -W 2 first
	[ "$status" -eq 0 ]
	[[ $output == *"(10.97.0.1)"* ]]
	# Nothing to route a lookup through: no nameserver.
	[ -z "$(nameservers first)" ]
}

@test "network create --ipam none: interfaces without addresses on a layer-2 bridge; rm refused while attached" {
	run --separate-stderr brig network create --ipam none --subnet 10.98.0.0/24 bad
	[ "$status" -eq 125 ]
	one_line_error
	run brig network create --ipam none l2
	[ "$status" -eq 0 ]
	run brig network inspect l2
	[ "$(json_field ipam l2 <<<"$output")" = none ]
	[ "$(json_field subnet l2 <<<"$output")" = "" ]

	brig run -d --name p1 --net l2 --cap-add NET_ADMIN busybox sleep 1000
	brig run -d --name p2 --net l2 --cap-add NET_ADMIN busybox sleep 1000
	run sb ip -4 -o addr show dev br-l2
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig exec p1 ip -4 -o addr show dev eth0
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig exec p1 ip route
	[ "$(grep -c '^default' <<<"$output")" -eq 0 ]
	# the user addresses the segment; layer 2 carries it
	brig exec p1 ip addr add 192.168.77.1/24 dev eth0
	brig exec p2 ip addr add 192.168.77.2/24 dev eth0
	run brig exec p1 ping -c 1 -W 2 192.168.77.2
	[ "$status" -eq 0 ]

	run --separate-stderr brig run --rm --network name=l2,ip=192.168.77.9 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig network rm l2
	[ "$status" -eq 125 ]
	one_line_error
	brig rm -f p1 p2
	run brig network rm l2
	[ "$status" -eq 0 ]
}

# ---- DNS -----------------------------------------------------------------

# dns_blackhole: 192.0.2.53 on the sandbox's loopback, and DNS to it
# dropped without an answer: a nameserver that is there and never replies.
dns_blackhole() {
	sb ip addr add 192.0.2.53/32 dev lo
	sb nft add table inet basics_dns
	sb nft add chain inet basics_dns input '{ type filter hook input priority 0; policy accept; }'
	sb nft add rule inet basics_dns input udp dport 53 drop
	sb nft add rule inet basics_dns input tcp dport 53 drop
}

@test "dns: a container on internal networks gets no nameserver and fails an unknown name at once (within 2 s); a listed silent server would not" {
	fake_host_resolv "nameserver 192.0.2.53"
	dns_blackhole
	run brig network create --internal --subnet 10.98.0.0/24 inner
	[ "$status" -eq 0 ]
	# An on-link default route: a lookup sent to a listed nameserver would
	# go out eth0 (to the sandbox's 192.0.2.53, which never answers).
	run brig run -d --name lonely --net inner --cap-add NET_ADMIN busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec lonely ip route add default dev eth0
	[ "$status" -eq 0 ]
	run brig exec lonely cat /etc/resolv.conf
	[ "$status" -eq 0 ]
	echo "$output"
	[ "$(grep -c nameserver <<<"$output")" -eq 0 ]
	# busybox timeout kills nslookup with SIGTERM (143); coreutils' says 124.
	run brig exec lonely timeout 2 nslookup nosuch.example
	echo "lookup: status $status"
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]
	[ "$status" -ne 143 ]
	run brig exec lonely timeout 2 ping -c 1 nosuch.example
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]
	[ "$status" -ne 143 ]
	[[ $output == *"bad address"* ]]

	# Control: the same container with the nameserver listed waits past
	# the bound, so the bound above measures something.
	run brig run -d --name listed --net inner --dns 192.0.2.53 --cap-add NET_ADMIN busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec listed ip route add default dev eth0
	[ "$status" -eq 0 ]
	[ "$(nameservers listed)" = "nameserver 192.0.2.53" ]
	run brig exec listed timeout 2 nslookup nosuch.example
	echo "control lookup: status $status"
	[[ $status -eq 143 || $status -eq 124 ]]
}

@test "dns: --dns replaces the host's nameservers, --dns-search and --dns-option its search and options; --add-host adds hosts lines" {
	fake_host_resolv "$(printf '%s\n' '# the host' 'nameserver 127.0.0.53' 'nameserver 198.51.100.53' \
		'search host.example' 'options edns0')"
	run brig network create --subnet 10.99.0.0/24 lab
	[ "$status" -eq 0 ]

	# Without options: the host's file, less its loopback server.
	run brig run -d --name plain --net lab busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(nameservers plain)" = "nameserver 198.51.100.53" ]
	run brig exec plain cat /etc/resolv.conf
	[ "$(grep -c '^search host.example$' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^options edns0$' <<<"$output")" -eq 1 ]

	run brig run -d --name custom --net lab --dns 192.0.2.53 --dns-search lab.example \
		--dns-search corp.example --dns-option ndots:2 --add-host db.lab:10.1.2.3 \
		--add-host cache:10.1.2.4 busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(nameservers custom)" = "nameserver 192.0.2.53" ]
	run brig exec custom cat /etc/resolv.conf
	echo "$output"
	[ "$(grep -c '^search' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^search lab.example corp.example$' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^options' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^options ndots:2$' <<<"$output")" -eq 1 ]
	run brig exec custom cat /etc/hosts
	echo "$output"
	[ "$(grep -cE '^10\.1\.2\.3[[:space:]]+db\.lab$' <<<"$output")" -eq 1 ]
	[ "$(grep -cE '^10\.1\.2\.4[[:space:]]+cache$' <<<"$output")" -eq 1 ]
	# ... and the container still lists itself.
	[ "$(grep -cw custom <<<"$output")" -eq 1 ]

	# One network that routes out is enough for the host's nameservers.
	run brig network create --internal --subnet 10.99.1.0/24 inner
	[ "$status" -eq 0 ]
	run brig run -d --name mixed --net inner --net lab busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(nameservers mixed)" = "nameserver 198.51.100.53" ]

	# Bad values are refused.
	run --separate-stderr brig run --rm --add-host "bad name:10.0.0.1" busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --add-host db:10.0.0.300 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --dns-search "a b" busybox true
	[ "$status" -eq 125 ]
	one_line_error
}

# ---- start, restart, exec -d ---------------------------------------------

@test "start: a stopped container runs again with the same id, name and address; start of a running one is a no-op" {
	run brig run -d --name web busybox sleep 1000
	[ "$status" -eq 0 ]
	local id addr pid
	id=$output
	addr=$(ct_net web address)
	pid=$(ct_field web pid)
	run brig stop -t 1 web
	[ "$status" -eq 0 ]
	[ "$(ct_field web status)" = exited ]

	run --separate-stderr brig start web
	[ "$status" -eq 0 ]
	[ "$output" = web ]
	[ "$(ct_field web id)" = "$id" ]
	[ "$(ct_field web name)" = web ]
	[ "$(ct_field web status)" = running ]
	[ "$(ct_net web address)" = "$addr" ]
	local pid2
	pid2=$(ct_field web pid)
	[ "$pid2" != "$pid" ]
	alive "$pid2"
	run brig exec web ip -4 -o addr show dev eth0
	[[ $output == *" inet $addr/"* ]]
	run brig ps -q
	[ "$output" = "${id:0:12}" ]

	# Already running: success, and nothing changes.
	run brig start web
	[ "$status" -eq 0 ]
	[ "$(ct_field web pid)" = "$pid2" ]
	[ "$(leases bridge | wc -l)" -eq 1 ]
}

@test "start: when its address was taken meanwhile, the container gets another one" {
	run brig run -d --name web busybox sleep 1000
	[ "$status" -eq 0 ]
	local id addr
	id=$output
	addr=$(ct_net web address)
	run brig stop -t 1 web
	[ "$status" -eq 0 ]
	run brig run -d --name thief --ip "$addr" busybox sleep 1000
	[ "$status" -eq 0 ]

	run brig start web
	[ "$status" -eq 0 ]
	[ "$(ct_field web status)" = running ]
	local addr2
	addr2=$(ct_net web address)
	echo "before: $addr, now: $addr2"
	[[ $addr2 == 10.88.* ]]
	[ "$addr2" != "$addr" ]
	[ "$(ct_net thief address)" = "$addr" ]
	run leases bridge
	[ "${#lines[@]}" -eq 2 ]
	[[ $output == *"$addr2 $id "* ]]
	run brig exec thief ping -c 1 -W 2 "$addr2"
	[ "$status" -eq 0 ]
}

@test "restart -t 1: the container runs again with a new pid, same id and address" {
	run brig run -d --name web busybox sleep 1000
	[ "$status" -eq 0 ]
	local id addr pid
	id=$output
	addr=$(ct_net web address)
	pid=$(ct_field web pid)
	run brig restart -t 1 web
	[ "$status" -eq 0 ]
	[ "$(ct_field web status)" = running ]
	local pid2
	pid2=$(ct_field web pid)
	[ "$pid2" != "$pid" ]
	alive "$pid2"
	wait_for 10 not_alive "$pid"
	[ "$(ct_field web id)" = "$id" ]
	[ "$(ct_net web address)" = "$addr" ]
	run brig exec web true
	[ "$status" -eq 0 ]
	run --separate-stderr brig restart -t x web
	[ "$status" -eq 125 ]
	one_line_error
}

@test "exec -d: returns at once; the process keeps running in the container" {
	run brig run -d --name web busybox sleep 1000
	[ "$status" -eq 0 ]
	# Bounded: an exec -d that waited for its command would end as 124.
	run brig_bounded 20 exec -d web sleep 777
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig exec web ps -o pid,stat,args
	[ "$status" -eq 0 ]
	echo "$output"
	local row
	row=$(grep -E '[[:space:]]sleep 777$' <<<"$output")
	[ -n "$row" ]
	[[ $(awk '{ print $2 }' <<<"$row") != Z* ]]
	# A later exec still sees it: it did not go away with brig exec -d.
	run brig exec web ps -o args
	[ "$(grep -c '^sleep 777$' <<<"$output")" -eq 1 ]
	run --separate-stderr brig exec -d nosuch true
	[ "$status" -eq 125 ]
	one_line_error
}

# ---- run: MAC, entrypoint, no command ------------------------------------

@test "run --mac-address sets eth0's MAC; a multicast or malformed MAC fails 125" {
	run brig run --rm --mac-address 02:42:aa:bb:cc:dd busybox cat /sys/class/net/eth0/address
	[ "$status" -eq 0 ]
	[ "$output" = 02:42:aa:bb:cc:dd ]
	local bad
	for bad in 01:00:5e:00:00:01 02:42:aa:bb:cc 02:42:aa:bb:cc:zz 0242aabbccdd; do
		run --separate-stderr brig run --rm --mac-address "$bad" busybox true
		[ "$status" -eq 125 ]
		one_line_error
		[[ $stderr == *"$bad"* ]]
	done
}

@test "run --entrypoint: the entrypoint runs with the arguments after the image; no command at all fails 125" {
	run brig run --rm --entrypoint echo busybox hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	run brig run --rm --entrypoint hostname --hostname ep1 busybox
	[ "$status" -eq 0 ]
	[ "$output" = ep1 ]

	run --separate-stderr brig run --name nocmd busybox
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"no command specified"* ]]
	[ -z "$output" ]
	run brig ps -a -q
	[ -z "$output" ]
}

# ---- option errors ---------------------------------------------------------

@test "a bad option prints exactly one line on stderr and exits 125, for every command" {
	local -a cmds=(
		"run --bogus busybox true"
		"run --name"
		"run -x busybox true"
		"ps --bogus"
		"network create --bogus x"
		"network ls --bogus"
		"exec --bogus x true"
		"image ls --bogus"
		"stop --bogus x"
		"start --bogus x"
		"restart --bogus x"
		"rm --bogus x"
	)
	local cmd
	for cmd in "${cmds[@]}"; do
		echo "brig $cmd"
		# shellcheck disable=SC2086 # one word per argument on purpose
		run --separate-stderr brig $cmd
		echo "  -> $status: $stderr"
		[ "$status" -eq 125 ]
		one_line_error
		[ -z "$output" ]
	done
	run --separate-stderr brig run --bogus busybox true
	[[ $stderr == *"'--bogus'"* ]]
	run --separate-stderr brig run --name
	[[ $stderr == *"'--name'"* ]]
	[[ $stderr == *value* ]]
	run brig ps -a -q
	[ -z "$output" ]
}

# ---- tables ----------------------------------------------------------------

@test "network ls: sorted by name, every column starts at the same offset in every row" {
	local n i=0
	for n in zeta alpha a-rather-long-network-name mid; do
		i=$((i + 1))
		run brig network create --subnet "10.100.$i.0/24" "$n"
		[ "$status" -eq 0 ]
	done
	run brig network create --internal --no-gateway --subnet 10.101.0.0/24 b
	[ "$status" -eq 0 ]
	run brig network ls
	[ "$status" -eq 0 ]
	echo "$output"
	[[ ${lines[0]} == NAME* ]]
	local names
	names=$(tail -n +2 <<<"$output" | awk '{ print $1 }')
	[ "$names" = "$(printf '%s\n' a-rather-long-network-name alpha b mid zeta)" ]
	[ "$names" = "$(LC_ALL=C sort <<<"$names")" ]
	aligned <<<"$output"
	local b
	b=$(awk '$1 == "b"' <<<"$output")
	[ "$(cell GATEWAY "${lines[0]}" "$b")" = - ]
	[ "$(cell INTERNAL "${lines[0]}" "$b")" = yes ]
	[ "$(cell SUBNET "${lines[0]}" "$b")" = 10.101.0.0/24 ]
	[ "$(cell BRIDGE "${lines[0]}" "$b")" = br-b ]
}

@test "ps: a running container's STATUS is 'Up ...' with no 'ago'; columns line up with the headings" {
	run brig run -d --name web busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run --name done busybox true
	[ "$status" -eq 0 ]
	run brig ps -a
	[ "$status" -eq 0 ]
	echo "$output"
	local head=${lines[0]} up exited
	up=$(awk '$NF == "web"' <<<"$output")
	exited=$(awk '$NF == "done"' <<<"$output")
	local st
	st=$(cell STATUS "$head" "$up")
	echo "running: '$st'"
	[[ $st == "Up "* ]]
	[[ $st != *ago* ]]
	[ "$(cell NAMES "$head" "$up")" = web ]
	[ "$(cell ADDRESSES "$head" "$up")" = "$(ct_net web address)" ]
	[[ $(cell CREATED "$head" "$up") == *ago ]]
	st=$(cell STATUS "$head" "$exited")
	echo "exited: '$st'"
	[[ $st == "Exited (0) "*ago ]]
	[ "$(cell NAMES "$head" "$exited")" = done ]
	[ "$(cell IMAGE "$head" "$up")" = busybox ]
	[ "$(cell COMMAND "$head" "$up")" = "sleep 1000" ]
}
