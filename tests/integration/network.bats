#!/usr/bin/env bats
# brig networking (issue 3): host setup, bridge, nftables NAT, veth per
# container, lease-file IPAM, user networks, names, modes, teardown.
#
# Each test runs in its own sandbox (see helpers.bash): its own network and
# mount namespace, so br0, veths, the nftables table and every address made
# here exist only inside it.  Packets go only to addresses the test created.
#
# The NAT tests use an "uplink" network namespace with a server that
# echoes the peer address (uplink_up in helpers.bash); 192.0.2.2 is that
# server, 192.0.2.1 the sandbox's own uplink address.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

# ---- helpers local to this suite -----------------------------------------

# ct_net NAME KEY [INDEX]: field KEY of state.networks[INDEX] (default 0)
# from `brig inspect NAME`.
ct_net() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d["state"]["networks"][int(sys.argv[2])][sys.argv[1]])
' "$2" "${3:-0}"
}

# ct_state NAME KEY: field KEY of the state object of `brig inspect NAME`.
ct_state() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
v = d["state"].get(sys.argv[1])
print("" if v is None else v)
' "$2"
}

# ct_id NAME: the full container id.
ct_id() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d["id"])
'
}

# leases NET: the lease lines of network NET ("last ADDR" is not a lease).
leases() {
	local f=$RUNROOT/leases/$1
	[ -e "$f" ] || return 0
	grep -v '^last ' "$f" || true
}

no_leases() { [ -z "$(leases "$1")" ]; }

# host_veths: the host ends of container veths ("vb...") in the sandbox.
host_veths() {
	sb ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep '^vb' || true
}

no_host_veths() { [ -z "$(host_veths)" ]; }

# fetch ARG...: `brig run ARG... busybox` fetching the uplink URL (bounded).
# sh stays pid 1 ("; exit" keeps it from exec'ing): busybox timeout signals
# its parent, and pid 1 of a namespace ignores signals it has no handler for.
fetch() {
	# shellcheck disable=SC2016 # expanded by the container's shell
	brig run --rm "$@" busybox sh -c 'timeout 5 wget -q -O - "$1"; exit $?' sh "$UPLINK_URL"
}

# foreign_link NAME: a link of the "host's" own: a dummy, or a bridge where
# the dummy driver is not available (a bridge brig did not create is the
# sharper case anyway: same kind, same name).
# IPv6 is off on it: its link-local address would change from "tentative"
# to settled on its own, and the tests compare address listings as text.
foreign_link() {
	sb ip link add "$1" type dummy 2>/dev/null || sb ip link add "$1" type bridge
	# shellcheck disable=SC2016 # $1 is expanded by the inner shell
	sb sh -c 'echo 1 >"/proc/sys/net/ipv6/conf/$1/disable_ipv6"' sh "$1"
}

# ---- host setup ----------------------------------------------------------

# The state brig's host setup is judged by: the bridge's IPv4 address, its
# link line (flags, MTU, state) without the MAC, the nftables table, and
# ip_forward.  The bridge's MAC is checked on its own (bridge_mac).
host_setup_text() {
	sb ip -4 -o addr show dev br0
	sb ip -o link show dev br0 | sed 's|link/ether [0-9a-f:]* ||'
	sb nft list table inet brig
	sb cat /proc/sys/net/ipv4/ip_forward
}

# sb_sysfs PATH: cat a file of the sandbox's own sysfs (the sandbox shares
# the host's /sys mount, which shows the host's devices; a sysfs mounted
# from inside the sandbox's network namespace shows the sandbox's).
sb_sysfs() {
	# shellcheck disable=SC2016 # $1 is expanded by the inner shell
	sb unshare --mount -- sh -c 'mount -t sysfs sysfs /sys && cat "$1"' sh "/sys/$1"
}

bridge_mac() { sb_sysfs class/net/br0/address; }

