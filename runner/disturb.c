/* disturb.c: the disturbances of a round. NVML is opened with dlopen, so
 * the runner has no link-time dependency on the driver: where it is absent
 * the GPU readings are recorded as unavailable. */
#define _POSIX_C_SOURCE 200809L
#include "disturb.h"

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* NVML's types and constants, as nvml.h declares them (not installed on
 * machines without the driver). */
typedef int nvml_return;
typedef void *nvml_device;
enum { NVML_SUCCESS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2 };
/* Clock-event reasons that slow the GPU against its will: hardware
 * slowdown, software and hardware thermal slowdown, power brake. A power
 * cap alone is normal under load; it counts only once the SM clock falls
 * below THROTTLE_CLOCK_SHARE of its maximum, as nvbench does. */
#define NVML_SLOWDOWN_REASONS 0xE8ULL
#define THROTTLE_CLOCK_SHARE 0.75

struct nvml {
    void *lib;
    nvml_device device;
    unsigned max_sm_mhz;
    nvml_return (*shutdown)(void);
    nvml_return (*clock)(nvml_device, int, unsigned *);
    nvml_return (*reasons)(nvml_device, unsigned long long *);
};

struct disturb {
    struct nvml nvml;
    char nvml_status[160]; /* "yes: device 0", or why not */
    unsigned long long last_steal, last_total;
    double steal_limit; /* DISTURB_STEAL_LIMIT, or FLOPBENCH_STEAL_LIMIT */
    int have_stat;
    long *test_rounds;     /* FLOPBENCH_TEST_THROTTLE's rounds */
    size_t test_count;
};

/* The CUDA device 0 as NVML numbers it: the first entry of
 * CUDA_VISIBLE_DEVICES when it is an index, else 0. */
static unsigned nvml_index(void)
{
    const char *v = getenv("CUDA_VISIBLE_DEVICES");
    char *end;
    unsigned long i = v ? strtoul(v, &end, 10) : 0;
    return v && end != v && (*end == '\0' || *end == ',') && i < 64 ? (unsigned)i : 0;
}

/* Opens NVML and device 0; on failure leaves lib NULL and says why. */
static void nvml_open(struct disturb *d)
{
    struct nvml *n = &d->nvml;
    n->lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!n->lib) {
        snprintf(d->nvml_status, sizeof d->nvml_status, "no: %s", dlerror());
        return;
    }
    nvml_return (*init)(void) = (nvml_return (*)(void))dlsym(n->lib, "nvmlInit_v2");
    nvml_return (*handle)(unsigned, nvml_device *) =
        (nvml_return (*)(unsigned, nvml_device *))dlsym(n->lib, "nvmlDeviceGetHandleByIndex_v2");
    nvml_return (*max_clock)(nvml_device, int, unsigned *) =
        (nvml_return (*)(nvml_device, int, unsigned *))dlsym(n->lib, "nvmlDeviceGetMaxClockInfo");
    n->shutdown = (nvml_return (*)(void))dlsym(n->lib, "nvmlShutdown");
    n->clock = (nvml_return (*)(nvml_device, int, unsigned *))dlsym(n->lib, "nvmlDeviceGetClockInfo");
    n->reasons = (nvml_return (*)(nvml_device, unsigned long long *))dlsym(
        n->lib, "nvmlDeviceGetCurrentClocksEventReasons");
    if (!n->reasons)
        n->reasons = (nvml_return (*)(nvml_device, unsigned long long *))dlsym(
            n->lib, "nvmlDeviceGetCurrentClocksThrottleReasons");
    unsigned index = nvml_index();
    int rc = -1;
    if (init && handle && max_clock && n->shutdown && n->clock && n->reasons && (rc = init()) == NVML_SUCCESS &&
        (rc = handle(index, &n->device)) == NVML_SUCCESS &&
        (rc = max_clock(n->device, NVML_CLOCK_SM, &n->max_sm_mhz)) == NVML_SUCCESS) {
        snprintf(d->nvml_status, sizeof d->nvml_status, "yes: device %u, SM clock at most %u MHz", index,
                 n->max_sm_mhz);
        return;
    }
    snprintf(d->nvml_status, sizeof d->nvml_status, "no: libnvidia-ml.so.1 %s (NVML error %d)",
             rc == -1 ? "lacks a function the runner uses" : "could not open the GPU", rc);
    if (rc != -1 && init && n->shutdown)
        n->shutdown();
    dlclose(n->lib);
    n->lib = NULL;
}

/* Reads the steal and total ticks of all CPUs from /proc/stat. */
static int read_stat(unsigned long long *steal, unsigned long long *total)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    unsigned long long v[8];
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                     &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (got != 8)
        return -1;
    *total = 0;
    for (int i = 0; i < 8; i++)
        *total += v[i];
    *steal = v[7];
    return 0;
}

/* The mean "cpu MHz" of /proc/cpuinfo; NAN if there is none. */
static double read_cpu_mhz(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return NAN;
    char line[512];
    double sum = 0, mhz;
    long count = 0;
    while (fgets(line, sizeof line, f)) {
        const char *colon = strchr(line, ':');
        if (strncmp(line, "cpu MHz", 7) == 0 && colon && sscanf(colon + 1, "%lf", &mhz) == 1) {
            sum += mhz;
            count++;
        }
    }
    fclose(f);
    return count ? sum / (double)count : NAN;
}

