#!/usr/bin/env bats
# brig serve (issue 16): the images, networks and volumes endpoints, driven
# by the real docker CLI 20.10 (never dockerd; scripts/install-deps.sh puts
# it at /usr/local/lib/brig-test/docker) and the Python SDK (python3-docker)
# against a daemon on the test's own socket inside its sandbox.  Pulls go to
# Debian's docker-registry on 127.0.0.1:5000 inside the sandbox
# (registry_helpers.bash), never outside.

load helpers
load registry_helpers
load api_helpers

setup() {
	api_setup
}

teardown() {
	registry_stop
	api_serve_stop
	sandbox_teardown
}

docker() {
	"$DOCKER_BIN" "$@"
}

# api METHOD PATH: curl through the socket; the body on stdout, the status
# on the last line.
api() {
	curl -s --unix-socket "$SOCK" -X "$1" "${@:3}" -w '\n%{http_code}\n' "http://brig$2"
}

# net_field NAME KEY: a key of `brig network inspect NAME` (JSON unless a string).
net_field() {
	brig network inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
v = d[sys.argv[1]]
print(v if isinstance(v, str) else json.dumps(v))' "$2"
}

# busybox imported by the helpers, saved as a docker-save archive.
busybox_archive() {
	import_busybox
	brig image save busybox -o "$BATS_TEST_TMPDIR/busybox-docker-archive.tar"
	brig image rm busybox >/dev/null
}

# ---- images ------------------------------------------------------------------

@test "docker load, images, image inspect, tag, rmi" {
	busybox_archive
	run docker load -i "$BATS_TEST_TMPDIR/busybox-docker-archive.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Loaded image: busybox:latest"* ]]
	run docker images --format '{{.Repository}}:{{.Tag}}'
	[ "$status" -eq 0 ]
	[ "$output" = "busybox:latest" ]
	run docker image inspect -f '{{index .RepoTags 0}} {{.Os}}' busybox
	[ "$output" = "busybox:latest linux" ]
	docker tag busybox lab/bb:2
	run docker images --format '{{.Repository}}:{{.Tag}}'
	[[ "$output" == *"lab/bb:2"* ]]
	run brig image inspect lab/bb:2
	[ "$status" -eq 0 ]
	run docker rmi lab/bb:2
	[ "$status" -eq 0 ]
	[ "$output" = "Untagged: lab/bb:2" ]
	run docker rmi busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"Untagged: busybox:latest"* ]]
	[[ "$output" == *"Deleted: sha256:"* ]]
	run docker images -q
	[ "$output" = "" ]
}

@test "docker save -o writes an archive brig imports again" {
	import_busybox
	docker save -o "$BATS_TEST_TMPDIR/saved.tar" busybox
	tar -tf "$BATS_TEST_TMPDIR/saved.tar" | grep -qx manifest.json
	brig image rm busybox >/dev/null
	run brig image load -i "$BATS_TEST_TMPDIR/saved.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == *"busybox:latest"* ]]
	run brig run --rm busybox echo hi
	[ "$output" = "hi" ]
}

@test "images/get with two names: one archive; a missing name is a 404 before any byte" {
	import_busybox
	brig image tag busybox other:1
	run api GET '/images/get?names=busybox&names=other%3A1'
	[ "${lines[-1]}" = 200 ]
	curl -s --unix-socket "$SOCK" -o "$BATS_TEST_TMPDIR/two.tar" \
		'http://brig/v1.41/images/get?names=busybox&names=other%3A1'
	run python3 -c 'import json, sys, tarfile
m = json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))
print(sorted(t for e in m for t in e["RepoTags"]))' "$BATS_TEST_TMPDIR/two.tar"
	[ "$output" = "['busybox:latest', 'other:1']" ]
	run api GET '/images/nope/get'
	[ "${lines[-1]}" = 404 ]
	[ "${lines[0]}" = '{"message":"No such image: nope"}' ]
}

@test "a missing image: docker's error text and a non-zero exit" {
	run docker image inspect nope
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such image: nope"* ]]
	run docker rmi nope
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such image: nope"* ]]
	run docker tag nope x:1
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such image: nope"* ]]
}

