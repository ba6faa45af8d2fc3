/* kill_shim.c - an LD_PRELOAD library for the kill test (kill_test.cpp): it
 * counts the file-system calls a build's durability rests on and kills the
 * process with SIGKILL at a chosen one.
 *
 * The calls, by kind:
 *   sync    fsync fdatasync syncfs sync_file_range
 *   rename  rename renameat renameat2
 *   link    symlink symlinkat link linkat
 *   remove  unlink unlinkat rmdir remove
 *   mkdir   mkdir mkdirat
 *   create  open/openat (and their 64 and _2 forms) with O_CREAT, creat, fopen with "w" or "a"
 *   write   write pwrite pwrite64 writev pwritev on descriptors above 2
 *
 * ATLAS_SHIM_KILL=KIND:N[:after]  SIGKILL before (default) or after the Nth
 *                                 call of KIND (counted from 1 over all threads).
 * ATLAS_SHIM_TRACE=FILE           appends "N KIND FUNCTION PATH" for every call,
 *                                 N counted per kind, written with one write(2)
 *                                 per line so a killed process leaves whole lines.
 * Only glibc's exported functions are seen: calls glibc makes internally (fopen's
 * own open, remove's unlink) are not, which is why remove and fopen are listed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum kind { K_SYNC, K_RENAME, K_LINK, K_REMOVE, K_MKDIR, K_CREATE, K_WRITE, K_COUNT };
static const char* const kind_names[K_COUNT] = {"sync",  "rename", "link", "remove",
                                                "mkdir", "create", "write"};

static unsigned long counts[K_COUNT];
static int kill_kind = -1;
static unsigned long kill_at;
static int kill_after;
static int trace_fd = -1;

static void die(void) {
    syscall(SYS_kill, (long)getpid(), (long)SIGKILL);
    for (;;) pause();
}

__attribute__((constructor)) static void shim_init(void) {
    const char* trace = getenv("ATLAS_SHIM_TRACE");
    if (trace && *trace) {
        trace_fd = (int)syscall(SYS_openat, AT_FDCWD, trace,
                                O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    const char* spec = getenv("ATLAS_SHIM_KILL");
    if (spec && *spec) {
        for (int k = 0; k < K_COUNT; ++k) {
            size_t n = strlen(kind_names[k]);
            if (strncmp(spec, kind_names[k], n) == 0 && spec[n] == ':') {
                char* end = NULL;
                kill_at = strtoul(spec + n + 1, &end, 10);
                kill_after = end && strcmp(end, ":after") == 0;
                kill_kind = k;
            }
        }
        if (kill_kind < 0 || kill_at == 0) {
            static const char msg[] = "kill_shim: bad ATLAS_SHIM_KILL (KIND:N[:after])\n";
            syscall(SYS_write, 2, msg, sizeof msg - 1);
            _exit(125);
        }
    }
}

/* Counts a call; kills before it when it is the one asked for.  Returns its number. */
static unsigned long enter(int k, const char* fn, const char* path, int fd) {
    unsigned long n = __atomic_add_fetch(&counts[k], 1, __ATOMIC_SEQ_CST);
    if (trace_fd >= 0) {
        char where[512];
        if (!path) {
            char proc[64];
            snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
            ssize_t len = readlink(proc, where, sizeof where - 1);
            where[len > 0 ? len : 0] = '\0';
            path = where;
        }
        char line[768];
        int len = snprintf(line, sizeof line, "%lu %s %s %s\n", n, kind_names[k], fn, path);
        if (len > (int)sizeof line - 1) {
            len = (int)sizeof line - 1;
            line[len - 1] = '\n';
        }
        syscall(SYS_write, trace_fd, line, (size_t)len);
    }
    if (k == kill_kind && n == kill_at && !kill_after) die();
    return n;
}

static void leave(int k, unsigned long n) {
    if (k == kill_kind && n == kill_at && kill_after) die();
}

/* real_NAME: the next definition of NAME (glibc's), looked up on first use. */
#define REAL(name)                                \
    static __typeof__(&name) real_##name;         \
    if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

/* --- sync ----------------------------------------------------------------------------- */

int fsync(int fd) {
    REAL(fsync);
    unsigned long n = enter(K_SYNC, "fsync", NULL, fd);
    int rc = real_fsync(fd);
    leave(K_SYNC, n);
    return rc;
}