/* Parses FLOPBENCH_TEST_THROTTLE: round numbers separated by commas. */
static int parse_test_hook(struct disturb *d, const char *v, char *err, size_t errlen)
{
    size_t cap = strlen(v) / 2 + 1;
    d->test_rounds = malloc(cap * sizeof *d->test_rounds);
    if (!d->test_rounds)
        return snprintf(err, errlen, "out of memory"), -1;
    const char *s = v;
    while (*s) {
        char *end;
        errno = 0;
        long r = strtol(s, &end, 10);
        if (end == s || errno || r < 1 || (*end != ',' && *end != '\0') || d->test_count == cap)
            return snprintf(err, errlen, "FLOPBENCH_TEST_THROTTLE must be round numbers such as \"3,5\", got \"%s\"", v), -1;
        d->test_rounds[d->test_count++] = r;
        s = *end ? end + 1 : end;
    }
    return 0;
}

struct disturb *disturb_open(int gpu, char *err, size_t errlen)
{
    struct disturb *d = calloc(1, sizeof *d);
    if (!d)
        return snprintf(err, errlen, "out of memory"), NULL;
    const char *hook = getenv("FLOPBENCH_TEST_THROTTLE");
    if (hook && *hook && parse_test_hook(d, hook, err, errlen) != 0) {
        disturb_close(d);
        return NULL;
    }
    d->steal_limit = DISTURB_STEAL_LIMIT;
    const char *limit = getenv("FLOPBENCH_STEAL_LIMIT");
    if (limit && *limit) {
        char *end;
        double v = strtod(limit, &end);
        if (*end || !(v >= 0.0 && v <= 1.0)) {
            disturb_close(d);
            return snprintf(err, errlen, "FLOPBENCH_STEAL_LIMIT must be a share from 0 to 1 "
                            "(1: never flag steal), not '%s'", limit), NULL;
        }
        d->steal_limit = v;
    }
    if (gpu)
        nvml_open(d);
    else
        snprintf(d->nvml_status, sizeof d->nvml_status, "not asked: no GPU point");
    d->have_stat = read_stat(&d->last_steal, &d->last_total) == 0;
    return d;
}

void disturb_close(struct disturb *d)
{
    if (!d)
        return;
    if (d->nvml.lib) {
        d->nvml.shutdown();
        dlclose(d->nvml.lib);
    }
    free(d->test_rounds);
    free(d);
}

void disturb_round_begin(struct disturb *d)
{
    d->have_stat = read_stat(&d->last_steal, &d->last_total) == 0;
}

/* The GPU's clocks and reasons, flagged if it was slowed down. */
static void read_gpu(struct disturb *d, struct disturb_reading *out)
{
    struct nvml *n = &d->nvml;
    unsigned sm, mem;
    if (!n->lib)
        return;
    if (n->clock(n->device, NVML_CLOCK_SM, &sm) == NVML_SUCCESS)
        out->sm_mhz = sm;
    if (n->clock(n->device, NVML_CLOCK_MEM, &mem) == NVML_SUCCESS)
        out->mem_mhz = mem;
    if (n->reasons(n->device, &out->throttle) == NVML_SUCCESS)
        out->have_throttle = 1;
    int slow_clock = out->sm_mhz == out->sm_mhz && out->sm_mhz < THROTTLE_CLOCK_SHARE * n->max_sm_mhz;
    if ((out->have_throttle && (out->throttle & NVML_SLOWDOWN_REASONS)) || slow_clock)
        out->flags |= DISTURB_THROTTLED;
}

void disturb_round_end(struct disturb *d, long round, struct disturb_reading *out)
{
    *out = (struct disturb_reading){ .sm_mhz = NAN, .mem_mhz = NAN, .steal = NAN, .cpu_mhz = NAN };
    read_gpu(d, out);
    for (size_t i = 0; i < d->test_count; i++)
        if (d->test_rounds[i] == round) {
            out->throttle = 0x40; /* what NVML calls a hardware thermal slowdown */
            out->have_throttle = 1;
            out->flags |= DISTURB_THROTTLED;
        }
    unsigned long long steal, total;
    if (d->have_stat && read_stat(&steal, &total) == 0 && total > d->last_total) {
        out->steal = (double)(steal - d->last_steal) / (double)(total - d->last_total);
        if (out->steal > d->steal_limit)
            out->flags |= DISTURB_STEAL;
    }
    out->cpu_mhz = read_cpu_mhz();
}

void disturb_describe(const struct disturb *d, void (*fact)(void *ctx, const char *key, const char *value),
                      void *ctx)
{
    char buf[64];
    fact(ctx, "disturb_nvml", d->nvml_status);
    fact(ctx, "disturb_proc_stat", d->have_stat ? "yes" : "no: /proc/stat unreadable");
    snprintf(buf, sizeof buf, "%g", d->steal_limit);
    fact(ctx, "disturb_steal_limit", buf);
    if (d->test_count)
        fact(ctx, "disturb_test_hook", "FLOPBENCH_TEST_THROTTLE flagged rounds as throttled");
}

const char *disturb_flags_name(int flags)
{
    static const char *const names[] = { "", "throttled", "steal", "throttled+steal" };
    return names[flags & 3];
}
