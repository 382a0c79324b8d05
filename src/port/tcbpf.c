// SPDX-License-Identifier: MIT
/*
 * tcbpf.c - the kernel half of the switch fast path: the flow map, the tc
 * program that forwards matching frames, the socket filter that hides
 * them from the daemon, and their attachment to a port's device.
 *
 * Theory of operation
 *
 * A frame from a namespace host enters the kernel on the host end of its
 * veth. In __netif_receive_skb_core() the packet taps run first (the
 * daemon's AF_PACKET socket is one), then tc ingress. So a fast path needs
 * two pieces on the ingress device: the tc program (cls_bpf, direct
 * action) that looks the frame up in the flow map and, on a hit, fixes its
 * tag and calls bpf_redirect() to the egress device; and a socket filter
 * on the daemon's packet socket that drops the same frames from the
 * daemon's view, so it is neither woken nor forwards a duplicate. Both
 * programs are built from one key-building sequence (emit_key()) and read
 * one map: the daemon adding or deleting a flow switches both at once.
 * Frames the kernel sends out of the egress device are not seen by the
 * daemon's socket there (PACKET_IGNORE_OUTGOING, see afpacket.c).
 *
 * The VLAN tag is already in the skb metadata at both hooks (the stack
 * untags 802.1Q/802.1ad frames before the taps). A frame with an 802.1ad
 * outer tag or a priority tag (VID 0) gets VID 0xffff in the key, which no
 * flow has: the switch treats those differently, so they go to the daemon.
 *
 * Why BPF and not tc flower + act_vlan + act_mirred, as Open vSwitch's
 * kernel datapath or its tc offload does: this kernel (and many minimal
 * ones) is built without cls_flower, cls_matchall and act_vlan; cls_bpf,
 * act_mirred and the BPF syscall are there. One program and one hash map
 * also scale with the flow count where a flower list would be one filter
 * per flow. The programs are small enough to write as instructions here,
 * so no BPF compiler or libbpf is needed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "netlink.h"
#include "tcbpf.h"

enum {
	PROG_MAX = 64, /* instructions per program, with room */
	KEY_OFF = -24, /* the key on the BPF stack */
	TC_PRIO = 1,
	VID_BAD = 0xffff, /* in no key: the daemon handles these */
};

_Static_assert(sizeof(struct tcbpf_key) == 20, "key layout");
_Static_assert(sizeof(struct tcbpf_val) == 32, "value layout");

#define INSN(c, d, s, o, i)                                                    \
	((struct bpf_insn){.code = (c),                                        \
			   .dst_reg = (d),                                     \
			   .src_reg = (s),                                     \
			   .off = (o),                                         \
			   .imm = (i)})
#define MOV_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define AND_IMM(d, i) INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o) INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define ST(sz, d, o, i) INSN(BPF_ST | (sz) | BPF_MEM, d, 0, o, i)
#define XADD64(d, s, o) INSN(BPF_STX | BPF_DW | BPF_ATOMIC, d, s, o, BPF_ADD)
#define JMP_IMM(op, d, i) INSN(BPF_JMP | (op) | BPF_K, d, 0, 0, i)
#define JA() INSN(BPF_JMP | BPF_JA, 0, 0, 0, 0)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define CTX(f) ((int16_t)offsetof(struct __sk_buff, f))
#define VAL(f) ((int16_t)offsetof(struct tcbpf_val, f))

/* a program being written; jumps are patched to labels once known */
struct prog {
	struct bpf_insn insns[PROG_MAX];
	unsigned int n;
};

static unsigned int emit(struct prog *p, struct bpf_insn insn)
{
	if (p->n < PROG_MAX)
		p->insns[p->n] = insn;
	return p->n++;
}

/* point the jump at @at to the next instruction to be emitted */
static void land(struct prog *p, unsigned int at)
{
	if (at < PROG_MAX)
		p->insns[at].off = (int16_t)(p->n - at - 1);
}

static void emit_map_fd(struct prog *p, int reg, int fd)
{
	emit(p, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0, fd));
	emit(p, INSN(0, 0, 0, 0, 0));
}

