/* test_seccomp.c - the server's seccomp filter (util/seccomp.h) in a child
 * process: denied calls fail with EPERM (running a program, changing identity,
 * a new namespace), while files, threads and sockets still work. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "util/seccomp.h"

static void *thread_ok(void *arg)
{
    return arg;
}

/* The child's exit code: 0 when every check held, else the check's number. */
static int child(void)
{
    struct sl_err err = {0};
    if (sl_seccomp_deny(&err) != 0)
        return 1;
    /* Without the filter this would run and exit 1: the test fails either way. */
    char *const argv[] = {(char *)"/bin/false", NULL};
    if (execv("/bin/false", argv) != -1 || errno != EPERM)
        return 2;
    if (setuid(getuid()) != -1 || errno != EPERM)
        return 3;
    if (unshare(CLONE_NEWNET) != -1 || errno != EPERM)
        return 4;
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0)
        return 5;
    close(fd);
    pthread_t t;
    void *got = NULL;
    if (pthread_create(&t, NULL, thread_ok, (void *)&err) != 0 || pthread_join(t, &got) != 0 ||
        got != &err)
        return 6;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return 7;
    close(s);
    return 0;
}

static void test_denied_and_allowed(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child());
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_denied_and_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
