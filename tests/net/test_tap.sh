#!/bin/bash
# test_tap.sh - a VM's TAP port carries traffic:
#
#   t1 (veth, VLAN 10) --- [ sw ] --- vm1 (TAP tt-vm1, VLAN 10, attach: qemu)
#                             |
#                             +------ vm2 (TAP tt-vm2, VLAN 10, attach: fd)
#                                     moved into namespace ttv2
#
# fakevm.py opens tt-vm1 by name as QEMU does and pings t1 through the
# switch; t1 learns the VM's MAC. dcbox holds tt-vm2's descriptor; its
# kernel side, moved into a namespace, pings t1 and carries iperf3 (TSO
# through the virtio-net header). down deletes both TAPs.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
f=$(topo_file tt <<'Y'
name: tt
switches:
  sw: {}
hosts:
  t1: { switch: sw, vlan: 10, ip: 10.6.0.1/24 }
vms:
  vm1: { switch: sw, vlan: 10, tap: tt-vm1 }
  vm2: { switch: sw, vlan: 10, tap: tt-vm2, attach: fd }
Y
)
check "up" up "$f" tt || t_done
check "TAP tt-vm1 exists" ip link show tt-vm1
check "VM pings t1 through the TAP" /usr/bin/python3 "$here/fakevm.py" tt-vm1 02:00:00:00:76:01 10.6.0.50 10.6.0.1
check "t1 learned the VM's MAC" sh -c "'$DCBOX' exec t1 -- ip neigh show 10.6.0.50 | grep -q 02:00:00:00:76:01"
check "switch learned the VM on port vm1" sh -c "'$DCBOX' -t tt show mac --json | grep -A1 '02:00:00:00:76:01' | grep -q vm1"
ip netns add ttv2
trap 'ip netns del ttv2 2>/dev/null; t_cleanup' EXIT
check "move tt-vm2 into a namespace" ip link set tt-vm2 netns ttv2
ip -n ttv2 addr add 10.6.0.2/24 dev tt-vm2
ip -n ttv2 link set tt-vm2 up
check "namespace on the fd-held TAP pings t1" ip netns exec ttv2 ping -c 3 -i 0.2 -W 2 10.6.0.1
bg_in t1 iperf3 -s -1
sleep 0.5
check "iperf3 from the TAP namespace to t1" ip netns exec ttv2 iperf3 -c 10.6.0.1 -t 2
check "down" dc -t tt down
check_not "TAP tt-vm1 gone after down" ip link show tt-vm1
check_not "TAP tt-vm2 gone after down" ip -n ttv2 link show tt-vm2
t_done
