# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# bench/peers.sh - topologies of the peer switches dcbox is compared with.
#
# Adapted from the shared peerbench harness (../shared/peerbench/peers.sh);
# namespaces are renamed dcb-* so that a peerbench run and this one cannot
# step on each other. Each setup_<peer> builds h1 <-> [switch] <-> h2 and
# sets:
#   NS_H1 / NS_H2  the host namespaces (h1 10.77.0.1/24, h2 10.77.0.2/24)
#   IF_H1 / IF_H2  interface names inside them
#   SW_PIDS        PIDs whose CPU time is "the switching process" (may be
#                  empty: kernel switches work in softirq context)
#   AUX_PIDS       other helper daemons (ovsdb-server), reported separately
#   PEER_NOTE      one line describing the configuration actually used
# All resources are registered in the state file as soon as they exist.
# The dcbox peers live in peers-dcbox.sh.

NS_PREFIX=${NS_PREFIX:-dcb}
NS_SW=$NS_PREFIX-sw
IP_H1=10.77.0.1
IP_H2=10.77.0.2
PREFIX=24
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

peer_reset() { # called before every setup_<peer>
	NS_H1=$NS_PREFIX-h1 NS_H2=$NS_PREFIX-h2
	IF_H1='' IF_H2='' PEER_NOTE='' OVS_DIR=''
	SW_PIDS=() AUX_PIDS=()
}

mk_ns() {
	local ns=$1
	if pb_ns_exists "$ns"; then
		pb_log "netns $ns already exists and is not ours" \
			"(run bench/cleanup.sh if it is from a crashed run)"
		return 1
	fi
	ip netns add "$ns" || return 1
	pb_track_ns "$ns"
	ip -n "$ns" link set lo up
}

host_addrs() { # configure and bring up IF_H1 / IF_H2
	ip -n "$NS_H1" addr add "$IP_H1/$PREFIX" dev "$IF_H1" &&
		ip -n "$NS_H2" addr add "$IP_H2/$PREFIX" dev "$IF_H2" &&
		ip -n "$NS_H1" link set "$IF_H1" up &&
		ip -n "$NS_H2" link set "$IF_H2" up
}

# h1:dcbeth0 <-> sw:dcbsw1 and h2:dcbeth0 <-> sw:dcbsw2
three_ns_veths() {
	mk_ns "$NS_H1" && mk_ns "$NS_H2" && mk_ns "$NS_SW" || return 1
	ip link add dcbeth0 netns "$NS_H1" type veth \
		peer name dcbsw1 netns "$NS_SW" || return 1
	ip link add dcbeth0 netns "$NS_H2" type veth \
		peer name dcbsw2 netns "$NS_SW" || return 1
	IF_H1=dcbeth0 IF_H2=dcbeth0
	ip -n "$NS_SW" link set dcbsw1 up &&
		ip -n "$NS_SW" link set dcbsw2 up && host_addrs
}

hosts_tx_csum_off() { # no tx checksum offload (and so no TSO) on h1/h2
	ip netns exec "$NS_H1" ethtool -K "$IF_H1" tx off >/dev/null 2>&1 &&
		ip netns exec "$NS_H2" ethtool -K "$IF_H2" tx off >/dev/null 2>&1
}

# ---------------------------------------------------------------- kernel
setup_veth() {
	mk_ns "$NS_H1" && mk_ns "$NS_H2" || return 1
	ip link add dcbeth0 netns "$NS_H1" type veth \
		peer name dcbeth0 netns "$NS_H2" || return 1
	IF_H1=dcbeth0 IF_H2=dcbeth0
	host_addrs || return 1
	PEER_NOTE="direct veth pair, kernel default offloads (TSO/GSO on)"
}

linux_bridge() { # $1 = net.bridge.bridge-nf-call-{ip,ip6,arp}tables
	three_ns_veths || return 1
	ip netns exec "$NS_SW" sysctl -qw \
		net.bridge.bridge-nf-call-iptables="$1" \
		net.bridge.bridge-nf-call-ip6tables="$1" \
		net.bridge.bridge-nf-call-arptables="$1" || return 1
	ip -n "$NS_SW" link add dcbbr0 type bridge stp_state 0 || return 1
	ip -n "$NS_SW" link set dcbsw1 master dcbbr0 &&
		ip -n "$NS_SW" link set dcbsw2 master dcbbr0 &&
		ip -n "$NS_SW" link set dcbbr0 up
}

setup_bridge() {
	linux_bridge 0 || return 1
	PEER_NOTE="linux bridge in $NS_SW, bridge-nf-call-*=0, default offloads"
}

setup_bridge-notso() {
	linux_bridge 0 || return 1
	hosts_tx_csum_off || return 1
	PEER_NOTE="linux bridge, h1/h2 'ethtool -K tx off' (no csum offload/TSO)"
}

# ---------------------------------------------------------------- OVS
# Private ovsdb-server (root ns, unix socket in a temp dir) and ovs-vswitchd
# inside $NS_SW, so nothing touches a system-wide OVS instance.
OVS_DIR=
ovs_vsctl() { ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=30 "$@"; }
ovs_version() { ovs-vswitchd --version | awk 'NR==1{print $NF}'; }