int fdatasync(int fd) {
    REAL(fdatasync);
    unsigned long n = enter(K_SYNC, "fdatasync", NULL, fd);
    int rc = real_fdatasync(fd);
    leave(K_SYNC, n);
    return rc;
}

int syncfs(int fd) {
    REAL(syncfs);
    unsigned long n = enter(K_SYNC, "syncfs", NULL, fd);
    int rc = real_syncfs(fd);
    leave(K_SYNC, n);
    return rc;
}

int sync_file_range(int fd, off_t offset, off_t nbytes, unsigned int flags) {
    REAL(sync_file_range);
    unsigned long n = enter(K_SYNC, "sync_file_range", NULL, fd);
    int rc = real_sync_file_range(fd, offset, nbytes, flags);
    leave(K_SYNC, n);
    return rc;
}

/* --- rename --------------------------------------------------------------------------- */

int rename(const char* from, const char* to) {
    REAL(rename);
    unsigned long n = enter(K_RENAME, "rename", to, -1);
    int rc = real_rename(from, to);
    leave(K_RENAME, n);
    return rc;
}

int renameat(int fromfd, const char* from, int tofd, const char* to) {
    REAL(renameat);
    unsigned long n = enter(K_RENAME, "renameat", to, -1);
    int rc = real_renameat(fromfd, from, tofd, to);
    leave(K_RENAME, n);
    return rc;
}

int renameat2(int fromfd, const char* from, int tofd, const char* to, unsigned int flags) {
    REAL(renameat2);
    unsigned long n = enter(K_RENAME, "renameat2", to, -1);
    int rc = real_renameat2(fromfd, from, tofd, to, flags);
    leave(K_RENAME, n);
    return rc;
}

/* --- link ----------------------------------------------------------------------------- */

int symlink(const char* target, const char* path) {
    REAL(symlink);
    unsigned long n = enter(K_LINK, "symlink", path, -1);
    int rc = real_symlink(target, path);
    leave(K_LINK, n);
    return rc;
}

int symlinkat(const char* target, int dirfd, const char* path) {
    REAL(symlinkat);
    unsigned long n = enter(K_LINK, "symlinkat", path, -1);
    int rc = real_symlinkat(target, dirfd, path);
    leave(K_LINK, n);
    return rc;
}

int link(const char* from, const char* to) {
    REAL(link);
    unsigned long n = enter(K_LINK, "link", to, -1);
    int rc = real_link(from, to);
    leave(K_LINK, n);
    return rc;
}

int linkat(int fromfd, const char* from, int tofd, const char* to, int flags) {
    REAL(linkat);
    unsigned long n = enter(K_LINK, "linkat", to, -1);
    int rc = real_linkat(fromfd, from, tofd, to, flags);
    leave(K_LINK, n);
    return rc;
}

/* --- remove --------------------------------------------------------------------------- */

int unlink(const char* path) {
    REAL(unlink);
    unsigned long n = enter(K_REMOVE, "unlink", path, -1);
    int rc = real_unlink(path);
    leave(K_REMOVE, n);
    return rc;
}

int unlinkat(int dirfd, const char* path, int flags) {
    REAL(unlinkat);
    unsigned long n = enter(K_REMOVE, "unlinkat", path, -1);
    int rc = real_unlinkat(dirfd, path, flags);
    leave(K_REMOVE, n);
    return rc;
}

int rmdir(const char* path) {
    REAL(rmdir);
    unsigned long n = enter(K_REMOVE, "rmdir", path, -1);
    int rc = real_rmdir(path);
    leave(K_REMOVE, n);
    return rc;
}

int remove(const char* path) {
    REAL(remove);
    unsigned long n = enter(K_REMOVE, "remove", path, -1);
    int rc = real_remove(path);
    leave(K_REMOVE, n);
    return rc;
}

/* --- mkdir ---------------------------------------------------------------------------- */

int mkdir(const char* path, mode_t mode) {
    REAL(mkdir);
    unsigned long n = enter(K_MKDIR, "mkdir", path, -1);
    int rc = real_mkdir(path, mode);
    leave(K_MKDIR, n);
    return rc;
}

int mkdirat(int dirfd, const char* path, mode_t mode) {
    REAL(mkdirat);
    unsigned long n = enter(K_MKDIR, "mkdirat", path, -1);
    int rc = real_mkdirat(dirfd, path, mode);
    leave(K_MKDIR, n);
    return rc;
}

