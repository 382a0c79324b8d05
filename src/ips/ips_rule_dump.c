// SPDX-License-Identifier: MIT
/*
 * ips_rule_dump.c - print a parsed rule in a normalised, line-per-field
 * form: what the golden tests (tests/golden/ips/) compare and what a
 * person reads to see how dcbox understood a rule. Sets are printed
 * evaluated (variables expanded, negation applied), contents decoded and
 * re-encoded canonically (printable bytes as text, the rest as |hex|),
 * each payload condition with the buffer it inspects.
 */
#include <stdio.h>

#include "ips/ips_rule.h"

static const char *const dump_num_ops[] = {
#define IPS_NUM_OP_NAME(e, s) s,
	IPS_NUM_OPS(IPS_NUM_OP_NAME)
#undef IPS_NUM_OP_NAME
};

static const char *const dump_byte_ops[] = {
#define IPS_BYTE_OP_NAME(e, s) s,
	IPS_BYTE_OPS(IPS_BYTE_OP_NAME)
#undef IPS_BYTE_OP_NAME
};

static const char *const dump_flowbit_ops[] = {
#define IPS_FLOWBIT_NAME(e, s) s,
	IPS_FLOWBIT_OPS(IPS_FLOWBIT_NAME)
#undef IPS_FLOWBIT_NAME
};

static void print_num(const char *name, const struct ips_num *n, FILE *f)
{
	if (n->op == IPS_NUM_NONE)
		return;
	if (n->op == IPS_NUM_RANGE)
		fprintf(f, "  %s %u<>%u", name, n->lo, n->hi);
	else
		fprintf(f, "  %s %s%u", name, dump_num_ops[n->op], n->lo);
}

static void print_bytes(const uint8_t *b, uint32_t len, FILE *f)
{
	bool hex = false;

	fputc('"', f);
	for (uint32_t i = 0; i < len; i++) {
		bool plain = b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' &&
			     b[i] != '|' && b[i] != '\\' && b[i] != ';';

		if (plain && hex)
			fputc('|', f);
		else if (!plain)
			fprintf(f, hex ? " %02x" : "|%02x", b[i]);
		if (plain)
			fputc(b[i], f);
		hex = !plain;
	}
	fputs(hex ? "|\"" : "\"", f);
}

static void print_content(const struct ips_content *c, FILE *f)
{
	static const struct {
		uint32_t flag;
		const char *word;
	} words[] = {
		{IPS_CONTENT_NOCASE, "nocase"},
		{IPS_CONTENT_RAWBYTES, "rawbytes"},
		{IPS_CONTENT_STARTSWITH, "startswith"},
		{IPS_CONTENT_ENDSWITH, "endswith"},
	};

	fprintf(f, "content %s", c->flags & IPS_CONTENT_NEGATED ? "!" : "");
	print_bytes(c->bytes, c->len, f);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (c->flags & words[i].flag)
			fprintf(f, " %s", words[i].word);
	if (c->flags & IPS_CONTENT_OFFSET)
		fprintf(f, " offset %d", c->offset);
	if (c->flags & IPS_CONTENT_DEPTH)
		fprintf(f, " depth %d", c->depth);
	if (c->flags & IPS_CONTENT_DISTANCE)
		fprintf(f, " distance %d", c->distance);
	if (c->flags & IPS_CONTENT_WITHIN)
		fprintf(f, " within %d", c->within);
	if (c->flags & IPS_CONTENT_FAST_PATTERN)
		fputs(" fast_pattern", f);
	if (c->flags & IPS_CONTENT_FP_ONLY)
		fputs(":only", f);
	if (c->flags & IPS_CONTENT_FP_CHOP)
		fprintf(f, ":%u,%u", c->fp_offset, c->fp_len);
}

