#!/bin/bash
# test_errors.sh - bad topology files give a precise error (file, line,
# what is wrong) and leave no namespace, interface, socket or process
# behind; `up` refuses to clobber an existing namespace or a running
# topology of the same name.
. "$(dirname "$0")/lib.sh"
names='e1|e2|terr-|terr[.]'
before=$(machine_state "$names")

bad() { # NAME EXPECTED-SUBSTRING: up of stdin must fail with that message
	local name=$1 want=$2 f
	f=$(topo_file "$name")
	if dc up "$f" >"$T_DIR/out" 2>&1; then
		fail "$name: up succeeded"; dc -t terr down >/dev/null 2>&1; return
	fi
	if grep -qF -- "$want" "$T_DIR/out"; then ok "$name: $(head -1 "$T_DIR/out")"
	else fail "$name: wanted '$want', got: $(cat "$T_DIR/out")"; fi
}
bad unknown-key "unknown-key.yaml:5:20: unknown key 'swich' in host 'e1'" <<'Y'
name: terr
switches:
  s: {}
hosts:
  e1: { switch: s, swich: s, ip: 10.7.0.1/24 }
Y
bad unknown-switch "unknown-switch.yaml:5" <<'Y'
name: terr
switches:
  s: {}
hosts:
  e1: { switch: nosuch, ip: 10.7.0.1/24 }
Y
bad bad-address "bad address" <<'Y'
name: terr
switches:
  s: {}
hosts:
  e1: { switch: s, ip: 10.7.0.300/24 }
Y
bad duplicate "duplicate" <<'Y'
name: terr
switches:
  s: {}
hosts:
  e1: { switch: s, ip: 10.7.0.1/24 }
  e1: { switch: s, ip: 10.7.0.2/24 }
Y
bad syntax "syntax.yaml:5:1: YAML syntax error" <<'Y'
name: terr
switches:
  s: {}
hosts: [ e1: {
Y
check_not "missing file" dc up "$T_DIR/nonexistent.yaml"
check "missing file message names it" grep -q "nonexistent.yaml" "$T_DIR/last.out"

# A namespace in the way: up must fail and remove what it made before.
ip netns add e2
f=$(topo_file terr <<'Y'
name: terr
switches:
  s: {}
hosts:
  e1: { switch: s, ip: 10.7.0.1/24 }
  e2: { switch: s, ip: 10.7.0.2/24 }
Y
)
check_not "up refuses an existing namespace" dc up "$f"
check "message names the namespace" grep -q "namespace named 'e2' already exists" "$T_DIR/last.out"
ip netns del e2
check "up" up "$f" terr
check_not "second up of the same name refused" dc up "$f"
check "down" dc -t terr down
check_not "down of a topology that is not up" dc -t terr down
after=$(machine_state "$names")
if [ "$before" = "$after" ]; then ok "nothing left behind"; else fail "left behind:"; diff <(echo "$before") <(echo "$after") | sed 's/^/    # /'; fi
t_done
