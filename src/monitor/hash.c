/* hash.c - the monitor's per-process hash seed (hash.h). */
#include "monitor/hash.h"

#include <pthread.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void draw_seed(void)
{
    if (getrandom(&seed, sizeof seed, 0) == (ssize_t)sizeof seed)
        return;
    /* no getrandom (a kernel before 3.17): the clock, the pid and where the
     * stack is (ASLR); weaker, but not a constant */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int here;
    seed = sl_hash_mix((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                       ((uint64_t)getpid() << 48) ^ (uint64_t)(uintptr_t)&here);
}

uint64_t sl_mon_hash_seed(void)
{
    pthread_once(&seed_once, draw_seed);
    return seed;
}
