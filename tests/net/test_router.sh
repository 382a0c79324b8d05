#!/bin/bash
# test_router.sh - the router example, examples/edge.yaml:
#
#   www (10.1.0.10) --+                                   +-- inet (203.0.113.1)
#   dyn (DHCP)   -----+-- [web] --.10.1.0.1               |    "the internet"
#                                  \                      |
#                                  [ gw ] 203.0.113.2 --[wan]
#                                  /     masquerade, tcp 8080 -> www:80
#   api (10.2.0.10) ---- [app] --'10.2.0.1
#
# dyn gets an address from dhclient and from udhcpc; www and api ping and
# iperf3 each other through gw; traceroute shows gw; www fetches a page
# from inet, which sees 203.0.113.2; inet reaches www through the port
# forward; www reaches its own published port (hairpin); the router's
# tables show up in --json; down leaves nothing.
. "$(dirname "$0")/lib.sh"
# The example as written, renamed "edget" so its lease file
# (/var/lib/dcbox/edget/) is the test's own and starts empty.
sed 's/^name: edge$/name: edget/' "$(cd "$(dirname "$0")/../.." && pwd)/examples/edge.yaml" >"$T_DIR/edge.yaml"
ex=$T_DIR/edge.yaml
rm -rf /var/lib/dcbox/edget
trap 'rm -rf /var/lib/dcbox/edget; t_cleanup' EXIT
names='www|dyn|api|inet|edget-|web[.]|app[.]|wan[.]|gw[.]'
before=$(machine_state "$names")
check "up edge" up "$ex" edget || t_done
E() { "$DCBOX" -t edget "$@"; }

check "www pings its gateway" dc exec www -- ping -c 2 -i 0.2 -W 2 10.1.0.1
check "www pings api through gw" dc exec www -- ping -c 3 -i 0.2 -W 2 10.2.0.10
check "api pings www back" dc exec api -- ping -c 2 -i 0.2 -W 2 10.1.0.10
bg_in api iperf3 -s -1
sleep 0.5
check "iperf3 www -> api through gw" dc exec www -- iperf3 -c 10.2.0.10 -t 2
check "traceroute www -> api shows gw" sh -c "'$DCBOX' exec www -- traceroute -n -w 1 -q 1 -m 4 10.2.0.10 | tee /dev/stderr | grep -q '^ 1  10.1.0.1 '"

# DHCP: dhclient, then udhcpc, in dyn. dhclient's own script would also
# rewrite the machine's /etc/resolv.conf: ours only sets address and route.
cat >"$T_DIR/dhc.sh" <<'S'
#!/bin/sh
case "$reason" in BOUND|RENEW|REBIND|REBOOT)
	ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface"
	[ -n "$new_routers" ] && ip route replace default via "${new_routers%% *}"
esac
exit 0
S
chmod +x "$T_DIR/dhc.sh"
check "dhclient gets a lease" dc exec dyn -- timeout 20 dhclient -1 -v -sf "$T_DIR/dhc.sh" -pf "$T_DIR/dhc.pid" -lf "$T_DIR/dhc.leases" eth0
addr=$(dc exec dyn -- ip -4 -o addr show dev eth0 | awk '{print $4}')
case "$addr" in 10.1.0.1[0-9][0-9]/24) ok "dhclient address $addr in the range";; *) fail "dhclient address '$addr'";; esac
check "dyn has a default route via 10.1.0.1" sh -c "'$DCBOX' exec dyn -- ip route | grep -q 'default via 10.1.0.1'"
check "dyn pings api through gw" dc exec dyn -- ping -c 1 -W 2 10.2.0.10
check "lease listed" sh -c "'$DCBOX' -t edget show leases --json | grep -q '\"state\": \"bound\"'"
[ -f "$T_DIR/dhc.pid" ] && kill "$(cat "$T_DIR/dhc.pid")" 2>/dev/null
dc exec dyn -- ip addr flush dev eth0
check "udhcpc gets a lease" dc exec dyn -- timeout 20 busybox udhcpc -f -q -n -i eth0 -s /bin/true
check "udhcpc was offered an address in the range" grep -Eq 'lease of 10\.1\.0\.1[0-9][0-9] obtained|obtained.*10\.1\.0\.1[0-9][0-9]' "$T_DIR/last.out"

