# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# bench/peers-dcbox.sh - the dcbox peers for run.sh (see peers.sh for the
# contract every setup_<peer> fulfils).
#
# "dcbox up $DCBOX_TOPO" (bench/pb.yaml) creates one netns per host, named
# after the host, with a veth "eth0" inside (address from the file), the
# switch-side ends "<topo>-<host>" in the root namespace, and a daemon that
# switches between them. The daemon is "the switch process": its CPU time
# is read from /proc/PID/stat like ovs-vswitchd's. Its PID comes from
# "dcbox -t NAME status --json" ({"pid": N, ...} or {"topologies":
# [{"name": NAME, "pid": N, ...}]}) or else /run/dcbox/NAME.pid.
#
# Before "up", we check that none of the namespaces/links exist and no
# daemon of that name runs, then record them all in the state file, so that
# teardown ("dcbox -t NAME down", then kill the daemon by PID if still
# there, then delete leftover namespaces and links) also undoes a
# half-finished "up".
#
# Peers: dcbox (default offloads, like the bridge row), dcbox-notso
# (h1/h2 "ethtool -K tx off", like bridge-notso and ovs-netdev) and
# dcbox-nofast (DCBOX_OFFLOAD=0: the kernel fast path off, every frame
# through the daemon; compare with dcbox).

DCBOX=${DCBOX:-$ROOT/build/dcbox}
DCBOX_TOPO=${DCBOX_TOPO:-$HERE/pb.yaml}
DCBOX_TOPO_NAME=${DCBOX_TOPO_NAME:-pb}
DCBOX_HOSTS=${DCBOX_HOSTS:-h1 h2}
DCBOX_IF=${DCBOX_IF:-eth0}
DCBOX_RUNDIR=${DCBOX_RUNDIR:-/run/dcbox}
# peers-fw.sh points these at its own topology; setup_dcbox* restores them
DCBOX_DEFAULTS=("$DCBOX_TOPO" "$DCBOX_TOPO_NAME" "$DCBOX_HOSTS")

dcbox_defaults() {
	DCBOX_TOPO=${DCBOX_DEFAULTS[0]} DCBOX_TOPO_NAME=${DCBOX_DEFAULTS[1]}
	DCBOX_HOSTS=${DCBOX_DEFAULTS[2]}
}

dcbox_available() { [[ -x $DCBOX ]]; }

dcbox_version() {
	local v
	v=$("$DCBOX" --version 2>/dev/null | head -1)
	echo "${v:-unknown version}"
}

# PID of the running daemon of topology $DCBOX_TOPO_NAME, or fail.
dcbox_daemon_pid() {
	local pid
	# {"pid": N, ...} or {"topologies": [{"name": .., "pid": N}, ..]}
	local pyget='
import json, sys
d = json.load(sys.stdin)
ts = d.get("topologies", [d])
print(int(next(t["pid"] for t in ts if t.get("name", sys.argv[1]) == sys.argv[1])))'
	pid=$(timeout 10 "$DCBOX" -t "$DCBOX_TOPO_NAME" status --json 2>/dev/null |
		"$PY" -c "$pyget" "$DCBOX_TOPO_NAME" 2>/dev/null) ||
		pid=$(timeout 10 "$DCBOX" -t "$DCBOX_TOPO_NAME" --json status \
			2>/dev/null | "$PY" -c "$pyget" "$DCBOX_TOPO_NAME" 2>/dev/null)
	if [[ -z $pid && -s $DCBOX_RUNDIR/$DCBOX_TOPO_NAME.pid ]]; then
		pid=$(tr -dc 0-9 <"$DCBOX_RUNDIR/$DCBOX_TOPO_NAME.pid")
	fi
	[[ -n $pid && -d /proc/$pid ]] || return 1
	echo "$pid"
}

# Refuse to run over anything that exists and is not ours.
dcbox_check_free() {
	local h pid
	for h in $DCBOX_HOSTS; do
		if pb_ns_exists "$h"; then
			pb_log "netns $h exists and is not ours; not starting dcbox"
			return 1
		fi
		if pb_link_exists "$DCBOX_TOPO_NAME-$h"; then
			pb_log "link $DCBOX_TOPO_NAME-$h exists and is not ours"
			return 1
		fi
	done
	if pid=$(dcbox_daemon_pid); then
		pb_log "a dcbox topology '$DCBOX_TOPO_NAME' already runs (pid $pid)"
		return 1
	fi
}

dcbox_up() {
	local h pid set1 set2
	if ! dcbox_available; then
		pb_log "dcbox binary '$DCBOX' not found (make, or set DCBOX=)"
		return 1
	fi
	dcbox_check_free || return 1
	pb_track_dcbox "$DCBOX_TOPO_NAME" "$DCBOX"
	for h in $DCBOX_HOSTS; do
		pb_track_ns "$h"
		pb_track_link "$DCBOX_TOPO_NAME-$h"
	done
	timeout 60 "$DCBOX" up "$DCBOX_TOPO" </dev/null || return 1
	pid=$(dcbox_daemon_pid) || { pb_log "no dcbox daemon pid"; return 1; }
	pb_track_pid "$pid" "$(cat "/proc/$pid/comm")" || return 1
	SW_PIDS=("$pid")
	read -r set1 set2 _ <<<"$DCBOX_HOSTS"
	NS_H1=$set1 NS_H2=$set2 IF_H1=$DCBOX_IF IF_H2=$DCBOX_IF
	# The bench's traffic goes to these addresses only: check them.
	ip -n "$NS_H1" -4 addr show dev "$IF_H1" | grep -q "inet $IP_H1/" &&
		ip -n "$NS_H2" -4 addr show dev "$IF_H2" | grep -q "inet $IP_H2/" ||
		{ pb_log "$DCBOX_TOPO does not give h1 $IP_H1 / h2 $IP_H2"; return 1; }
}

setup_dcbox() {
	dcbox_defaults
	dcbox_up || return 1
	PEER_NOTE="dcbox ($(dcbox_version)) $(basename "$DCBOX_TOPO"), daemon pid ${SW_PIDS[0]}, default offloads"
}

setup_dcbox-nofast() {
	dcbox_defaults
	DCBOX_OFFLOAD=0 dcbox_up || return 1
	PEER_NOTE="dcbox ($(dcbox_version)) $(basename "$DCBOX_TOPO"), DCBOX_OFFLOAD=0 (no kernel fast path), daemon pid ${SW_PIDS[0]}"
}

setup_dcbox-notso() {
	dcbox_defaults
	dcbox_up && hosts_tx_csum_off || return 1
	PEER_NOTE="dcbox ($(dcbox_version)) $(basename "$DCBOX_TOPO"), h1/h2 'ethtool -K tx off' (no csum offload/TSO)"
}

dcbox_info() { # record what dcbox says about itself
	{
		timeout 10 "$DCBOX" -t "$DCBOX_TOPO_NAME" status --json
		ip -d link show dev "$DCBOX_TOPO_NAME-${NS_H1}"
		ip -d link show dev "$DCBOX_TOPO_NAME-${NS_H2}"
	} >"$1/dcbox-info.txt" 2>&1
}
