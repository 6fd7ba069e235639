#!/usr/bin/env bats
# brig serve (issue 16, item 5): bad clients get an error or are dropped,
# and the daemon serves on and leaks nothing: garbage on the socket, a
# 100 MB header (streamed: the daemon answers 431 or closes, it does not
# buffer it), clients vanishing mid-attach, a chunked request body,
# invalid JSON and oversized bodies, unknown endpoints (501 naming them),
# 100 clients at once, a slow reader on logs -f of a chatty container.
# After each: `docker version` works, the daemon's fd count is back within
# a few of what it was before, and its peak RSS (VmHWM) stayed under
# 64 MiB.
#
# Each test: its own sandbox and `brig serve` (as root, socket in the
# sandbox's directory), killed by pid in teardown.

load helpers
load api_helpers

RSS_BOUND_KIB=65536

setup() {
	api_setup busybox
	# the fds of a daemon that served one client (libraries opened lazily)
	docker version >/dev/null
	wait_for 20 no_clients
	FD0=$(fd_count)
}

teardown() {
	[ -z "${CLIENT_PID:-}" ] || kill "$CLIENT_PID" 2>/dev/null || true
	api_serve_stop
	sandbox_teardown
}

docker() {
	"$DOCKER_BIN" "$@"
}

fd_count() {
	find "/proc/$SERVE_PID/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# no_clients: the daemon has no connection left (its only socket is the
# listening one).
no_clients() {
	[ "$(find "/proc/$SERVE_PID/fd" -mindepth 1 -maxdepth 1 -lname 'socket:*' | wc -l)" -le 1 ]
}

fds_back() {
	[ "$(fd_count)" -le $((FD0 + 3)) ]
}

# peak_rss_kib: the daemon's resident set at its highest, in KiB.
peak_rss_kib() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$SERVE_PID/status"
}

# serving_and_clean: the daemon answers the CLI, its fds are back (bounded
# wait: connection threads end on their own), its RSS never grew past the
# bound.
serving_and_clean() {
	[ "$(docker version --format '{{.Server.Os}}')" = linux ]
	wait_for 30 fds_back || {
		echo "fds: $FD0 before, $(fd_count) now:"
		ls -l "/proc/$SERVE_PID/fd"
		return 1
	}
	[ "$(peak_rss_kib)" -lt "$RSS_BOUND_KIB" ] || {
		echo "peak RSS $(peak_rss_kib) KiB"
		return 1
	}
}

# api METHOD PATH CURL-ARG...: curl through the socket; the body, then the
# status on the last line.
api() {
	curl -s --unix-socket "$SOCK" -X "$1" "${@:3}" -w '\n%{http_code}\n' "http://brig$2"
}

# sock_send: stdin to the socket; what the daemon answers on stdout.
sock_send() {
	socat -t 5 - "UNIX-CONNECT:$SOCK" 2>/dev/null || true
}

@test "garbage on the socket: 400 and the connection closed, or dropped; the daemon serves on" {
	run sock_send < <(printf 'garbage\r\n\r\n')
	[[ $output == "HTTP/1.1 400"* ]]
	run sock_send < <(printf 'GET / HTTP/1.1\r\nHost x\r\n\r\n')
	[[ $output == "HTTP/1.1 400"* ]]
	run sock_send < <(head -c 65536 /dev/urandom)
	run sock_send < <(printf 'GET /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n')
	[[ $output == "HTTP/1.1 4"* ]]
	# a request cut short by the client's end
	run sock_send < <(printf 'POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"Im')
	[ -z "$output" ]
	serving_and_clean
}

@test "a 100 MB header, streamed: 431 or closed, never buffered (peak RSS bounded)" {
	run python3 - "$SOCK" <<-'PY'
		import socket, sys
		s = socket.socket(socket.AF_UNIX)
		s.connect(sys.argv[1])
		s.sendall(b"GET /_ping HTTP/1.1\r\nHost: brig\r\nX-Big: ")
		chunk, sent = b"a" * (1 << 20), 0
		try:
		    while sent < 100 << 20:
		        s.sendall(chunk)
		        sent += len(chunk)
		    s.sendall(b"\r\n\r\n")
		except (BrokenPipeError, ConnectionResetError):
		    pass
		s.settimeout(30)
		try:
		    reply = s.recv(4096)
		except (ConnectionResetError, socket.timeout):
		    reply = b""
		print(reply.split(b"\r\n")[0].decode() or "closed")
		print("sent %d MiB" % (sent >> 20))
	PY
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "HTTP/1.1 431"* || ${lines[0]} == closed ]]
	serving_and_clean
}