static void print_byte(const struct ips_match *m, FILE *f)
{
	static const struct {
		uint32_t flag;
		const char *word;
	} words[] = {
		{IPS_BYTE_RELATIVE, "relative"},
		{IPS_BYTE_LITTLE, "little"},
		{IPS_BYTE_STRING, "string"},
		{IPS_BYTE_DCE, "dce"},
		{IPS_BYTE_ALIGN, "align"},
		{IPS_BYTE_FROM_BEGINNING, "from_beginning"},
		{IPS_BYTE_FROM_END, "from_end"},
		{IPS_BYTE_RAWBYTES, "rawbytes"},
	};
	const struct ips_byte *b = &m->byte;
	const char *neg = b->flags & IPS_BYTE_NEGATED ? "!" : "";

	if (m->kind == IPS_MATCH_ISDATAAT)
		fprintf(f, "isdataat %s%d", neg, b->offset);
	else if (m->kind == IPS_MATCH_BYTE_TEST)
		fprintf(f, "byte_test %u,%s%s,%llu,%d", b->nbytes, neg,
			dump_byte_ops[b->op], (unsigned long long)b->value,
			b->offset);
	else
		fprintf(f, "byte_jump %u,%d", b->nbytes, b->offset);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (b->flags & words[i].flag)
			fprintf(f, ",%s", words[i].word);
	if (b->flags & IPS_BYTE_STRING)
		fprintf(f, ",base %u", b->base);
	if (b->flags & IPS_BYTE_BITMASK)
		fprintf(f, ",bitmask 0x%llx", (unsigned long long)b->bitmask);
	if (m->kind == IPS_MATCH_BYTE_JUMP && b->multiplier != 1)
		fprintf(f, ",multiplier %u", b->multiplier);
	if (m->kind == IPS_MATCH_BYTE_JUMP && b->post_offset)
		fprintf(f, ",post_offset %d", b->post_offset);
}

static void print_match(const struct ips_match *m, FILE *f)
{
	const struct ips_pcre *pc = &m->pcre;

	fprintf(f, "  match %s ", ips_buf_name(m->buf));
	if (m->kind == IPS_MATCH_CONTENT) {
		print_content(&m->content, f);
	} else if (m->kind == IPS_MATCH_PCRE) {
		fprintf(f, "pcre %s\"%s\"%s%s",
			pc->flags & IPS_PCRE_NEGATED ? "!" : "", pc->text,
			pc->flags & IPS_PCRE_RELATIVE ? " relative" : "",
			pc->flags & IPS_PCRE_NO_LIMIT ? " no_limit" : "");
	} else if (m->kind == IPS_MATCH_BSIZE) {
		if (m->size.op == IPS_NUM_RANGE)
			fprintf(f, "bsize %u<>%u", m->size.lo, m->size.hi);
		else
			fprintf(f, "bsize %s%u", dump_num_ops[m->size.op],
				m->size.lo);
	} else {
		print_byte(m, f);
	}
	fputc('\n', f);
}

static void print_flow(uint32_t flow, FILE *f)
{
	static const char *const names[] = {
		"to_server",	   "to_client", "established",
		"not_established", "stateless", "only_stream",
		"no_stream",	   "only_frag", "no_frag",
	};
	bool first = true;

	if (!flow)
		return;
	fputs("  flow ", f);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flow & (1u << i)) {
			fprintf(f, "%s%s", first ? "" : ",", names[i]);
			first = false;
		}
	}
	fputc('\n', f);
}

static void print_thresh(const char *name, const struct ips_thresh *t, FILE *f)
{
	static const char *const types[] = {"", "limit", "threshold", "both",
					    ""};
	static const char *const tracks[] = {"by_src", "by_dst", "by_rule",
					     "by_both"};

	if (t->type == IPS_THRESH_NONE)
		return;
	fprintf(f, "  %s", name);
	if (t->type != IPS_THRESH_DETECTION_FILTER)
		fprintf(f, " type %s", types[t->type]);
	fprintf(f, " track %s count %u seconds %u\n", tracks[t->track],
		t->count, t->seconds);
}

