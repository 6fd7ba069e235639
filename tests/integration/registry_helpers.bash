# registry_helpers.bash - a reference registry (Debian's docker-registry,
# the distribution registry 2.8) inside the test's sandbox, and the images
# to fill it with.  `load registry_helpers` after `load helpers`.
#
# The registry listens on 127.0.0.1:5000 *in the sandbox's network
# namespace*: nothing outside the test can reach it, and it reaches nothing.
# Its storage and config live under the test's temp dir; its access log
# (stderr) in $REG_LOG, so a test can count the requests it served.
#
#   registry_start [basic|token|tls]  start it (optionally with htpasswd auth,
#                                   with bearer tokens from token_server, or
#                                   serving HTTPS with a self-signed certificate)
#   registry_stop                   stop it (by pid) and whatever this file started
#   oci_layout DIR [opts]           an OCI image layout made from the busybox rootfs
#   skopeo_push DIR REF             copy a layout into the registry (--all)
#   blob_requests DIGEST            how many GETs of a blob the registry served

REG=127.0.0.1:5000
REG_USER=brig
REG_PASS=s3cret-pw

# The registry's directory: config, storage, log, htpasswd, token keys.
reg_dir() {
	echo "$BATS_TEST_TMPDIR/registry"
}

# A skopeo policy of our own: never the host's /etc/containers/policy.json.
skopeo_policy() {
	local p
	p=$(reg_dir)/policy.json
	[ -e "$p" ] || echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$p"
	echo "$p"
}

# htpasswd line for user:pass, bcrypt (the only scheme the registry takes).
htpasswd_line() {
	if command -v htpasswd >/dev/null; then
		htpasswd -nbB "$1" "$2" | head -n 1
		return
	fi
	python3 -W ignore -c '
import crypt, sys
print(sys.argv[1] + ":" + crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH)))
' "$1" "$2"
}

registry_config() {
	local dir=$1 mode=$2
	cat <<-EOF
		version: 0.1
		log:
		  level: info
		  accesslog:
		    disabled: false
		storage:
		  filesystem:
		    rootdirectory: $dir/data
		  delete:
		    enabled: true
		http:
		  addr: $REG
	EOF
	case "$mode" in
	basic)
		cat <<-EOF
			auth:
			  htpasswd:
			    realm: brig-test
			    path: $dir/htpasswd
		EOF
		;;
	tls)
		cat <<-EOF
			  tls:
			    certificate: $dir/tls.crt
			    key: $dir/tls.key
		EOF
		;;
	token)
		cat <<-EOF
			auth:
			  token:
			    realm: http://127.0.0.1:5001/token
			    service: brig-test-registry
			    issuer: brig-test-issuer
			    rootcertbundle: $dir/token.crt
		EOF
		;;
	esac
}

# registry_up: it answers /v2/ (200, or 401 when it wants auth).
registry_up() {
	local code
	code=$(sb curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "$REG_SCHEME://$REG/v2/") ||
		return 1
	[ "$code" = 200 ] || [ "$code" = 401 ]
}

registry_start() {
	local dir mode=${1:-}
	dir=$(reg_dir)
	mkdir -p "$dir/data"
	REG_SCHEME=http
	case "$mode" in
	basic) htpasswd_line "$REG_USER" "$REG_PASS" >"$dir/htpasswd" ;;
	token) token_server_start ;;
	tls)
		REG_SCHEME=https
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls.key" -out "$dir/tls.crt" \
			-days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1
		;;
	esac
	registry_config "$dir" "$mode" >"$dir/config.yml"
	REG_LOG=$dir/registry.log
	# Each layer execs the next: $! is the registry itself.
	(exec "$SANDBOX" exec "$SB" docker-registry serve "$dir/config.yml" \
		</dev/null >"$REG_LOG" 2>&1 3>&-) &
	REG_PID=$!
	disown "$REG_PID" 2>/dev/null || true
	export REG_LOG REG_PID
	wait_for 30 registry_up
}

# stop_pid PID: SIGTERM, then wait (bounded) for it to go.
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null || return 0
	wait_for 10 not_alive "$1" || kill -KILL "$1" 2>/dev/null || true
}

registry_stop() {
	stop_pid "${REG_PID:-}"
	stop_pid "${TOKEN_PID:-}"
	REG_PID=
	TOKEN_PID=
}