@test "network: first bridge-mode run sets up br0, the masquerade rule and ip_forward; a second container changes none of it" {
	[ "$(sb cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
	run brig run -d --name first busybox sleep 1000
	[ "$status" -eq 0 ]

	run sb ip -o link show dev br0
	[ "$status" -eq 0 ]
	[[ $output =~ \<([A-Z_]+,)*UP[,\>] ]]
	run sb ip -4 -o addr show dev br0
	[ "$status" -eq 0 ]
	[[ $output == *" inet 10.88.0.1/16 "* ]]
	run sb nft list table inet brig
	[ "$status" -eq 0 ]
	echo "$output"
	grep -Eq 'ip saddr 10\.88\.0\.0/16 .*masquerade' <<<"$output"
	[ "$(sb cat /proc/sys/net/ipv4/ip_forward)" = 1 ]

	local before after mac
	before=$(host_setup_text)
	mac=$(bridge_mac)
	run brig run -d --name second busybox sleep 1000
	[ "$status" -eq 0 ]
	after=$(host_setup_text)
	diff <(echo "$before") <(echo "$after")
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	after=$(host_setup_text)
	diff <(echo "$before") <(echo "$after")
	# The gateway's MAC is part of it: containers have it in their ARP
	# caches.  A bridge without a fixed MAC takes the lowest MAC of its
	# ports, so a new container could change it under the running ones
	# (whether it does depends on random veth MACs); a MAC set on the bridge
	# (addr_assign_type 3, NET_ADDR_SET) is never recomputed.
	run brig run -d --name third busybox sleep 1000
	[ "$status" -eq 0 ]
	echo "br0 MAC before: $mac; with second and third attached: $(bridge_mac)"
	[ "$(bridge_mac)" = "$mac" ]
	echo "br0 addr_assign_type: $(sb_sysfs class/net/br0/addr_assign_type)"
	[ "$(sb_sysfs class/net/br0/addr_assign_type)" = 3 ]
}

# ---- addresses and names -------------------------------------------------

@test "network: two containers ping each other by address and by name; a later one is resolvable from an earlier one" {
	run brig run -d --name alpha busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name beta busybox sleep 1000
	[ "$status" -eq 0 ]
	local a b c
	a=$(ct_net alpha address)
	b=$(ct_net beta address)
	[[ $a == 10.88.* ]]
	[[ $b == 10.88.* ]]
	[ "$a" != "$b" ]

	run brig exec alpha ping -c 1 -W 2 "$b"
	[ "$status" -eq 0 ]
	run brig exec beta ping -c 1 -W 2 "$a"
	[ "$status" -eq 0 ]
	run brig exec alpha ping -c 1 -W 2 beta
	[ "$status" -eq 0 ]
	[[ $output == *"$b"* ]]
	run brig exec beta ping -c 1 -W 2 alpha
	[ "$status" -eq 0 ]
	[[ $output == *"$a"* ]]

	# Started after alpha and beta: both resolve it without a restart.
	run brig run -d --name gamma busybox sleep 1000
	[ "$status" -eq 0 ]
	c=$(ct_net gamma address)
	run brig exec alpha ping -c 1 -W 2 gamma
	[ "$status" -eq 0 ]
	[[ $output == *"$c"* ]]
	run brig exec beta ping -c 1 -W 2 gamma
	[ "$status" -eq 0 ]

	# A member that exits leaves the others' /etc/hosts.
	run brig rm -f gamma
	[ "$status" -eq 0 ]
	run brig exec alpha cat /etc/hosts
	[ "$status" -eq 0 ]
	[ "$(grep -cw gamma <<<"$output")" -eq 0 ]
}

# ---- NAT -----------------------------------------------------------------

@test "network: NAT - a container reaches the uplink server, which sees the host's uplink address" {
	uplink_up
	run fetch
	[ "$status" -eq 0 ]
	[ "$output" = 192.0.2.1 ]
}

@test "network: NAT - a container on an --internal network cannot reach the uplink" {
	uplink_up
	run brig network create --internal --subnet 10.89.0.0/24 inner
	[ "$status" -eq 0 ]
	# Positive control: the same probe works from the default network.
	run fetch
	[ "$status" -eq 0 ]
	[ "$output" = 192.0.2.1 ]
	run fetch --net inner
	[ "$status" -ne 0 ]
	[ "$status" -ne 125 ]
	# ... nor does its traffic leave the bridge some other way.
	run brig run --rm --net inner busybox ping -c 1 -W 1 192.0.2.2
	[ "$status" -ne 0 ]
	[ "$status" -ne 125 ]
}

# ---- several networks ----------------------------------------------------

@test "network: two networks - eth0/eth1 from each, isolation, and routing through a router container" {
	run brig network create --subnet 10.90.1.0/24 neta
	[ "$status" -eq 0 ]
	run brig network create --subnet 10.90.2.0/24 netb
	[ "$status" -eq 0 ]

	run brig run -d --name router --net neta --net netb --sysctl net.ipv4.ip_forward=1 \
		busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec router ip -4 -o addr show dev eth0
	[ "$status" -eq 0 ]
	[[ $output == *" inet 10.90.1."*/24* ]]
	run brig exec router ip -4 -o addr show dev eth1
	[ "$status" -eq 0 ]
	[[ $output == *" inet 10.90.2."*/24* ]]
	run brig exec router ip route show default
	[ "$status" -eq 0 ]
	[[ $output == "default via 10.90.1.1 dev eth0"* ]]
	run brig exec router cat /proc/sys/net/ipv4/ip_forward
	[ "$output" = 1 ]

	run brig run -d --name ha --net neta --cap-add NET_ADMIN busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name hb --net netb --cap-add NET_ADMIN busybox sleep 1000
	[ "$status" -eq 0 ]
	local ra rb a b
	ra=$(ct_net router address 0)
	rb=$(ct_net router address 1)
	a=$(ct_net ha address)
	b=$(ct_net hb address)

	# Isolation: through the host (their default routes), no way across.
	run brig exec ha ping -c 1 -W 1 "$b"
	[ "$status" -ne 0 ]
	run brig exec hb ping -c 1 -W 1 "$a"
	[ "$status" -ne 0 ]
	# Each reaches the router on its own network.
	run brig exec ha ping -c 1 -W 2 "$ra"
	[ "$status" -eq 0 ]
	run brig exec hb ping -c 1 -W 2 "$rb"
	[ "$status" -eq 0 ]

	run brig exec ha ip route add 10.90.2.0/24 via "$ra"
	[ "$status" -eq 0 ]
	run brig exec hb ip route add 10.90.1.0/24 via "$rb"
	[ "$status" -eq 0 ]
	run brig exec ha ping -c 1 -W 2 "$b"
	[ "$status" -eq 0 ]
	run brig exec hb ping -c 1 -W 2 "$a"
	[ "$status" -eq 0 ]
}

# ---- IPAM ----------------------------------------------------------------

@test "network: 50 concurrent run -d get 50 distinct addresses; all released with their veths" {
	local i pids=() out=$BATS_TEST_TMPDIR/runs fails=0
	mkdir -p "$out"
	for i in $(seq 1 50); do
		brig run -d --name "c$i" busybox sleep 1000 >"$out/$i" 2>&1 3>&- &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		if ! wait "${pids[$i]}"; then
			echo "run c$((i + 1)) failed: $(cat "$out/$((i + 1))")"
			fails=$((fails + 1))
		fi
	done
	[ "$fails" -eq 0 ]

	local addrs
	# One inspect for all 50: their first network's address each.
	addrs=$(brig inspect $(seq -f 'c%g' 1 50) | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    print(d["state"]["networks"][0]["address"])
')
	[ "$(sort <<<"$addrs" | wc -l)" -eq 50 ]
	[ "$(sort -u <<<"$addrs" | wc -l)" -eq 50 ]
	# The lease file agrees: 50 leases, 50 distinct addresses.
	[ "$(leases bridge | wc -l)" -eq 50 ]
	[ "$(leases bridge | awk '{ print $1 }' | sort -u | wc -l)" -eq 50 ]
	[ "$(host_veths | wc -l)" -eq 50 ]

	# All exit (SIGKILL), then their leases and veths are gone.
	local names
	names=$(seq -f 'c%g' 1 50)
	run brig kill $names
	[ "$status" -eq 0 ]
	run brig wait $names
	wait_for 30 no_leases bridge
	wait_for 30 no_host_veths
	run brig rm $names
	[ "$status" -eq 0 ]
	run brig ps -a -q
	[ -z "$output" ]
}

@test "network: SIGKILL of the lease owner - the next brig command reclaims the lease" {
	run brig run -d --name victim busybox sleep 1000
	[ "$status" -eq 0 ]
	local id pid owner addr
	id=$(ct_id victim)
	pid=$(ct_state victim pid)
	addr=$(ct_net victim address)
	# The lease owner is the container's monitor: the parent of its init.
	owner=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat")
	run leases bridge
	[[ $output == *"$addr $id $owner "* ]]

	kill -KILL "$owner"
	wait_for 10 not_alive "$owner"
	# Dead, though maybe not yet reaped by its parent (a zombie is dead).
	echo "owner $owner: $(grep -s '^State:' "/proc/$owner/status" || echo reaped)"
	# The lease is still on file: nothing has run since.
	[[ "$(leases bridge)" == *" $id "* ]]

	run brig run -d --name next busybox sleep 1000
	[ "$status" -eq 0 ]
	local nid
	nid=$(ct_id next)
	run leases bridge
	echo "$output"
	[[ $output != *" $id "* ]]
	[[ $output == *" $nid "* ]]
	[ "${#lines[@]}" -eq 1 ]
	wait_for 10 not_alive "$pid"
}

@test "network: brig system gc reclaims the lease of a SIGKILLed owner" {
	run brig run -d --name victim busybox sleep 1000
	[ "$status" -eq 0 ]
	local pid owner
	pid=$(ct_state victim pid)
	owner=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat")
	[ -n "$(leases bridge)" ]
	kill -KILL "$owner"
	wait_for 10 not_alive "$owner"
	echo "owner $owner: $(grep -s '^State:' "/proc/$owner/status" || echo reaped)"
	run brig system gc
	[ "$status" -eq 0 ]
	no_leases bridge
	wait_for 10 no_host_veths
}

@test "network: --ip gives a static address; taken or outside the subnet fails with 125" {
	run brig run -d --name fixed --ip 10.88.7.7 busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(ct_net fixed address)" = 10.88.7.7 ]
	run brig exec fixed ip -4 -o addr show dev eth0
	[ "$status" -eq 0 ]
	[[ $output == *" inet 10.88.7.7/16 "* ]]

	run --separate-stderr brig run --rm --name dup --ip 10.88.7.7 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *10.88.7.7* ]]
	run --separate-stderr brig run --rm --name outside --ip 10.99.0.5 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *10.99.0.5* ]]
	# Neither failure left a lease, a veth or a container behind.
	[ "$(leases bridge | wc -l)" -eq 1 ]
	[ "$(host_veths | wc -l)" -eq 1 ]
	run brig ps -a -q
	[ "${#lines[@]}" -eq 1 ]
}

