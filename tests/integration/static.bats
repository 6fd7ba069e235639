#!/usr/bin/env bats
# Source checks: the engine never shells out (DESIGN.md, "Libraries"); every
# bats assertion can fail (tests/lint-bats.py).

load helpers

# Comments and string-free code of every C file in the engine modules.
scan() {
	python3 - "$REPO" "$1" <<'PY'
import os, re, sys
repo, what = sys.argv[1], sys.argv[2]
def strip_comments(s):
    s = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), s, flags=re.S)
    return re.sub(r"//[^\n]*", "", s)
hits = []
tools = r"(?:/(?:usr/)?s?bin/)?(?:ip|nft|iptables|ip6tables|iptables-nft|tc|sh|bash|dash|ash)"
# Ways the engine could shell out.  A bare "/bin/sh" is allowed: it is the
# default command *of the container*, run inside it, not by the engine.
exec_rules = [
    # a host tool by path
    r'"/(?:usr/)?s?bin/(?:ip|nft|iptables|ip6tables|tc)"',
    # an argv array starting with a tool: { "ip", "link", ... } (but not an
    # option table entry such as { "ip", required_argument, ... })
    r'\{\s*"(?:ip|nft|iptables|ip6tables|tc)"\s*,\s*"',
    # a shell command line: "sh", "-c"
    r'"(?:/bin/)?(?:ba|da)?sh"\s*,\s*"-c"',
]
for d in ("src", "net", "cgroup"):
    for root, _, files in os.walk(os.path.join(repo, d)):
        for f in files:
            if not f.endswith((".c", ".h")):
                continue
            p = os.path.join(root, f)
            code = strip_comments(open(p, encoding="utf-8", errors="replace").read())
            rel = os.path.relpath(p, repo)
            def hit(pos, text):
                hits.append(f"{rel}:{code[:pos].count(chr(10)) + 1}: {text[:80]}")
            if what == "shell":
                for m in re.finditer(r"\b(system|popen)\s*\(", code):
                    hit(m.start(), m.group(0))
                continue
            for rule in exec_rules:
                for m in re.finditer(rule, code):
                    hit(m.start(), m.group(0))
            # exec*/posix_spawn* calls whose arguments name a tool.
            for m in re.finditer(r"\b(exec[lv]p?e?|execvpe|posix_spawnp?)\s*\(([^;]*)\)", code):
                if re.search(r'"' + tools + r'"', m.group(2)):
                    hit(m.start(), m.group(0))
print("\n".join(sorted(set(hits))))
PY
}

