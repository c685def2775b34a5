/*
 * main() for fuzz targets outside the host-fuzz preset: run every file named on the
 * command line (or found in a named directory) through LLVMFuzzerTestOneInput() once.
 * ctest runs the committed corpus this way in the ordinary host builds, so every seed
 * stays a regression test under gcc, ASan and valgrind too.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long size;
    size_t got;

    if (f == NULL) {
        fprintf(stderr, "fuzz-replay: cannot open %s\n", path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        (void) fclose(f);
        return -1;
    }
    buf = malloc(size > 0 ? (size_t) size : 1u);
    if (buf == NULL) {
        (void) fclose(f);
        return -1;
    }
    got = fread(buf, 1, (size_t) size, f);
    (void) fclose(f);
    if (got != (size_t) size) {
        free(buf);
        return -1;
    }
    (void) LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    return 0;
}

/* A file, or every file in a directory (one level: a corpus directory is flat). */
static int run_path(const char *path, unsigned *count)
{
    struct stat st;
    DIR *d;
    const struct dirent *ent;
    int ret = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "fuzz-replay: no such file or directory: %s\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return run_file(path);
    }
    d = opendir(path);
    if (d == NULL) {
        return -1;
    }
    /* cppcheck-suppress readdirCalled ; single-threaded program, one directory stream */
    while (ret == 0 && (ent = readdir(d)) != NULL) {
        char child[4096];
        int n;

        if (ent->d_name[0] == '.') {
            continue;
        }
        n = snprintf(child, sizeof(child), "%s/%s", path, ent->d_name);
        if (n < 0 || (size_t) n >= sizeof(child)) {
            ret = -1;
            break;
        }
        if (stat(child, &st) == 0 && S_ISREG(st.st_mode)) {
            (*count)++;
            ret = run_file(child);
        }
    }
    (void) closedir(d);
    return ret;
}

int main(int argc, char **argv)
{
    unsigned count = 0;
    int i;

    if (LLVMFuzzerInitialize != NULL) {
        (void) LLVMFuzzerInitialize(&argc, &argv);
    }
    for (i = 1; i < argc; i++) {
        if (run_path(argv[i], &count) != 0) {
            return 1;
        }
    }
    printf("fuzz-replay: %u inputs ran without a failure\n", count);
    return count > 0 ? 0 : 1;
}
