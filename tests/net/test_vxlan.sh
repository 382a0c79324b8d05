#!/bin/bash
# test_vxlan.sh - VXLAN tunnel ports, against the kernel and between daemons.
#
# (a) Interop with Linux's vxlan device:
#
#   vxh1 (10.30.0.1, eth0 mtu 1450)           namespace vxk
#     |                                       vx0 (kernel vxlan, VNI 5001,
#   [ tor1 ]--tor1.vx5001                          10.30.0.2, mtu 1450)
#               |  socket in namespace vxu          |
#           vxu0 10.99.0.1 ====== veth ====== vxk0 10.99.0.2   (underlay)
#
#   ping both ways, iperf3 both ways (TSO segmented in software one way,
#   super-frames passed as GSO the other), the MTU warning at up and the
#   drop-with-advice of a frame that does not fit.
#
# (b) Two daemons (topologies vxa and vxb), two VNIs between them:
#
#   vxa1 --[s1]--vx5001--\                      /--vx5001--[s1]-- vxb1
#                         vxua 10.99.1.1/.11 == vxub 10.99.1.2/.12
#   vxa2 --[s2]--vx5002--/                      \--vx5002--[s2]-- vxb2
#
#   All four hosts share 10.31.0.0/24, so only the VNIs keep them apart:
#   vxa1 and vxb1 ping and carry iperf3, vxa1 cannot reach vxb2, and a
#   capture on vxb2 sees no frame of vxa1's or vxb1's.
. "$(dirname "$0")/lib.sh"

NS="vxu vxk vxua vxub"
ns_cleanup() { local n; for n in $NS; do ip netns del "$n" 2>/dev/null; done; }
trap 'ns_cleanup; t_cleanup' EXIT
ns_cleanup

# underlay NAME_A NAME_B ADDRS_A ADDRS_B: two namespaces joined by a veth
underlay() {
	local a=$1 b=$2 ip
	ip netns add "$a" && ip netns add "$b" || return 1
	ip link add "${a}0" netns "$a" type veth peer name "${b}0" netns "$b"
	for ip in $3; do ip -n "$a" addr add "$ip/24" dev "${a}0"; done
	for ip in $4; do ip -n "$b" addr add "$ip/24" dev "${b}0"; done
	ip -n "$a" link set "${a}0" up && ip -n "$b" link set "${b}0" up
}

# ---- (a) the kernel's vxlan device at the far end ----
check "underlay vxu -- vxk" underlay vxu vxk 10.99.0.1 10.99.0.2 || t_done
ip -n vxk link add vx0 type vxlan id 5001 local 10.99.0.2 remote 10.99.0.1 \
	dstport 4789 dev vxk0
ip -n vxk addr add 10.30.0.2/24 dev vx0
ip -n vxk link set vx0 up
fa=$(topo_file vxt <<'Y'
name: vxt
switches: { tor1: {} }
hosts:
  vxh1: { switch: tor1, ip: 10.30.0.1/24, mac: "02:00:00:00:30:01" }
tunnels:
  - { switch: tor1, vxlan: { vni: 5001, local: 10.99.0.1, remote: [10.99.0.2], netns: vxu } }
Y
)
check "up warns: underlay MTU 1500 leaves 1450" sh -c \
	"'$DCBOX' up '$fa' 2>&1 | tee /dev/stderr | grep -q 'warning: tunnel tor1.vx5001.*mtu 1450'"
T_TOPOS+=(vxt)
check "show ports: tor1.vx5001 is a vxlan port" sh -c \
	"'$DCBOX' -t vxt show ports | grep -q 'tor1.vx5001 *tor1 *vxlan'"
check "ping the kernel's side" dc exec vxh1 -- ping -c 3 -i 0.2 -W 2 10.30.0.2
check "the kernel learned vxh1 behind 10.99.0.1" sh -c \
	"bridge -n vxk fdb show dev vx0 | grep -q '02:00:00:00:30:01 dst 10.99.0.1'"
check_not "a 1500-byte packet is too big for the tunnel" \
	dc exec vxh1 -- ping -c 1 -W 1 -s 1472 -M do 10.30.0.2