@test "clients vanishing mid-attach (after the 101, and before it): the container runs on" {
	docker run -d --name chat busybox sh -c 'while :; do echo tick; sleep 0.1; done'
	run python3 - "$SOCK" <<-'PY'
		import socket, sys
		req = (b"POST /v1.41/containers/chat/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n"
		       b"Host: brig\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n")
		upgraded = 0
		for i in range(10):
		    s = socket.socket(socket.AF_UNIX)
		    s.connect(sys.argv[1])
		    s.settimeout(10)
		    s.sendall(req)
		    buf = b""
		    while b"\r\n\r\n" not in buf:
		        got = s.recv(4096)
		        if not got:
		            break
		        buf += got
		    upgraded += buf.startswith(b"HTTP/1.1 101")
		    if b"tick" not in buf.split(b"\r\n\r\n", 1)[-1]:
		        s.recv(4096)  # some of the stream
		    s.close()
		for i in range(10):  # gone before the answer
		    s = socket.socket(socket.AF_UNIX)
		    s.connect(sys.argv[1])
		    s.sendall(req)
		    s.close()
		print(upgraded)
	PY
	[ "$status" -eq 0 ]
	[ "$output" = 10 ]
	run docker inspect -f '{{.State.Running}}' chat
	[ "$output" = true ]
	run docker logs --tail 1 chat
	[ "$output" = tick ]
	serving_and_clean
	docker rm -f chat
}

@test "start sent the moment attach is answered, 20 times: every attach client gets the output and the end" {
	run python3 - "$SOCK" <<-'PY'
		import json, socket, sys, threading
		def request(method, path, body=b""):
		    s = socket.socket(socket.AF_UNIX)
		    s.connect(sys.argv[1])
		    s.settimeout(20)
		    head = "%s %s HTTP/1.1\r\nHost: brig\r\nContent-Type: application/json\r\n" % (method, path)
		    if "attach" in path:
		        head += "Connection: Upgrade\r\nUpgrade: tcp\r\n"
		    s.sendall(head.encode() + b"Content-Length: %d\r\n\r\n" % len(body) + body)
		    return s
		def read_all(s):
		    buf = b""
		    try:
		        while True:
		            got = s.recv(65536)
		            if not got:
		                return buf
		            buf += got
		    except socket.timeout:
		        return buf + b"<timeout>"
		ok = 0
		for i in range(20):
		    body = json.dumps({"Image": "busybox", "Cmd": ["echo", "hi%d" % i]}).encode()
		    c = request("POST", "/v1.41/containers/create", body)
		    buf = b""
		    while b"\r\n\r\n" not in buf or not buf.rstrip().endswith(b"}"):
		        buf += c.recv(4096)
		    cid = json.loads(buf.split(b"\r\n\r\n", 1)[1])["Id"]
		    c.close()
		    a = request("POST", "/v1.41/containers/%s/attach?stream=1&stdout=1&stderr=1" % cid)
		    out = b""
		    while b"\r\n\r\n" not in out:  # the 101, then at once the start (docker run)
		        out += a.recv(1)
		    st = request("POST", "/v1.41/containers/%s/start" % cid)
		    out += read_all(a)
		    st.close()
		    ok += (b"hi%d" % i) in out and not out.endswith(b"<timeout>")
		print(ok)
	PY
	[ "$status" -eq 0 ]
	[ "$output" = 20 ]
	serving_and_clean
}

