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
# Daemons log to /run/dcbox/NAME.log; a sanitizer report written there
# while a test ran fails that test, even if the test itself passed (a
# daemon that dies in its own clean-up is not visible to the CLI).
log_sizes() { for f in /run/dcbox/*.log; do [ -f "$f" ] && echo "$f $(stat -c %s "$f")"; done; }
new_reports() {
	local f size
	for f in /run/dcbox/*.log; do
		[ -f "$f" ] || continue
		size=$(printf '%s\n' "$1" | awk -v f="$f" '$1 == f {print $2}')
		tail -c +"$(( ${size:-0} + 1 ))" "$f" | grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' | sed "s|^|$f: |"
	done
}
fail=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	start=$SECONDS
	sizes=$(log_sizes)
	out=$(timeout 600 bash "$t" 2>&1)
	rc=$?
	reports=$(new_reports "$sizes")
	if [ -n "$reports" ]; then
		out=$(printf '%s\nnot ok sanitizer report in a daemon log\n%s' "$out" "$reports")
		[ "$rc" = 0 ] && rc=1
	fi
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