/*
 * r6 = ctx; build the key at fp+KEY_OFF and look it up. Leaves r0 = the
 * value or 0; *miss gets the jumps to take when there is no flow.
 */
static void emit_key(struct prog *p, int map_fd, unsigned int miss[2])
{
	unsigned int to_store, bad_proto, ok_vid;

	emit(p, MOV_REG(BPF_REG_6, BPF_REG_1));
	emit(p, LDX(BPF_W, BPF_REG_2, BPF_REG_6, CTX(ifindex)));
	emit(p, STX(BPF_W, BPF_REG_10, BPF_REG_2, KEY_OFF));
	emit(p, MOV_IMM(BPF_REG_3, TCBPF_VID_NONE));
	emit(p, LDX(BPF_W, BPF_REG_2, BPF_REG_6, CTX(vlan_present)));
	to_store = emit(p, JMP_IMM(BPF_JEQ, BPF_REG_2, 0));
	emit(p, LDX(BPF_W, BPF_REG_3, BPF_REG_6, CTX(vlan_tci)));
	emit(p, AND_IMM(BPF_REG_3, 0xfff));
	emit(p, LDX(BPF_W, BPF_REG_2, BPF_REG_6, CTX(vlan_proto)));
	bad_proto = emit(p, JMP_IMM(BPF_JNE, BPF_REG_2, htons(ETH_P_8021Q)));
	ok_vid = emit(p, JMP_IMM(BPF_JNE, BPF_REG_3, 0));
	land(p, bad_proto);
	emit(p, MOV_IMM(BPF_REG_3, VID_BAD));
	land(p, to_store);
	land(p, ok_vid);
	emit(p, STX(BPF_H, BPF_REG_10, BPF_REG_3, KEY_OFF + 4));
	emit(p, ST(BPF_H, BPF_REG_10, KEY_OFF + 6, 0));
	emit(p, MOV_REG(BPF_REG_1, BPF_REG_6));
	emit(p, MOV_IMM(BPF_REG_2, 0));
	emit(p, MOV_REG(BPF_REG_3, BPF_REG_10));
	emit(p, ADD_IMM(BPF_REG_3, KEY_OFF + 8));
	emit(p, MOV_IMM(BPF_REG_4, 12));
	emit(p, CALL(BPF_FUNC_skb_load_bytes));
	miss[0] = emit(p, JMP_IMM(BPF_JNE, BPF_REG_0, 0));
	emit_map_fd(p, BPF_REG_1, map_fd);
	emit(p, MOV_REG(BPF_REG_2, BPF_REG_10));
	emit(p, ADD_IMM(BPF_REG_2, KEY_OFF));
	emit(p, CALL(BPF_FUNC_map_lookup_elem));
	miss[1] = emit(p, JMP_IMM(BPF_JEQ, BPF_REG_0, 0));
}

/* socket filter: a frame with a flow is cut to 0 bytes (not queued) */
static void emit_sock(struct prog *p, int map_fd)
{
	unsigned int miss[2];

	emit_key(p, map_fd, miss);
	emit(p, MOV_IMM(BPF_REG_0, 0));
	emit(p, EXIT());
	land(p, miss[0]);
	land(p, miss[1]);
	emit(p, MOV_IMM(BPF_REG_0, -1));
	emit(p, EXIT());
}

