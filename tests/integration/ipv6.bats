#!/usr/bin/env bats
# IPv6 (issue 17, the dual-stack core): networks with a v6 subnet beside
# the v4 one, v6 leases, addresses without DAD, the default v6 route,
# names of both families, the host's bridge and forwarding, reset.
#
# Each test runs in its own sandbox (see helpers.bash): its own network and
# mount namespace, so the bridges, addresses and the IPv6 forwarding switch
# set here exist only inside it.  Packets go only to addresses made here.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

# ---- helpers local to this suite -----------------------------------------

# ct_net NAME KEY: field KEY of state.networks[0] of `brig inspect NAME`.
ct_net() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d["state"]["networks"][0].get(sys.argv[1], ""))
' "$2"
}

# net_field NET KEY: field KEY of `brig network inspect NET`.
net_field() {
	brig network inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
v = d.get(sys.argv[1], "")
print(json.dumps(v) if isinstance(v, (dict, list, bool)) else v)
' "$2"
}

# leases6 NET: the v6 lease lines of network NET.
leases6() {
	local f=$RUNROOT/leases/$1
	[ -e "$f" ] || return 0
	grep -v '^last' "$f" | grep ':' || true
}

no_leases6() { [ -z "$(leases6 "$1")" ]; }

# The sandbox's IPv6 state, without the kernel's own link-local lines
# (lo's ::1 and fe80:: appear as interfaces come and go).
v6_state() {
	sb ip -6 addr show
	sb ip -6 route show
	sb cat /proc/sys/net/ipv6/conf/all/forwarding
}

# ---- tests ----------------------------------------------------------------

@test "ipv6: two containers on a dual-stack network ping each other over v6, by address and by name" {
	run brig network create --subnet 10.61.0.0/24 --ipv6 --subnet fd00:61::/64 lab6
	[ "$status" -eq 0 ]
	[[ $output == *"enabled IPv6 forwarding"* ]]
	run brig run -d --name a --net lab6 busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name b --net lab6 busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(ct_net a address6)" = fd00:61::2 ]
	[ "$(ct_net b address6)" = fd00:61::3 ]
	[ "$(ct_net a address)" = 10.61.0.2 ]
	run brig exec a ping -6 -c 1 -W 5 fd00:61::3
	[ "$status" -eq 0 ]
	run brig exec b ping -6 -c 1 -W 5 a
	[ "$status" -eq 0 ]
	[[ $output == *"fd00:61::2"* ]]
	run brig exec a ping -c 1 -W 5 b
	[ "$status" -eq 0 ]
	# /etc/hosts has both families; the default v6 route goes via the bridge
	run brig exec a cat /etc/hosts
	[[ $output == *"10.61.0.3	b"* ]]
	[[ $output == *"fd00:61::3	b"* ]]
	run brig exec a ip -6 route show default
	[[ $output == *"default via fd00:61::1 dev eth0"* ]]
	run brig exec a cat /proc/sys/net/ipv6/conf/eth0/accept_ra
	[ "$output" = 0 ]
	# the host side: the bridge has the gateway (no DAD), no RA accepted
	run sb ip -6 addr show dev br-lab6
	[[ $output == *"inet6 fd00:61::1/64 scope global"* ]]
	[[ $output != *tentative* ]]
	run sb cat /proc/sys/net/ipv6/conf/br-lab6/accept_ra
	[ "$output" = 0 ]
	run sb cat /proc/sys/net/ipv6/conf/all/forwarding
	[ "$output" = 1 ]
}

@test "ipv6: the address is not tentative right after start (no DAD wait)" {
	run brig network create --subnet 10.62.0.0/24 --ipv6 lab6
	[ "$status" -eq 0 ]
	run brig run --rm --net lab6 busybox ip -6 addr show dev eth0
	[ "$status" -eq 0 ]
	echo "$output"
	[[ $output == *"inet6 fd"*"/64 scope global"* ]]
	[[ $output != *tentative* ]]
}

