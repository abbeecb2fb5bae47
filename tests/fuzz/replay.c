/*
 * replay.c -- a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput
 * once on every file of each directory (or on each file) given as an
 * argument, so that the seed corpora and every crash found and fixed since
 * are replayed by a plain `meson test` (suite 'fuzz'), with any compiler.
 *
 * Each input is read into a buffer of exactly its size, as libFuzzer
 * hands it, so that a sanitizer build sees any read past its end. Files
 * are run in name order; no file at all is a failure, so that a corpus
 * that went missing does not pass unnoticed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Read a whole file into a buffer of its exact size; NULL with errno on failure. */
static uint8_t *
replay_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	struct stat st;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0)
		goto fail;
	*size = (size_t)st.st_size;
	data = malloc(*size != 0 ? *size : 1);
	if (data == NULL || fread(data, 1, *size, f) != *size) {
		if (data != NULL && !ferror(f))
			errno = EIO;
		goto fail;
	}
	fclose(f);
	return data;

fail:
	free(data);
	fclose(f);
	return NULL;
}

/* Run the target on one file; 0, or -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	size_t size = 0;
	uint8_t *data = replay_read(path, &size);

	if (data == NULL) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* Only regular files that are not hidden (README, .gitignore) count as inputs. */
static int
replay_select(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Run the target on every file of a directory, in name order; the count, or -1. */
static long
replay_dir(const char *dir)
{
	struct dirent **names;
	long count = 0;
	int n = scandir(dir, &names, replay_select, alphasort);

	if (n < 0) {
		fprintf(stderr, "replay: cannot list %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path;
		struct stat st;

		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			abort();
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) != 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return count;
}

/* Replay every corpus directory or file named on the command line. */
int
main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) :
		    replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replay: %ld inputs, no property violated\n", total);
	return total > 0 ? 0 : 1;
}
