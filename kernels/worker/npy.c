/* npy.c: the .npy files of the worker protocol: made new and mapped, made
 * over at another shape, or read strictly (the header is a Python dict
 * literal; only the three keys NumPy writes, with the values a float
 * vector or matrix can have). */
#define _POSIX_C_SOURCE 200809L
#include "npy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_ALIGN 64
#define NPY_MAX_HEADER 4096 /* far above what a 2-D float array needs */
#define NPY_MAX_DIMS 4

static const char *npy_descr(enum kernel_dtype dtype)
{
    return dtype == DTYPE_F64 ? "<f8" : "<f4";
}

/* Writes all of buf; 0 or -1 with errno set. */
static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len > (1u << 30) ? (1u << 30) : len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w == 0 ? (errno = EIO, -1) : -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Reads exactly len bytes; 0, or -1 with errno set (0 at an early end). */
static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t r = read(fd, p, len > (1u << 30) ? (1u << 30) : len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 ? (errno = 0, -1) : -1;
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* The 1.0 header for the array, padded with spaces to NPY_ALIGN and ended
 * by a newline, into buf; its length. */
static size_t npy_header(char *buf, size_t len, enum kernel_dtype dtype, size_t rows, size_t cols)
{
    char dict[256], shape[64];
    if (cols)
        snprintf(shape, sizeof shape, "(%zu, %zu)", rows, cols);
    else
        snprintf(shape, sizeof shape, "(%zu,)", rows);
    int d = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     npy_descr(dtype), shape);
    size_t total = (NPY_MAGIC_LEN + 4 + (size_t)d + 1 + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
    size_t hlen = total - NPY_MAGIC_LEN - 4;
    if (total > len)
        return 0;
    memcpy(buf, NPY_MAGIC, NPY_MAGIC_LEN);
    buf[6] = 1, buf[7] = 0;
    buf[8] = (char)(hlen & 0xff), buf[9] = (char)(hlen >> 8);
    memset(buf + 10, ' ', hlen);
    memcpy(buf + 10, dict, (size_t)d);
    buf[total - 1] = '\n';
    return total;
}

int npy_map_create(const char *path, enum kernel_dtype dtype, size_t rows, size_t cols,
                   struct npy_map *m, char *err, size_t errlen)
{
    char header[512];
    size_t hlen = npy_header(header, sizeof header, dtype, rows, cols);
    size_t bytes = rows * (cols ? cols : 1) * kernel_dtype_size(dtype);
    memset(m, 0, sizeof *m);
    m->fd = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno)), errno;
    int e = hlen ? 0 : EINVAL;
    if (!e && write_all(fd, header, hlen) != 0)
        e = errno;
    /* Room taken now, so that a full file system is this error and not a
     * SIGBUS when the mapping is first written. */
    if (!e)
        e = posix_fallocate(fd, 0, (off_t)(hlen + bytes));
    void *base = e ? MAP_FAILED : mmap(NULL, hlen + bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (!e && base == MAP_FAILED)
        e = errno;
    if (e) {
        close(fd);
        unlink(path);
        return snprintf(err, errlen, "cannot create %s (%zu bytes): %s", path, hlen + bytes,
                        strerror(e)), e;
    }
    m->fd = fd;
    m->base = base;
    m->length = hlen + bytes;
    m->data = (char *)base + hlen;
    return 0;
}

