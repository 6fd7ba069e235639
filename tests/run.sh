#!/usr/bin/env bash
# tests/run.sh - run every test brig has and print one verdict.
#
# Unit tests: each build-san/tests/test_* binary (cmocka, built by
# `make SAN=1 unit-build`).  Integration tests: `bats --tap tests/integration`
# as root, each test in its own sandbox (tests/integration/helpers.bash).
# The last line is always "N passed, N failed[, N skipped]"; the exit status
# is non-zero when anything failed or when no test ran at all.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
skipped=0
failures=()

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- unit tests (cmocka) -------------------------------------------------

# Some unit tests fork; LeakSanitizer would report the children's exits.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# cmocka prints "[ RUN      ] t" / "[       OK ] t" / "[  FAILED  ] t" per test
# on stdout and, per group, "[  PASSED  ] N test(s)." plus
# "[  FAILED  ] N test(s), listed below:" / "[  SKIPPED ] N test(s)..." on
# stderr.  A binary that crashes mid-group prints no summary, so tests that
# were announced ("Running N test(s).") but never reported count as failed,
# and so does a non-zero exit with no failure reported.
run_unit() {
	local bin=$1 name log rc p f s running
	name=$(basename "$bin")
	log=$tmp/$name.log
	echo "==> unit: $name"
	"$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	running=$(sed -n 's/^\[==========\] Running \([0-9]*\) test(s)\..*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	while IFS= read -r t; do
		failures+=("unit $name: $t")
	done < <(grep -E '^\[  FAILED  \] ' "$log" | grep -vE '^\[  FAILED  \] [0-9]+ test\(s\)' |
		sed 's/^\[  FAILED  \] //' | sort -u)
	if [ "$running" -gt $((p + f + s)) ]; then
		local lost=$((running - p - f - s))
		f=$((f + lost))
		failures+=("unit $name: $lost test(s) never finished (crash? exit $rc)")
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		failures+=("unit $name: exited $rc")
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

shopt -s nullglob
units=(build-san/tests/test_*)
shopt -u nullglob
for bin in "${units[@]}"; do
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then continue; fi
	run_unit "$bin"
done
[ "${#units[@]}" -gt 0 ] || echo "==> unit: no test binaries in build-san/tests (make SAN=1 unit-build)"

# ---- integration tests (bats) --------------------------------------------

if [ "$(id -u)" -ne 0 ]; then
	n=$(bats --count tests/integration 2>/dev/null || echo 0)
	echo "==> integration: SKIPPED $n test(s): they need root (namespaces, mounts, netns); run: sudo make check"
	skipped=$((skipped + n))
else
	echo "==> integration: bats tests/integration"
	# The image tarball is built once for the whole run (helpers.bash).
	export BRIG_TEST_IMAGE=$tmp/busybox.tar
	if ! ./scripts/mkimage-busybox.sh "$BRIG_TEST_IMAGE"; then
		failures+=("integration: could not build the test image")
		failed=$((failed + 1))
		unset BRIG_TEST_IMAGE
	fi
	# A hang guard only, never a pass/fail timing threshold.
	export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300}
	tap=$tmp/bats.tap
	bats --tap tests/integration | tee "$tap"
	bats_rc=${PIPESTATUS[0]}
	ip=$(grep -cE '^ok [0-9]+ ' "$tap" | tr -d ' ')
	is=$(grep -ciE '^ok [0-9]+ .*# skip' "$tap" | tr -d ' ')
	if_=$(grep -cE '^not ok [0-9]+ ' "$tap" | tr -d ' ')
	passed=$((passed + ip - is))
	skipped=$((skipped + is))
	failed=$((failed + if_))
	while IFS= read -r t; do
		failures+=("integration: $t")
	done < <(sed -n 's/^not ok [0-9]* //p' "$tap")
	if [ "$bats_rc" -ne 0 ] && [ "$if_" -eq 0 ]; then
		failures+=("integration: bats exited $bats_rc")
		failed=$((failed + 1))
	fi
fi

# ---- verdict -------------------------------------------------------------

if [ "${#failures[@]}" -gt 0 ]; then
	echo
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo
total=$((passed + failed))
rc=0
[ "$failed" -eq 0 ] || rc=1
if [ "$total" -eq 0 ]; then
	echo "no tests ran" >&2
	rc=1
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
exit "$rc"
