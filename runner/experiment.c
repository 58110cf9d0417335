/* experiment.c: releasing what script.c built. */
#include "experiment.h"

#include <stdlib.h>

void experiment_list_free(struct experiment_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        struct experiment *e = &list->items[i];
        free(e->name);
        free(e->script);
        free(e->params);
        free(e->seed);
        free(e->points);
    }
    free(list->items);
    list->items = NULL;
    list->count = 0;
}