@test "a chunked request body creates a container; invalid JSON is 400, a body past the limit 413" {
	run api POST '/v1.41/containers/create?name=ch' -H 'Transfer-Encoding: chunked' \
		-H 'Content-Type: application/json' --data-binary '{"Image":"busybox","Cmd":["echo","chunked"]}'
	[ "${lines[-1]}" = 201 ]
	[[ ${lines[0]} == '{"Id":"'* ]]
	run docker start -a ch
	[ "$output" = chunked ]
	run api POST /containers/create -H 'Content-Type: application/json' --data-binary '{not json'
	[ "${lines[-1]}" = 400 ]
	[[ ${lines[0]} == '{"message":'* ]]
	run api POST /containers/create -H 'Content-Type: application/json' --data-binary '[1,2]'
	[ "${lines[-1]}" = 400 ]
	run api POST /containers/create -H 'Transfer-Encoding: chunked' --data-binary '{"Image":'
	[ "${lines[-1]}" = 400 ]
	# unknown fields are ignored, as Docker's
	run api POST '/containers/create?name=extra' -H 'Content-Type: application/json' \
		--data-binary '{"Image":"busybox","Cmd":["true"],"NoSuchField":{"x":1}}'
	[ "${lines[-1]}" = 201 ]
	head -c $((5 << 20)) /dev/zero | tr '\0' ' ' >"$BATS_TEST_TMPDIR/big.json"
	run api POST /containers/create -H 'Content-Type: application/json' \
		--data-binary "@$BATS_TEST_TMPDIR/big.json"
	[ "${lines[-1]}" = 413 ]
	serving_and_clean
}

@test "an unknown endpoint is a 501 whose JSON message names it" {
	run api GET /v1.41/swarm
	[ "${lines[-1]}" = 501 ]
	[ "${lines[0]}" = '{"message":"brig does not implement GET /swarm"}' ]
	run api POST /plugins/pull
	[ "${lines[-1]}" = 501 ]
	[[ ${lines[0]} == *'POST /plugins/pull'* ]]
	run api DELETE /v1.44/containers/x/checkpoints/y
	[ "${lines[-1]}" = 501 ]
	run docker swarm init
	[ "$status" -ne 0 ]
	serving_and_clean
}

@test "100 clients at once each get their /_ping answered" {
	run python3 - "$SOCK" <<-'PY'
		import socket, sys, threading
		n, ok, lock = 100, [0], threading.Lock()
		barrier = threading.Barrier(n)
		def ping():
		    s = socket.socket(socket.AF_UNIX)
		    s.settimeout(60)
		    barrier.wait()
		    try:
		        s.connect(sys.argv[1])
		        s.sendall(b"GET /_ping HTTP/1.1\r\nHost: brig\r\nConnection: close\r\n\r\n")
		        buf = b""
		        while True:
		            got = s.recv(4096)
		            if not got:
		                break
		            buf += got
		    finally:
		        s.close()
		    if buf.startswith(b"HTTP/1.1 200") and buf.endswith(b"OK"):
		        with lock:
		            ok[0] += 1
		threads = [threading.Thread(target=ping) for _ in range(n)]
		for t in threads:
		    t.start()
		for t in threads:
		    t.join()
		print(ok[0])
	PY
	[ "$status" -eq 0 ]
	[ "$output" = 100 ]
	serving_and_clean
}

@test "a slow reader on logs -f of a chatty container holds back neither the container nor the daemon" {
	docker run -d --name chatty busybox sh -c \
		'i=0; while [ $i -lt 100000 ]; do echo "chatty line $i"; i=$((i + 1)); done; touch /tmp/done; exec sleep 1000'
	local closed=$BATS_TEST_TMPDIR/close
	# the reader: asks, reads nothing until told, then goes
	python3 - "$SOCK" "$closed" >"$BATS_TEST_TMPDIR/reader.out" 2>&1 <<-'PY' &
		import os, socket, sys, time
		s = socket.socket(socket.AF_UNIX)
		s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
		s.connect(sys.argv[1])
		s.sendall(b"GET /v1.41/containers/chatty/logs?follow=1&stdout=1&stderr=1 HTTP/1.1\r\n"
		          b"Host: brig\r\n\r\n")
		print("asked", flush=True)
		deadline = time.monotonic() + 120
		while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:
		    time.sleep(0.05)
		s.close()
		print("closed", flush=True)
	PY
	CLIENT_PID=$!
	wait_for 10 grep -q asked "$BATS_TEST_TMPDIR/reader.out"
	# the container writes all it has while the reader reads nothing
	wait_for 120 docker exec chatty test -e /tmp/done
	run docker version --format '{{.Server.Os}}'
	[ "$output" = linux ]
	run docker logs --tail 1 chatty
	[ "$output" = "chatty line 99999" ]
	touch "$closed"
	wait "$CLIENT_PID"
	CLIENT_PID=
	run cat "$BATS_TEST_TMPDIR/reader.out"
	[ "${lines[1]}" = closed ]
	serving_and_clean
	docker rm -f chatty
}
