#!/usr/bin/env bats
# IPv6 firewall (issue 17, item 4's nftables half): table inet brig's v6
# masquerade, the forward and isolation rules for v6, published ports on
# v6 host addresses, and `system reset` taking it all away again.
#
# Each test runs in its own sandbox (helpers.bash).  The "uplink" is a
# network namespace standing for another machine (uplink_up), given IPv6
# here: 2001:db8::2 there, 2001:db8::1 the sandbox host's address on that
# link, and a busybox httpd on [2001:db8::2]:8081 whose CGI prints the
# peer's address.  2001:db8::/32 is the documentation prefix: nothing real
# has those addresses.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

UP6_URL='http://[2001:db8::2]:8081/cgi-bin/addr'

# ---- helpers local to this suite -----------------------------------------

# uplink6_up: the uplink (helpers.bash) with IPv6 on its link (no DAD, so
# the addresses are usable at once), the host's default v6 route through
# it, and a v6 server.
uplink6_up() {
	local www
	uplink_up
	www=$(dirname "$(dirname "$(peer_cgi)")")
	sb ip -6 addr add 2001:db8::1/64 dev up0 nodad
	sb nsenter --target "$UPLINK_PID" --net sh -c \
		"ip -6 addr add 2001:db8::2/64 dev up1 nodad &&
		 /bin/busybox httpd -p '[2001:db8::2]:8081' -h '$www'"
	sb ip -6 route add default via 2001:db8::2 dev up0
	wait_for 10 host_fetch6_is 2001:db8::1
}

# unbracket TEXT: an address as busybox's REMOTE_ADDR has it, without [].
unbracket() {
	local a=${1#[}
	echo "${a%]}"
}

host_fetch6_is() {
	[ "$(unbracket "$(sb timeout 3 /bin/busybox wget -q -O - "$UP6_URL" 2>/dev/null)")" = "$1" ]
}

# ct_fetch6 CT: what the uplink's v6 server answers container CT (bounded).
ct_fetch6() {
	unbracket "$(brig exec "$1" timeout 3 wget -q -O - "$UP6_URL" 2>/dev/null)"
}

ct_fetch6_is() {
	[ "$(ct_fetch6 "$1")" = "$2" ]
}

# uplink_get URL: fetch URL from the uplink namespace (another machine).
uplink_get() {
	sb nsenter --target "$UPLINK_PID" --net timeout 5 /bin/busybox wget -qO- "$1" 2>/dev/null
}

uplink_gets() {
	[ "$(uplink_get "$1")" = "$2" ]
}

# ct_net6 NAME [I]: address6 of state.networks[I] (default 0) of NAME.
ct_net6() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d["state"]["networks"][int(sys.argv[1])].get("address6", ""))
' "${2:-0}"
}

# web NAME ARGS...: a detached busybox httpd on port 80 (both families)
# serving "hello-NAME", run with the given arguments.
web() {
	local name=$1
	shift
	brig run -d --name "$name" "$@" busybox sh -c \
		"mkdir -p /www && echo hello-$name >/www/index.html && exec httpd -f -p 80 -h /www"
}

# The sandbox's IPv6 addresses and routes, and the whole ruleset.
v6_snapshot() {
	sb ip -6 addr show
	sb ip -6 route show
	sb nft list ruleset
}

# ---- tests ----------------------------------------------------------------

@test "ipv6 nat: a container on a dual-stack network reaches a v6 server on the uplink, which sees the host's v6 address" {
	uplink6_up
	run brig network create --subnet 10.71.0.0/24 --ipv6 --subnet fd00:71::/64 ds
	[ "$status" -eq 0 ]
	run brig run -d --name a --net ds busybox sleep 1000
	[ "$status" -eq 0 ]
	wait_for 10 ct_fetch6_is a 2001:db8::1
	run ct_fetch6 a
	[ "$output" = 2001:db8::1 ]
	run sb nft list table inet brig
	[[ $output == *"ip6 saddr fd00:71::/64 oifname != @bridges masquerade"* ]]
}