@test "ipv6: --ipv6 without a subnet picks a stable unique-local /64; inspect and ps show v6" {
	run brig network create --subnet 10.63.0.0/24 --ipv6 ula
	[ "$status" -eq 0 ]
	local s6
	s6=$(net_field ula subnet6)
	[[ $s6 == fd*::/64 ]]
	[ "$(net_field ula ipv6)" = true ]
	[ "$(net_field ula gateway6)" = "${s6%/64}1" ]
	# stable: the same name on the same host gets the same /64
	run brig network rm ula
	[ "$status" -eq 0 ]
	run brig network create --subnet 10.63.0.0/24 --ipv6 ula
	[ "$status" -eq 0 ]
	[ "$(net_field ula subnet6)" = "$s6" ]
	run brig run -d --name c --net ula --ip6 "${s6%/64}99" busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(ct_net c address6)" = "${s6%/64}99" ]
	run brig network inspect ula
	[[ $output == *"\"address6\": \"${s6%/64}99\""* ]]
	run brig ps --format json
	[ "$status" -eq 0 ]
	[ "$(json_field state c <<<"$output" | python3 -c 'import json,sys; n=json.load(sys.stdin)["networks"][0]; print(n["address"], n["address6"])')" = "10.63.0.2 ${s6%/64}99" ]
	# the v4-only default network stays v4-only
	run brig run -d --name d busybox sleep 1000
	[ "$status" -eq 0 ]
	[ -z "$(ct_net d address6)" ]
	[ "$(net_field bridge ipv6)" = false ]
}

@test "ipv6: BRIG_DEFAULT_IPV6=1 makes the default network dual stack" {
	run sb env BRIG_DEFAULT_IPV6=1 "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" \
		run --rm busybox ip -6 addr show dev eth0
	[ "$status" -eq 0 ]
	[[ $output == *"inet6 fd"*"/64 scope global"* ]]
	[ "$(net_field bridge ipv6)" = true ]
}