@test "static: no system() or popen() in src/, net/, cgroup/" {
	run scan shell
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "static: no exec of ip, nft, iptables, tc or a shell in src/, net/, cgroup/" {
	run scan exec
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "scripts: shellcheck is clean" {
	command -v shellcheck >/dev/null || skip "shellcheck not installed"
	run shellcheck "$REPO"/scripts/*.sh "$REPO"/tests/run.sh "$REPO"/.ci/run
	echo "$output"
	[ "$status" -eq 0 ]
}

# fuzz_targets_run: build every libFuzzer target (tests/fuzz), run each once
# over its seed corpus; prints the targets that failed to build or run.
fuzz_targets_run() {
	local t bad=""
	make -C "$REPO/tests/fuzz" -j2 >"$BATS_TEST_TMPDIR/fuzz-build.log" 2>&1 ||
		{ tail -5 "$BATS_TEST_TMPDIR/fuzz-build.log"; echo "build failed"; return 0; }
	for t in $(make -s -C "$REPO/tests/fuzz" -pn 2>/dev/null | sed -n 's/^TARGETS *:= *//p'); do
		"$REPO/tests/fuzz/out/$t" -runs=0 "$REPO/tests/fuzz/corpus/$t" \
			>"$BATS_TEST_TMPDIR/$t.log" 2>&1 || bad="$bad $t"
	done
	echo "${bad# }"
}

@test "fuzz: every libFuzzer target builds and runs its seed corpus without a finding" {
	command -v clang >/dev/null || skip "clang not installed"
	run fuzz_targets_run
	echo "$output"
	[ -z "$output" ]
}

# ---- layers ------------------------------------------------------------------
# cli -> engine -> runtime, image -> net, cgroup -> base: each directory
# includes only its own headers and those below it, and the engine and
# everything under it never print, exit or parse argv (tests/lint-layers.py;
# the Makefile's include paths agree).

@test "static: every layer includes only itself and the layers below; the engine never prints" {
	run python3 "$REPO/tests/lint-layers.py" "$REPO"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "static: the layer lint flags an include of src/ from a lower layer" {
	local d=$BATS_TEST_TMPDIR/lower
	mkdir -p "$d"
	printf '#include "own.h"\n#include "err.h"\n#include "container.h"\n' >"$d/x.c"
	: >"$d/own.h"
	run python3 "$REPO/tests/lint-layers.py" "$REPO" --as net "$d"
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[[ $output == *'x.c:3: #include "container.h"' ]]
}

@test "static: the layer lint flags a runtime include from the CLI" {
	local d=$BATS_TEST_TMPDIR/cli
	mkdir -p "$d"
	printf '#include "cli.h"\n#include "container.h"\n#include "spawn.h"\n' >"$d/y.c"
	: >"$d/cli.h"
	run python3 "$REPO/tests/lint-layers.py" "$REPO" --as src/cli "$d"
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[[ $output == *'y.c:3: #include "spawn.h"' ]]
}

@test "static: the layer lint flags a private net header included from src" {
	local d=$BATS_TEST_TMPDIR/private
	mkdir -p "$d"
	printf '#include "link.h"\n#include "nl.h"\n#include "ipam.h"\n' >"$d/w.c"
	run python3 "$REPO/tests/lint-layers.py" "$REPO" --as src/engine "$d"
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[[ $output == *'w.c:2: #include "nl.h" (private to net/)' ]]
}

@test "static: the layer lint flags the private cgroup driver included from src" {
	local d=$BATS_TEST_TMPDIR/driver
	mkdir -p "$d"
	printf '#include "cgroup.h"\n#include "driver.h"\n' >"$d/v.c"
	run python3 "$REPO/tests/lint-layers.py" "$REPO" --as src/runtime "$d"
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[[ $output == *'v.c:2: #include "driver.h" (private to cgroup/)' ]]
}

@test "static: the layer lint flags printing, exit and getopt in the engine" {
	local d=$BATS_TEST_TMPDIR/engine
	mkdir -p "$d"
	cat >"$d/z.c" <<'EOF'
/* printf("in a comment") is fine */
static const char *s = "exit(1) in a string is fine";
static void f(int fd)
{
	dprintf(fd, "to a caller's fd is fine");
	snprintf(buf, 1, "fine");
	printf("x");
	fprintf(stderr, "y");
	exit(1);
	getopt_long(0, 0, 0, 0, 0);
}
EOF
	run python3 "$REPO/tests/lint-layers.py" "$REPO" --as src/engine "$d"
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$output")" -eq 4 ]
	[[ $output == *'z.c:7: printf() in src/engine'* ]]
	[[ $output == *'z.c:8: fprintf() in src/engine'* ]]
	[[ $output == *'z.c:9: exit() in src/engine'* ]]
	[[ $output == *'z.c:10: getopt_long() in src/engine'* ]]
}

# ---- bats assertions -------------------------------------------------------
# errexit ignores every command of an `a && b` list but the last, and any
# `! cmd`: such a line in a test never fails it (tests/lint-bats.py).

lint_bats() {
	python3 "$REPO/tests/lint-bats.py" "$@"
}

@test "static: every assertion in the bats suites can fail (no && chain, no bare !)" {
	run lint_bats "$REPO"/tests/integration/*.bats "$REPO"/tests/integration/*.bash
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "static: the bats lint flags && chains and bare !, not conditions, strings or heredocs" {
	local f=$BATS_TEST_TMPDIR/sample.bats
	# A function, not an @test: bats turns every @test line into a test,
	# even inside a heredoc.
	cat >"$f" <<-'EOF'
		sample() {
			run true
			[ "$status" -eq 0 ] && [ -z "$output" ]
			! grep -q x /dev/null
			! grep -q x /dev/null || false
			run ! grep -q x /dev/null
			if [ -n "$x" ] && [ -n "$y" ]; then
				echo "a && b"
			fi
			while [ -n "$x" ] && false; do :; done
			if true; then false && true; fi
			sh -c 'true &&
				! false'
			x=$(true && echo "$(false && true)")
			cat <<-X
				a && b
				! c
			X
			# a && b, ! c
			! false &&
				true
			[ "$status" -eq 1 ] || { [ "$status" -eq 0 ] && true; }
			[[ -n $x && -n $y ]]
		}
		not_alive() { ! alive "$1"; }
	EOF
	run lint_bats "$f"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(cut -d: -f2 <<<"$output" | tr '\n' ' ')" = "3 4 11 20 22 23 " ]
}

# ---- docs ------------------------------------------------------------------
# docs/architecture.md points a newcomer at functions by file ("`fn` in
# `path`"): each must be defined in that file.

@test "docs: each function architecture.md places in a file is defined there" {
	run python3 - "$REPO" <<'EOF'
import re, sys
repo = sys.argv[1]
doc = open(repo + "/docs/architecture.md").read()
pairs = re.findall(r'`([a-z_]+)(?:\(\))?`(?: \([^)]*\))? in `((?:src|net|cgroup)/[a-z_/]+\.c)`', doc)
print("pairs: %d" % len(pairs))
for fn, path in pairs:
    text = open(repo + "/" + path).read()
    if not re.search(r'^[a-z][^\n;]*\b' + fn + r'\(', text, re.M):
        print("not defined: %s in %s" % (fn, path))
EOF
	[ "$status" -eq 0 ]
	[[ $output == "pairs: "* ]]
	[ "${lines[0]#pairs: }" -ge 6 ]
	[ "${#lines[@]}" -eq 1 ]
}
