#!/bin/bash
# test_ips_cli.sh - `dcbox ips -T`: check Snort/Suricata rule files.
# A valid file loads; an invalid rule makes it exit 1 naming file and line;
# the Emerging Threats Open set (../shared/rules/et-open, when present)
# loads at least 90% with no failure.
. "$(dirname "$0")/lib.sh"
printf '%s\n' 'alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:"a"; flow:to_server,established; content:"GET"; http_method; sid:1; rev:1;)' \
	'drop udp any any -> any 53 (msg:"b"; dns.query; content:"evil"; nocase; sid:2;)' >"$T_DIR/ok.rules"
check "valid rules load" dc ips -T -S "$T_DIR/ok.rules"
check "summary counts them" grep -q '2 rules in 1 file: 2 loaded, 0 skipped, 0 failed' "$T_DIR/last.out"
cp "$T_DIR/ok.rules" "$T_DIR/bad.rules"
echo 'alert tcp any any -> any any (msg:"c"; content:"x"; frobnicate; sid:3;)' >>"$T_DIR/bad.rules"
check_not "an invalid rule fails the check" dc ips -T -S "$T_DIR/bad.rules"
check "the failure names file and line" grep -q "bad.rules:3: unknown keyword 'frobnicate'" "$T_DIR/last.out"
et=$(cd "$(dirname "$0")/../.." && pwd)/../shared/rules/et-open
if [ -d "$et" ]; then
	check "ET Open loads" dc ips -T -q -S "$et"
	check "at least 90% of ET Open loads" /usr/bin/python3 -c '
import re, sys
m = re.search(r"(\d+) rules in \d+ files: (\d+) loaded, \d+ skipped, (\d+) failed", open(sys.argv[1]).read())
t, l, f = map(int, m.groups())
print("    # ET Open: %d of %d loaded (%.1f%%), %d failed" % (l, t, 100.0 * l / t, f))
sys.exit(0 if l >= 0.9 * t and f == 0 else 1)' "$T_DIR/last.out"
else
	ok "ET Open load # skip: $et not present"
fi
t_done
