#!/bin/bash
# run-net.sh [TEST...] - run the end-to-end tests in tests/net/ (all by
# default) as root. Each test script prints "ok NAME" / "not ok NAME" per
# check and exits 0 (all passed), 77 (skipped, with a reason) or non-zero.
# Lines go to $DCBOX_RESULTS as PASS/FAIL/SKIP. DCBOX is the binary to test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
results=${DCBOX_RESULTS:-/dev/null}
export DCBOX=${DCBOX:-$here/../build/dcbox}
[ "$(id -u)" = 0 ] || { echo "run-net: needs root" >&2; exit 1; }
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/net/test_*.sh)
fail=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	start=$SECONDS
	out=$(timeout 600 bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/  /'
	printf '%s\n' "$out" | sed -n 's/^ok \(.*\)/PASS net\/'"$name"'\/\1/p' >>"$results"
	printf '%s\n' "$out" | sed -n 's/^not ok \(.*\)/FAIL net\/'"$name"'\/\1/p' >>"$results"
	if [ "$rc" = 77 ]; then
		echo "SKIP net/$name" >>"$results"
	elif [ "$rc" != 0 ]; then
		printf '%s\n' "$out" | grep -q '^not ok' ||
			echo "FAIL net/$name (exit $rc)" >>"$results"
		fail=1
	fi
	echo "net $name: exit $rc in $((SECONDS - start))s"
done
exit $fail
