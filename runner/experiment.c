/* experiment.c: the bounds of an experiment's fields, and releasing what
 * script.c built. */
#include "experiment.h"

#include <stdlib.h>
#include <string.h>

const struct field_limit experiment_limits[] = {
    { "n", 1, 1, 1000000 },
    { "axis", 1, -1, 1 },
    { "iterations", 1, 0, 1000000000 },
    { "warmup", 1, 0, 1000000 },
    { "settle", 1, 0, 1000000 },
    { "samples", 1, 1, 100000 },
    { "max_samples", 1, 1, 100000 },
    { "seed", 1, 0, 4294967295.0 },
    { "threads", 1, 0, 4096 },
    { "min_batch_time", 0, 0, 3600 },
    { "max_time", 0, 0, 86400 },
    { "target_rel_ci", 0, 0, 1 },
    { NULL, 0, 0, 0 },
};

const struct field_limit *experiment_limit(const char *name)
{
    for (const struct field_limit *l = experiment_limits; l->name; l++)
        if (strcmp(l->name, name) == 0)
            return l;
    return NULL;
}

int experiment_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 128 || name[0] == '.')
        return 0;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

void experiment_free(struct experiment *e)
{
    free(e->name);
    free(e->script);
    free(e->params);
    free(e->seed);
    free(e->points);
    for (size_t i = 0; i < e->pair_count; i++)
        free(e->pairs[i].claim);
    free(e->pairs);
    memset(e, 0, sizeof *e);
}

void experiment_list_free(struct experiment_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        experiment_free(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}
