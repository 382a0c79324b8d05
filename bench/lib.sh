# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# bench/lib.sh - resource tracking, cleanup and CPU accounting for run.sh.
#
# Adapted from the project's shared peerbench harness
# (../shared/peerbench/lib.sh at the time of writing); that copy is not
# needed at run time. Everything the benchmark creates is written to
# $PB_STATE the moment it exists (or, for things a tool creates for us, just
# before the tool runs, once we checked they did not exist). Cleanup only
# ever touches what is listed there:
#   pid PID COMM START  a process we started: killed only if /proc/PID still
#                       has that comm and start time (no pkill/killall)
#   dcbox TOPO BIN      a dcbox topology: "BIN -t TOPO down" first
#   ns NAME             a network namespace (its interfaces go with it)
#   link NAME           an interface in the root namespace
#   dir PATH            a temp dir below $PB_TMPBASE
# Sourced by run.sh and cleanup.sh.

PB_STATE=${PB_STATE:-/run/dcbox-bench/state}
PB_TMPBASE=${PB_TMPBASE:-/tmp/dcbox-bench}

pb_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

pb_state_init() {
	mkdir -p "$(dirname "$PB_STATE")" "$PB_TMPBASE"
	: >>"$PB_STATE"
}

# Field N (1-based, as in proc(5)) of /proc/PID/stat, parsed after the
# "(comm)" so that a comm with spaces cannot shift the fields.
pb_stat_field() {
	local pid=$1 n=$2 s
	s=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	shift $((n - 3))
	echo "$1"
}

# pb_track_pid PID COMM : record a process we started. COMM is the name it
# has (or will have after exec; exec keeps the start time).
pb_track_pid() {
	local pid=$1 comm=$2 i st
	for i in $(seq 1 50); do
		[[ -r /proc/$pid/stat ]] && break
		sleep 0.1
	done
	st=$(pb_stat_field "$pid" 22) ||
		{ pb_log "pid $pid ($comm) vanished before tracking"; return 1; }
	echo "pid $pid $comm $st" >>"$PB_STATE"
}

pb_track_ns() { echo "ns $1" >>"$PB_STATE"; }
pb_track_link() { echo "link $1" >>"$PB_STATE"; }
pb_track_dir() { echo "dir $1" >>"$PB_STATE"; }
pb_track_dcbox() { echo "dcbox $1 $2" >>"$PB_STATE"; }

pb_ns_exists() { ip netns list | awk '{print $1}' | grep -qx -- "$1"; }
pb_link_exists() { ip link show dev "$1" >/dev/null 2>&1; }

# True if PID is alive and is still the process we recorded.
pb_pid_is() {
	local pid=$1 comm=$2 st=$3 c s
	c=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	[[ $c == "$comm" ]] || return 1
	s=$(pb_stat_field "$pid" 22) || return 1
	[[ $s == "$st" ]]
}

pb_kill_one() {
	local pid=$1 comm=$2 st=$3 i
	pb_pid_is "$pid" "$comm" "$st" || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		pb_pid_is "$pid" "$comm" "$st" || return 0
		sleep 0.1
	done
	pb_log "pid $pid ($comm) ignored SIGTERM; sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null
	sleep 0.2
}

# Undo everything listed in the state file: dcbox topologies ("down"),
# processes (newest first), namespaces, root-namespace links, temp dirs
# (only below $PB_TMPBASE).
pb_cleanup() {
	[[ -s $PB_STATE ]] || return 0
	local kind a b c
	while read -r kind a b c; do
		[[ $kind == dcbox && -x $b ]] &&
			timeout 30 "$b" -t "$a" down >/dev/null 2>&1
	done < <(tac "$PB_STATE")
	while read -r kind a b c; do
		[[ $kind == pid ]] && pb_kill_one "$a" "$b" "$c"
	done < <(tac "$PB_STATE")
	while read -r kind a b c; do
		if [[ $kind == ns ]] && pb_ns_exists "$a"; then
			ip netns del "$a" || pb_log "could not delete netns $a"
		fi
	done <"$PB_STATE"
	while read -r kind a b c; do
		if [[ $kind == link ]] && pb_link_exists "$a"; then
			ip link del dev "$a" || pb_log "could not delete link $a"
		fi
	done <"$PB_STATE"
	while read -r kind a b c; do
		if [[ $kind == dir && $a == "$PB_TMPBASE"/* && -d $a ]]; then
			rm -rf -- "$a"
		fi
	done <"$PB_STATE"
	: >"$PB_STATE"
}

# utime+stime (clock ticks) summed over the given PIDs; "NA" if none.
# For a process this is the sum over all its threads.
pb_proc_ticks() {
	local pid t=0 u s
	[[ $# -gt 0 ]] || { echo NA; return; }
	for pid in "$@"; do
		u=$(pb_stat_field "$pid" 14) || { echo NA; return; }
		s=$(pb_stat_field "$pid" 15) || { echo NA; return; }
		t=$((t + u + s))
	done
	echo "$t"
}

# Host-wide CPU from /proc/stat: "busy_ticks steal_ticks".
pb_host_ticks() {
	local cpu user nice sys idle iow irq sirq steal rest
	read -r cpu user nice sys idle iow irq sirq steal rest </proc/stat
	echo "$((user + nice + sys + irq + sirq + steal)) $steal"
}

pb_ticks_diff() { # a b -> b-a or NA
	[[ $1 == NA || $2 == NA ]] && { echo NA; return; }
	echo $(($2 - $1))
}

pb_ifstat() { # ns ifname counter
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3" 2>/dev/null ||
		echo NA
}

# Host-wide softirq time from /proc/stat (all CPUs): where a kernel switch
# (bridge, nft, conntrack) does its work, together with the hosts' own
# network stacks.
pb_softirq_ticks() {
	local cpu user nice sys idle iow irq sirq rest
	read -r cpu user nice sys idle iow irq sirq rest </proc/stat
	echo "$sirq"
}
