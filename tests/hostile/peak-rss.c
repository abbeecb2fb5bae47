/*
 * peak-rss.c -- run a command and print its peak resident memory.
 *
 * Data flow: fork, exec the command given as arguments, wait4 for it, and
 * print "peak_rss_kb N" (its ru_maxrss) on standard error after the
 * command's own output; exit with the command's status (128 + signal if
 * it was killed).
 *
 * The hostile tests need this small program because a child forked by the
 * Python test would carry the test's own resident memory into its peak:
 * Linux keeps the larger of the memory before and after exec in
 * ru_maxrss. Forked from this one, the floor is this program's few
 * hundred kilobytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run argv[1..] and report its peak RSS. */
int
main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: peak-rss COMMAND [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("peak-rss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "peak-rss: cannot run %s: %s\n", argv[1],
		    strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("peak-rss: wait4");
		return 2;
	}
	fprintf(stderr, "peak_rss_kb %ld\n", ru.ru_maxrss);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
