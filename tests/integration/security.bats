#!/usr/bin/env bats
# Hardening (issue 14): what a container may do to its host.  Every test
# runs in its own sandbox; the containers use --net none unless the test
# is about a network mode.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

# Docker's 14 default capabilities: CHOWN DAC_OVERRIDE FOWNER FSETID KILL
# SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD
# AUDIT_WRITE SETFCAP.
DEFAULT_CAPS=00000000a80425fb
NET_ADMIN_ONLY=0000000000001000

# caps ARGS...: the five capability sets of a container's process, one
# line "Inh Prm Eff Bnd Amb", for `brig ARGS... grep Cap /proc/self/status`.
caps() {
	brig "$@" awk '/^Cap/ { v[$1] = $2 } END { print v["CapInh:"], v["CapPrm:"], v["CapEff:"], v["CapBnd:"], v["CapAmb:"] }' /proc/self/status
}

@test "security: a default container's capabilities are Docker's 14, the inheritable and ambient sets empty (run and exec)" {
	run caps run --rm --net none busybox
	[ "$status" -eq 0 ]
	[ "$output" = "0000000000000000 $DEFAULT_CAPS $DEFAULT_CAPS $DEFAULT_CAPS 0000000000000000" ]
	brig run -d --name c --net none busybox sleep 1000
	run caps exec c
	[ "$status" -eq 0 ]
	[ "$output" = "0000000000000000 $DEFAULT_CAPS $DEFAULT_CAPS $DEFAULT_CAPS 0000000000000000" ]
}

@test "security: --cap-drop ALL --cap-add NET_ADMIN is exactly NET_ADMIN, in either order, in run and exec" {
	run caps run --rm --net none --cap-drop ALL --cap-add NET_ADMIN busybox
	[ "$status" -eq 0 ]
	[ "$output" = "0000000000000000 $NET_ADMIN_ONLY $NET_ADMIN_ONLY $NET_ADMIN_ONLY 0000000000000000" ]
	run caps run --rm --net none --cap-add NET_ADMIN --cap-drop ALL busybox
	[ "$status" -eq 0 ]
	[ "$output" = "0000000000000000 $NET_ADMIN_ONLY $NET_ADMIN_ONLY $NET_ADMIN_ONLY 0000000000000000" ]
	brig run -d --name c --net none --cap-add cap_net_admin --cap-drop all busybox sleep 1000
	run caps exec c
	[ "$status" -eq 0 ]
	[ "$output" = "0000000000000000 $NET_ADMIN_ONLY $NET_ADMIN_ONLY $NET_ADMIN_ONLY 0000000000000000" ]
}

@test "security: --cap-add ALL --cap-drop NET_RAW is every capability the host has but NET_RAW" {
	local host want
	host=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	want=$(printf '%016x' $((0x$host & ~(1 << 13))))
	run caps run --rm --net none --cap-add ALL --cap-drop NET_RAW busybox
	[ "$status" -eq 0 ]
	[ "$output" = "0000000000000000 $want $want $want 0000000000000000" ]
}

@test "security: ping works in a default container (NET_RAW), not without it" {
	run brig run --rm --net none busybox ping -c 1 -W 1 127.0.0.1
	[ "$status" -eq 0 ]
	run brig run --rm --net none --cap-drop NET_RAW busybox ping -c 1 -W 1 127.0.0.1
	[ "$status" -ne 0 ]
}
