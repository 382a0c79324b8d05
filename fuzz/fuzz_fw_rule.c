// SPDX-License-Identifier: MIT
/*
 * fuzz_fw_rule.c - libFuzzer harness for the firewall rule language.
 *
 * Each input is a standalone rules file (fw_policy.h): defines, a default
 * and rules. Names not defined in the input resolve through a small fixed
 * table (web, db, client, and "empty"). An accepted policy is dumped, each
 * rule's canonical text is parsed again and must give the same sets, and
 * the policy is compiled into the classifier, whose answer for a few keys
 * derived from the input must equal the linear reference's. A mismatch
 * traps. The .c files are included (house rule 17). Seeds:
 * fuzz/corpus/fuzz_fw_rule/ (the golden files).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/parse.c"
#include "../src/fw/fw_classify.c"
#include "../src/fw/fw_policy.c"
#include "../src/fw/fw_rule.c"
#include "../src/fw/fw_set.c"
#include "fuzz.h"

static int fuzz_resolve(void *arg, const char *name, struct fw_set *out)
{
	(void)arg;
	if (!strcmp(name, "web"))
		return fw_set_add(out, 0x0a00000b, 0x0a00000c);
	if (!strcmp(name, "db"))
		return fw_set_add_prefix(out, 0x0a000015, 32);
	if (!strcmp(name, "client"))
		return fw_set_add_prefix(out, 0x0a000005, 32);
	if (!strcmp(name, "empty"))
		return 0;
	return -ENOENT;
}

static void check_reparse(const struct fw_rule *r)
{
	char err[256];
	struct fw_rule r2;

	CHECK(!fw_rule_parse(&r2, r->text, NULL, fuzz_resolve, NULL, err,
			     sizeof(err)));
	CHECK(!strcmp(r2.text, r->text));
	CHECK(fw_set_equal(&r->sport, &r2.sport));
	CHECK(fw_set_equal(&r->dport, &r2.dport));
	fw_rule_free(&r2);
}

static void check_classifier(const struct fw_policy *p, const uint8_t *data,
			     size_t size)
{
	struct fw_classifier *c;
	struct fw_key k;
	size_t i;

	if (fw_classifier_build(p, &c))
		return;
	for (i = 0; i + sizeof(k) <= size && i < 16 * sizeof(k);
	     i += sizeof(k)) {
		memcpy(&k, data + i, sizeof(k));
		k.v6 &= 1;
		CHECK(fw_classify(c, &k) == fw_policy_match(p, &k));
	}
	fw_classifier_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct fw_policy p;
	char err[256];
	uint32_t i;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	if (size > 1 << 16)
		return 0;
	fw_policy_init(&p);
	if (!fw_policy_parse_buf(&p, (const char *)data, size, "fuzz.rules",
				 fuzz_resolve, NULL, err, sizeof(err))) {
		fw_policy_dump(&p, devnull);
		for (i = 0; i < p.n_rules && i < 64; i++)
			if (!p.n_defines)
				check_reparse(&p.rules[i]);
		if (p.n_rules <= 256)
			check_classifier(&p, data, size);
	} else {
		CHECK(strchr(err, ':') && !strchr(err, '\n'));
	}
	fw_policy_free(&p);
	return 0;
}