# NAT: www -> inet is masqueraded; inet -> 203.0.113.2:8080 is forwarded.
mkdir -p "$T_DIR/www" && echo "hello from www" >"$T_DIR/www/index.html"
mkdir -p "$T_DIR/inet" && echo "hello from inet" >"$T_DIR/inet/index.html"
"$DCBOX" exec www -- /usr/bin/python3 -m http.server 80 --bind 10.1.0.10 -d "$T_DIR/www" >"$T_DIR/www.log" 2>&1 &
T_PIDS+=($!)
"$DCBOX" exec inet -- /usr/bin/python3 -m http.server 80 --bind 203.0.113.1 -d "$T_DIR/inet" >"$T_DIR/inet.log" 2>&1 &
T_PIDS+=($!)
check "web server in inet is up" wait_for 20 dc exec inet -- curl -s -m 1 http://203.0.113.1/
check "web server in www is up" wait_for 20 dc exec www -- curl -s -m 1 http://10.1.0.10/
check "www fetches a page from inet" sh -c "'$DCBOX' exec www -- curl -s -m 5 http://203.0.113.1/ | grep -q 'hello from inet'"
check "inet saw the masqueraded source 203.0.113.2" grep -q '^203.0.113.2 ' "$T_DIR/inet.log"
check "inet fetches the published port 8080" sh -c "'$DCBOX' exec inet -- curl -s -m 5 http://203.0.113.2:8080/ | grep -q 'hello from www'"
check "www saw inet's own address" grep -q '^203.0.113.1 ' "$T_DIR/www.log"
check "hairpin: www reaches its own published port" sh -c "'$DCBOX' exec www -- curl -s -m 5 http://203.0.113.2:8080/ | grep -q 'hello from www'"
check "api fetches from inet too" sh -c "'$DCBOX' exec api -- curl -s -m 5 http://203.0.113.1/ | grep -q 'hello from inet'"

check "show routes --json: default via 203.0.113.1" sh -c "'$DCBOX' -t edget show routes --json | grep -q '\"via\": \"203.0.113.1\"'"
check "show arp --json has www" sh -c "'$DCBOX' -t edget show arp --json | grep -q '\"ip\": \"10.1.0.10\"'"
check "show conntrack --json has a NATed flow" sh -c "'$DCBOX' -t edget show conntrack --json | grep -q '\"snat\": true'"
check "show nat" E show nat
check "route add at run time" E route add gw 198.51.100.0/24 via 203.0.113.1
check "route listed" sh -c "'$DCBOX' -t edget show routes gw | grep -q '198.51.100.0/24'"
check "route del at run time" E route del gw 198.51.100.0/24
check_not "route via an unreachable gateway refused" E route add gw 198.51.100.0/24 via 198.18.99.1
lease_ip() { "$DCBOX" -t edget show leases --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(l["ip"] for l in json.load(sys.stdin)["leases"] if l["state"] == "bound")))'; }
leases=$(lease_ip)
# Packets held by the router for an ARP answer that never comes must go
# back to the pool cleanly when the daemon stops (the ASan run checks it).
"$DCBOX" exec www -- ping -i 0.2 -W 1 10.2.0.99 >/dev/null 2>&1 &
T_PIDS+=($!)
sleep 1
check "down" dc -t edget down
check "up again" up "$ex" edget
leases_same() { [ -n "$leases" ] && [ "$(lease_ip)" = "$leases" ]; }
check "leases persisted across the restart ($leases)" leases_same
check "down again" dc -t edget down
after=$(machine_state "$names")
if [ "$before" = "$after" ]; then ok "down leaves the machine as it was"; else fail "machine state differs after down"; diff <(echo "$before") <(echo "$after") | sed 's/^/    # /'; fi
t_done