@test "ipv6 nat: an --internal dual-stack network has no way out over v6, even routed through its gateway" {
	uplink6_up
	run brig network create --internal --subnet 10.72.0.0/24 --ipv6 --subnet fd00:72::/64 in6
	[ "$status" -eq 0 ]
	run brig run -d --name a --net in6 --cap-add NET_ADMIN busybox sleep 1000
	[ "$status" -eq 0 ]
	# the gateway answers: the container's v6 is up
	run brig exec a ping -6 -c 1 -W 2 fd00:72::1
	[ "$status" -eq 0 ]
	# a route out through it, as a container could add: still no way out
	run brig exec a sh -c 'ip -6 route replace default via fd00:72::1 dev eth0'
	[ "$status" -eq 0 ]
	run ct_fetch6 a
	[ -z "$output" ]
	run brig exec a ping -6 -c 1 -W 1 2001:db8::2
	[ "$status" -ne 0 ]
	run sb nft list table inet brig
	[[ $output != *"ip6 saddr fd00:72::/64"* ]]
}

@test "ipv6 nat: two v6 networks are isolated; a router container on both forwards between them when the hosts route through it" {
	uplink6_up
	run brig network create --subnet 10.73.0.0/24 --ipv6 --subnet fd00:73::/64 neta
	[ "$status" -eq 0 ]
	run brig network create --subnet 10.74.0.0/24 --ipv6 --subnet fd00:74::/64 netb
	[ "$status" -eq 0 ]
	run brig run -d --name ha --net neta --cap-add NET_ADMIN busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name hb --net netb --cap-add NET_ADMIN busybox sleep 1000
	[ "$status" -eq 0 ]
	local a b ra rb
	a=$(ct_net6 ha)
	b=$(ct_net6 hb)
	[[ $a == fd00:73::* ]]
	[[ $b == fd00:74::* ]]

	# Isolation: through the host (their default v6 routes), no way across.
	run brig exec ha ping -6 -c 1 -W 1 "$b"
	[ "$status" -ne 0 ]
	run brig exec hb ping -6 -c 1 -W 1 "$a"
	[ "$status" -ne 0 ]

	# A router on both networks (the second by network connect).
	run brig run -d --name router --net neta --sysctl net.ipv6.conf.all.forwarding=1 \
		busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig network connect netb router
	[ "$status" -eq 0 ]
	ra=$(ct_net6 router 0)
	rb=$(ct_net6 router 1)
	[[ $ra == fd00:73::* ]]
	[[ $rb == fd00:74::* ]]
	run brig exec router cat /proc/sys/net/ipv6/conf/eth1/forwarding
	[ "$output" = 1 ]

	run brig exec ha ip -6 route add fd00:74::/64 via "$ra"
	[ "$status" -eq 0 ]
	run brig exec hb ip -6 route add fd00:73::/64 via "$rb"
	[ "$status" -eq 0 ]
	wait_for 10 brig exec ha ping -6 -c 1 -W 1 "$b"
	run brig exec ha ping -6 -c 1 -W 2 "$b"
	[ "$status" -eq 0 ]
	run brig exec hb ping -6 -c 1 -W 2 "$a"
	[ "$status" -eq 0 ]
}

