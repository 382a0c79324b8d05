#!/bin/bash
# check.sh - everything `make check` runs: build, unit tests, the same unit
# tests under ASan+UBSan, short fuzz runs, the end-to-end network tests (as
# root) with the release and the ASan daemon. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
export DCBOX_RESULTS=$(mktemp)
trap 'rm -f "$DCBOX_RESULTS"' EXIT
jobs=$(nproc)
step() { echo; echo "=== $*"; }
buildfail() { echo "FAIL build/$1" >>"$DCBOX_RESULTS"; }

step build
make -s -j"$jobs" all || buildfail release
step unit tests
make -s unit
step unit tests under ASan+UBSan
make -s -j"$jobs" BUILD=asan all || buildfail asan
./tests/run-unit.sh build-asan/tests/test_* || true
step fuzz smoke
make -s -j"$jobs" fuzz-build || buildfail fuzz
./tests/fuzz-smoke.sh "${FUZZ_SECONDS:-15}" build-fuzz/fuzz_* || true
step end-to-end network tests
if [ "$(id -u)" = 0 ]; then
	./tests/run-net.sh || true
	step end-to-end network tests, ASan+UBSan daemon
	DCBOX_NET_ASAN=1 DCBOX=$PWD/build-asan/dcbox ./tests/run-net.sh || true
else
	echo "SKIP net (not root)" | tee -a "$DCBOX_RESULTS"
fi
step summary
grep '^FAIL' "$DCBOX_RESULTS"
np=$(grep -c '^PASS' "$DCBOX_RESULTS")
nf=$(grep -c '^FAIL' "$DCBOX_RESULTS")
ns=$(grep -c '^SKIP' "$DCBOX_RESULTS")
echo "$np passed, $nf failed, $ns skipped"
[ "$nf" = 0 ] && [ "$np" -gt 0 ]