@test "rmi by id of an image with two tags needs force, as Docker's" {
	import_busybox
	brig image tag busybox second:1
	id=$(docker image inspect -f '{{.Id}}' busybox)
	run docker rmi "${id:7:12}"
	[ "$status" -ne 0 ]
	[[ "$output" == *"must be forced"* ]]
	run docker rmi -f "${id:7:12}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Deleted: $id"* ]]
	run brig image ls -q
	[ "$output" = "" ]
}

@test "docker pull from the sandbox's registry: progress, then the image is there" {
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	registry_start
	oci_layout "$BATS_TEST_TMPDIR/bb"
	skopeo_push "$BATS_TEST_TMPDIR/bb:1" "$REG/test/bb:1"
	run docker pull "$REG/test/bb:1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1: Pulling from test/bb"* ]]
	[[ "$output" == *"Status: Downloaded newer image for $REG/test/bb:1"* ]]
	run brig run --rm "$REG/test/bb:1" echo pulled
	[ "$output" = "pulled" ]
	run docker pull "$REG/test/bb:1"
	[[ "$output" == *"Image is up to date"* ]]
}

@test "a failed pull ends the stream with Docker's error line; docker exits non-zero" {
	run api POST '/images/create?fromImage=127.0.0.1:1/none/such&tag=1'
	[ "${lines[-1]}" = 200 ]
	[ "${lines[0]}" = '{"status":"Pulling from none/such","id":"1"}' ]
	[[ "${lines[-2]}" == '{"errorDetail":{"message":'* ]]
	[[ "${lines[-2]}" == *'"error":'* ]]
	run docker pull 127.0.0.1:1/none/such:1
	[ "$status" -ne 0 ]
	run api POST '/images/create'
	[ "${lines[-1]}" = 400 ]
}

@test "load of something that is no archive: 400 or 500 with a message, the daemon serves on" {
	echo garbage >"$BATS_TEST_TMPDIR/junk.tar"
	run docker load -i "$BATS_TEST_TMPDIR/junk.tar"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Error response from daemon"* ]]
	run docker images -q
	[ "$status" -eq 0 ]
}

# ---- networks ----------------------------------------------------------------

@test "docker network create, ls, inspect, rm" {
	run docker network create --subnet 10.77.0.0/24 n
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	id=$output
	run docker network ls --format '{{.Name}} {{.Driver}}'
	[[ "$output" == *"n bridge"* ]]
	run docker network inspect -f '{{(index .IPAM.Config 0).Subnet}} {{.Id}}' n
	[ "$output" = "10.77.0.0/24 $id" ]
	run docker network inspect -f '{{.Name}}' "${id:0:12}"
	[ "$output" = n ]
	run brig network ls
	[[ "$output" == *10.77.0.0/24* ]]
	run docker network rm n
	[ "$status" -eq 0 ]
	run brig network inspect n
	[ "$status" -ne 0 ]
}

@test "network create: gateway, internal, mtu reach brig's network; a duplicate is a conflict" {
	docker network create --subnet 10.78.0.0/24 --gateway 10.78.0.254 --internal \
		-o com.docker.network.driver.mtu=1400 m
	run net_field m gateway
	[ "$output" = 10.78.0.254 ]
	run net_field m internal
	[ "$output" = true ]
	run net_field m mtu
	[ "$output" = 1400 ]
	run api POST /networks/create
	[ "${lines[-1]}" = 400 ]
	run docker network create --subnet 10.79.0.0/24 m
	[ "$status" -ne 0 ]
}

@test "a missing network: docker's error text and a non-zero exit; bridge cannot be removed" {
	run docker network inspect nope
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such network: nope"* ]]
	run docker network rm nope
	[ "$status" -ne 0 ]
	[[ "$output" == *"nope"* ]]
	run api DELETE /networks/bridge
	[ "${lines[-1]}" = 403 ]
}