@test "ipv6 nat: -p on a v6 host address, on [::] and without an address reaches the container over v6 from the uplink" {
	uplink6_up
	run brig network create --subnet 10.75.0.0/24 --ipv6 --subnet fd00:75::/64 ds
	[ "$status" -eq 0 ]
	run web w6 --net ds -p '[2001:db8::1]:8082:80' -p '[::]:8083:80' -p 8084:80
	[ "$status" -eq 0 ]
	wait_for 10 uplink_gets 'http://[2001:db8::1]:8082/' hello-w6
	run uplink_get 'http://[2001:db8::1]:8082/'
	[ "$output" = hello-w6 ]
	run uplink_get 'http://[2001:db8::1]:8083/'
	[ "$output" = hello-w6 ]
	# no address: both families
	run uplink_get 'http://[2001:db8::1]:8084/'
	[ "$output" = hello-w6 ]
	run uplink_get 'http://192.0.2.1:8084/'
	[ "$output" = hello-w6 ]
	# a v6-only publishing is no v4 one
	run uplink_get 'http://192.0.2.1:8083/'
	[ -z "$output" ]
	run brig port w6 80
	[ "$status" -eq 0 ]
	[[ $output == *"[2001:db8::1]:8082"* ]]
	[[ $output == *"[::]:8083"* ]]
	[[ $output == *"[::]:8084"* ]]
	[[ $output == *"0.0.0.0:8084"* ]]
	# the container's elements go with it
	run brig rm -f w6
	[ "$status" -eq 0 ]
	run sb nft list map inet brig ports_any6
	[ "$status" -eq 0 ]
	[[ $output != *"comment"* ]]
}

@test "ipv6 nat: a flushed ruleset is restored with the v6 map elements; a neighbour reaches the port through the host's v6 address (hairpin)" {
	uplink6_up
	run brig network create --subnet 10.80.0.0/24 --ipv6 --subnet fd00:80::/64 ds
	[ "$status" -eq 0 ]
	run web keep --net ds -p '[::]:8089:80'
	[ "$status" -eq 0 ]
	wait_for 10 uplink_gets 'http://[2001:db8::1]:8089/' hello-keep
	sb nft flush ruleset
	run sb nft list ruleset
	[[ $output != *brig* ]]
	run brig run --rm --net ds busybox true
	[ "$status" -eq 0 ]
	run sb nft list map inet brig ports_any6
	[[ $output == *"tcp . 8089 comment"* ]]
	wait_for 10 uplink_gets 'http://[2001:db8::1]:8089/' hello-keep
	run uplink_get 'http://[2001:db8::1]:8089/'
	[ "$output" = hello-keep ]
	# a neighbour on the same network, through the host's address
	run brig run -d --name n --net ds busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec n timeout 3 wget -q -O - 'http://[2001:db8::1]:8089/'
	[ "$output" = hello-keep ]
}

@test "ipv6 nat: -p on a v6 address refuses a container without IPv6, and [::1]" {
	run brig network create --subnet 10.76.0.0/24 v4only
	[ "$status" -eq 0 ]
	run brig network create --subnet 10.77.0.0/24 --ipv6 --subnet fd00:77::/64 ds
	[ "$status" -eq 0 ]
	run brig run -d --name a --net v4only -p '[::]:8085:80' busybox sleep 1000
	[ "$status" -eq 125 ]
	[[ $output == *"no IPv6 address"* ]]
	run brig run -d --name b --net ds -p '[::1]:8086:80' busybox sleep 1000
	[ "$status" -eq 125 ]
	[[ $output == *"[::1]"* ]]
	run brig run -d --name c --net ds -p '[fd00::1:80' busybox sleep 1000
	[ "$status" -eq 125 ]
}

@test "ipv6 nat: system reset leaves ip -6 addr, ip -6 route and nft list ruleset as before the networks" {
	uplink6_up
	local before after
	before=$(v6_snapshot)
	run brig network create --subnet 10.78.0.0/24 --ipv6 --subnet fd00:78::/64 ds
	[ "$status" -eq 0 ]
	run brig network create --internal --subnet 10.79.0.0/24 --ipv6 in6
	[ "$status" -eq 0 ]
	run web w --net ds -p 8087:80 -p '[2001:db8::1]:8088:80'
	[ "$status" -eq 0 ]
	run brig run -d --name i --net in6 busybox sleep 1000
	[ "$status" -eq 0 ]
	run sb nft list map inet brig ports_addr6
	[[ $output == *"2001:db8::1 . tcp . 8088"* ]]
	run brig system reset -f
	[ "$status" -eq 0 ]
	after=$(v6_snapshot)
	diff <(echo "$before") <(echo "$after")
}
