// SPDX-License-Identifier: MIT
/*
 * test_vxlan_gro.c - vxlan_gro_merge() (src/port/vxlan_gro.c) without
 * sockets: a TSO frame is cut by qsock_seg (what vxlan.c's tx does), laid
 * out as a UDP GRO train of VXLAN units, and must come back whole, byte
 * for byte, with the right offload state. Then a table of trains that
 * must not be joined, each checked to leave the buffer untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/virtio_net.h>
#include <cmocka.h>

#include "core/csum.h"
#include "port/qsock_seg.h"
#include "port/vxlan.h"
#include "port/vxlan_gro.h"

enum { MSS = 1400, BUF = 70000 };

static const uint8_t vxh[8] = {0x08, 0, 0, 0, 0x00, 0x13, 0x89, 0};

struct train {
	uint8_t tso[BUF]; /* the original frame */
	uint32_t tso_len, l4;
	uint8_t buf[BUF]; /* the units */
	uint32_t len, gso, n;
	struct pkt p;
};

/* Ethernet + IPv4/IPv6 + TCP (timestamps option), @pay payload bytes */
static uint32_t tcp_frame(uint8_t *d, bool v6, uint32_t pay, uint32_t *l4)
{
	uint32_t l3 = 14, i, ipl = v6 ? 40 : 20, th = 32;
	uint8_t *ip = d + l3, *tcp = ip + ipl;
	uint16_t c;

	memset(d, 0, l3 + ipl + th);
	memcpy(d, "\x02\0\0\0\0\x0b\x02\0\0\0\0\x0a", 12);
	d[12] = v6 ? 0x86 : 0x08;
	d[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		ip[0] = 0x60;
		ip[4] = (uint8_t)((th + pay) >> 8);
		ip[5] = (uint8_t)(th + pay);
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[23] = 1;
		ip[24] = 0xfd;
		ip[39] = 2;
	} else {
		ip[0] = 0x45;
		ip[2] = (uint8_t)((ipl + th + pay) >> 8);
		ip[3] = (uint8_t)(ipl + th + pay);
		ip[4] = 0x77;
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
		c = csum_ipv4_hdr(ip, 20);
		memcpy(ip + 10, &c, 2);
	}
	memcpy(tcp, "\x04\xd2\x14\x51\xff\xff\xfa\x00\0\0\0\x05", 12);
	tcp[12] = (th / 4) << 4;
	tcp[13] = 0x18; /* PSH ACK */
	tcp[14] = 0x10;
	memcpy(tcp + 20, "\x01\x01\x08\x0a\0\0\0\x07\0\0\0\x09", 12);
	for (i = 0; i < pay; i++)
		tcp[th + i] = (uint8_t)(i * 13 + 5);
	*l4 = l3 + ipl;
	return l3 + ipl + th + pay;
}

/* the partial checksum a sender's kernel leaves: the pseudo-header sum */
static uint16_t partial(const uint8_t *d, uint32_t len, uint32_t l4, bool v6)
{
	uint32_t sa, da;

	if (v6)
		return (uint16_t)~csum_fold(csum_pseudo_ipv6(
			d + 22, d + 38, IPPROTO_TCP, len - l4));
	memcpy(&sa, d + 26, 4);
	memcpy(&da, d + 30, 4);
	return (uint16_t)~csum_fold(
		csum_pseudo_ipv4(sa, da, IPPROTO_TCP, (uint16_t)(len - l4)));
}

/* a TSO frame of @pay bytes cut into a train of units */
static void make_train(struct train *t, bool v6, uint32_t pay)
{
	struct qsock_unit u;
	struct qsock_seg s;
	uint8_t hdr[QSOCK_SEG_HDR_MAX];
	uint16_t c;

	t->tso_len = tcp_frame(t->tso, v6, pay, &t->l4);
	c = partial(t->tso, t->tso_len, t->l4, v6);
	memcpy(t->tso + t->l4 + 16, &c, 2);
	t->p = (struct pkt){.buf = t->tso, .off = 0, .len = t->tso_len};
	t->p.vnet = (struct virtio_net_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6
			       : VIRTIO_NET_HDR_GSO_TCPV4,
		.gso_size = MSS,
		.hdr_len = (uint16_t)(t->l4 + 32),
		.csum_start = (uint16_t)t->l4,
		.csum_offset = 16};
	assert_int_equal(qsock_seg_start(&s, &t->p), 0);
	t->len = t->n = 0;
	t->gso = VXLAN_HLEN + t->l4 + 32 + MSS;
	while (qsock_seg_next(&s, hdr, &u)) {
		memcpy(t->buf + t->len, vxh, VXLAN_HLEN);
		memcpy(t->buf + t->len + VXLAN_HLEN, u.hdr, u.hdr_len);
		memcpy(t->buf + t->len + VXLAN_HLEN + u.hdr_len, u.data,
		       u.data_len);
		t->len += VXLAN_HLEN + u.hdr_len + u.data_len;
		t->n++;
	}
}