@test "network create: a malformed or overlapping subnet fails with 125" {
	local bad
	for bad in 10.0.0.0/33 foo 10.0.0.0/ 300.1.2.0/24; do
		run --separate-stderr brig network create --subnet "$bad" "bad$RANDOM"
		[ "$status" -eq 125 ]
		one_line_error
	done
	run brig network create --subnet 10.50.0.0/16 one
	[ "$status" -eq 0 ]
	run --separate-stderr brig network create --subnet 10.50.1.0/24 two
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig network create --subnet 10.0.0.0/8 three
	[ "$status" -eq 125 ]
	one_line_error
	# The default network, once used, counts too.
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	run --separate-stderr brig network create --subnet 10.88.5.0/24 four
	[ "$status" -eq 125 ]
	one_line_error
	# So does a route the host already has.
	foreign_link hostnet0
	sb ip addr add 172.31.0.1/24 dev hostnet0
	sb ip link set hostnet0 up
	run --separate-stderr brig network create --subnet 172.31.0.0/16 five
	[ "$status" -eq 125 ]
	one_line_error
	# A gateway outside the subnet.
	run --separate-stderr brig network create --subnet 10.60.0.0/24 --gateway 10.61.0.1 six
	[ "$status" -eq 125 ]
	one_line_error
	run brig network ls
	[ "$status" -eq 0 ]
	[[ $output == *one* ]]
	for bad in two three four five six; do
		[ "$(grep -cw "$bad" <<<"$output")" -eq 0 ]
	done
}