# blob_requests DIGEST: the GETs of that blob the registry answered.
blob_requests() {
	grep -c "\"GET /v2/[^ ]*/blobs/$1 " "$REG_LOG" || true
}

# The file the registry keeps a blob's bytes in.
registry_blob_file() {
	local hex=${1#sha256:}
	echo "$(reg_dir)/data/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# skopeo_push DIR[:TAG] REF: copy an OCI layout (every platform of an
# index) into the sandbox's registry, as $SKOPEO_CREDS (USER:PASS) if set.
skopeo_push() {
	sb skopeo --policy "$(skopeo_policy)" copy --quiet --all --dest-tls-verify=false \
		${SKOPEO_CREDS:+--dest-creds "$SKOPEO_CREDS"} "oci:$1" "docker://$2"
}

# oci_layout DIR [--tag T] [--arch A]... [--extra PATH=TEXT]...: an OCI
# image layout of the busybox rootfs (one gzip layer), plus a second layer
# with the --extra files ("{arch}" in TEXT becomes the platform's
# architecture).  One --arch: one manifest; several: an index with one
# manifest per architecture, in the order given.  Prints nothing.
oci_layout() {
	local out=$1
	shift
	python3 - "$out" "$(image_tarball)" "$@" <<-'PY'
		import argparse, gzip, hashlib, io, json, os, tarfile
		p = argparse.ArgumentParser()
		p.add_argument("out")
		p.add_argument("rootfs")
		p.add_argument("--tag", default="1")
		p.add_argument("--arch", action="append")
		p.add_argument("--extra", action="append", default=[])
		a = p.parse_args()
		arches = a.arch or ["amd64"]
		blobs = os.path.join(a.out, "blobs", "sha256")
		os.makedirs(blobs, exist_ok=True)

		def put(data, media_type):
		    hexd = hashlib.sha256(data).hexdigest()
		    with open(os.path.join(blobs, hexd), "wb") as f:
		        f.write(data)
		    return {"mediaType": media_type, "digest": "sha256:" + hexd, "size": len(data)}

		def layer(files):
		    buf = io.BytesIO()
		    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
		        dirs = set()
		        for path, text in sorted(files.items()):
		            parts = path.strip("/").split("/")
		            for i in range(1, len(parts)):
		                d = "/".join(parts[:i])
		                if d not in dirs:
		                    dirs.add(d)
		                    ti = tarfile.TarInfo(d)
		                    ti.type, ti.mode = tarfile.DIRTYPE, 0o755
		                    t.addfile(ti)
		            data = text.encode()
		            ti = tarfile.TarInfo("/".join(parts))
		            ti.size, ti.mode = len(data), 0o644
		            t.addfile(ti, io.BytesIO(data))
		    return buf.getvalue()

		base = open(a.rootfs, "rb").read()
		manifests = []
		for arch in arches:
		    tars = [base]
		    if a.extra:
		        files = dict(e.split("=", 1) for e in a.extra)
		        tars.append(layer({k: v.replace("{arch}", arch) for k, v in files.items()}))
		    config = {
		        "architecture": arch, "os": "linux",
		        "config": {"Cmd": ["sh"], "Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},
		        "rootfs": {"type": "layers",
		                   "diff_ids": ["sha256:" + hashlib.sha256(t).hexdigest() for t in tars]},
		    }
		    if arch == "arm64":
		        config["variant"] = "v8"
		    layers = [put(gzip.compress(t, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip")
		              for t in tars]
		    manifest = {
		        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		        "config": put(json.dumps(config).encode(), "application/vnd.oci.image.config.v1+json"),
		        "layers": layers,
		    }
		    d = put(json.dumps(manifest).encode(), manifest["mediaType"])
		    d["platform"] = {"os": "linux", "architecture": arch}
		    if arch == "arm64":
		        d["platform"]["variant"] = "v8"
		    manifests.append(d)
		if len(manifests) == 1:
		    top = manifests[0]
		    del top["platform"]
		else:
		    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
		             "manifests": manifests}
		    top = put(json.dumps(index).encode(), index["mediaType"])
		top["annotations"] = {"org.opencontainers.image.ref.name": a.tag}
		with open(os.path.join(a.out, "index.json"), "w") as f:
		    json.dump({"schemaVersion": 2, "manifests": [top]}, f)
		with open(os.path.join(a.out, "oci-layout"), "w") as f:
		    json.dump({"imageLayoutVersion": "1.0.0"}, f)
	PY
}

# layout_blobs DIR: the digests of the layout's (single) manifest's config
# and layers, one a line, config first.
layout_blobs() {
	python3 - "$1" <<-'PY'
		import json, os, sys
		d = sys.argv[1]
		def blob(digest):
		    return json.load(open(os.path.join(d, "blobs", "sha256", digest.split(":")[1])))
		m = blob(json.load(open(os.path.join(d, "index.json")))["manifests"][0]["digest"])
		print(m["config"]["digest"])
		for l in m["layers"]:
		    print(l["digest"])
	PY
}

# ---- the token server (bearer auth) ------------------------------------------
# A small token server in the sandbox on 127.0.0.1:5001, as Docker Hub's
# auth.docker.io: GET /token?service=&scope= answers {"token": JWT}, the JWT
# RS256-signed by a key whose self-signed certificate the registry trusts
# (rootcertbundle; the JWT carries it in "x5c").  With Basic credentials
# $REG_USER:$REG_PASS it grants the scope asked; with wrong ones it answers
# 401; anonymous requests get a token granting nothing.  Each request is a
# line in $TOKEN_LOG: "anonymous|user|refused SCOPE".

token_up() {
	[ "$(sb curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		'http://127.0.0.1:5001/token?service=x')" = 200 ]
}

token_server_start() {
	local dir
	dir=$(reg_dir)
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/token.key" -out "$dir/token.crt" \
		-days 2 -subj /CN=brig-token-test >/dev/null 2>&1
	TOKEN_LOG=$dir/token.log
	: >"$TOKEN_LOG"
	cat >"$dir/token_server.py" <<-'PY'
		import base64, http.server, json, os, subprocess, sys, time, urllib.parse
		key, crt, user, pw, log = sys.argv[1:6]
		der = subprocess.run(["openssl", "x509", "-in", crt, "-outform", "DER"],
		                     check=True, capture_output=True).stdout

		def b64(b):
		    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

		def sign(claims):
		    head = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
		    msg = b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())
		    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
		                         input=msg.encode(), check=True, capture_output=True).stdout
		    return msg + "." + b64(sig)

		class H(http.server.BaseHTTPRequestHandler):
		    def log_message(self, *a):
		        pass
		    def do_GET(self):
		        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
		        scope = q.get("scope", [""])[0]
		        auth = self.headers.get("Authorization", "")
		        who = "anonymous"
		        if auth.startswith("Basic "):
		            who = "user" if base64.b64decode(auth[6:]).decode() == user + ":" + pw else "refused"
		        with open(log, "a") as f:
		            f.write("%s %s\n" % (who, scope))
		        if who == "refused":
		            self.send_response(401)
		            self.end_headers()
		            return
		        access = []
		        if who == "user" and scope.count(":") == 2:
		            kind, name, actions = scope.split(":")
		            access = [{"type": kind, "name": name, "actions": actions.split(",")}]
		        now = int(time.time())
		        tok = sign({"iss": "brig-test-issuer", "sub": user if who == "user" else "",
		                    "aud": q.get("service", [""])[0], "exp": now + 600, "nbf": now - 60,
		                    "iat": now, "jti": os.urandom(8).hex(), "access": access})
		        body = json.dumps({"token": tok, "expires_in": 600}).encode()
		        self.send_response(200)
		        self.send_header("Content-Type", "application/json")
		        self.send_header("Content-Length", str(len(body)))
		        self.end_headers()
		        self.wfile.write(body)

		http.server.HTTPServer(("127.0.0.1", 5001), H).serve_forever()
	PY
	(exec "$SANDBOX" exec "$SB" python3 "$dir/token_server.py" "$dir/token.key" "$dir/token.crt" \
		"$REG_USER" "$REG_PASS" "$TOKEN_LOG" </dev/null >"$dir/token.out" 2>&1 3>&-) &
	TOKEN_PID=$!
	disown "$TOKEN_PID" 2>/dev/null || true
	export TOKEN_LOG TOKEN_PID
	wait_for 30 token_up
	: >"$TOKEN_LOG"
}
