#!/bin/bash
# test_uplink.sh - a router interface on an existing host interface
# (`uplink: IFNAME`), the way a router reaches the real network; a veth
# whose other end sits in namespace uplan plays that network:
#
#   uin (10.4.0.10) -- [lan] -- gw --uplink tupl0 (198.51.100.2, masquerade)-- veth -- uplan (198.51.100.1)
#
# uin reaches uplan through NAT (uplan sees 198.51.100.2); uplan pings the
# router's uplink address; down leaves the uplink interface in place (it
# is not dcbox's) and removes everything else.
. "$(dirname "$0")/lib.sh"
ip netns add uplan
ip link add tupl0 type veth peer name eth0 netns uplan
trap 'ip link del tupl0 2>/dev/null; ip netns del uplan 2>/dev/null; t_cleanup' EXIT
ip link set tupl0 up
ip -n uplan addr add 198.51.100.1/24 dev eth0
ip -n uplan link set eth0 up
f=$(topo_file tup <<'Y'
name: tup
switches:
  lan: {}
routers:
  gw:
    interfaces:
      - { switch: lan, ip: 10.4.0.1/24 }
      - { uplink: tupl0, ip: 198.51.100.2/24, nat: masquerade }
    routes:
      - { to: 0.0.0.0/0, via: 198.51.100.1 }
hosts:
  uin: { switch: lan, ip: 10.4.0.10/24, gw: 10.4.0.1 }
Y
)
check "up with an uplink" up "$f" tup || t_done
check "uplan pings the router's uplink address" ip netns exec uplan ping -c 2 -i 0.2 -W 2 198.51.100.2
ip netns exec uplan timeout 6 tcpdump -n -i eth0 -c 2 icmp >"$T_DIR/up.txt" 2>/dev/null &
tp=$!
sleep 1
check "uin reaches uplan through the uplink" dc exec uin -- ping -c 2 -i 0.2 -W 2 198.51.100.1
wait $tp
check "uplan saw the masqueraded source" grep -q 'IP 198.51.100.2 > 198.51.100.1: ICMP echo request' "$T_DIR/up.txt"
check "show ports lists the uplink" sh -c "'$DCBOX' -t tup show ports | grep -q 'gw.tupl0.*uplink.*tupl0'"
check "down" dc -t tup down
check "the uplink interface is still there" ip link show tupl0
check "uplan still reaches nothing through it (no daemon)" sh -c "! ip netns exec uplan ping -c 1 -W 1 198.51.100.2"
t_done