# ---- teardown ------------------------------------------------------------

net_snapshot() {
	sb ip -o link
	sb ip -o addr
	sb ip route
	sb nft list ruleset
}

@test "network: brig system reset restores links, addresses, routes and the ruleset exactly" {
	# Something of the "host's" own for brig to leave alone.
	foreign_link keep0
	sb ip addr add 198.51.100.1/24 dev keep0
	sb ip link set keep0 up
	sb nft add table inet theirs
	sb nft add chain inet theirs keep_fw '{ type filter hook forward priority 10; policy accept; }'
	sb nft add rule inet theirs keep_fw counter accept
	local before after
	before=$(net_snapshot)

	run brig network create --subnet 10.91.0.0/24 red
	[ "$status" -eq 0 ]
	run brig network create --internal --subnet 10.92.0.0/24 blue
	[ "$status" -eq 0 ]
	run brig run -d --name r1 busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name r2 --net red --net blue busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(net_snapshot)" != "$before" ]

	run brig system reset
	[ "$status" -eq 0 ]
	after=$(net_snapshot)
	diff <(echo "$before") <(echo "$after")
	run brig ps -a -q
	[ -z "$output" ]
	no_leases bridge
	no_leases red
}

# ---- modes ---------------------------------------------------------------

@test "network: --net none has only lo" {
	run brig run --rm --net none busybox ip -o link
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "1: lo:"* ]]
}

