/* neigh.c - /proc/net/arp lookups (neigh.h). */
#include "net/neigh.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

struct entry {
    uint32_t ip;
    char mac[18];
};

struct sl_neigh {
    char path[256];
    struct entry *e;
    size_t n;
    uint64_t loaded_ms;
    bool loaded;
};

struct sl_neigh *sl_neigh_new(const char *path)
{
    struct sl_neigh *n = calloc(1, sizeof *n);
    if (n != NULL)
        sl_strlcpy(n->path, path != NULL ? path : "/proc/net/arp", sizeof n->path);
    return n;
}

void sl_neigh_free(struct sl_neigh *n)
{
    if (n == NULL)
        return;
    free(n->e);
    free(n);
}

static int cmp_entry(const void *a, const void *b)
{
    uint32_t x = ((const struct entry *)a)->ip, y = ((const struct entry *)b)->ip;
    return x < y ? -1 : x > y;
}

static bool valid_mac(const char *m)
{
    if (strlen(m) != 17 || strcmp(m, "00:00:00:00:00:00") == 0)
        return false;
    for (int i = 0; i < 17; i++)
        if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
            return false;
    return true;
}

static void reload(struct sl_neigh *n)
{
    FILE *f = fopen(n->path, "r");
    n->n = 0;
    if (f == NULL)
        return;
    char line[256];
    /* IP address  HW type  Flags  HW address  Mask  Device */
    while (fgets(line, sizeof line, f) != NULL && n->n < SL_NEIGH_MAX) {
        char ip[64], hw[64], flags[16], mac[64];
        if (sscanf(line, "%63s %63s %15s %63s", ip, hw, flags, mac) != 4)
            continue;
        struct in_addr a;
        if (inet_pton(AF_INET, ip, &a) != 1 || strtoul(flags, NULL, 16) == 0 || !valid_mac(mac))
            continue; /* the header line, or an incomplete entry */
        if (n->n % 1024 == 0) {
            struct entry *ne = realloc(n->e, (n->n + 1024) * sizeof *ne);
            if (ne == NULL)
                break;
            n->e = ne;
        }
        struct entry *e = &n->e[n->n++];
        e->ip = ntohl(a.s_addr);
        for (int i = 0; i < 17; i++)
            e->mac[i] = (char)tolower((unsigned char)mac[i]);
        e->mac[17] = '\0';
    }
    fclose(f);
    if (n->n > 1)
        qsort(n->e, n->n, sizeof *n->e, cmp_entry);
}

bool sl_neigh_lookup(struct sl_neigh *n, const struct sl_addr *a, uint64_t now_ms, char mac[18])
{
    if (n == NULL || !a->v4)
        return false;
    if (!n->loaded || now_ms >= n->loaded_ms + SL_NEIGH_REFRESH_MS) {
        reload(n);
        n->loaded = true;
        n->loaded_ms = now_ms;
    }
    struct entry key = {0};
    key.ip = (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 |
             a->b[15];
    if (n->n == 0)
        return false;
    const struct entry *e = bsearch(&key, n->e, n->n, sizeof *n->e, cmp_entry);
    if (e == NULL)
        return false;
    memcpy(mac, e->mac, 18);
    return true;
}
