#!/bin/bash
# fuzz-smoke.sh SECONDS BIN... - run each libFuzzer target for SECONDS from
# its seed corpus in fuzz/corpus/NAME (copied, so the tree stays clean).
# A crash is one FAIL line in $DCBOX_RESULTS; a clean run one PASS.
set -u
secs=$1; shift
results=${DCBOX_RESULTS:-/dev/null}
here=$(cd "$(dirname "$0")/.." && pwd)
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	work=$(mktemp -d)
	[ -d "$here/fuzz/corpus/$name" ] && cp -r "$here/fuzz/corpus/$name/." "$work/"
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=0 \
		-artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
		echo "PASS fuzz/$name" >>"$results"
		echo "fuzz $name: ok ($(grep -o 'cov: [0-9]*' "$work.log" | tail -1))"
	else
		echo "FAIL fuzz/$name" >>"$results"
		tail -30 "$work.log"
		fail=1
	fi
	rm -rf "$work" "$work.log"
done
exit $fail