ovs_start_db() {
	OVS_DIR=$(mktemp -d "$PB_TMPBASE/ovs.XXXXXX") || return 1
	pb_track_dir "$OVS_DIR"
	ovsdb-tool create "$OVS_DIR/conf.db" "$OVS_SCHEMA" || return 1
	# Every OVS default path points at the private dir.
	export OVS_RUNDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR \
		OVS_SYSCONFDIR=$OVS_DIR
	ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
		--unixctl="$OVS_DIR/ovsdb-server.ctl" \
		--pidfile="$OVS_DIR/ovsdb-server.pid" \
		--log-file="$OVS_DIR/ovsdb-server.log" -vconsole:off --no-chdir \
		</dev/null >>"$OVS_DIR/ovsdb-server.out" 2>&1 &
	AUX_PIDS=("$!")
	pb_track_pid "$!" ovsdb-server || return 1
	local i
	for i in $(seq 1 100); do
		[[ -S $OVS_DIR/db.sock ]] && break
		sleep 0.1
	done
	ovs_vsctl --no-wait init
}

ovs_start() { # $@ = extra "key=value" for Open_vSwitch other_config
	local kv
	three_ns_veths && ovs_start_db || return 1
	for kv in "$@"; do
		ovs_vsctl --no-wait set Open_vSwitch . "other_config:$kv" ||
			return 1
	done
	ip netns exec "$NS_SW" ovs-vswitchd "unix:$OVS_DIR/db.sock" \
		--unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" \
		--log-file="$OVS_DIR/ovs-vswitchd.log" -vconsole:off --no-chdir \
		</dev/null >>"$OVS_DIR/ovs-vswitchd.out" 2>&1 &
	SW_PIDS=("$!")
	pb_track_pid "$!" ovs-vswitchd || return 1
	# Without --no-wait, ovs-vsctl waits until ovs-vswitchd applied it.
	ovs_vsctl add-br dcbbr0 -- set bridge dcbbr0 datapath_type=netdev
}

ovs_add_ports() { # system (AF_PACKET) ports
	local p err
	for p in dcbsw1 dcbsw2; do
		ovs_vsctl add-port dcbbr0 "$p" || return 1
		err=$(ovs_vsctl get interface "$p" error 2>/dev/null)
		if [[ -n $err && $err != '[]' ]]; then
			pb_log "OVS interface $p error: $err"
			return 1
		fi
	done
}

ovs_info() { # record what OVS actually did
	{
		ovs_vsctl show
		ovs_vsctl get Open_vSwitch . iface_types other_config
		ovs-appctl -t "$OVS_DIR/ovs-vswitchd.ctl" dpif/show 2>&1
		ip -n "$NS_SW" -d link show 2>&1
	} >"$1/ovs-info.txt" 2>&1
	cp "$OVS_DIR"/ovs-vswitchd.log "$1/" 2>/dev/null
}

setup_ovs-netdev() {
	ovs_start && ovs_add_ports || return 1
	# The userspace datapath forwards partial-checksum packets from
	# AF_PACKET unfixed, so TCP stalls unless the senders compute
	# checksums themselves (peerbench verified 0 bit/s otherwise).
	hosts_tx_csum_off || return 1
	PEER_NOTE="OVS $(ovs_version) datapath_type=netdev, system (AF_PACKET) ports, userspace TSO off, h1/h2 tx csum off"
}

setup_ovs-netdev-tso() {
	ovs_start userspace-tso-enable=true && ovs_add_ports || return 1
	PEER_NOTE="OVS $(ovs_version) datapath_type=netdev, system ports, other_config:userspace-tso-enable=true (experimental), default offloads"
}

# ---------------------------------------------------------------- VDE
setup_vde() {
	local d i pid=
	mk_ns "$NS_H1" && mk_ns "$NS_H2" && mk_ns "$NS_SW" || return 1
	d=$(mktemp -d "$PB_TMPBASE/vde.XXXXXX") || return 1
	pb_track_dir "$d"
	# vde_switch creates the TAPs in its own netns; they keep working
	# after being moved into h1/h2 because vde_switch holds the tap fds.
	ip netns exec "$NS_SW" vde_switch -t dcbtap1 -t dcbtap2 -s "$d/ctl" \
		-M "$d/mgmt" -f /dev/null -d -p "$d/vde_switch.pid" \
		</dev/null >"$d/vde.out" 2>&1 || return 1
	for i in $(seq 1 50); do
		[[ -s $d/vde_switch.pid ]] && pid=$(cat "$d/vde_switch.pid") &&
			[[ -n $pid ]] && break
		sleep 0.1
	done
	[[ -n $pid ]] || return 1
	pb_track_pid "$pid" vde_switch || return 1
	SW_PIDS=("$pid")
	ip -n "$NS_SW" link set dcbtap1 netns "$NS_H1" &&
		ip -n "$NS_SW" link set dcbtap2 netns "$NS_H2" || return 1
	IF_H1=dcbtap1 IF_H2=dcbtap2
	host_addrs || return 1
	PEER_NOTE="vde_switch $(vde_switch -v 2>&1 | awk '/VDE/{print $NF; exit}') (switch mode) with -tap x2, TAPs moved into h1/h2 (no offloads on TAP)"
}