@test "ipv6: 50 concurrent starts get 50 distinct v6 (and v4) addresses" {
	run brig network create --subnet 10.64.0.0/24 --ipv6 --subnet fd00:64::/64 lab6
	[ "$status" -eq 0 ]
	local i pids=() out=$BATS_TEST_TMPDIR/runs fails=0
	mkdir -p "$out"
	for i in $(seq 1 50); do
		brig run -d --name "c$i" --net lab6 busybox sleep 1000 >"$out/$i" 2>&1 3>&- &
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
	addrs=$(brig inspect $(seq -f 'c%g' 1 50) | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    n = d["state"]["networks"][0]
    print(n["address"], n["address6"])
')
	[ "$(awk '{ print $1 }' <<<"$addrs" | sort -u | wc -l)" -eq 50 ]
	[ "$(awk '{ print $2 }' <<<"$addrs" | sort -u | wc -l)" -eq 50 ]
	[ "$(awk '{ print $2 }' <<<"$addrs" | grep -c '^fd00:64::')" -eq 50 ]
	[ "$(leases6 lab6 | awk '{ print $1 }' | sort -u | wc -l)" -eq 50 ]
}

@test "ipv6: the v6 lease of a SIGKILLed owner is reclaimed" {
	run brig network create --subnet 10.65.0.0/24 --ipv6 --subnet fd00:65::/120 lab6
	[ "$status" -eq 0 ]
	run brig run -d --name victim --net lab6 busybox sleep 1000
	[ "$status" -eq 0 ]
	local pid owner
	pid=$(brig inspect victim | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d["state"]["pid"])')
	owner=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat")
	[[ "$(leases6 lab6)" == "fd00:65::2 "* ]]
	kill -KILL "$owner"
	wait_for 10 not_alive "$owner"
	run brig system gc
	[ "$status" -eq 0 ]
	no_leases6 lab6
	# the address is free again
	run brig run -d --name next --net lab6 --ip6 fd00:65::2 busybox sleep 1000
	[ "$status" -eq 0 ]
}

@test "ipv6: malformed v6 input fails with 125 and one clear line" {
	local bad
	for bad in "fd00::/129" "fd00::1/64" ":::/64" "::ffff:1.2.3.0/120" "fe80::/64" "fd00::/48"; do
		run --separate-stderr brig network create --subnet 10.66.0.0/24 --ipv6 --subnet "$bad" n6
		echo "$bad: $stderr"
		[ "$status" -eq 125 ]
		one_line_error
	done
	run --separate-stderr brig network create --subnet 10.66.0.0/24 --ipv6 --subnet fd00::1/64 n6
	[[ $stderr == *"host bits set (did you mean fd00::/64?)"* ]]
	run --separate-stderr brig network create --subnet 10.66.0.0/24 --ipv6 --subnet fd00::/129 n6
	[[ $stderr == *"N in 0..128"* ]]
	run --separate-stderr brig network create --subnet 10.66.0.0/24 --subnet fd00::/64 n6
	[ "$status" -eq 125 ]
	[[ $stderr == *"needs --ipv6"* ]]
	run --separate-stderr brig network create --ipv6 --subnet fd00::/64 n6
	[ "$status" -eq 125 ]
	[[ $stderr == *"an IPv4 --subnet is required beside the IPv6 one"* ]]
	run --separate-stderr brig network create --subnet 10.66.0.0/24 --ipv6 --subnet fd00::/64 --subnet fd01::/64 n6
	[ "$status" -eq 125 ]
	[[ $stderr == *"--subnet given twice for IPv6: one per family"* ]]
	run brig network create --subnet 10.66.0.0/24 --ipv6 --subnet fd00:66::/64 n6
	[ "$status" -eq 0 ]
	for bad in ":::" "::ffff:1.2.3.4" "fd00:67::5" "fd00:66::" "fd00:66::1" "10.66.0.9"; do
		run --separate-stderr brig run --rm --net n6 --ip6 "$bad" busybox true
		echo "--ip6 $bad: $stderr"
		[ "$status" -eq 125 ]
		one_line_error
	done
	run --separate-stderr brig run --rm --net n6 --ip6 ::ffff:1.2.3.4 busybox true
	[[ $stderr == *"IPv4-mapped"* ]]
	run --separate-stderr brig run --rm --net n6 --ip6 fd00:67::5 busybox true
	[[ $stderr == *"not a host address of network n6 (fd00:66::/64)"* ]]
}

@test "ipv6: --net none has ::1 on lo" {
	run brig run --rm --net none busybox ip -6 addr show dev lo
	[ "$status" -eq 0 ]
	[[ $output == *"inet6 ::1/128"* ]]
}

@test "ipv6: system reset leaves ip -6 addr, ip -6 route and forwarding as before" {
	local before after
	before=$(v6_state)
	run brig network create --subnet 10.68.0.0/24 --ipv6 lab6
	[ "$status" -eq 0 ]
	run brig run -d --name a --net lab6 busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(sb cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ]
	run brig rm -f a
	[ "$status" -eq 0 ]
	run brig system reset -f
	[ "$status" -eq 0 ]
	after=$(v6_state)
	diff <(echo "$before") <(echo "$after")
}

@test "ipv6: --sysctl sets accept_ra back; network connect to a dual-stack network adds its v6 address" {
	run brig network create --subnet 10.69.0.0/24 --ipv6 --subnet fd00:69::/64 lab6
	[ "$status" -eq 0 ]
	run brig run --rm --net lab6 --sysctl net.ipv6.conf.eth0.accept_ra=2 busybox cat /proc/sys/net/ipv6/conf/eth0/accept_ra
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	run brig run -d --name a busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig run -d --name b --net lab6 busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig network connect lab6 a
	[ "$status" -eq 0 ]
	# ::2 went to the --rm run, ::3 to b (rotation: not handed out again at once)
	run brig exec a ip -6 addr show dev eth1
	[[ $output == *"inet6 fd00:69::4/64 scope global"* ]]
	[[ $output != *tentative* ]]
	run brig exec a ping -6 -c 1 -W 5 b
	[ "$status" -eq 0 ]
	run brig exec b ping -6 -c 1 -W 5 fd00:69::4
	[ "$status" -eq 0 ]
}