@test "network connect with an address, disconnect" {
	import_busybox
	docker network create --subnet 10.80.0.0/24 c
	brig run -d --name w busybox sleep 1000
	docker network connect --ip 10.80.0.9 c w
	run brig exec w ip -4 -o addr show
	[[ "$output" == *10.80.0.9/24* ]]
	run docker network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}' c
	[ "$output" = "w 10.80.0.9/24" ]
	docker network disconnect c w
	run brig exec w ip -4 -o addr show
	[[ "$output" != *10.80.0.9* ]]
	run docker network connect c nosuch
	[ "$status" -ne 0 ]
}

@test "docker rename of a running container: the other members' /etc/hosts name it anew at once" {
	import_busybox
	docker network create --subnet 10.81.0.0/24 rn
	brig run -d --name old --net rn --ip 10.81.0.5 busybox sleep 1000
	brig run -d --name peer --net rn busybox sleep 1000
	docker rename old new
	run brig exec peer grep -c '10\.81\.0\.5.*new' /etc/hosts
	[ "$output" = 1 ]
	run brig exec peer grep -c 'old' /etc/hosts
	[ "$output" = 0 ]
	run brig exec new hostname -i
	[ "$status" -eq 0 ]
	run docker inspect -f '{{.Name}}' new
	[ "$output" = "/new" ]
}

# ---- volumes -----------------------------------------------------------------

@test "docker volume create, ls, inspect, rm" {
	run docker volume create --label team=net vol
	[ "$status" -eq 0 ]
	[ "$output" = vol ]
	run docker volume ls --format '{{.Driver}} {{.Name}}'
	[ "$output" = "local vol" ]
	run docker volume inspect -f '{{.Mountpoint}} {{.Labels.team}}' vol
	[ "$output" = "$ROOT/volumes/vol/_data net" ]
	run brig volume ls
	[[ "$output" == *vol* ]]
	run docker volume rm vol
	[ "$status" -eq 0 ]
	run docker volume ls -q
	[ "$output" = "" ]
}

@test "a missing volume: docker's error text and a non-zero exit; one in use is a conflict" {
	run docker volume inspect nope
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such volume: nope"* ]]
	run docker volume rm nope
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such volume: nope"* ]]
	import_busybox
	brig run --name user -v data:/data busybox true
	run api DELETE /volumes/data
	[ "${lines[-1]}" = 409 ]
	run api POST /volumes/create -d '{"Driver":"nfs"}'
	[ "${lines[-1]}" = 400 ]
}

# ---- the Python SDK ----------------------------------------------------------

@test "python3-docker: images.list, networks.create, volumes" {
	python3 -c 'import docker' 2>/dev/null || skip "python3-docker is not installed"
	import_busybox
	run python3 - <<-'PY'
		import docker
		client = docker.from_env()
		print(sorted(t for i in client.images.list() for t in i.tags))
		ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="10.81.0.0/24")])
		net = client.networks.create("sdk", driver="bridge", ipam=ipam)
		print(client.networks.get(net.id).attrs["IPAM"]["Config"][0]["Subnet"])
		net.remove()
		vol = client.volumes.create("sdkv")
		print([v.name for v in client.volumes.list()])
		vol.remove()
	PY
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "['busybox:latest']" ]
	[ "${lines[1]}" = "10.81.0.0/24" ]
	[ "${lines[2]}" = "['sdkv']" ]
}

# ---- in use, prune -----------------------------------------------------------

@test "an image or network in use is a conflict; prune removes only unused ones" {
	import_busybox
	docker network create --subnet 10.82.0.0/24 used
	docker network create --subnet 10.83.0.0/24 idle
	brig run -d --name u --network used busybox sleep 1000
	run docker rmi busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"in use"* ]]
	run docker network rm used
	[ "$status" -ne 0 ]
	run docker network prune -f
	[ "$status" -eq 0 ]
	[[ "$output" == *idle* ]]
	run docker network ls --format '{{.Name}}'
	[[ "$output" == *used* ]]
	[[ "$output" != *idle* ]]
	docker volume create keep
	brig run --name v2 -v kept:/data busybox true
	run docker volume prune -f
	[ "$status" -eq 0 ]
	run docker volume ls -q
	[ "$output" = kept ]
}
