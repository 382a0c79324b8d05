// SPDX-License-Identifier: MIT
/*
 * ct_tcp.c - the TCP state machine and window tracking of conntrack: pure
 * functions on a struct ct_tcp, called by ct_process() (ct.c) for every TCP
 * segment of a tracked flow and by the ICMP error check.
 *
 * Theory of operation
 *
 * State. A segment is classified by its flags (RST > SYN/SYN-ACK > FIN >
 * ACK > none) and the new state is read from a table indexed by direction,
 * class and old state. The table is Linux's tcp_conntracks[] (itself from
 * Rooij's paper), including simultaneous open (SYN_SENT2). Entries "IV"
 * make the segment invalid; "IG" let it pass without learning anything
 * from it (a retransmitted SYN-ACK, a SYN on an open connection).
 * Deviations from Linux, for a table that is exact rather than forgiving:
 * - no pick-up of connections in the middle (the NONE column allows only a
 *   SYN); Linux's nf_conntrack_tcp_loose is off here;
 * - a SYN in the original direction on a TIME_WAIT or CLOSE connection
 *   always reopens it (Linux only when a FIN or this side's RST closed it,
 *   and otherwise runs an "ignored SYN" heuristic we do not need because
 *   we never lose sync by picking up); a SYN in the reply direction there
 *   is invalid rather than a reversed reopen;
 * - a SYN-ACK must acknowledge exactly the SYN it answers (pf does the
 *   same), which stops blind SYN-ACK spoofing.
 *
 * Windows. Each direction tracks (as seen from its sender) td_end, the
 * highest seq + len sent; td_maxend, the highest ack + window the receiver
 * allowed; td_maxwin, the largest window advertised; and the scale factor.
 * A segment from sender S to receiver R is in the window when
 *	I   seq <= S.td_maxend                   (not beyond what R allows)
 *	II  end >= S.td_end - R.td_maxwin        (not older than a window)
 *	III sack <= R.td_end                     (acks nothing unsent)
 *	IV  sack >= R.td_end - max(S.td_maxwin)  (acks nothing ancient)
 * with sequence-space (mod 2^32) comparisons, and then updates the windows.
 * This is tcp_in_window() of Linux and pf_test_state_tcp() of pf. A RST
 * must also pass these checks, and its seq must not lie below what the
 * receiver has already acknowledged.
 *
 * Window scaling is learnt from the SYN and SYN-ACK and used only when
 * both sent the option; SYN windows are never scaled (RFC 7323).
 */
#include <string.h>

#include "ct/ct_proto.h"

/* Flag classes: the row index of the transition table. */
enum {
	TCP_SYN_SET,
	TCP_SYNACK_SET,
	TCP_FIN_SET,
	TCP_ACK_SET,
	TCP_RST_SET,
	TCP_NONE_SET,
	TCP_INDEX_MAX,
};

enum {
	TCP_OPT_EOL = 0,
	TCP_OPT_NOP = 1,
	TCP_OPT_WSCALE = 3,
	TCP_OPT_SACK_PERM = 4,
	TCP_OPT_SACK = 5,
	TCP_WSCALE_MAX = 14,
	TCP_MAXACKWIN_DEFAULT = 66000, /* Linux MAXACKWINDOW without a window */
};

#define sNO CT_TCP_NONE
#define sSS CT_TCP_SYN_SENT
#define sSR CT_TCP_SYN_RECV
#define sES CT_TCP_ESTABLISHED
#define sFW CT_TCP_FIN_WAIT
#define sCW CT_TCP_CLOSE_WAIT
#define sLA CT_TCP_LAST_ACK
#define sTW CT_TCP_TIME_WAIT
#define sCL CT_TCP_CLOSE
#define sS2 CT_TCP_SYN_SENT2
#define sIV CT_TCP_STATE_MAX
#define sIG (CT_TCP_STATE_MAX + 1)

