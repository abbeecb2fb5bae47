/*
 * token.h -- the shared secret TCP clients (intake, mirror) must present:
 * 32 random bytes as 64 hex digits in DB.token, mode 0600, created at the
 * chair's first start and never shown on screen.
 */
#ifndef PODIUM_TOKEN_H
#define PODIUM_TOKEN_H

#define TOKEN_HEX_LEN 64

/* Read DB.token, creating it first if missing; malloc'd, or NULL + *cause. */
char *token_load_or_create(const char *db_path, char **cause);

/* Read a token file (e.g. --token-file); malloc'd, or NULL + *cause. */
char *token_read(const char *path, char **cause);

#endif /* PODIUM_TOKEN_H */