static void print_flowbits(const struct ips_rule *r, FILE *f)
{
	for (uint32_t i = 0; i < r->n_flowbits; i++) {
		const struct ips_flowbit *fb = &r->flowbits[i];

		fprintf(f, "  flowbits %s ", dump_flowbit_ops[fb->op]);
		for (uint32_t j = 0; j < fb->n_names; j++)
			fprintf(f, "%s%s", j ? (fb->any_of ? "|" : "&") : "",
				fb->names[j]);
		fputc('\n', f);
	}
	if (r->noalert)
		fputs("  noalert\n", f);
}

static void print_tcp_flags(const struct ips_tcp_flags *t, FILE *f)
{
	static const char names[] = "FSRPAUCE";

	if (!t->given)
		return;
	fprintf(f, "  flags %s", t->mod ? (char[]){t->mod, 0} : "");
	for (int i = 0; i < 8; i++)
		if (t->set & (1u << i))
			fputc(names[i], f);
	if (!t->set)
		fputc('0', f);
	if (t->ignore) {
		fputs(" ignore ", f);
		for (int i = 0; i < 8; i++)
			if (t->ignore & (1u << i))
				fputc(names[i], f);
	}
	fputc('\n', f);
}

static void print_header(const struct ips_rule *r, FILE *f)
{
	static const char *const apps[] = {"", "http", "dns", "tls"};

	fprintf(f, "rule %u:%u:%u %s %s", r->gid, r->sid, r->rev,
		ips_action_name(r->action), ips_proto_name(r->proto));
	if (r->app && r->proto < IPS_PROTO_HTTP)
		fprintf(f, " app %s", apps[r->app]);
	fputs("\n  ", f);
	ips_addrs_print(&r->src, f);
	fputc(' ', f);
	ips_set_print_ports(&r->sport, f);
	fputs(r->bidir ? " <> " : " -> ", f);
	ips_addrs_print(&r->dst, f);
	fputc(' ', f);
	ips_set_print_ports(&r->dport, f);
	fputc('\n', f);
	if (r->msg && *r->msg) {
		fputs("  msg \"", f);
		for (const char *c = r->msg; *c; c++) {
			if (*c == '"' || *c == '\\' || *c == ';')
				fputc('\\', f);
			fputc(*c, f);
		}
		fputs("\"\n", f);
	}
	if (r->classtype)
		fprintf(f, "  classtype %s\n", r->classtype);
	if (r->priority)
		fprintf(f, "  priority %u\n", r->priority);
	for (uint32_t i = 0; i < r->n_refs; i++)
		fprintf(f, "  reference %s,%s\n", r->refs[i].type,
			r->refs[i].value);
	for (uint32_t i = 0; i < r->n_metadata; i++)
		fprintf(f, "  metadata %s\n", r->metadata[i]);
}

/**
 * ips_rule_dump() - print @r normalised, one field per line: "rule
 * GID:SID:REV ACTION PROTO [app APP]", the evaluated header, then msg,
 * classtype, references, metadata, flow, flowbits, sizes, flags,
 * thresholds and each payload condition as "match BUFFER ..." in order
 * @r: parsed rule
 * @f: stream
 */
void ips_rule_dump(const struct ips_rule *r, FILE *f)
{
	print_header(r, f);
	print_flow(r->flow, f);
	print_flowbits(r, f);
	print_num("dsize", &r->dsize, f);
	if (r->dsize.op)
		fputc('\n', f);
	print_num("urilen", &r->urilen, f);
	if (r->urilen.op)
		fputs(r->urilen_raw ? " raw\n" : "\n", f);
	print_num("itype", &r->itype, f);
	if (r->itype.op)
		fputc('\n', f);
	print_num("icode", &r->icode, f);
	if (r->icode.op)
		fputc('\n', f);
	print_tcp_flags(&r->tcp_flags, f);
	print_thresh("threshold", &r->threshold, f);
	print_thresh("detection_filter", &r->detection_filter, f);
	for (uint32_t i = 0; i < r->n_matches; i++)
		print_match(&r->matches[i], f);
}
