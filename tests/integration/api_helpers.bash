# api_helpers.bash - shared setup for the suites that drive `brig serve`,
# after `load helpers`: as an unprivileged user (api_client.bats,
# api_docker.bats), or as root through the docker CLI (api_objects.bats,
# api_robust.bats, api_wait.bats: see api_setup below).
#
# A suite sets CLI_USER (a member of CLI_GROUP), OUT_USER (outside it) and
# CLI_GROUP, names of its own so suites run side by side, then:
#
#   setup_file()    { api_users_add; }
#   teardown_file() { api_users_drop; }
#   setup()         { sandbox_setup; api_pub_setup; import_busybox; api_serve_start; }
#   teardown()      { api_tmux_stop; api_serve_stop; sandbox_teardown; api_pub_drop; }

# The docker CLI 20.10 (never dockerd), where scripts/install-deps.sh puts it.
DOCKER_BIN=${BRIG_TEST_DOCKER:-/usr/local/lib/brig-test/docker}

# need_docker: skip the test when the docker CLI is not there.
need_docker() {
	[ -x "$DOCKER_BIN" ] || skip "the docker CLI is not at $DOCKER_BIN (scripts/install-deps.sh)"
}

# api_users_drop: remove the suite's users and group (what is not there is
# no error).
api_users_drop() {
	[ "$(id -u)" -eq 0 ] || return 0
	userdel "$CLI_USER" 2>/dev/null || true
	userdel "$OUT_USER" 2>/dev/null || true
	groupdel "$CLI_GROUP" 2>/dev/null || true
}

# api_users_add: the group, a member of it and a user outside it (no home,
# no login shell), fresh.
api_users_add() {
	[ "$(id -u)" -eq 0 ] || return 0
	api_users_drop
	groupadd "$CLI_GROUP"
	useradd -M -N -s /usr/sbin/nologin -G "$CLI_GROUP" "$CLI_USER"
	useradd -M -N -s /usr/sbin/nologin "$OUT_USER"
}

# api_pub_setup: a directory the test users can reach (bats' temporary
# directories are root's alone) with a copy of brig and the socket's path:
# PUB, CLI_BIN, SOCK.
api_pub_setup() {
	PUB=$(mktemp -d /tmp/brig-api.XXXXXX)
	chmod 755 "$PUB"
	cp "$BRIG_BIN" "$PUB/brig"
	CLI_BIN=$PUB/brig
	SOCK=$PUB/brig.sock
	export PUB CLI_BIN SOCK
}

api_pub_drop() {
	[ -z "${PUB:-}" ] || rm -rf "$PUB"
}

# api_serve_start: `brig serve` inside the sandbox on its roots, the socket
# at SOCK for CLI_GROUP (root when the suite sets none); SERVE_PID is
# brig's pid.  Returns once the socket answers (a socket left by a killed
# daemon is removed first).
api_serve_start() {
	rm -f "$SOCK"
	brig_bg "$SB/serve.log" serve --socket "$SOCK" --group "${CLI_GROUP:-root}"
	SERVE_PID=$BG_PID
	wait_for 20 test -S "$SOCK"
}

# api_serve_stop: stop the daemon by its pid; on failure show its log.
api_serve_stop() {
	[ -n "${SERVE_PID:-}" ] || return 0
	kill "$SERVE_PID" 2>/dev/null || true
	wait "$SERVE_PID" 2>/dev/null || true
	SERVE_PID=
	[ -n "${BATS_TEST_COMPLETED:-}" ] || sed 's/^/  serve: /' "$SB/serve.log" 2>/dev/null || true
}

# ---- as root, through the docker CLI --------------------------------------
#
#   setup()    { api_setup [busybox]; }
#   teardown() { api_serve_stop; sandbox_teardown; }

# api_setup [busybox]: a sandbox; the docker CLI (the test skipped without
# it) pointed at SOCK=$SB/brig.sock with a configuration directory of the
# test's own; busybox imported when asked; `brig serve` on SOCK for root.
api_setup() {
	sandbox_setup
	need_docker
	SOCK=$SB/brig.sock
	export DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker-config
	mkdir -p "$DOCKER_CONFIG"
	if [ "${1:-}" = busybox ]; then
		import_busybox
	fi
	api_serve_start
}

# ---- a terminal: tmux inside the sandbox (tmux.bash) ----------------------

load tmux

# api_tmux_stop: the test's tmux server, if any (the pane shown on failure).
api_tmux_stop() {
	if [ -z "${SB:-}" ] || [ ! -S "$SB/tmux.sock" ]; then
		return 0
	fi
	[ -n "${BATS_TEST_COMPLETED:-}" ] || {
		echo "--- pane:"
		pane 2>/dev/null || true
	}
	tmx kill-server 2>/dev/null || true
}
