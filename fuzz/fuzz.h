/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what every libFuzzer harness in fuzz/ shares: the entry point's
 * prototype (-Wmissing-prototypes clean) and CHECK(), an invariant that
 * stops the run with a trap (libFuzzer then saves the input) when it does
 * not hold. Harnesses #include the .c files they test, then this.
 */
#ifndef DCBOX_FUZZ_H
#define DCBOX_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
