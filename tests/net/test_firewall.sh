#!/bin/bash
# test_firewall.sh - the appliance example, examples/shop.yaml:
#
#   client (10.0.0.5) --+
#   web1 (10.0.0.11) ---+-- [front] == fw (inline) == [back] -- db (10.0.0.21)
#   web2 (10.0.0.12) ---+      \
#                               tap (one-arm: mirror of front, alerts only)
#
# web1 reaches db:5432 and a long transfer survives a reload that keeps it
# allowed; client gets a RST at once for db:5432; web1 cannot reach db:22;
# ping passes; the denied attempt is in the EVE log with its 5-tuple; the
# one-arm tap's counters move; a malformed rule is refused with file and
# line and changes nothing; a reload that forbids a running flow cuts it.
. "$(dirname "$0")/lib.sh"
ex=$(cd "$(dirname "$0")/../.." && pwd)/examples/shop.yaml
cp "$ex" "$T_DIR/shop.yaml"
check "up shop" up "$T_DIR/shop.yaml" shop || t_done
S() { "$DCBOX" -t shop "$@"; }
fwj() { S show firewall "$1" --json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin)['firewalls'][0]; print(eval(sys.argv[1]))" "$2"; }

check "ping web1 -> db passes" dc exec web1 -- ping -c 2 -i 0.2 -W 2 10.0.0.21
bg_in db iperf3 -s -p 5432
check "db server up" wait_for 10 dc exec db -- sh -c 'ss -ltn | grep -q :5432'
check "web1 connects to db:5432" dc exec web1 -- nc -z -w 3 10.0.0.21 5432
start=$(date +%s%N)
check_not "client cannot reach db:5432" dc exec client -- nc -vz -w 5 10.0.0.21 5432
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "client was told at once (RST, not a timeout)" sh -c "grep -qi refused '$T_DIR/last.out' && [ $ms -lt 2500 ]"
echo "    # client refused after $ms ms"
check_not "web1 cannot reach db:22" dc exec web1 -- nc -z -w 2 10.0.0.21 22
check "rule counters moved" sh -c "[ \$(S() { '$DCBOX' -t shop \"\$@\"; }; S show firewall fw --json | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)[\"firewalls\"][0][\"rules\"]; print(r[0][\"packets\"] > 0 and r[2][\"packets\"] > 0)') = True ]"
check "EVE log has the denied web1 -> db:22 with its 5-tuple" wait_for 5 sh -c "'$DCBOX' -t shop log -n 100 --json | /usr/bin/python3 -c '
import json, sys
ok = any(e.get(\"event_type\") == \"drop\" and e[\"src_ip\"] == \"10.0.0.11\" and e[\"dest_ip\"] == \"10.0.0.21\" and e[\"dest_port\"] == 22 and e[\"proto\"] == \"TCP\" for e in map(json.loads, sys.stdin))
sys.exit(0 if ok else 1)'"
check "one-arm tap saw the mirrored traffic" sh -c "[ \$('$DCBOX' -t shop show firewall tap --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"firewalls\"][0][\"counters\"][\"rx\"] > 0)') = True ]"

# A long transfer across a reload that keeps it allowed (adds a rule).
gen=$(fwj fw 'd["generation"]'); drops=$(fwj fw 'd["counters"]["dropped"]')
"$DCBOX" exec web1 -- iperf3 -c 10.0.0.21 -p 5432 -t 5 -i 1 -J >"$T_DIR/long.json" 2>&1 &
lp=$!
sleep 2
sed -i 's/^      - allow icmp from any to any/      - allow icmp from any to any\n      - allow udp from web to db port 53/' "$T_DIR/shop.yaml"
check "reload with an extra rule" S reload "$T_DIR/shop.yaml"
wait $lp; lrc=$?
[ "$lrc" = 0 ] && ok "long transfer ran across the reload" || fail "long transfer failed across the reload ($lrc)"
check "no packet of the allowed flow dropped" sh -c "[ \$(S() { :; }; '$DCBOX' -t shop show firewall fw --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"firewalls\"][0][\"counters\"][\"dropped\"])') = $drops ]"
check "policy generation moved" sh -c "[ \$('$DCBOX' -t shop show firewall fw --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"firewalls\"][0][\"generation\"])') -gt $gen ]"
check "new rule listed" sh -c "'$DCBOX' -t shop show firewall fw | grep -q 'allow udp from web to db port 53'"

# A malformed rule: refused with file and line, nothing changes.
cp "$T_DIR/shop.yaml" "$T_DIR/bad.yaml"
sed -i 's/^      - allow udp from web to db port 53/      - allow udp frm web to db port 53/' "$T_DIR/bad.yaml"
line=$(grep -n 'frm web' "$T_DIR/bad.yaml" | cut -d: -f1)
gen=$(fwj fw 'd["generation"]')
check_not "reload with a malformed rule refused" S reload "$T_DIR/bad.yaml"
check "message names the file and line $line" grep -q "bad.yaml:$line:" "$T_DIR/last.out"
check "nothing changed" sh -c "[ \$('$DCBOX' -t shop show firewall fw --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"firewalls\"][0][\"generation\"])') = $gen ]"
bad2="$T_DIR/bad2.yaml"; cp "$ex" "$bad2"; sed -i 's/^      - reject tcp from client to db /      - reject tcp from client to dbx /' "$bad2"
check_not "up with a malformed rule refused" dc up "$bad2"

# A reload that forbids web -> db:5432 cuts the running flow.
"$DCBOX" exec web1 -- iperf3 -c 10.0.0.21 -p 5432 -t 8 >"$T_DIR/cut.txt" 2>&1 &
cp=$!
sleep 2
sed -i 's/^      - allow tcp from web to db port 5432/      - drop tcp from web to db port 5432/' "$T_DIR/shop.yaml"
t0=$(date +%s)
check "reload forbidding db:5432" S reload "$T_DIR/shop.yaml"
wait $cp; crc=$?
el=$(( $(date +%s) - t0 ))
[ "$crc" != 0 ] && [ "$el" -lt 6 ] && ok "the forbidden flow was cut (iperf3 exit $crc after ${el}s)" || fail "flow not cut (exit $crc after ${el}s)"
check "show conntrack --firewall fw" S show conntrack --firewall fw --json

# dcbox log -f shows a new denied flow as it happens.
"$DCBOX" -t shop log -f -n 0 --json >"$T_DIR/follow.txt" 2>&1 &
lfp=$!
sleep 0.5
dc exec web2 -- nc -z -w 1 10.0.0.21 2222 >/dev/null 2>&1
sleep 1.5
kill $lfp; wait $lfp 2>/dev/null
check "log -f printed the denied web2 -> db:2222" grep -q '"dest_port": *2222' "$T_DIR/follow.txt"
check "down" dc -t shop down

# Without the one-arm tap the hosts' traffic is the same: it never forwarded.
sed '/^  tap:/,$d' "$ex" >"$T_DIR/notap.yaml"
check "up shop without the tap" up "$T_DIR/notap.yaml" shop
bg_in db iperf3 -s -p 5432
check "db server up (no tap)" wait_for 10 dc exec db -- sh -c 'ss -ltn | grep -q :5432'
check "web1 connects to db:5432 (no tap)" dc exec web1 -- nc -z -w 3 10.0.0.21 5432
check_not "client still refused (no tap)" dc exec client -- nc -z -w 3 10.0.0.21 5432
check "ping passes (no tap)" dc exec web2 -- ping -c 1 -W 2 10.0.0.21
check_not "no mirror port front.tap" sh -c "'$DCBOX' -t shop show ports | grep -q front.tap"
check "down (no tap)" dc -t shop down
t_done
