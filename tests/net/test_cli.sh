#!/bin/bash
# test_cli.sh - the command line around running topologies:
#
#   tcla: p1 -- [ s ] -- p2        tclb: q1 -- [ s ] -- q2
#
# two topologies run at once, each its own daemon, addressed by -t NAME;
# without -t the CLI refuses to guess; only root may use the control
# socket; --help, --json and errors for unknown things.
. "$(dirname "$0")/lib.sh"
mk() { topo_file "$1" <<Y
name: $1
switches:
  s: {}
hosts:
  $2: { switch: s, ip: 10.5.$3.1/24 }
  $4: { switch: s, ip: 10.5.$3.2/24 }
Y
}
fa=$(mk tcla p1 1 p2); fb=$(mk tclb q1 2 q2)
others=$(ls /run/dcbox/*.sock 2>/dev/null | wc -l)
check "up tcla" up "$fa" tcla
# Without -t the CLI addresses the only topology up: only checkable when
# no other topology (a developer's own) is running.
if [ "$others" = 0 ]; then
	check "one topology: show ports without -t" dc show ports
else
	ok "one topology: show ports without -t # skip: $others other topologies up"
fi
check "up tclb" up "$fb" tclb
check_not "two topologies: show without -t refused" dc show ports
check "message names both" sh -c "grep -q tcla '$T_DIR/last.out' && grep -q tclb '$T_DIR/last.out'"
check "status lists both" sh -c "'$DCBOX' status --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); n=sorted(t[\"name\"] for t in d[\"topologies\"]); sys.exit(0 if \"tcla\" in n and \"tclb\" in n else 1)'"
check "-t tclb show ports --json" sh -c "'$DCBOX' -t tclb show ports --json | grep -q '\"name\": \"q1\"'"
check "p1 pings p2 in tcla" dc exec p1 -- ping -c 1 -W 2 10.5.1.2
check "q1 pings q2 in tclb" dc exec q1 -- ping -c 1 -W 2 10.5.2.2
check_not "non-root cannot use the control socket" setpriv --reuid=65534 --regid=65534 --clear-groups "$DCBOX" -t tcla status
check "non-root told why" grep -qi "permission denied" "$T_DIR/last.out"
check_not "unknown switch in show mac" dc -t tcla show mac nosuch
check "message for unknown switch" grep -q "no switch 'nosuch'" "$T_DIR/last.out"
check_not "unknown host in exec" dc exec nosuchhost -- true
check "exec passes the exit status" sh -c "'$DCBOX' exec p1 -- sh -c 'exit 3'; [ \$? = 3 ]"
check "--help lists the commands" sh -c "'$DCBOX' --help | grep -q 'capture PORT'"
check_not "unknown command" dc frobnicate
check "down tcla" dc -t tcla down
if [ "$others" = 0 ]; then
	check "down tclb (the only one left, no -t)" dc down
else
	check "down tclb" dc -t tclb down
fi
t_done