/* count, stamp, fix the tag, redirect; a miss goes on to the stack */
static void emit_tc(struct prog *p, int map_fd)
{
	unsigned int miss[2], to_redir, to_push, fail1, to_redir2, fail2;

	emit_key(p, map_fd, miss);
	emit(p, MOV_REG(BPF_REG_7, BPF_REG_0));
	emit(p, LDX(BPF_W, BPF_REG_1, BPF_REG_6, CTX(len)));
	emit(p, XADD64(BPF_REG_7, BPF_REG_1, VAL(bytes)));
	emit(p, MOV_IMM(BPF_REG_1, 1));
	emit(p, XADD64(BPF_REG_7, BPF_REG_1, VAL(packets)));
	emit(p, CALL(BPF_FUNC_ktime_get_ns));
	emit(p, STX(BPF_DW, BPF_REG_7, BPF_REG_0, VAL(lastuse_ns)));
	emit(p, LDX(BPF_H, BPF_REG_2, BPF_REG_7, VAL(op)));
	to_redir = emit(p, JMP_IMM(BPF_JEQ, BPF_REG_2, TCBPF_OP_NONE));
	to_push = emit(p, JMP_IMM(BPF_JEQ, BPF_REG_2, TCBPF_OP_PUSH));
	emit(p, MOV_REG(BPF_REG_1, BPF_REG_6));
	emit(p, CALL(BPF_FUNC_skb_vlan_pop));
	fail1 = emit(p, JMP_IMM(BPF_JNE, BPF_REG_0, 0));
	to_redir2 = emit(p, JA());
	land(p, to_push);
	emit(p, MOV_REG(BPF_REG_1, BPF_REG_6));
	emit(p, MOV_IMM(BPF_REG_2, htons(ETH_P_8021Q)));
	emit(p, LDX(BPF_H, BPF_REG_3, BPF_REG_7, VAL(push_vid)));
	emit(p, CALL(BPF_FUNC_skb_vlan_push));
	fail2 = emit(p, JMP_IMM(BPF_JNE, BPF_REG_0, 0));
	land(p, to_redir);
	land(p, to_redir2);
	emit(p, LDX(BPF_W, BPF_REG_1, BPF_REG_7, VAL(out_ifindex)));
	emit(p, MOV_IMM(BPF_REG_2, 0));
	emit(p, CALL(BPF_FUNC_redirect));
	emit(p, EXIT());
	land(p, miss[0]);
	land(p, miss[1]);
	emit(p, MOV_IMM(BPF_REG_0, TC_ACT_OK));
	emit(p, EXIT());
	land(p, fail1);
	land(p, fail2);
	emit(p, MOV_IMM(BPF_REG_0, TC_ACT_SHOT));
	emit(p, EXIT());
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	long r = syscall(__NR_bpf, cmd, attr, sizeof(*attr));

	return r < 0 ? -errno : (int)r;
}

static int prog_load(const struct prog *p, enum bpf_prog_type type,
		     const char *name)
{
	static char log[8192];
	union bpf_attr a;
	int fd;

	if (p->n > PROG_MAX)
		return -E2BIG;
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (uint64_t)(uintptr_t)p->insns;
	a.insn_cnt = p->n;
	a.license = (uint64_t)(uintptr_t) "Dual MIT/GPL";
	snprintf(a.prog_name, sizeof(a.prog_name), "%s", name);
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0 || fd == -EPERM)
		return fd;
	/* load again with the verifier's log, for whoever changes the code */
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	log[0] = 0;
	if (sys_bpf(BPF_PROG_LOAD, &a) < 0)
		fprintf(stderr, "dcbox: BPF %s refused:\n%s\n", name, log);
	return fd;
}

static int map_create(uint32_t max_flows)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = sizeof(struct tcbpf_key);
	a.value_size = sizeof(struct tcbpf_val);
	a.max_entries = max_flows;
	snprintf(a.map_name, sizeof(a.map_name), "dcbox_l2flows");
	return sys_bpf(BPF_MAP_CREATE, &a);
}

/**
 * tcbpf_open() - create the flow map and load both programs
 * @t: filled in; all fds -1 on failure
 * @max_flows: map size, 0 for TCBPF_MAX_FLOWS
 *
 * Return: 0, -EPERM without CAP_BPF/CAP_SYS_ADMIN, -ENOSYS/-EINVAL on a
 * kernel without BPF or cls_bpf support, or another -errno.
 */
int tcbpf_open(struct tcbpf *t, uint32_t max_flows)
{
	struct prog p;
	int ret;

	t->tc_fd = t->sock_fd = -1;
	t->map_fd = map_create(max_flows ? max_flows : TCBPF_MAX_FLOWS);
	if (t->map_fd < 0)
		return t->map_fd;
	p.n = 0;
	emit_tc(&p, t->map_fd);
	ret = t->tc_fd = prog_load(&p, BPF_PROG_TYPE_SCHED_CLS, "dcbox_fwd");
	if (ret < 0)
		goto err;
	p.n = 0;
	emit_sock(&p, t->map_fd);
	ret = t->sock_fd =
		prog_load(&p, BPF_PROG_TYPE_SOCKET_FILTER, "dcbox_hide");
	if (ret < 0)
		goto err;
	return 0;
err:
	tcbpf_close(t);
	return ret;
}

