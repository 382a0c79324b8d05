#!/bin/bash
# test_ips.sh - the IPS of the inline appliance, examples/shop-ips.yaml
# with its rules examples/shop-ips.rules:
#
#   client (10.0.0.5) --+                                 +-- db (10.0.0.21:5432)
#   web1 (10.0.0.11) ---+-- [front] == fw (inline) == [back]
#   web2 (10.0.0.12) ---+    policy, then IPS            +-- www (10.0.0.31:80)
#                      tap (one-arm on a mirror of front: the same rules, alerts only)
#
# The policy lets HTTP to www and web -> db:5432 through; the IPS looks
# inside: a SQL-injection URL is dropped (the web server never sees it)
# while clean requests pass, and the alert names the rule (dcbox alerts,
# EVE); a DROP TABLE from web1 to db:5432 is dropped while normal queries
# pass; a marker split over two TCP segments still fires; a DNS query for
# a listed domain alerts; a reject rule gets curl a RST at once; `show ips
# --json` counts hits; `dcbox reload` names each IPS's rule counts (text
# and --json) and with changed rules changes what is dropped without
# breaking an established flow, a broken rules file is
# refused with FILE:LINE and changes nothing, and `dcbox up` with one
# fails and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
ex=$(cd "$(dirname "$0")/../.." && pwd)/examples
cp "$ex/shop-ips.yaml" "$ex/shop-ips.rules" "$T_DIR/"
topo="$T_DIR/shop-ips.yaml" rules="$T_DIR/shop-ips.rules"
before=$(machine_state 'shop|client|web1|web2|db|www')
check "up shop-ips" up "$topo" shop || t_done
S() { "$DCBOX" -t shop "$@"; }
# ipsj EXPR: evaluate EXPR on `show ips fw --json` (d = the firewall's object)
ipsj() { S show ips fw --json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin)['ips'][0]; print(eval(sys.argv[1]))" "$1"; }
# alert_for SID: the EVE log has an alert of rule SID
alert_for() { S alerts -n 1000 --json | /usr/bin/python3 -c "
import json, sys
sys.exit(0 if any(json.loads(l)['alert']['signature_id'] == int(sys.argv[1]) for l in sys.stdin if l.strip()) else 1)" "$1"; }

# A database stand-in on db:5432: logs what it receives, echoes it back.
cat >"$T_DIR/db.py" <<'EOF'
import socket, sys, threading
log = open(sys.argv[1], "ab", buffering=0)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.0.21", 5432)); s.listen(16)
def serve(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        log.write(d); c.sendall(d)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
# A client: send each argument as one segment (TCP_NODELAY, a pause
# between), then wait for the echo of everything; exit 1 without it.
cat >"$T_DIR/cli.py" <<'EOF'
import socket, sys, time
c = socket.create_connection(("10.0.0.21", 5432), timeout=3)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
want = b""
for part in sys.argv[1:]:
    c.sendall(part.encode()); want += part.encode(); time.sleep(0.3)
got = b""
try:
    while len(got) < len(want):
        d = c.recv(65536)
        if not d:
            break
        got += d
except socket.timeout:
    pass
sys.exit(0 if got == want else 1)
EOF
# A flow that stays up: one query every 0.25 s for $1 seconds, each echoed.
cat >"$T_DIR/long.py" <<'EOF'
import socket, sys, time
c = socket.create_connection(("10.0.0.21", 5432), timeout=3)
end = time.time() + float(sys.argv[1]); i = 0
while time.time() < end:
    q = ("PING %d;" % i).encode(); c.sendall(q); got = b""
    while len(got) < len(q):
        d = c.recv(100)
        if not d:
            sys.exit("closed at query %d" % i)
        got += d
    i += 1; time.sleep(0.25)
print("queries", i)
EOF
# A DNS query (A, IN) for $2 sent to $1:53 over UDP.
cat >"$T_DIR/dns.py" <<'EOF'
import socket, struct, sys
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in sys.argv[2].split(".")) + b"\0"
q += struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(q, (sys.argv[1], 53))
EOF

bg_in www /usr/bin/python3 -u -m http.server 80 --bind 10.0.0.31
www_log="$T_DIR/bg.www.$$.log"
bg_in db /usr/bin/python3 "$T_DIR/db.py" "$T_DIR/db.log"
check "web server up" wait_for 10 dc exec www -- sh -c 'ss -ltn | grep -q 10.0.0.31:80'
check "db server up" wait_for 10 dc exec db -- sh -c 'ss -ltn | grep -q :5432'

check "clean request passes" dc exec client -- curl -sf -m 5 -o /dev/null http://10.0.0.31/
check_not "SQL injection URL is dropped" dc exec client -- curl -sf -m 3 -o /dev/null "http://10.0.0.31/?id=1%27%20UNION%20SELECT%20password%20FROM%20users"
check "the web server never got it" sh -c "! grep -qi union '$www_log'"
check "clean request still passes after" dc exec client -- curl -sf -m 5 -o /dev/null "http://10.0.0.31/?id=1"
check "alert names the rule (dcbox alerts)" wait_for 5 sh -c "'$DCBOX' -t shop alerts -n 50 | grep '\[1:1000001:1\] SHOP SQL injection' | grep -q Drop"
check "EVE alert with Suricata's fields, action blocked" sh -c "'$DCBOX' -t shop alerts -n 50 --json | /usr/bin/python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin if l.strip()]
ok = any(e[\"event_type\"] == \"alert\" and e[\"alert\"][\"action\"] == \"blocked\" and e[\"alert\"][\"signature_id\"] == 1000001 and e[\"alert\"][\"rev\"] == 1 and e[\"alert\"][\"category\"] == \"Web Application Attack\" and e[\"alert\"][\"severity\"] == 1 and e[\"src_ip\"] == \"10.0.0.5\" and e[\"dest_ip\"] == \"10.0.0.31\" and e[\"dest_port\"] == 80 and e[\"proto\"] == \"TCP\" and \"flow_id\" in e and \"timestamp\" in e for e in es)
sys.exit(0 if ok else 1)'"
check "one-arm tap alerted the same request, action allowed" sh -c "'$DCBOX' -t shop alerts -n 50 --json | /usr/bin/python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin if l.strip()]
sys.exit(0 if any(e[\"alert\"][\"signature_id\"] == 1000001 and e[\"alert\"][\"action\"] == \"allowed\" and e[\"firewall\"][\"name\"] == \"tap\" for e in es) else 1)'"
check "fast.log has the alert" grep -q '1:1000001:1' "/var/log/dcbox/shop.fast.log"

start=$(date +%s%N)
dc exec client -- curl -s -m 5 -o /dev/null "http://10.0.0.31/download?file=/etc/passwd"
rc=$?; ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" = 56 ] && [ $ms -lt 2500 ] && ok "reject rule: curl gets a RST at once (exit $rc after $ms ms)" || fail "reject rule: curl exit $rc after $ms ms (want 56, < 2.5 s)"

check "normal query web1 -> db:5432 passes" dc exec web1 -- /usr/bin/python3 "$T_DIR/cli.py" "SELECT * FROM items;"
check_not "DROP TABLE from web1 -> db:5432 is dropped" dc exec web1 -- /usr/bin/python3 "$T_DIR/cli.py" "DROP TABLE users;"
check "db never got the DROP TABLE" sh -c "! grep -q 'DROP TABLE' '$T_DIR/db.log'"
check "normal queries still pass" dc exec web2 -- /usr/bin/python3 "$T_DIR/cli.py" "SELECT 2;"
check "alert for the DROP TABLE" wait_for 5 alert_for 1000003

check_not "marker split over two segments is dropped" dc exec web1 -- /usr/bin/python3 "$T_DIR/cli.py" "hello EXFIL-MARKER-01234" "56789 and more"
check "the segment completing it never reached db" sh -c "grep -q 'EXFIL-MARKER-01234' '$T_DIR/db.log' && ! grep -q '56789' '$T_DIR/db.log'"
check "alert for the split marker" wait_for 5 alert_for 1000004

"$DCBOX" -t shop alerts -f -n 0 >"$T_DIR/follow.txt" 2>&1 &
fp=$!
sleep 0.5
dc exec client -- /usr/bin/python3 "$T_DIR/dns.py" 10.0.0.31 www.malware.example
check "DNS query for a listed domain alerts" wait_for 5 alert_for 1000005
check "alerts -f printed it as it came" wait_for 3 grep -q '\[1:1000005:1\] SHOP DNS query' "$T_DIR/follow.txt"
kill $fp; wait $fp 2>/dev/null
dc exec client -- /usr/bin/python3 "$T_DIR/dns.py" 10.0.0.31 www.example.org
check "show ips --json: rules loaded, hits counted" sh -c "[ \$('$DCBOX' -t shop show ips fw --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)[\"ips\"][0]; h = {r[\"sid\"]: r[\"hits\"] for r in d[\"hits\"]}
print(d[\"rules\"][\"loaded\"] == 6 and d[\"rules\"][\"failed\"] == 0 and h.get(1000001, 0) >= 1 and h.get(1000003, 0) >= 1 and h.get(1000005, 0) >= 1 and 1000006 not in h and d[\"counters\"][\"ips_dropped\"] >= 2 and d[\"counters\"][\"ips_rejected\"] >= 1)') = True ]"
check "show ips for people" sh -c "'$DCBOX' -t shop show ips | grep -q 'SHOP SQL injection'"

# Reload with the rules as they are: the reply names each IPS's rules.
check "reload --help is about policies and IPS rules" sh -c "'$DCBOX' reload --help | grep -q 'policies and IPS rules'"
check "reload, rules unchanged" S reload "$topo"
cp "$T_DIR/last.out" "$T_DIR/reload.out"
check "reload names the policy rules" grep -q '^shop: reloaded .*: 2 firewalls, 5 rules$' "$T_DIR/reload.out"
check "reload names each IPS's rules and compile time" sh -c "grep -Eq '^fw: ips 6 rules loaded, 0 skipped [(][0-9]+[.][0-9] m?s[)]\$' '$T_DIR/reload.out' && grep -Eq '^tap: ips 6 rules loaded, 0 skipped \(' '$T_DIR/reload.out'"

# Reload with changed rules: the SQL injection rule only alerts now, and
# a new rule drops "SELECT 13;"; a flow established before stays up.
dc exec web1 -- /usr/bin/python3 "$T_DIR/long.py" 4 >"$T_DIR/long.out" 2>&1 &
lp=$!
sleep 1
sed -i 's/^drop http any any -> $HTTP_SERVERS $HTTP_PORTS (msg:"SHOP SQL injection UNION SELECT in URI"; \(.*\) rev:1;)/alert http any any -> $HTTP_SERVERS $HTTP_PORTS (msg:"SHOP SQL injection UNION SELECT in URI"; \1 rev:2;)/' "$rules"
echo 'drop tcp any any -> $SQL_SERVERS 5432 (msg:"SHOP query 13 forbidden"; flow:established,to_server; content:"SELECT 13|3b|"; sid:1000007; rev:1;)' >>"$rules"
check "reload with changed rules" S reload "$topo"
check "reload counts the added rule" grep -q '^fw: ips 7 rules loaded, 0 skipped (' "$T_DIR/last.out"
wait $lp; lrc=$?
[ "$lrc" = 0 ] && ok "established flow ran across the reload ($(cat "$T_DIR/long.out"))" || fail "established flow broke across the reload: $(cat "$T_DIR/long.out")"
check "SQL injection now passes (alert only)" dc exec client -- curl -sf -m 5 -o /dev/null "http://10.0.0.31/?id=2%27%20UNION%20SELECT%201"
check "the web server got it this time" grep -qi union "$www_log"
check "alert with rev 2, action allowed" wait_for 5 sh -c "'$DCBOX' -t shop alerts -n 20 | grep -v Drop | grep -q '\[1:1000001:2\]'"
check_not "the new rule drops SELECT 13;" dc exec web1 -- /usr/bin/python3 "$T_DIR/cli.py" "SELECT 13;"
check "reload --json: its old fields, and each IPS's rules" sh -c "'$DCBOX' -t shop reload --json '$topo' | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin); ips = {f[\"name\"]: f for f in d[\"ips\"]}
ok = d[\"firewalls\"] == 2 and d[\"rules\"] == 5 and sorted(ips) == [\"fw\", \"tap\"]
for f in ips.values():
    r = f[\"rules\"]
    ok = ok and f[\"rules_file\"] == \"shop-ips.rules\" and (r[\"total\"], r[\"loaded\"], r[\"skipped\"], r[\"failed\"]) == (7, 7, 0, 0) and f[\"compile_us\"] == r[\"load_us\"] + r[\"build_us\"] and f[\"compile_us\"] > 0
sys.exit(0 if ok else 1)'"
check "show ips: 7 rules, three reloads" sh -c "[ \"\$('$DCBOX' -t shop show ips fw --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)[\"ips\"][0]; print(d[\"rules\"][\"loaded\"], d[\"counters\"][\"ips_reloads\"])')\" = '7 3' ]"

# A broken rules file: reload refused with its file and line, nothing changes.
cp "$rules" "$T_DIR/good.rules"
echo 'drop tcp any any -> any any (msg:"broken"; content:"x"; sid:1000008; nosuchkeyword;)' >>"$rules"
line=$(wc -l <"$rules")
check_not "reload with a broken rule refused" S reload "$topo"
check "message names the rules file and line $line" grep -q "shop-ips.rules:$line:" "$T_DIR/last.out"
check "nothing changed" sh -c "[ \"\$('$DCBOX' -t shop show ips fw --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)[\"ips\"][0]; print(d[\"rules\"][\"loaded\"], d[\"counters\"][\"ips_reloads\"])')\" = '7 3' ]"
check "down" dc -t shop down
same_state() { [ "$(machine_state 'shop|client|web1|web2|db|www')" = "$before" ]; }
check "everything gone" same_state

# `dcbox up` with the broken rules file fails and leaves nothing behind.
check_not "up with a broken rule refused" dc up "$topo"
check "it names the rules file and line" grep -q "shop-ips.rules:$line:" "$T_DIR/last.out"
check "nothing left behind" same_state
t_done
