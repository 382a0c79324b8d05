#!/bin/bash
# test_tap.sh - a VM's TAP port carries traffic:
#
#   t1 (veth, VLAN 10) --- [ sw ] --- vm1 (TAP tt-vm1, VLAN 10)
#
# fakevm.py opens the TAP by name as QEMU does and pings t1 through the
# switch; t1 learns the VM's MAC; down deletes the TAP.
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
Y
)
check "up" up "$f" tt || t_done
check "TAP tt-vm1 exists" ip link show tt-vm1
check "VM pings t1 through the TAP" /usr/bin/python3 "$here/fakevm.py" tt-vm1 02:00:00:00:76:01 10.6.0.50 10.6.0.1
check "t1 learned the VM's MAC" sh -c "'$DCBOX' exec t1 -- ip neigh show 10.6.0.50 | grep -q 02:00:00:00:76:01"
check "switch learned the VM on port vm1" sh -c "'$DCBOX' -t tt show mac --json | grep -A1 '02:00:00:00:76:01' | grep -q vm1"
check "down" dc -t tt down
check_not "TAP gone after down" ip link show tt-vm1
t_done