@test "network: --net host sees the sandbox's links" {
	foreign_link probe0
	run brig run --rm --net host busybox ip -o link
	[ "$status" -eq 0 ]
	[[ $output == *" probe0:"* ]]
	[ "$(awk -F': ' '{ print $2 }' <<<"$output" | sort)" = \
		"$(sb ip -o link | awk -F': ' '{ print $2 }' | sort)" ]
}

@test "network: --net container:NAME shares that container's eth0 address" {
	run brig run -d --name owner busybox sleep 1000
	[ "$status" -eq 0 ]
	local a
	a=$(ct_net owner address)
	run brig run --rm --net container:owner busybox ip -4 -o addr show dev eth0
	[ "$status" -eq 0 ]
	[[ $output == *" inet $a/16 "* ]]
}

# ---- network inspect / rm ------------------------------------------------

@test "network inspect shows the containers with addresses and MACs; rm refused while in use" {
	run brig network create --subnet 10.93.0.0/24 lab
	[ "$status" -eq 0 ]
	run brig run -d --name m1 --net lab busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name m2 --net lab busybox sleep 1000
	[ "$status" -eq 0 ]

	run brig network inspect lab
	[ "$status" -eq 0 ]
	echo "$output" | json_valid
	local n
	for n in m1 m2; do
		local addr mac
		addr=$(ct_net "$n" address)
		mac=$(ct_net "$n" mac)
		[[ $addr == 10.93.0.* ]]
		[[ $mac =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]]
		[[ $output == *"$addr"* ]]
		[[ ${output,,} == *"$mac"* ]]
		[[ $output == *"\"$n\""* || $output == *"$(ct_id "$n")"* ]]
		# The MAC inside is the one reported.
		run brig exec "$n" cat /sys/class/net/eth0/address
		[ "$output" = "$mac" ]
		run brig network inspect lab
	done
	[[ $output == *10.93.0.0/24* ]]

	run --separate-stderr brig network rm lab
	[ "$status" -eq 125 ]
	one_line_error
	run brig network ls
	[[ $output == *lab* ]]

	run brig rm -f m1 m2
	[ "$status" -eq 0 ]
	run brig network rm lab
	[ "$status" -eq 0 ]
	run brig network ls
	[[ $output != *lab* ]]
	run --separate-stderr brig network inspect lab
	[ "$status" -eq 125 ]
}

# ---- robustness of the host setup ----------------------------------------

@test "network connect/disconnect: a running container gains eth1, is reachable by name there, and loses it" {
	run brig network create --subnet 10.94.0.0/24 lab
	[ "$status" -eq 0 ]
	brig run -d --name a busybox sleep 1000
	brig run -d --name b --net lab busybox sleep 1000

	run brig network connect --ip 10.94.0.50 lab a
	[ "$status" -eq 0 ]
	run brig exec a ip -o -4 addr show dev eth1
	[[ $output == *10.94.0.50/24* ]]
	# the default route stays on the first network
	run brig exec a ip route show default
	[[ $output == *"dev eth0"* ]]
	# names on the new network resolve both ways
	run brig exec b ping -c1 -W2 a
	[ "$status" -eq 0 ]
	run brig exec a ping -c1 -W2 b
	[ "$status" -eq 0 ]
	[[ "$(leases lab)" == *10.94.0.50* ]]

	# twice is refused; so is a network that does not exist
	run --separate-stderr brig network connect lab a
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig network connect nosuch a
	[ "$status" -eq 125 ]

	run brig network disconnect lab a
	[ "$status" -eq 0 ]
	run brig exec a ip -o link show dev eth1
	[ "$status" -ne 0 ]
	[[ "$(leases lab)" != *10.94.0.50* ]]
	run brig exec b cat /etc/hosts
	[[ $output != *10.94.0.50* ]]
	run --separate-stderr brig network disconnect lab a
	[ "$status" -eq 125 ]
}

