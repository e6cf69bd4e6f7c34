/* roles.h - who may do what where: an account's grants (role x scope) and the
 * checks every route makes on the server.
 *
 *   viewer           reads the overview, sites and devices of its scope
 *   site-editor      + lifecycle actions and exemption requests on its sites
 *   approver         + approves or refuses exemption requests on its sites
 *                    (never its own: four eyes)
 *   programme-admin  reads its scope and the audit log (accounts, sites and
 *                    milestones are managed with the command line for now)
 *   auditor          reads everything of its scope and the audit log; changes nothing
 * A scope is all sites, a department or one site. A device without a site is
 * covered only by an all-sites grant.
 *
 * Memory: struct sl_roles is a value (bounded: SL_ROLES_MAX grants).
 */
#ifndef SL_WEB_ROLES_H
#define SL_WEB_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum sl_role {
    SL_ROLE_VIEWER = 1 << 0,
    SL_ROLE_EDITOR = 1 << 1,
    SL_ROLE_APPROVER = 1 << 2,
    SL_ROLE_ADMIN = 1 << 3,
    SL_ROLE_AUDITOR = 1 << 4,
};
#define SL_ROLE_ANY 0x1f

/* "viewer" -> SL_ROLE_VIEWER; 0 for an unknown name. */
unsigned sl_role_from_name(const char *name);

/* Parses "ROLE" or "ROLE:all", "ROLE:department:NAME", "ROLE:site:NAME". 0 or -1. */
int sl_grant_parse(const char *text, struct sl_grant *g);

#define SL_ROLES_MAX 64

struct sl_roles {
    size_t n;
    struct {
        unsigned role;
        int kind; /* 0 all, 1 department, 2 site */
        char value[SL_NAME_MAX];
    } g[SL_ROLES_MAX];
};

/* What a site is for the checks: its name and department (name "" = no site). */
struct sl_site_ref {
    int64_t id;
    char name[SL_NAME_MAX];
    char department[SL_NAME_MAX];
};

/* Loads an account's grants. 0 or -1. */
int sl_roles_load(struct sl_store *s, int64_t user_id, struct sl_roles *r, struct sl_err *err);
/* Does any grant with a role in `roles` cover the site? */
bool sl_roles_allow(const struct sl_roles *r, unsigned roles, const struct sl_site_ref *site);
/* Does any grant with a role in `roles` exist, whatever its scope? */
bool sl_roles_have(const struct sl_roles *r, unsigned roles);
/* Does a grant with a role in `roles` cover all sites? */
bool sl_roles_all_sites(const struct sl_roles *r, unsigned roles);

#endif