static void roundtrip(bool v6, uint32_t pay, uint32_t units)
{
	struct train *t = calloc(1, sizeof(*t));
	struct virtio_net_hdr v = {0};
	uint32_t m;

	assert_non_null(t);
	make_train(t, v6, pay);
	assert_int_equal(t->n, units);
	m = vxlan_gro_merge(t->buf, t->len, t->gso, &v);
	assert_int_equal(m, t->tso_len);
	assert_memory_equal(t->buf + VXLAN_HLEN, t->tso, t->tso_len);
	assert_int_equal(v.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(v.gso_type, v6 ? VIRTIO_NET_HDR_GSO_TCPV6
					: VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(v.gso_size, MSS);
	assert_int_equal(v.hdr_len, t->l4 + 32);
	assert_int_equal(v.csum_start, t->l4);
	assert_int_equal(v.csum_offset, 16);
	free(t);
}

static void test_roundtrip_v4(void **state)
{
	(void)state;
	roundtrip(false, 10000, 8); /* last unit shorter */
	roundtrip(false, 2 * MSS, 2); /* last unit full */
	roundtrip(false, 43 * MSS + 1, 44);
}

static void test_roundtrip_v6(void **state)
{
	(void)state;
	roundtrip(true, 10000, 8);
	roundtrip(true, MSS + 1, 2);
}

/* ways to spoil a 4-unit train (unit 2 unless said otherwise) */
enum spoil {
	SP_PAYLOAD, /* a payload byte: the TCP checksum fails */
	SP_SEQ, /* a sequence gap */
	SP_PORT, /* another flow (checksum fixed up) */
	SP_VNI, /* another VXLAN header */
	SP_SYN, /* SYN set (checksum fixed up) */
	SP_FIN_MID, /* FIN before the last unit */
	SP_IPCSUM, /* a bad IPv4 header checksum */
	SP_FRAG, /* IPv4 more-fragments */
	SP_UDP, /* not TCP */
	SP_ONE_UNIT, /* gso >= len: nothing to join */
	SP_MAX,
};

/* fix the TCP checksum of the unit at @f (@fl bytes) after a change */
static void refix(uint8_t *f, uint32_t fl, uint32_t l4)
{
	uint32_t sa, da;
	uint16_t c = 0;

	memcpy(f + l4 + 16, &c, 2);
	memcpy(&sa, f + 26, 4);
	memcpy(&da, f + 30, 4);
	c = csum_fold(csum_partial(
		f + l4, fl - l4,
		csum_pseudo_ipv4(sa, da, IPPROTO_TCP, (uint16_t)(fl - l4))));
	memcpy(f + l4 + 16, &c, 2);
}

static void spoil(struct train *t, enum spoil sp)
{
	uint8_t *u = t->buf + 2 * t->gso, *f = u + VXLAN_HLEN;
	uint32_t fl = t->gso - VXLAN_HLEN, l4 = t->l4;

	switch (sp) {
	case SP_PAYLOAD:
		f[l4 + 40] ^= 1;
		break;
	case SP_SEQ:
		f[l4 + 7] += 1;
		refix(f, fl, l4);
		break;
	case SP_PORT:
		f[l4 + 1] += 1;
		refix(f, fl, l4);
		break;
	case SP_VNI:
		u[6] ^= 1;
		break;
	case SP_SYN:
		f[l4 + 13] |= 0x02;
		refix(f, fl, l4);
		break;
	case SP_FIN_MID:
		f[l4 + 13] |= 0x01;
		refix(f, fl, l4);
		break;
	case SP_IPCSUM:
		f[14 + 10] ^= 1;
		break;
	case SP_FRAG:
		f[14 + 6] |= 0x20;
		break;
	case SP_UDP:
		f[14 + 9] = IPPROTO_UDP;
		f[14 + 10] = f[14 + 11] = 0;
		break;
	case SP_ONE_UNIT:
		t->gso = t->len;
		break;
	case SP_MAX:
		break;
	}
}

static void test_not_joined(void **state)
{
	struct train *t = calloc(1, sizeof(*t));
	static uint8_t copy[BUF];
	struct virtio_net_hdr v = {.gso_size = 7};
	uint16_t c;
	int sp;

	(void)state;
	assert_non_null(t);
	for (sp = 0; sp < SP_MAX; sp++) {
		make_train(t, false, 4 * MSS - 100);
		assert_int_equal(t->n, 4);
		spoil(t, (enum spoil)sp);
		if (sp == SP_UDP) { /* a valid IPv4 header, still not TCP */
			c = csum_ipv4_hdr(t->buf + 2 * t->gso + 22, 20);
			memcpy(t->buf + 2 * t->gso + 32, &c, 2);
		}
		memcpy(copy, t->buf, t->len);
		if (vxlan_gro_merge(t->buf, t->len, t->gso, &v))
			fail_msg("spoil %d was joined", sp);
		assert_memory_equal(copy, t->buf, t->len);
		assert_int_equal(v.gso_size, 7); /* untouched */
	}
	/* and the unspoilt train is joined (the table tests something) */
	make_train(t, false, 4 * MSS - 100);
	assert_int_equal(vxlan_gro_merge(t->buf, t->len, t->gso, &v),
			 t->tso_len);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_v4),
		cmocka_unit_test(test_roundtrip_v6),
		cmocka_unit_test(test_not_joined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
