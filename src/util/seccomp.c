/* seccomp.c - the deny-list filter of seccomp.h, through libseccomp; it does
 * not choose when to install it (the caller does, after binding and dropping). */
#include "util/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

/* LeakSanitizer stops the process's threads with ptrace at exit: the test
 * build (ASan) keeps it, every other build denies it. */
#if defined(__SANITIZE_ADDRESS__)
#define SL_SECCOMP_PTRACE
#else
#define SL_SECCOMP_PTRACE "ptrace",
#endif

static const char *const DENIED[] = {
    "execve", "execveat", SL_SECCOMP_PTRACE "process_vm_readv", "process_vm_writev",
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
    "setfsuid", "setfsgid", "capset", "mount", "umount2", "pivot_root", "chroot",
    "unshare", "setns", "init_module", "finit_module", "delete_module", "kexec_load",
    "kexec_file_load", "reboot", "swapon", "swapoff", "bpf", "perf_event_open",
    "userfaultfd", "open_by_handle_at", "keyctl", "add_key", "request_key", "personality",
    "acct", "settimeofday", "clock_settime", "adjtimex", "syslog", "iopl", "ioperm",
    "quotactl", "fanotify_init",
};

int sl_seccomp_deny(struct sl_err *err)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        return sl_err_set(err, "seccomp: cannot make a filter");
    int rc = 0;
    for (size_t i = 0; i < sizeof DENIED / sizeof DENIED[0] && rc == 0; i++) {
        int nr = seccomp_syscall_resolve_name(DENIED[i]);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not on this architecture */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    }
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0)
        return sl_err_set(err, "seccomp: cannot install the filter: %s", strerror(-rc));
    return 0;
}
