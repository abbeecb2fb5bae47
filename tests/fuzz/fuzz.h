/*
 * fuzz.h -- what every fuzz target exports: libFuzzer's entry point, which
 * libFuzzer calls with generated inputs (-Dfuzz=true, clang) and replay.c
 * calls with the files of the target's seed corpus (every `meson test`).
 * A target checks its properties itself and calls abort() on a violation.
 */
#ifndef PODIUM_TESTS_FUZZ_FUZZ_H
#define PODIUM_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run one input through the code under test; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message when a property does not hold. */
#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: property violated: %s\n",  \
			    __FILE__, __LINE__, #cond);                    \
			abort();                                           \
		}                                                          \
	} while (0)

#endif /* PODIUM_TESTS_FUZZ_FUZZ_H */
