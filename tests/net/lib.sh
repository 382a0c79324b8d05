#!/bin/bash
# lib.sh - helpers for the end-to-end tests in tests/net/.
#
# A test sources this file, writes its topology with topo_file, brings it
# up with `dc up`, and reports each check with ok/fail. Whatever happens,
# the EXIT trap takes every topology it started down (and removes what a
# dead daemon left), so no namespace, interface or process outlives a test.
# DCBOX is the binary under test (build/dcbox by default).
set -u
DCBOX=${DCBOX:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/dcbox}
T_DIR=$(mktemp -d /tmp/dcbox-test.XXXXXX)
T_TOPOS=()
T_PIDS=()
T_FAILED=0

dc() { "$DCBOX" "$@"; }

ok() { echo "ok $*"; }
fail() { echo "not ok $*"; T_FAILED=1; }
# check NAME CMD...: ok if CMD succeeds
# (output goes to $T_DIR/last.out, written after CMD ran so that CMD may
# itself read the previous check's last.out)
check() { local n=$1 r; shift; "$@" >"$T_DIR/cur.out" 2>&1; r=$?; mv "$T_DIR/cur.out" "$T_DIR/last.out"; if [ $r = 0 ]; then ok "$n"; else fail "$n"; sed 's/^/    # /' "$T_DIR/last.out" | tail -15; fi; return $r; }
# check_not NAME CMD...: ok if CMD fails
check_not() { local n=$1 r; shift; "$@" >"$T_DIR/cur.out" 2>&1; r=$?; mv "$T_DIR/cur.out" "$T_DIR/last.out"; if [ $r = 0 ]; then fail "$n"; sed 's/^/    # /' "$T_DIR/last.out" | tail -15; return 1; else ok "$n"; fi; }

# topo_file NAME: YAML from stdin into $T_DIR/NAME.yaml, prints the path
topo_file() { cat >"$T_DIR/$1.yaml"; echo "$T_DIR/$1.yaml"; }

# up FILE NAME: bring a topology up and remember to take it down
up() { T_TOPOS+=("$2"); dc up "$1"; }

# bg_in HOST CMD...: start CMD in HOST in the background, remember its pid
bg_in() { local h=$1; shift; dc exec "$h" -- "$@" >"$T_DIR/bg.$h.$$.log" 2>&1 & T_PIDS+=($!); }

# machine_state REGEX: namespaces, interfaces, /run/dcbox files and
# processes whose names match REGEX: what a test must leave as it found it
machine_state() {
	{ ip netns list | awk '{print "netns " $1}'; ip -o link show | awk -F': ' '{print "link " $2}' | cut -d@ -f1; ls /run/dcbox 2>/dev/null | grep -v '\.log$' | sed 's/^/run /'; } 2>/dev/null | grep -E " ($1)" | sort
}

t_cleanup() {
	local p t
	for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for t in "${T_TOPOS[@]}"; do dc -t "$t" down >/dev/null 2>&1; done
	for p in "${T_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
wait_for() { local n=$(( $1 * 10 )); shift; while ! "$@" >/dev/null 2>&1; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done; }

# jq-free JSON access with Debian's python3
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }

t_done() { exit $T_FAILED; }
