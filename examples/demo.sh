#!/bin/bash
# demo.sh - `make demo`: two short tours, each brought up and taken down.
#  1. examples/two-tier-vlan.yaml: a1 reaches a2 across an 802.1Q trunk,
#     b2 (same subnet, other VLAN) cannot reach a1, MAC tables, throughput.
#  2. examples/shop.yaml: a firewall inline between the web tier and the
#     database: web1 reaches db:5432, client is rejected at once, the rule
#     counters and the EVE log show it.
set -u
cd "$(dirname "$0")/.."
DCBOX=${DCBOX:-build/dcbox}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
cleanup() { "$DCBOX" -t lab down >/dev/null 2>&1; "$DCBOX" -t shop down >/dev/null 2>&1; }
trap cleanup EXIT
if [ "$(id -u)" != 0 ]; then echo "demo: run as root (sudo make demo)" >&2; exit 1; fi

step "1. two switches, two VLANs, one trunk (examples/two-tier-vlan.yaml)"
run "$DCBOX" up examples/two-tier-vlan.yaml || exit 1
run "$DCBOX" -t lab show topology
step "a1 (VLAN 10 on tor1) pings a2 (VLAN 10 on tor2) across the trunk"
run "$DCBOX" exec a1 -- ping -c 3 -i 0.2 10.10.0.2 || exit 1
step "b2 (VLAN 20, same subnet) cannot reach a1: VLAN isolation"
if run "$DCBOX" exec b2 -- ping -c 2 -i 0.2 -W 1 10.10.0.1; then
	echo "demo: b2 reached a1: VLAN isolation is broken" >&2; exit 1
fi
echo "(no reply, as it should be)"
step "MAC tables"
run "$DCBOX" -t lab show mac
step "throughput a1 -> a2 across the trunk (iperf3, 3 s)"
"$DCBOX" exec a2 -- iperf3 -s -1 >/dev/null 2>&1 &
sleep 0.5
"$DCBOX" exec a1 -- iperf3 -c 10.10.0.2 -t 3 | grep -E 'sender|receiver'
wait
run "$DCBOX" -t lab down || exit 1

step "2. a firewall between the web tier and the database (examples/shop.yaml)"
sed -n '/^firewalls:/,$p' examples/shop.yaml
run "$DCBOX" up examples/shop.yaml || exit 1
"$DCBOX" exec db -- iperf3 -s -p 5432 >/dev/null 2>&1 &
sleep 0.5
step "web1 -> db:5432 is allowed"
run "$DCBOX" exec web1 -- nc -vz -w 2 10.0.0.21 5432
step "client -> db:5432 is rejected: a TCP RST, at once"
run "$DCBOX" exec client -- nc -vz -w 2 10.0.0.21 5432
step "web1 -> db:22 is dropped (default drop)"
run "$DCBOX" exec web1 -- nc -vz -w 1 10.0.0.21 22
step "throughput web1 -> db:5432 through the firewall (iperf3, 3 s)"
"$DCBOX" exec web1 -- iperf3 -c 10.0.0.21 -p 5432 -t 3 | grep -E 'sender|receiver'
step "rules with hit counters, and the EVE log of what was denied"
run "$DCBOX" -t shop show firewall fw
printf '$ %s\n' "$DCBOX -t shop log -n 200 | grep ' drop ' | tail -3"
"$DCBOX" -t shop log -n 200 | grep ' drop ' | tail -3
run "$DCBOX" -t shop down || exit 1
trap - EXIT
echo "namespaces of the demo left: $(ip netns list | grep -cE "^(a1|a2|b1|b2|client|web1|web2|db)( |$)")"