/**
 * tcbpf_close() - close the map and programs (attached copies stay until
 * their devices or sockets go; call tcbpf_detach() first)
 * @t: as filled by tcbpf_open(), or with all fds -1
 */
void tcbpf_close(struct tcbpf *t)
{
	if (t->sock_fd >= 0)
		close(t->sock_fd);
	if (t->tc_fd >= 0)
		close(t->tc_fd);
	if (t->map_fd >= 0)
		close(t->map_fd);
	t->map_fd = t->tc_fd = t->sock_fd = -1;
}

/**
 * tcbpf_attach() - start the fast path from device @ifindex
 * @t: open programs
 * @ifindex: the device (caller's namespace) the daemon's @pkt_fd reads
 * @pkt_fd: the daemon's AF_PACKET socket on it
 *
 * The socket filter goes on first, then clsact and the tc program; with
 * no flows in the map neither changes anything.
 *
 * Return: 0, or -errno with both removed again.
 */
int tcbpf_attach(const struct tcbpf *t, int ifindex, int pkt_fd)
{
	int ret = 0;

	if (setsockopt(pkt_fd, SOL_SOCKET, SO_ATTACH_BPF, &t->sock_fd,
		       sizeof(t->sock_fd)))
		return -errno;
	ret = netlink_clsact_add(ifindex);
	if (!ret)
		ret = netlink_tc_bpf_add(ifindex, TC_PRIO, t->tc_fd,
					 "dcbox_fwd");
	if (ret)
		tcbpf_detach(ifindex, pkt_fd);
	return ret;
}

/**
 * tcbpf_detach() - stop the fast path from device @ifindex
 * @ifindex: the device
 * @pkt_fd: the daemon's AF_PACKET socket on it, or -1
 *
 * Removes the device's clsact qdisc (with every filter on it) and the
 * socket filter. A device that is already gone is not an error.
 *
 * Return: 0 or the first -errno.
 */
int tcbpf_detach(int ifindex, int pkt_fd)
{
	int ret = netlink_clsact_del(ifindex);
	int dummy = 0;

	if (ret == -ENODEV || ret == -ENOENT || ret == -EINVAL)
		ret = 0;
	if (pkt_fd >= 0 &&
	    setsockopt(pkt_fd, SOL_SOCKET, SO_DETACH_BPF, &dummy,
		       sizeof(dummy)) &&
	    errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

static int map_op(int cmd, int fd, const void *key, void *val, uint64_t fl)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)val;
	a.flags = fl;
	return sys_bpf(cmd, &a) < 0 ? -errno : 0;
}

/**
 * tcbpf_flow_set() - add or replace a flow (its counters start from @v)
 * @t: open map
 * @k: the key; pad must be 0
 * @v: the value
 *
 * Return: 0, -E2BIG when the map is full, or another -errno.
 */
int tcbpf_flow_set(const struct tcbpf *t, const struct tcbpf_key *k,
		   const struct tcbpf_val *v)
{
	return map_op(BPF_MAP_UPDATE_ELEM, t->map_fd, k, (void *)v, BPF_ANY);
}

/**
 * tcbpf_flow_del() - remove a flow
 * @t: open map
 * @k: the key
 *
 * Return: 0, -ENOENT if there was none, or another -errno.
 */
int tcbpf_flow_del(const struct tcbpf *t, const struct tcbpf_key *k)
{
	return map_op(BPF_MAP_DELETE_ELEM, t->map_fd, k, NULL, 0);
}

/**
 * tcbpf_flow_get() - read a flow's value, counters included
 * @t: open map
 * @k: the key
 * @v: filled in
 *
 * Return: 0, -ENOENT if there is none, or another -errno.
 */
int tcbpf_flow_get(const struct tcbpf *t, const struct tcbpf_key *k,
		   struct tcbpf_val *v)
{
	return map_op(BPF_MAP_LOOKUP_ELEM, t->map_fd, k, v, 0);
}
