#!/bin/bash
# run-unit.sh BIN... - run cmocka unit test programs; each test case is one
# result line "PASS unit/NAME" or "FAIL unit/NAME" appended to
# $DCBOX_RESULTS (if set). A program that dies without reporting counts as
# one failure. Exit status: non-zero if anything failed.
set -u
results=${DCBOX_RESULTS:-/dev/null}
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	out=$(CMOCKA_MESSAGE_OUTPUT=stdout timeout 300 "$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR)|^\[  (SKIPPED)|ERROR|Assertion|runtime error|Sanitizer' | head -40
	np=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
	# cmocka names a failed test twice: when it fails and in the summary
	nf=$(printf '%s\n' "$out" | grep '^\[  FAILED  \] [a-z_0-9]*$' | sort -u | wc -l)
	printf '%s\n' "$out" | sed -n 's/^\[       OK \] /PASS unit\/'"$name"'\//p' >>"$results"
	printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([a-z_0-9]*\)$/FAIL unit\/'"$name"'\/\1/p' | sort -u >>"$results"
	if [ "$rc" != 0 ] && [ "$nf" = 0 ]; then
		echo "FAIL unit/$name (exit $rc)" | tee -a "$results"
		nf=1
	fi
	echo "unit $name: $np passed, $nf failed"
	[ "$nf" = 0 ] || fail=1
done
exit $fail