int npy_map_reshape(struct npy_map *m, const char *path, enum kernel_dtype dtype, size_t rows,
                    size_t cols, char *err, size_t errlen)
{
    char header[512];
    size_t hlen = npy_header(header, sizeof header, dtype, rows, cols);
    size_t length = hlen + rows * (cols ? cols : 1) * kernel_dtype_size(dtype);
    if (!m->base)
        return snprintf(err, errlen, "%s is not mapped", path), EINVAL;
    int e = hlen ? 0 : EINVAL;
    if (!e && length != m->length) {
        /* Unmapped first, so that no page of a mapping lies past the file's end. */
        int fd = m->fd;
        e = munmap(m->base, m->length) == 0 ? 0 : errno;
        if (!e && length > m->length)
            e = posix_fallocate(fd, (off_t)m->length, (off_t)(length - m->length));
        else if (!e && ftruncate(fd, (off_t)length) != 0)
            e = errno;
        void *base = e ? MAP_FAILED : mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (!e && base == MAP_FAILED)
            e = errno;
        m->base = e ? NULL : base;
        m->length = e ? 0 : length;
        if (e)
            close(fd);
    }
    if (e) {
        npy_map_release(m);
        return snprintf(err, errlen, "cannot resize %s to %zu bytes: %s", path, length, strerror(e)), e;
    }
    memcpy(m->base, header, hlen);
    m->data = (char *)m->base + hlen;
    return 0;
}

int npy_map_intact(const struct npy_map *m, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(m->fd, &st) != 0)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
    if ((size_t)st.st_size != m->length)
        return snprintf(err, errlen, "%s is %lld bytes, no longer the %zu the runner made", path,
                        (long long)st.st_size, m->length), -1;
    return 0;
}

void npy_map_release(struct npy_map *m)
{
    if (m->base) { /* the fd is open exactly while the mapping is held */
        munmap(m->base, m->length);
        close(m->fd);
    }
    memset(m, 0, sizeof *m);
    m->fd = -1;
}

/* What the header dict says. */
struct npy_info {
    char descr[8];
    int fortran;
    size_t shape[NPY_MAX_DIMS];
    int dims;
};

static const char *skip_space(const char *s)
{
    while (*s == ' ')
        s++;
    return s;
}

/* Parses a tuple of non-negative integers at s; the end, or NULL. */
static const char *parse_shape(const char *s, struct npy_info *info)
{
    if (*s++ != '(')
        return NULL;
    info->dims = 0;
    for (s = skip_space(s); *s != ')';) {
        char *end;
        if (info->dims == NPY_MAX_DIMS || *s < '0' || *s > '9')
            return NULL;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || v > SIZE_MAX)
            return NULL;
        info->shape[info->dims++] = (size_t)v;
        s = skip_space(end);
        if (*s == ',')
            s = skip_space(s + 1);
        else if (*s != ')')
            return NULL;
    }
    return s + 1;
}

/* Parses the value of key at s into info; the end, or NULL. */
static const char *parse_value(const char *key, const char *s, struct npy_info *info)
{
    if (strcmp(key, "descr") == 0) {
        const char *end = *s == '\'' ? strchr(s + 1, '\'') : NULL;
        if (!end || (size_t)(end - s - 1) >= sizeof info->descr)
            return NULL;
        memcpy(info->descr, s + 1, (size_t)(end - s - 1));
        info->descr[end - s - 1] = '\0';
        return end + 1;
    }
    if (strcmp(key, "fortran_order") == 0) {
        if (strncmp(s, "False", 5) == 0)
            return info->fortran = 0, s + 5;
        if (strncmp(s, "True", 4) == 0)
            return info->fortran = 1, s + 4;
        return NULL;
    }
    if (strcmp(key, "shape") == 0)
        return parse_shape(s, info);
    return NULL;
}