check "the drop is logged with what to do" wait_for 3 \
	grep -q 'tor1.vx5001: dropped.*ip link set eth0 mtu 1450' /run/dcbox/vxt.log
dc exec vxh1 -- ip link set eth0 mtu 1450
check "a 1450-byte packet fits" dc exec vxh1 -- ping -c 1 -W 2 -s 1422 -M do 10.30.0.2
check "the kernel side pings vxh1" ip netns exec vxk ping -c 3 -i 0.2 -W 2 10.30.0.1
ip netns exec vxk iperf3 -s -1 -D -p 5301
bg_in vxh1 iperf3 -s -1 -p 5302
sleep 0.5
check "iperf3 vxh1 -> kernel (software TSO)" dc exec vxh1 -- iperf3 -c 10.30.0.2 -p 5301 -t 3
grep -h sender "$T_DIR/last.out" | sed 's/^/# /'
check "iperf3 kernel -> vxh1 (super-frames as GSO)" ip netns exec vxk iperf3 -c 10.30.0.1 -p 5302 -t 3
grep -h sender "$T_DIR/last.out" | sed 's/^/# /'
check "down vxt" dc -t vxt down

# ---- (b) two daemons, two VNIs ----
check "underlay vxua -- vxub" underlay vxua vxub "10.99.1.1 10.99.1.11" "10.99.1.2 10.99.1.12" || t_done
side() { # side NAME ME PEER: one daemon's topology
	topo_file "$1" <<Y
name: $1
switches: { s1: {}, s2: {} }
hosts:
  ${1}1: { switch: s1, ip: 10.31.0.$2/24, mac: "02:00:00:00:31:0$2" }
  ${1}2: { switch: s2, ip: 10.31.0.$(($2 + 2))/24, mac: "02:00:00:00:31:0$(($2 + 2))" }
tunnels:
  - { switch: s1, vxlan: { vni: 5001, local: 10.99.1.$2, remote: [10.99.1.$3], netns: ${1/vx/vxu} } }
  - { switch: s2, vxlan: { vni: 5002, local: 10.99.1.1$2, remote: [10.99.1.1$3], netns: ${1/vx/vxu} } }
Y
}
fb=$(side vxa 1 2)
fc=$(side vxb 2 1)
check "up vxa" up "$fb" vxa
check "up vxb" up "$fc" vxb
for h in vxa1 vxa2 vxb1 vxb2; do dc exec $h -- ip link set eth0 mtu 1450; done
ip netns exec vxb2 tcpdump -ni eth0 -w "$T_DIR/vxb2.pcap" \
	'ether host 02:00:00:00:31:01 or ether host 02:00:00:00:31:02' \
	>/dev/null 2>&1 & cap=$!
T_PIDS+=($cap)
sleep 1
check "vxa1 pings vxb1 over VNI 5001" dc exec vxa1 -- ping -c 3 -i 0.2 -W 2 10.31.0.2
check "vxa2 pings vxb2 over VNI 5002" dc exec vxa2 -- ping -c 3 -i 0.2 -W 2 10.31.0.4
check_not "vxa1 cannot reach vxb2 (other VNI)" dc exec vxa1 -- ping -c 2 -i 0.2 -W 1 10.31.0.4
bg_in vxb1 iperf3 -s -1 -p 5303
sleep 0.5
check "iperf3 vxa1 -> vxb1 across two daemons" dc exec vxa1 -- iperf3 -c 10.31.0.2 -p 5303 -t 3
grep -h sender "$T_DIR/last.out" | sed 's/^/# /'
sleep 0.5
kill -INT $cap; wait $cap 2>/dev/null
check "vxb2 (VNI 5002) saw no frame of VNI 5001's hosts" sh -c \
	"[ \$(tcpdump -r '$T_DIR/vxb2.pcap' 2>/dev/null | wc -l) = 0 ]"
check "vxb1 saw vxa1 on its tunnel port" sh -c \
	"'$DCBOX' -t vxb show mac --json | grep -A2 '02:00:00:00:31:01' | grep -q 's1.vx5001'"
check "down vxa" dc -t vxa down
check "down vxb" dc -t vxb down
ns_cleanup
left_nothing() { [ -z "$(machine_state 'vx')" ]; }
check "nothing left behind" left_nothing
t_done
