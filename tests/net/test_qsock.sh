#!/bin/bash
# test_qsock.sh - VMs plugged in by unix sockets, as QEMU's -netdev stream
# and -netdev dgram do, next to a namespace host:
#
#   q1 (veth, 10.7.1.1) --- [ sw ] --- vm1 (socket /run/dcbox/qs/vm1.sock, stream)
#                             |
#                             +------- vm2 (socket /run/dcbox/qs/vm2.sock, dgram)
#
# fakevm_sock.py plays each VM: connects (stream) or binds its own socket
# and sends (dgram), resolves q1 by ARP and pings it three times. Then the
# VM goes away and comes back (a restarted QEMU) and pings again. A second
# topology naming a socket path in use fails to come up with a message
# saying so, and leaves the first one working. down removes the sockets and
# the directory dcbox made for them.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
dir=/run/dcbox/qs
s1=$dir/vm1.sock
s2=$dir/vm2.sock
vm2local=$T_DIR/qemu-vm2.sock
f=$(topo_file qs <<Y
name: qs
switches:
  sw: {}
hosts:
  q1: { switch: sw, ip: 10.7.1.1/24 }
vms:
  vm1: { switch: sw, socket: $s1 }
  vm2: { switch: sw, socket: $s2, socket-type: dgram }
Y
)
fakevm() { /usr/bin/python3 "$here/fakevm_sock.py" "$@"; }
[ -e "$dir" ] && { echo "# $dir exists already: left over?"; exit 77; }
check "up" up "$f" qs || t_done
check "stream socket exists, mode 660" sh -c "[ -S $s1 ] && [ \$(stat -c %a $s1) = 660 ]"
check "dgram socket exists, mode 660" sh -c "[ -S $s2 ] && [ \$(stat -c %a $s2) = 660 ]"
# port_field PORT FIELD: a field of `show ports --json` for port PORT
port_field() { dc -t qs show ports --json | jget "[p for p in d['ports'] if p['name'] == '$1'][0]['$2']"; }
check "show ports: vm1 is kind socket" test "$(port_field vm1 kind)" = socket
check "show ports: vm2 is kind socket" test "$(port_field vm2 kind)" = socket
check "stream VM pings q1" fakevm stream $s1 02:00:00:00:77:01 10.7.1.50 10.7.1.1
check "q1 learned the stream VM's MAC" sh -c "'$DCBOX' exec q1 -- ip neigh show 10.7.1.50 | grep -q 02:00:00:00:77:01"
check "stream VM reconnects and pings again" fakevm stream $s1 02:00:00:00:77:01 10.7.1.50 10.7.1.1
check "dgram VM pings q1" fakevm dgram $s2 02:00:00:00:77:02 10.7.1.51 10.7.1.1 $vm2local
check "dgram VM restarts and pings again" fakevm dgram $s2 02:00:00:00:77:02 10.7.1.51 10.7.1.1 $vm2local
check "dgram VM restarted at another path pings" fakevm dgram $s2 02:00:00:00:77:02 10.7.1.51 10.7.1.1 $vm2local.new
# a second topology that names a socket path in use
f2=$(topo_file qs2 <<Y
name: qs2
switches:
  sw: {}
vms:
  x: { switch: sw, socket: $s1 }
Y
)
f3=$(topo_file qs3 <<Y
name: qs3
switches:
  sw: {}
vms:
  y: { switch: sw, socket: $s2, socket-type: dgram }
Y
)
check_not "second up on the stream socket path fails" up "$f2" qs2
check "... saying the path is in use" grep -q "vm 'x': socket $s1: the path is in use" "$T_DIR/last.out"
check_not "second up on the dgram socket path fails" up "$f3" qs3
check "... saying the path is in use" grep -q "vm 'y': socket $s2: the path is in use" "$T_DIR/last.out"
check "the first topology still works" fakevm stream $s1 02:00:00:00:77:01 10.7.1.50 10.7.1.1
check "show ports counts the stream VM's frames" test "$(port_field vm1 rx_packets)" -ge 12
check "down" dc -t qs down
check_not "sockets gone after down" sh -c "ls $s1 || ls $s2"
check_not "directory dcbox made is gone" test -e $dir
t_done