/* Parses the header dict; 0, or -1 if it is not the three keys NumPy writes. */
static int parse_header(const char *h, struct npy_info *info)
{
    unsigned seen = 0; /* one bit a key: each of the three exactly once */
    memset(info, 0, sizeof *info);
    info->dims = -1;
    const char *s = skip_space(h);
    if (*s++ != '{')
        return -1;
    for (s = skip_space(s); *s != '}';) {
        char key[16];
        const char *end = *s == '\'' ? strchr(s + 1, '\'') : NULL;
        if (!end || (size_t)(end - s - 1) >= sizeof key)
            return -1;
        memcpy(key, s + 1, (size_t)(end - s - 1));
        key[end - s - 1] = '\0';
        s = skip_space(end + 1);
        unsigned bit = strcmp(key, "descr") == 0 ? 1u : strcmp(key, "fortran_order") == 0 ? 2u : 4u;
        if (*s++ != ':' || (seen & bit) || !(s = parse_value(key, skip_space(s), info)))
            return -1;
        seen |= bit;
        s = skip_space(s);
        if (*s == ',')
            s = skip_space(s + 1);
        else if (*s != '}')
            return -1;
    }
    s = skip_space(s + 1);
    return seen == 7 && info->dims >= 0 && info->descr[0] && (*s == '\n' || *s == '\0') ? 0 : -1;
}

/* Reads the magic and the header of an open file into info. */
static int read_header(int fd, const char *path, struct npy_info *info, size_t *data_offset,
                       char *err, size_t errlen)
{
    unsigned char pre[12];
    char header[NPY_MAX_HEADER + 1];
    if (read_all(fd, pre, 10) != 0 || memcmp(pre, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
        return snprintf(err, errlen, "%s: not a .npy file", path), -1;
    size_t hlen, pre_len = 10;
    if (pre[6] == 1) {
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (read_all(fd, pre + 10, 2) != 0)
            return snprintf(err, errlen, "%s: truncated .npy header", path), -1;
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        pre_len = 12;
    } else {
        return snprintf(err, errlen, "%s: .npy version %d.%d is not supported", path, pre[6], pre[7]), -1;
    }
    if (hlen > NPY_MAX_HEADER || read_all(fd, header, hlen) != 0)
        return snprintf(err, errlen, "%s: .npy header too long or truncated", path), -1;
    header[hlen] = '\0';
    if (memchr(header, '\0', hlen) || parse_header(header, info) != 0)
        return snprintf(err, errlen, "%s: malformed .npy header", path), -1;
    *data_offset = pre_len + hlen;
    return 0;
}

/* Checks that info describes count elements of dtype in C order. */
static int check_array(const char *path, const struct npy_info *info, enum kernel_dtype dtype,
                       size_t count, char *err, size_t errlen)
{
    if (strcmp(info->descr, npy_descr(dtype)) != 0)
        return snprintf(err, errlen, "%s: dtype '%s', expected '%s' (%s)", path, info->descr,
                        npy_descr(dtype), kernel_dtype_name(dtype)), -1;
    if (info->fortran)
        return snprintf(err, errlen, "%s: Fortran order, expected C order", path), -1;
    size_t elements = 1;
    for (int d = 0; d < info->dims; d++) {
        if (info->shape[d] && elements > SIZE_MAX / info->shape[d])
            return snprintf(err, errlen, "%s: shape too large", path), -1;
        elements *= info->shape[d];
    }
    if (elements != count)
        return snprintf(err, errlen, "%s: %zu elements, expected %zu", path, elements, count), -1;
    return 0;
}

int npy_read(const char *path, enum kernel_dtype dtype, void *out, size_t count, char *err,
             size_t errlen)
{
    struct npy_info info;
    size_t offset = 0;
    struct stat st;
    /* O_NONBLOCK: a FIFO planted at path must not block the open. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno)), -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) != 0) {
        close(fd);
        return snprintf(err, errlen, "%s: not a regular file", path), -1;
    }
    int status = read_header(fd, path, &info, &offset, err, errlen);
    if (status == 0)
        status = check_array(path, &info, dtype, count, err, errlen);
    size_t bytes = count * kernel_dtype_size(dtype);
    if (status == 0 && (size_t)st.st_size != offset + bytes) {
        snprintf(err, errlen, "%s: %lld bytes, expected %zu", path, (long long)st.st_size,
                 offset + bytes);
        status = -1;
    }
    if (status == 0 && read_all(fd, out, bytes) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, errno ? strerror(errno) : "short file");
        status = -1;
    }
    close(fd);
    return status;
}
