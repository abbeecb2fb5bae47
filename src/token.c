/*
 * token.c -- the TCP token file: random bytes from the kernel (getrandom),
 * written with O_EXCL and mode 0600 so it is never readable by others,
 * not even for an instant.
 */
#include "token.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Format a cause (malloc'd). */
static char *
token_cause(const char *fmt, const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, fmt, a, b) < 0)
		abort();
	return s;
}

/* Read a token file (e.g. --token-file). */
char *
token_read(const char *path, char **cause)
{
	char buf[TOKEN_HEX_LEN + 2];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*cause = token_cause("cannot read the token file %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0)
		n = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n != TOKEN_HEX_LEN || strspn(buf, "0123456789abcdef") <
	    TOKEN_HEX_LEN) {
		*cause = token_cause("%s is not a podium token file (64 hex "
		    "digits)%s", path, "");
		return NULL;
	}
	buf[n] = '\0';
	return strdup(buf);
}

/* Read DB.token, creating it first if missing. */
char *
token_load_or_create(const char *db_path, char **cause)
{
	unsigned char raw[TOKEN_HEX_LEN / 2];
	char hex[TOKEN_HEX_LEN + 2], *path, *tok;
	int fd;

	if (asprintf(&path, "%s.token", db_path) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		tok = token_read(path, cause);
		free(path);
		return tok;
	}
	if (fd < 0) {
		*cause = token_cause("cannot create the token file %s: %s", path,
		    strerror(errno));
		free(path);
		return NULL;
	}
	/* The kernel's CSPRNG; blocks only before it is seeded at boot. */
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		close(fd);
		unlink(path);
		*cause = token_cause("no random bytes for the token %s%s", path,
		    "; is the system's entropy source available?");
		free(path);
		return NULL;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[TOKEN_HEX_LEN] = '\n';
	if (write(fd, hex, TOKEN_HEX_LEN + 1) != TOKEN_HEX_LEN + 1 ||
	    fsync(fd) != 0) {
		*cause = token_cause("cannot write the token file %s: %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	free(path);
	hex[TOKEN_HEX_LEN] = '\0';
	return strdup(hex);
}
