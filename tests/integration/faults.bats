#!/usr/bin/env bats
# Faults (issue 19): hostile values and damaged state files must neither be
# accepted nor lose anything.  Each test runs in its own sandbox.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

@test "faults: loopback, multicast, link-local, unspecified and broadcast subnets fail with 125 and one line" {
	local sn
	for sn in 127.0.0.0/8 127.1.0.0/16 224.0.0.0/4 239.1.0.0/16 169.254.0.0/16 0.0.0.0/8 \
		240.0.0.0/4 255.255.255.0/24; do
		run --separate-stderr brig network create --subnet "$sn" bad
		echo "$sn -> $status: $stderr"
		[ "$status" -eq 125 ]
		one_line_error
		[[ $stderr == *"$sn"* ]]
	done
	run brig network ls
	[ "$status" -eq 0 ]
	[[ $output != *bad* ]]
}

@test "faults: a 300-character network name fails with 125 instead of being cut" {
	local name
	name=$(printf 'n%.0s' $(seq 300))
	run --separate-stderr brig network create --subnet 10.61.0.0/24 "$name"
	[ "$status" -eq 125 ]
	one_line_error
	run brig network ls
	[[ $output != *nnnnnnnn* ]]
}

@test "faults: a --sysctl value with a newline fails with 125 and one line" {
	run --separate-stderr brig run --rm --sysctl $'net.ipv4.ip_forward=1\nkernel.core_pattern=core' busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --sysctl $'net.ipv4.ip_forward=1\r' busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run brig ps -a -q
	[ -z "$output" ]
}

@test "faults: brig's bridges refuse router advertisements (accept_ra=0, autoconf=0)" {
	[ -d /proc/sys/net/ipv6 ] || skip "no IPv6 in this kernel"
	brig network create --subnet 10.62.0.0/24 lab
	brig run --rm busybox true
	run brig run --rm --net lab busybox true
	[ "$status" -eq 0 ]
	local br
	for br in br0 br-lab; do
		[ "$(sb cat "/proc/sys/net/ipv6/conf/$br/accept_ra")" -eq 0 ]
		[ "$(sb cat "/proc/sys/net/ipv6/conf/$br/autoconf")" -eq 0 ]
	done
}

@test "faults: a corrupt lease line gives exactly one warning line, and run -d still succeeds" {
	brig run -d --name first busybox sleep 1000
	echo "not a lease line" >>"$RUNROOT/leases/bridge"
	run --separate-stderr brig run -d --name second busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'warning: lease file')" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == "brig: warning: lease file "*"skipped 1 corrupt line(s)"* ]]
	run brig ps -q
	[ "$(wc -l <<<"$output")" -eq 2 ]
}
