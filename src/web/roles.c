/* roles.c - grants loaded from the register and matched against a site; the
 * routes decide which roles an action needs (web/actions.c, web/pages.c). */
#include "web/roles.h"

#include <string.h>

#include "util/str.h"

static const struct {
    const char *name;
    unsigned role;
} role_names[] = {
    {"viewer", SL_ROLE_VIEWER},   {"site-editor", SL_ROLE_EDITOR},
    {"approver", SL_ROLE_APPROVER}, {"programme-admin", SL_ROLE_ADMIN},
    {"auditor", SL_ROLE_AUDITOR},
};

unsigned sl_role_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
        if (strcmp(role_names[i].name, name) == 0)
            return role_names[i].role;
    return 0;
}

int sl_grant_parse(const char *text, struct sl_grant *g)
{
    memset(g, 0, sizeof *g);
    const char *colon = strchr(text, ':');
    size_t rlen = colon != NULL ? (size_t)(colon - text) : strlen(text);
    if (rlen == 0 || rlen >= sizeof g->role)
        return -1;
    memcpy(g->role, text, rlen);
    if (sl_role_from_name(g->role) == 0)
        return -1;
    const char *scope = colon != NULL ? colon + 1 : "all";
    if (strcmp(scope, "all") == 0) {
        sl_strlcpy(g->scope_kind, "all", sizeof g->scope_kind);
        return 0;
    }
    const char *kinds[] = {"department:", "site:"};
    for (int k = 0; k < 2; k++) {
        if (sl_str_starts_with(scope, kinds[k])) {
            const char *v = scope + strlen(kinds[k]);
            if (*v == '\0' || strlen(v) >= sizeof g->scope_value || sl_str_has_control(v))
                return -1;
            sl_strlcpy(g->scope_kind, kinds[k], strlen(kinds[k]));
            sl_strlcpy(g->scope_value, v, sizeof g->scope_value);
            return 0;
        }
    }
    return -1;
}

struct load_ctx {
    struct sl_roles *r;
};

static int on_grant(const struct sl_grant *g, void *vctx)
{
    struct sl_roles *r = ((struct load_ctx *)vctx)->r;
    if (r->n == SL_ROLES_MAX)
        return 1;
    r->g[r->n].role = sl_role_from_name(g->role);
    r->g[r->n].kind = strcmp(g->scope_kind, "all") == 0 ? 0
                      : strcmp(g->scope_kind, "department") == 0 ? 1 : 2;
    sl_strlcpy(r->g[r->n].value, g->scope_value, sizeof r->g[r->n].value);
    r->n++;
    return 0;
}

int sl_roles_load(struct sl_store *s, int64_t user_id, struct sl_roles *r, struct sl_err *err)
{
    memset(r, 0, sizeof *r);
    struct load_ctx ctx = {r};
    return sl_store_grant_list(s, user_id, on_grant, &ctx, err);
}

bool sl_roles_allow(const struct sl_roles *r, unsigned roles, const struct sl_site_ref *site)
{
    for (size_t i = 0; i < r->n; i++) {
        if ((r->g[i].role & roles) == 0)
            continue;
        if (r->g[i].kind == 0)
            return true;
        if (site == NULL || site->name[0] == '\0')
            continue;
        if (r->g[i].kind == 1 && strcmp(r->g[i].value, site->department) == 0)
            return true;
        if (r->g[i].kind == 2 && strcmp(r->g[i].value, site->name) == 0)
            return true;
    }
    return false;
}

bool sl_roles_have(const struct sl_roles *r, unsigned roles)
{
    for (size_t i = 0; i < r->n; i++)
        if ((r->g[i].role & roles) != 0)
            return true;
    return false;
}

bool sl_roles_all_sites(const struct sl_roles *r, unsigned roles)
{
    for (size_t i = 0; i < r->n; i++)
        if ((r->g[i].role & roles) != 0 && r->g[i].kind == 0)
            return true;
    return false;
}
