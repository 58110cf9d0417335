/* disturb.h: what disturbed the machine during a round of samples: the
 * GPU's clocks and throttle reasons (NVML, loaded at run time from the
 * driver) and the CPU's steal time and frequency (/proc). Knows nothing of
 * Lua or CSV. */
#ifndef FLOPBENCH_DISTURB_H
#define FLOPBENCH_DISTURB_H

#include <stddef.h>

/* Why a round is left out of the statistics. */
enum disturb_flag {
    DISTURB_THROTTLED = 1, /* the GPU slowed down: thermal, power brake, hardware slowdown */
    DISTURB_STEAL = 2,     /* the hypervisor took more than DISTURB_STEAL_LIMIT of the CPUs */
};

/* A round whose steal time exceeds this share of the CPUs' time is disturbed. */
/* The default share of steal that marks a round; FLOPBENCH_STEAL_LIMIT
 * (0 to 1, 1: never) sets another. */
#define DISTURB_STEAL_LIMIT 0.05

/* What was read at the end of one round. A NAN (or have_throttle 0) is a
 * reading this host cannot make. */
struct disturb_reading {
    double sm_mhz, mem_mhz;      /* GPU clocks right after the round's last batch */
    unsigned long long throttle; /* NVML's clock-event reasons, as NVML gives them */
    int have_throttle;
    double steal;                /* share of the CPUs' time stolen during the round */
    double cpu_mhz;              /* the mean of the CPUs' current frequencies */
    int flags;                   /* enum disturb_flag */
};

struct disturb;

/* Starts watching: NVML when gpu is set and the driver has it, /proc
 * always. The test hook FLOPBENCH_TEST_THROTTLE (a list of round numbers,
 * "3,5") flags those rounds as throttled, standing in for NVML. Returns NULL
 * with why in err (errlen bytes) if memory runs out or the hook is malformed. */
struct disturb *disturb_open(int gpu, char *err, size_t errlen);
void disturb_close(struct disturb *d);
/* Marks the start of a round (reads the CPU counters). */
void disturb_round_begin(struct disturb *d);
/* Reads what happened during round (1-based) since disturb_round_begin. */
void disturb_round_end(struct disturb *d, long round, struct disturb_reading *out);
/* What can be watched here, as key/value facts: disturb_nvml ("yes", or why
 * not), disturb_proc_stat, disturb_test_hook. */
void disturb_describe(const struct disturb *d, void (*fact)(void *ctx, const char *key, const char *value),
                      void *ctx);
/* "throttled", "steal" or "throttled+steal" for flags; "" for 0. */
const char *disturb_flags_name(int flags);

#endif