@test "network: a deleted nftables table is restored by the next run" {
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	local table
	table=$(sb nft list table inet brig)
	sb nft delete table inet brig
	run sb nft list table inet brig
	[ "$status" -ne 0 ]
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	run sb nft list table inet brig
	[ "$status" -eq 0 ]
	[ "$output" = "$table" ]
}

@test "network: a flushed nftables table is restored by the next run" {
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	local table
	table=$(sb nft list table inet brig)
	sb nft flush table inet brig
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	run sb nft list table inet brig
	[ "$status" -eq 0 ]
	[ "$output" = "$table" ]
}

@test "network: a foreign link with the bridge's name is refused and left untouched" {
	foreign_link br-x
	local before
	before=$(
		sb ip -d -o link show dev br-x
		sb ip -o addr show dev br-x
	)
	run --separate-stderr brig network create --bridge br-x --subnet 10.94.0.0/24 fx
	if [ "$status" -eq 0 ]; then
		# Refusing at first use is fine too.
		run --separate-stderr brig run --rm --net fx busybox true
	fi
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *br-x* ]]
	local after
	after=$(
		sb ip -d -o link show dev br-x
		sb ip -o addr show dev br-x
	)
	diff <(echo "$before") <(echo "$after")
	no_host_veths
	# Resetting brig leaves it alone as well.
	run brig system reset
	[ "$status" -eq 0 ]
	after=$(
		sb ip -d -o link show dev br-x
		sb ip -o addr show dev br-x
	)
	diff <(echo "$before") <(echo "$after")
}

# ---- examples ------------------------------------------------------------

# ex SCRIPT: run examples/SCRIPT inside the sandbox on this test's roots.
ex() {
	sb env BRIG="$BRIG_BIN" BRIG_ROOT="$ROOT" BRIG_RUNROOT="$RUNROOT" \
		bash "$REPO/examples/$1"
}

@test "examples/ping-two.sh: two containers ping each other by name" {
	run ex ping-two.sh
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *" 0% packet loss"* ]]
	[[ $output == *"ok:"* ]]
	# It cleaned up after itself.
	run brig ps -a -q
	[ -z "$output" ]
	no_leases bridge
}

@test "examples/modes.sh: brig compare's table, none, host and bridge each reach what they should" {
	run ex modes.sh
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(sed -n 2,7p <<<"$output" | awk '{ print $1 }' | paste -sd ' ')" = "none host bridge network container p2p" ]
	local none host bridge
	none=$(awk '$1 == "none"' <<<"$output")
	host=$(awk '$1 == "host"' <<<"$output")
	bridge=$(awk '$1 == "bridge"' <<<"$output")
	# MODE START ms INTERFACES LO PEER GATEWAY
	[ "$(awk '{ print $4, $5, $6, $7 }' <<<"$none")" = "lo yes no no" ]
	[[ $(awk '{ print $4 }' <<<"$host") == *br0* ]]
	[ "$(awk '{ print $6, $7 }' <<<"$host")" = "yes yes" ]
	[ "$(awk '{ print $4, $5, $6, $7 }' <<<"$bridge")" = "lo,eth0 yes yes yes" ]
	run brig ps -a -q
	[ -z "$output" ]
}

@test "network: eth0 of an IPv4-only network has IPv6 off (as Docker 27); on a dual-stack one it sends no DAD probe or solicitation; --sysctl still wins" {
	brig run -d --name a --net bridge busybox sleep 1000
	run brig exec a cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run brig exec a ip -6 addr show dev eth0
	[ "$status" -eq 0 ]
	[[ $output != *inet6* ]]
	brig network create --ipv6 --subnet 10.87.0.0/24 --subnet fd00:87::/64 ds >/dev/null
	brig run -d --name b --net ds busybox sleep 1000
	run brig exec b cat /proc/sys/net/ipv6/conf/eth0/accept_dad
	[ "$output" = 0 ]
	run brig exec b cat /proc/sys/net/ipv6/conf/eth0/router_solicitations
	[ "$output" = 0 ]
	run brig exec b cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6
	[ "$output" = 0 ]
	brig run -d --name c --net bridge --sysctl net.ipv6.conf.eth0.disable_ipv6=0 busybox sleep 1000
	run brig exec c cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6
	[ "$output" = 0 ]
}
