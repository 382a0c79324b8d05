#!/bin/bash
# demo.sh - `make demo`: bring up examples/two-tier-vlan.yaml, show a1
# reaching a2 across the 802.1Q trunk, b2 kept out by VLAN isolation, the
# MAC tables, a short throughput figure, then take everything down again.
set -u
cd "$(dirname "$0")/.."
DCBOX=${DCBOX:-build/dcbox}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
trap '"$DCBOX" -t lab down >/dev/null 2>&1' EXIT

if [ "$(id -u)" != 0 ]; then echo "demo: run as root (sudo make demo)" >&2; exit 1; fi
step "the topology"
sed -n '1,20p' examples/two-tier-vlan.yaml
step "bring it up"
run "$DCBOX" up examples/two-tier-vlan.yaml || exit 1
run "$DCBOX" -t lab show topology
step "a1 (VLAN 10 on tor1) pings a2 (VLAN 10 on tor2) across the trunk"
run "$DCBOX" exec a1 -- ping -c 3 -i 0.2 10.10.0.2
step "b2 (VLAN 20, same subnet) cannot reach a1: VLAN isolation"
if run "$DCBOX" exec b2 -- ping -c 2 -i 0.2 -W 1 10.10.0.1; then
	echo "demo: b2 reached a1: VLAN isolation is broken" >&2; exit 1
fi
echo "(no reply, as it should be)"
step "MAC tables"
run "$DCBOX" -t lab show mac
step "ports and counters"
run "$DCBOX" -t lab show ports
step "throughput a1 -> a2 (iperf3, 3 s)"
"$DCBOX" exec a2 -- iperf3 -s -1 >/dev/null 2>&1 &
sleep 0.5
"$DCBOX" exec a1 -- iperf3 -c 10.10.0.2 -t 3 | grep -E 'sender|receiver'
wait
step "take it all down"
run "$DCBOX" -t lab down || exit 1
trap - EXIT
echo "namespaces of lab left: $(ip netns list | grep -cE "^(a1|a2|b1|b2)( |$)")"
