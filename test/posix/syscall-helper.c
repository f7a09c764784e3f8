// The system calls Node's fs module cannot make as such: mknod, mkfifo, truncate(2) (Node's
// truncate is open + ftruncate, which needs read permission), utimensat with UTIME_NOW/OMIT,
// renameat2 flags, fallocate modes and copy_file_range. A long-lived process: one request per
// line on stdin, fields separated by tabs; one answer per line on stdout: "OK <value>" or
// "ERR <errno number>". Compiled at test time by syscall-helper.ts.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MAX_FIELDS 8

static long long num(const char *s) { return strtoll(s, NULL, 0); }

// "now", "omit" or "SEC:NSEC" (SEC may be negative; NSEC is passed through unchecked).
static struct timespec when(const char *s) {
  struct timespec t = {0, 0};
  if (strcmp(s, "now") == 0) t.tv_nsec = UTIME_NOW;
  else if (strcmp(s, "omit") == 0) t.tv_nsec = UTIME_OMIT;
  else {
    const char *colon = strchr(s, ':');
    t.tv_sec = strtoll(s, NULL, 10);
    t.tv_nsec = colon ? strtol(colon + 1, NULL, 10) : 0;
  }
  return t;
}

static long long copy_range(char **f) {
  int in = open(f[1], O_RDONLY);
  if (in < 0) return -1;
  int out = open(f[3], O_WRONLY);
  if (out < 0) { int e = errno; close(in); errno = e; return -1; }
  loff_t off_in = num(f[2]), off_out = num(f[4]);
  long long left = num(f[5]), total = 0;
  while (left > 0) {
    ssize_t n = copy_file_range(in, &off_in, out, &off_out, (size_t)left, 0);
    if (n < 0) { int e = errno; close(in); close(out); errno = e; return -1; }
    if (n == 0) break;
    total += n;
    left -= n;
  }
  close(in);
  if (close(out) < 0) return -1;
  return total;
}

static long long run(char **f, int n) {
  const char *op = f[0];
  if (strcmp(op, "mknod") == 0 && n == 5) return mknod(f[1], (mode_t)num(f[2]), makedev(num(f[3]), num(f[4])));
  if (strcmp(op, "mkfifo") == 0 && n == 3) return mkfifo(f[1], (mode_t)num(f[2]));
  if (strcmp(op, "truncate") == 0 && n == 3) return truncate(f[1], num(f[2]));
  if (strcmp(op, "utimensat") == 0 && n == 5) {
    struct timespec ts[2] = {when(f[2]), when(f[3])};
    return utimensat(AT_FDCWD, f[1], ts, strcmp(f[4], "nofollow") == 0 ? AT_SYMLINK_NOFOLLOW : 0);
  }
  if (strcmp(op, "touch") == 0 && n == 2) return utimensat(AT_FDCWD, f[1], NULL, 0);
  if (strcmp(op, "renameat2") == 0 && n == 4) return renameat2(AT_FDCWD, f[1], AT_FDCWD, f[2], (unsigned)num(f[3]));
  if (strcmp(op, "fallocate") == 0 && n == 5) {
    int fd = open(f[1], O_WRONLY);
    if (fd < 0) return -1;
    if (fallocate(fd, (int)num(f[2]), num(f[3]), num(f[4])) < 0) { int e = errno; close(fd); errno = e; return -1; }
    return close(fd);
  }
  if (strcmp(op, "copy_file_range") == 0 && n == 6) return copy_range(f);
  errno = ENOSYS;
  return -1;
}

// `--read-loop PATH MS`: for MS milliseconds, drop the file's cached pages and read 4 KiB at a
// random offset, again and again, so that every read reaches the mount (the torture test's
// concurrent reader: each READ makes the mount commit its write buffer). Prints "reading" once
// its first round reached the mount, so a test can wait for it instead of sleeping.
static int read_loop(const char *path, long ms) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 1;
  char buf[4096];
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  unsigned seed = 1;
  int started = 0;
  do {
    struct stat st;
    if (fstat(fd, &st) < 0) return 1;
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (st.st_size > 0 && pread(fd, buf, sizeof buf, (off_t)(rand_r(&seed) % st.st_size)) < 0) return 1;
    if (!started) {
      started = 1;
      printf("reading\n");
      fflush(stdout);
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
  return close(fd) < 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--read-loop") == 0) return read_loop(argv[2], strtol(argv[3], NULL, 10));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  setvbuf(stdout, NULL, _IOLBF, 0);
  while ((len = getline(&line, &cap, stdin)) > 0) {
    if (line[len - 1] == '\n') line[len - 1] = 0;
    char *fields[MAX_FIELDS];
    int n = 0;
    for (char *p = line, *tab; n < MAX_FIELDS; p = tab + 1) {
      fields[n++] = p;
      if (!(tab = strchr(p, '\t'))) break;
      *tab = 0;
    }
    errno = 0;
    long long r = run(fields, n);
    if (r < 0) printf("ERR %d\n", errno);
    else printf("OK %lld\n", r);
  }
  return 0;
}
