// SPDX-License-Identifier: MIT
/*
 * fuzz_topo.c - libFuzzer harness for the YAML topology loader.
 *
 * Feeds each input to topo_parse_buf() and, when it is accepted, through
 * topo_dump() and topo_validate() again, so the whole of src/topo's parse
 * path runs under ASan/UBSan, firewall rules included (parsed by src/fw's
 * rule parser with the topology's name resolver). The .c files are
 * included (house rule 17) so nothing else is linked; libyaml comes from
 * the system. struct topo is about 4 MB, so it is allocated once. Seeds:
 * fuzz/corpus/fuzz_topo/ (the examples and the golden files). A
 * `rules-file:` is read relative to the working directory ("fuzz.yaml" has
 * no directory); only regular files are opened, so the fuzzer cannot block
 * on a FIFO or a terminal.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/fw/fw_policy.c"
#include "../src/fw/fw_rule.c"
#include "../src/fw/fw_set.c"
#include "../src/topo/topo_dump.c"
#include "../src/topo/topo_parse.c"
#include "../src/topo/topo_parse_fw.c"
#include "../src/topo/topo_parse_ips.c"
#include "../src/topo/topo_parse_router.c"
#include "../src/topo/topo_parse_tunnel.c"
#include "../src/topo/topo_validate.c"
#include "../src/topo/topo_yaml.c"
#include "fuzz.h"

/* Rules files named by `ips:` are not read while fuzzing the parser (the
 * rule language has its own harness, fuzz_ips_rule.c). */
int topo_ips_validate(const struct topo *t, char *err, size_t errsize)
{
	(void)t;
	(void)err;
	(void)errsize;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct topo *t;
	static FILE *devnull;
	char err[256];

	if (!t) {
		t = malloc(sizeof(*t));
		devnull = fopen("/dev/null", "w");
		if (!t || !devnull)
			abort();
	}
	if (topo_parse_buf((const char *)data, size, "fuzz.yaml", t, err,
			   sizeof(err)))
		return 0;
	topo_dump(t, devnull);
	if (topo_validate(t, err, sizeof(err)))
		abort(); /* the parser accepted what the validator rejects */
	return 0;
}