/* clang-format off */
static const uint8_t tcp_trans[CT_DIR_MAX][TCP_INDEX_MAX][CT_TCP_STATE_MAX] = {
	[CT_DIR_ORIG] = {
		/*	     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		/* syn */  { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
		/* synack */ { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
		/* fin */  { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack */  { sIV, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
		/* rst */  { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* none */ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	[CT_DIR_REPLY] = {
		/*	     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		/* syn */  { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sS2 },
		/* synack */ { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
		/* fin */  { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack */  { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
		/* rst */  { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* none */ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};
/* clang-format on */

static inline bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool seq_after(uint32_t a, uint32_t b)
{
	return seq_before(b, a);
}

static inline uint32_t ld32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static unsigned int tcp_index(uint8_t flags)
{
	if (flags & CT_TH_RST)
		return TCP_RST_SET;
	if (flags & CT_TH_SYN)
		return flags & CT_TH_ACK ? TCP_SYNACK_SET : TCP_SYN_SET;
	if (flags & CT_TH_FIN)
		return TCP_FIN_SET;
	if (flags & CT_TH_ACK)
		return TCP_ACK_SET;
	return TCP_NONE_SET;
}

/**
 * ct_tcp_flags_valid() - is this a flag combination a TCP stack sends
 * @flags: TCP flags byte
 *
 * PSH, ECE and CWR are ignored. Valid: SYN, SYN+ACK, RST, RST+ACK,
 * FIN+ACK, ACK, each optionally with URG except the RSTs (Linux's
 * tcp_valid_flags). SYN+FIN, FIN alone, no flags and the like are not.
 *
 * Return: true if valid.
 */
bool ct_tcp_flags_valid(uint8_t flags)
{
	uint8_t f = flags & ~(CT_TH_PSH | CT_TH_ECE | CT_TH_CWR);

	switch (f) {
	case CT_TH_SYN:
	case CT_TH_SYN | CT_TH_URG:
	case CT_TH_SYN | CT_TH_ACK:
	case CT_TH_RST:
	case CT_TH_RST | CT_TH_ACK:
	case CT_TH_FIN | CT_TH_ACK:
	case CT_TH_FIN | CT_TH_ACK | CT_TH_URG:
	case CT_TH_ACK:
	case CT_TH_ACK | CT_TH_URG:
		return true;
	default:
		return false;
	}
}

/* Options of a parsed TCP header; the parser guaranteed [20, doff). */
static void parse_opts(const uint8_t *o, uint32_t size, struct ct_tcp_seg *s)
{
	uint32_t i = 0, len, j;

	while (i < size) {
		if (o[i] == TCP_OPT_EOL)
			return;
		if (o[i] == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (size - i < 2 || o[i + 1] < 2 || o[i + 1] > size - i)
			return;
		len = o[i + 1];
		if (o[i] == TCP_OPT_WSCALE && len == 3) {
			s->has_wscale = true;
			s->wscale = o[i + 2] > TCP_WSCALE_MAX ? TCP_WSCALE_MAX
							      : o[i + 2];
		} else if (o[i] == TCP_OPT_SACK_PERM && len == 2) {
			s->sack_perm = true;
		} else if (o[i] == TCP_OPT_SACK && len >= 10 &&
			   (len - 2) % 8 == 0) {
			for (j = i + 2; j < i + len; j += 8) {
				uint32_t right = ld32be(o + j + 4);

				if (seq_after(right, s->sack))
					s->sack = right;
			}
		}
		i += len;
	}
}

/**
 * ct_tcp_seg_parse() - read seq, ack, window and options of a segment
 * @frame: the frame pkt_parse() parsed
 * @m: its descriptor; a TCP header must have been parsed (PKT_F_L4)
 * @s: filled
 */
void ct_tcp_seg_parse(const uint8_t *frame, const struct pkt_meta *m,
		      struct ct_tcp_seg *s)
{
	const uint8_t *h = frame + m->l4_off;

	memset(s, 0, sizeof(*s));
	s->seq = ld32be(h + 4);
	s->ack = ld32be(h + 8);
	s->sack = s->ack;
	s->win = (uint16_t)(h[14] << 8 | h[15]);
	s->flags = (uint8_t)m->tcp_flags;
	s->len = m->payload_len;
	parse_opts(h + 20, m->payload_off - m->l4_off - 20u, s);
}

static void learn_opts(struct ct_tcp_dir *d, const struct ct_tcp_seg *s)
{
	d->flags &= ~(CT_TCP_F_WSCALE | CT_TCP_F_SACK_PERM);
	d->td_scale = 0;
	if (s->has_wscale) {
		d->flags |= CT_TCP_F_WSCALE;
		d->td_scale = s->wscale;
	}
	if (s->sack_perm)
		d->flags |= CT_TCP_F_SACK_PERM;
}

static uint32_t seg_end(const struct ct_tcp_seg *s)
{
	return s->seq + s->len + !!(s->flags & CT_TH_SYN) +
	       !!(s->flags & CT_TH_FIN);
}

/**
 * ct_tcp_new() - start tracking a connection from its first segment
 * @tcp: TCP part of a new entry; overwritten
 * @s: the segment, original direction
 *
 * Return: 0, or -CT_INV_TCP_NO_SYN if it is not a SYN (no pick-up).
 */
int ct_tcp_new(struct ct_tcp *tcp, const struct ct_tcp_seg *s)
{
	struct ct_tcp_dir *d = &tcp->seen[CT_DIR_ORIG];

	if (tcp_trans[CT_DIR_ORIG][tcp_index(s->flags)][sNO] != sSS)
		return -CT_INV_TCP_NO_SYN;
	memset(tcp, 0, sizeof(*tcp));
	d->td_end = seg_end(s);
	d->td_maxend = d->td_end;
	d->td_maxwin = s->win ? s->win : 1;
	learn_opts(d, s);
	tcp->state = CT_TCP_SYN_SENT;
	tcp->last_index = TCP_SYN_SET;
	tcp->last_dir = CT_DIR_ORIG;
	return 0;
}

/* First segment seen from this sender: learn its sequence space. */
static bool init_sender(struct ct_tcp_dir *snd, struct ct_tcp_dir *rcv,
			const struct ct_tcp_seg *s, uint32_t end, uint32_t sack)
{
	uint32_t swin;

	if (s->flags & CT_TH_SYN) {
		snd->td_end = snd->td_maxend = end;
		snd->td_maxwin = s->win ? s->win : 1;
		learn_opts(snd, s);
		if (!(snd->flags & rcv->flags & CT_TCP_F_WSCALE))
			snd->td_scale = rcv->td_scale = 0;
		/* SYN without ACK from the reply side: simultaneous open */
		return !(s->flags & CT_TH_ACK);
	}
	/* A reply that is not a SYN (a RST refusing the SYN) */
	snd->td_end = end;
	swin = (uint32_t)s->win << snd->td_scale;
	snd->td_maxwin = swin ? swin : 1;
	snd->td_maxend = end + snd->td_maxwin;
	if (!rcv->td_maxwin)
		rcv->td_end = rcv->td_maxend = sack;
	else if (sack == rcv->td_end + 1)
		rcv->td_end++;
	return false;
}

static void update_windows(struct ct_tcp_dir *snd, struct ct_tcp_dir *rcv,
			   const struct ct_tcp_seg *s, uint32_t end,
			   uint32_t ack, uint32_t sack)
{
	uint32_t win = s->win, swin;

	if (!(s->flags & CT_TH_SYN))
		win <<= snd->td_scale;
	swin = win + (sack - ack);
	if (snd->td_maxwin < swin)
		snd->td_maxwin = swin;
	if (seq_after(end, snd->td_end)) {
		snd->td_end = end;
		snd->flags |= CT_TCP_F_DATA_UNACK;
	}
	if (s->flags & CT_TH_ACK) {
		if (!(snd->flags & CT_TCP_F_MAXACK_SET)) {
			snd->td_maxack = ack;
			snd->flags |= CT_TCP_F_MAXACK_SET;
		} else if (seq_after(ack, snd->td_maxack)) {
			snd->td_maxack = ack;
		}
	}
	if (rcv->td_maxwin && seq_after(end, snd->td_maxend))
		rcv->td_maxwin += end - snd->td_maxend;
	if (seq_after(sack + win, rcv->td_maxend - 1)) {
		rcv->td_maxend = sack + win;
		if (!win)
			rcv->td_maxend++;
	}
	if (ack == rcv->td_end)
		rcv->flags &= ~CT_TCP_F_DATA_UNACK;
}

/* Rooij's four checks and the window update; 0 or -CT_INV_*. */
static int in_window(struct ct_tcp *tcp, enum ct_dir dir,
		     const struct ct_tcp_seg *s, uint8_t old)
{
	struct ct_tcp_dir *snd = &tcp->seen[dir], *rcv = &tcp->seen[!dir];
	uint32_t seq = s->seq, end = seg_end(s), ack = s->ack, maxack;
	uint32_t sack = rcv->flags & CT_TCP_F_SACK_PERM ? s->sack : s->ack;

	if (!snd->td_maxwin) {
		if (init_sender(snd, rcv, s, end, sack))
			return 0;
	} else if (((old == sSS && dir == CT_DIR_ORIG) ||
		    (old == sSR && dir == CT_DIR_REPLY)) &&
		   seq_after(end, snd->td_end)) {
		/* The SYN (or SYN-ACK) again, with a new sequence number */
		snd->td_end = snd->td_maxend = end;
		snd->td_maxwin = s->win ? s->win : 1;
		learn_opts(snd, s);
	}
	if (!(s->flags & CT_TH_ACK) || ((s->flags & CT_TH_RST) && ack == 0))
		ack = sack = rcv->td_end;
	if ((s->flags & CT_TH_RST) && seq == 0 && old == sSS)
		seq = end = snd->td_end; /* RST answering the SYN */
	maxack = snd->td_maxwin ? snd->td_maxwin : TCP_MAXACKWIN_DEFAULT;
	if (!seq_before(seq, snd->td_maxend + 1) ||
	    (rcv->td_maxwin &&
	     !seq_after(end, snd->td_end - rcv->td_maxwin - 1)))
		return -CT_INV_TCP_SEQ;
	if (!seq_before(sack, rcv->td_end + 1) ||
	    !seq_after(sack, rcv->td_end - maxack - 1))
		return -CT_INV_TCP_ACK;
	update_windows(snd, rcv, s, end, ack, sack);
	return 0;
}

/* Checks that the transition table alone does not express. */
static int check_special(const struct ct_tcp *tcp, enum ct_dir dir,
			 const struct ct_tcp_seg *s, unsigned int index)
{
	const struct ct_tcp_dir *rcv = &tcp->seen[!dir];

	if (index == TCP_SYNACK_SET && s->ack != rcv->td_end)
		return -CT_INV_TCP_SYNACK;
	if (index == TCP_RST_SET && (rcv->flags & CT_TCP_F_MAXACK_SET) &&
	    seq_before(s->seq, rcv->td_maxack))
		return -CT_INV_TCP_RST;
	return 0;
}

/**
 * ct_tcp_packet() - run one segment of a tracked connection
 * @tcp: the connection's TCP state; updated if the segment is accepted
 * @dir: direction of the segment
 * @s: the segment (flags already checked with ct_tcp_flags_valid())
 * @assure: set to true if the connection just became established
 *          (handshake completed), else false
 *
 * Return: CT_TCP_ACCEPT, CT_TCP_IGNORE (pass, state unchanged),
 * CT_TCP_REOPEN (a SYN for a closed connection: the caller replaces the
 * entry with a new one), or -CT_INV_* (enum ct_invalid_reason): the segment
 * is invalid and nothing was changed... except the window bookkeeping of a
 * side seen for the first time, as in Linux.
 */
int ct_tcp_packet(struct ct_tcp *tcp, enum ct_dir dir,
		  const struct ct_tcp_seg *s, bool *assure)
{
	unsigned int index = tcp_index(s->flags);
	uint8_t old = tcp->state, new;
	int ret;

	*assure = false;
	if (old >= CT_TCP_STATE_MAX)
		return -CT_INV_TCP_STATE;
	new = tcp_trans[dir][index][old];
	if (new == sIV)
		return -CT_INV_TCP_STATE;
	if (new == sIG)
		return CT_TCP_IGNORE;
	if (new == sSS && (old == sTW || old == sCL))
		return CT_TCP_REOPEN;
	ret = check_special(tcp, dir, s, index);
	if (ret)
		return ret;
	ret = in_window(tcp, dir, s, old);
	if (ret)
		return index == TCP_RST_SET ? -CT_INV_TCP_RST : ret;
	tcp->last_index = (uint8_t)index;
	tcp->last_dir = (uint8_t)dir;
	tcp->state = new;
	if (old != new &&new == sFW)
		tcp->seen[dir].flags |= CT_TCP_F_CLOSE_INIT;
	if ((old == sSR || old == sES) && new == sES)
		*assure = true;
	return CT_TCP_ACCEPT;
}

/**
 * ct_tcp_seq_ok() - could @sender have sent a segment starting at @seq
 * @tcp: the connection
 * @sender: direction of the segment (the one quoted in an ICMP error)
 * @seq: its sequence number
 *
 * Used to check the TCP header quoted in an ICMP error, so that a blind
 * attacker cannot reset connections with forged "unreachable" messages.
 *
 * Return: true if within the sender's window or nothing is known yet.
 */
bool ct_tcp_seq_ok(const struct ct_tcp *tcp, enum ct_dir sender, uint32_t seq)
{
	const struct ct_tcp_dir *snd = &tcp->seen[sender];
	const struct ct_tcp_dir *rcv = &tcp->seen[!sender];
	uint32_t win = rcv->td_maxwin ? rcv->td_maxwin : 1;

	if (!snd->td_maxwin)
		return true;
	return seq_before(seq, snd->td_maxend + 1) &&
	       seq_after(seq, snd->td_end - win - 1);
}