/* --- create --------------------------------------------------------------------------- */

#ifndef O_TMPFILE
#define O_TMPFILE 0
#endif
#define TAKES_MODE(flags) (((flags) & O_CREAT) != 0 || ((flags) & O_TMPFILE) == O_TMPFILE)

#define OPEN_LIKE(name)                                                  \
    int name(const char* path, int flags, ...) {                         \
        REAL(name);                      \
        mode_t mode = 0;                                                 \
        if (TAKES_MODE(flags)) {                                         \
            va_list ap;                                                  \
            va_start(ap, flags);                                         \
            mode = (mode_t)va_arg(ap, int);                              \
            va_end(ap);                                                  \
        }                                                                \
        if (!(flags & O_CREAT)) return real_##name(path, flags, mode);   \
        unsigned long n = enter(K_CREATE, #name, path, -1);              \
        int rc = real_##name(path, flags, mode);                         \
        leave(K_CREATE, n);                                              \
        return rc;                                                       \
    }
OPEN_LIKE(open)
OPEN_LIKE(open64)

#define OPENAT_LIKE(name)                                                      \
    int name(int dirfd, const char* path, int flags, ...) {                    \
        REAL(name);                       \
        mode_t mode = 0;                                                       \
        if (TAKES_MODE(flags)) {                                               \
            va_list ap;                                                        \
            va_start(ap, flags);                                               \
            mode = (mode_t)va_arg(ap, int);                                    \
            va_end(ap);                                                        \
        }                                                                      \
        if (!(flags & O_CREAT)) return real_##name(dirfd, path, flags, mode);  \
        unsigned long n = enter(K_CREATE, #name, path, -1);                    \
        int rc = real_##name(dirfd, path, flags, mode);                        \
        leave(K_CREATE, n);                                                    \
        return rc;                                                             \
    }
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

int creat(const char* path, mode_t mode) {
    REAL(creat);
    unsigned long n = enter(K_CREATE, "creat", path, -1);
    int rc = real_creat(path, mode);
    leave(K_CREATE, n);
    return rc;
}

#define FOPEN_LIKE(name)                                                  \
    FILE* name(const char* path, const char* mode) {                      \
        REAL(name);                  \
        if (!strchr(mode, 'w') && !strchr(mode, 'a')) return real_##name(path, mode); \
        unsigned long n = enter(K_CREATE, #name, path, -1);               \
        FILE* f = real_##name(path, mode);                                \
        leave(K_CREATE, n);                                               \
        return f;                                                         \
    }
FOPEN_LIKE(fopen)
FOPEN_LIKE(fopen64)

/* --- write ---------------------------------------------------------------------------- */

ssize_t write(int fd, const void* buf, size_t size) {
    REAL(write);
    if (fd <= 2) return real_write(fd, buf, size);
    unsigned long n = enter(K_WRITE, "write", NULL, fd);
    ssize_t rc = real_write(fd, buf, size);
    leave(K_WRITE, n);
    return rc;
}

ssize_t pwrite(int fd, const void* buf, size_t size, off_t offset) {
    REAL(pwrite);
    unsigned long n = enter(K_WRITE, "pwrite", NULL, fd);
    ssize_t rc = real_pwrite(fd, buf, size, offset);
    leave(K_WRITE, n);
    return rc;
}

ssize_t pwrite64(int fd, const void* buf, size_t size, off_t offset) {
    REAL(pwrite64);
    unsigned long n = enter(K_WRITE, "pwrite64", NULL, fd);
    ssize_t rc = real_pwrite64(fd, buf, size, offset);
    leave(K_WRITE, n);
    return rc;
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
    REAL(writev);
    if (fd <= 2) return real_writev(fd, iov, count);
    unsigned long n = enter(K_WRITE, "writev", NULL, fd);
    ssize_t rc = real_writev(fd, iov, count);
    leave(K_WRITE, n);
    return rc;
}

ssize_t pwritev(int fd, const struct iovec* iov, int count, off_t offset) {
    REAL(pwritev);
    unsigned long n = enter(K_WRITE, "pwritev", NULL, fd);
    ssize_t rc = real_pwritev(fd, iov, count, offset);
    leave(K_WRITE, n);
    return rc;
}
