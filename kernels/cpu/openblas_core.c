/* openblas_core.c: the widest vector ISA an OpenBLAS core uses, against the
 * widest the CPU has. */
#define _POSIX_C_SOURCE 200809L
#include "openblas_core.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum isa { ISA_SSE, ISA_AVX, ISA_AVX2, ISA_AVX512, ISA_COUNT };
static const char *const isa_name[] = { "SSE", "AVX", "AVX2", "AVX-512" };
/* A core of each ISA that OPENBLAS_CORETYPE accepts on x86-64. */
static const char *const isa_core[] = { "Nehalem", "Sandybridge", "Haswell", "SkylakeX" };

/* The x86-64 cores of OpenBLAS (DYNAMIC_ARCH) and the widest ISA their kernels use. */
static const struct { const char *core; enum isa isa; } cores[] = {
    { "Prescott", ISA_SSE }, { "Core2", ISA_SSE }, { "Penryn", ISA_SSE }, { "Dunnington", ISA_SSE },
    { "Nehalem", ISA_SSE }, { "Atom", ISA_SSE }, { "Opteron", ISA_SSE }, { "Barcelona", ISA_SSE },
    { "Nano", ISA_SSE }, { "Sandybridge", ISA_AVX }, { "Bulldozer", ISA_AVX }, { "Piledriver", ISA_AVX },
    { "Steamroller", ISA_AVX }, { "Excavator", ISA_AVX }, { "Haswell", ISA_AVX2 }, { "Zen", ISA_AVX2 },
    { "SkylakeX", ISA_AVX512 }, { "Cooperlake", ISA_AVX512 }, { "SapphireRapids", ISA_AVX512 },
};

/* 1 if the space-separated list flags holds flag as a whole word. */
static int has_flag(const char *flags, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *s = flags; (s = strstr(s, flag)) != NULL; s += n)
        if ((s == flags || s[-1] == ' ' || s[-1] == '\t') && (s[n] == '\0' || s[n] == ' ' || s[n] == '\n'))
            return 1;
    return 0;
}

static enum isa cpu_isa(const char *flags)
{
    if (has_flag(flags, "avx512f"))
        return ISA_AVX512;
    if (has_flag(flags, "avx2") && has_flag(flags, "fma"))
        return ISA_AVX2;
    return has_flag(flags, "avx") ? ISA_AVX : ISA_SSE;
}

int openblas_core_fits(const char *core, const char *cpu_flags, char *out, size_t len)
{
    enum isa have = cpu_isa(cpu_flags);
    for (size_t i = 0; i < sizeof cores / sizeof *cores; i++) {
        if (strcasecmp(core, cores[i].core) != 0)
            continue;
        enum isa used = cores[i].isa;
        if (used == have) {
            snprintf(out, len, "yes: %s (%s) on a CPU with %s", core, isa_name[used], isa_name[have]);
            return 1;
        }
        snprintf(out, len, "no: %s (%s) on a CPU with %s; OPENBLAS_CORETYPE=%s would fit", core,
                 isa_name[used], isa_name[have], isa_core[have]);
        return 0;
    }
    snprintf(out, len, "unknown: core %s (the CPU has %s)", core, isa_name[have]);
    return -1;
}

void openblas_cpu_flags(char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        const char *colon = strchr(line, ':');
        if (strncmp(line, "flags", 5) == 0 && colon) {
            snprintf(buf, len, "%s", colon + 1);
            break;
        }
    }
    fclose(f);
}
