/* admin.c - the programme administration on the dashboard: milestones (add,
 * edit, remove), sites (add) and accounts (add, disable, enable, grant,
 * revoke), for a programme-admin of all sites; every change audited with the
 * signed-in account as actor. The checks are programme/'s and store/'s, the
 * same the commands make; this file reads forms and answers. */
#include <stdlib.h>
#include <string.h>

#include "programme/milestone_fields.h"
#include "programme/site_import.h"
#include "util/str.h"
#include "web/auth.h"
#include "web/internal.h"

#define ADMIN_MAX_NETWORKS 64

static bool admin_ok(struct web_req *r)
{
    if (sl_roles_all_sites(&r->roles, SL_ROLE_ADMIN))
        return true;
    web_error(r, 403, "Only a programme-admin of all sites may change the programme's settings.");
    return false;
}

/* The answer to a change that was made: back to /admin, or {"done": what}. */
static void admin_done(struct web_req *r, const char *what)
{
    if (r->api) {
        web_json(r, 200, json_pack("{s:s}", "done", what));
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/admin?done=%s", what);
    web_redirect(r, loc);
}

/* A store error as an answer: the person's mistake (exists, not found,
 * invalid) says why; anything else is 503. */
static void admin_failed(struct web_req *r, const struct sl_err *err)
{
    unsigned st = err->kind == SL_ERR_EXISTS || err->kind == SL_ERR_CONFLICT ? 409
                  : err->kind == SL_ERR_NOT_FOUND                          ? 404
                  : err->kind == SL_ERR_INVALID                            ? 400
                                                                           : 503;
    web_error(r, st, st != 503 ? err->msg : "The change could not be stored.");
}

/* ---- milestones ---------------------------------------------------------------- */

static const char *nonempty(struct web_req *r, const char *name)
{
    const char *v = web_field(r, name);
    return v != NULL && v[0] ? v : NULL;
}

struct subject_of {
    const char *name;
    char subject[16];
};

static int subject_of_cb(const struct sl_milestone *m, void *ctx)
{
    struct subject_of *w = ctx;
    if (strcmp(m->name, w->name) == 0)
        sl_strlcpy(w->subject, m->subject, sizeof w->subject);
    return 0;
}

static void milestone_change(struct web_req *r, const char *op)
{
    struct sl_err err = {0};
    const char *name = web_field(r, "name");
    if (strcmp(op, "remove") == 0) {
        int rc = sl_store_milestone_remove(r->s, name != NULL ? name : "", r->user.name, &err);
        if (rc < 0)
            admin_failed(r, &err);
        else if (rc == 0)
            web_error(r, 404, "No milestone by that name.");
        else
            admin_done(r, "milestone-removed");
        return;
    }
    bool edit = strcmp(op, "edit") == 0;
    /* What it counts: the form's "of", else (an edit) what the milestone counted. */
    struct subject_of was = {name != NULL ? name : "", ""};
    const char *of = nonempty(r, "of");
    if (of == NULL && edit && sl_store_milestone_list(r->s, subject_of_cb, &was, &err) == 0 &&
        was.subject[0])
        of = was.subject;
    struct sl_milestone m;
    if (sl_milestone_from_fields_of(&m, of, name, web_field(r, "due"), nonempty(r, "percent"),
                                    nonempty(r, "count"), nonempty(r, "scope"), false,
                                    &err) != 0) {
        web_error(r, 400, err.msg);
        return;
    }
    /* An edit replaces the milestone in one transaction: both halves audited. */
    int rc = sl_store_begin(r->s, &err);
    if (rc == 0 && edit) {
        rc = sl_store_milestone_remove(r->s, m.name, r->user.name, &err);
        if (rc == 0)
            rc = sl_err_setk(&err, SL_ERR_NOT_FOUND, "No milestone by that name.");
        rc = rc == 1 ? 0 : -1;
    }
    if (rc == 0)
        rc = sl_store_milestone_add(r->s, &m, r->user.name, NULL, &err);
    if (rc != 0) {
        sl_store_rollback(r->s);
        admin_failed(r, &err);
    } else if (sl_store_commit(r->s, &err) != 0) {
        admin_failed(r, &err);
    } else {
        admin_done(r, edit ? "milestone-edited" : "milestone-added");
    }
}

/* ---- sites --------------------------------------------------------------------- */

static void site_add(struct web_req *r)
{
    const char *name = web_field(r, "name"), *dept = web_field(r, "department"),
               *tier_s = web_field(r, "tier"), *nets_s = web_field(r, "networks");
    enum sl_tier tier;
    if (name == NULL || dept == NULL || name[0] == '\0' || dept[0] == '\0' ||
        strlen(name) >= SL_NAME_MAX || strlen(dept) >= SL_NAME_MAX ||
        sl_str_has_control(name) || sl_str_has_control(dept)) {
        web_error(r, 400, "A name and a department (1 to 127 characters) are needed.");
        return;
    }
    if (tier_s == NULL || sl_tier_from_name(tier_s, &tier) != 0) {
        web_error(r, 400, "The tier must be sensitive, official or public.");
        return;
    }
    char *nets[ADMIN_MAX_NETWORKS];
    struct sl_err err = {0};
    int n = nets_s != NULL && nets_s[0] ? sl_parse_networks(nets_s, nets, ADMIN_MAX_NETWORKS, &err) : 0;
    if (n < 0) {
        web_error(r, 400, err.msg);
        return;
    }
    struct sl_import_problems probs = {0};
    if (sl_site_check_networks(r->s, name, nets, (size_t)n, &probs, &err) != 0)
        admin_failed(r, &err);
    else if (probs.count > 0)
        web_error(r, 400, probs.text[0]);
    else if (sl_store_site_add(r->s, name, dept, tier, (const char *const *)nets, (size_t)n,
                               r->user.name, NULL, &err) != 0)
        admin_failed(r, &err);
    else
        admin_done(r, "site-added");
    for (int i = 0; i < n; i++)
        free(nets[i]);
}

/* ---- accounts ------------------------------------------------------------------ */

static void user_change(struct web_req *r, const char *op)
{
    const char *name = web_field(r, "name");
    struct sl_err err = {0};
    struct sl_grant g;
    int rc;
    if (name == NULL || name[0] == '\0') {
        web_error(r, 400, "The account's name is needed.");
        return;
    }
    if (strcmp(op, "add") == 0) {
        if (!sl_web_user_name_ok(name)) {
            web_error(r, 400, "An account name has 1 to 63 letters, digits or ._-@");
            return;
        }
        char hash[SL_PWHASH_MAX];
        const char *pw = web_field(r, "password");
        if (sl_web_hash_password(pw != NULL ? pw : "", hash, &err) != 0) {
            web_error(r, 400, err.msg);
            return;
        }
        rc = sl_store_user_add(r->s, name, hash, r->user.name, NULL, &err) == 0 ? 1 : -1;
    } else if (strcmp(op, "disable") == 0 || strcmp(op, "enable") == 0) {
        if (strcmp(name, r->user.name) == 0 && op[0] == 'd') {
            web_error(r, 409, "You cannot disable your own account.");
            return;
        }
        rc = sl_store_user_set_disabled(r->s, name, op[0] == 'd', r->user.name, &err);
    } else {
        const char *grant = web_field(r, "grant");
        if (grant == NULL || sl_grant_parse(grant, &g) != 0) {
            web_error(r, 400, "A grant is ROLE, ROLE:department:NAME or ROLE:site:NAME.");
            return;
        }
        rc = op[0] == 'g' ? (sl_store_grant_add(r->s, name, &g, r->user.name, &err) == 0 ? 1 : -1)
                          : sl_store_grant_remove(r->s, name, &g, r->user.name, &err);
    }
    if (rc < 0)
        admin_failed(r, &err);
    else if (rc == 0)
        web_error(r, 404, op[0] == 'r' ? "The account does not hold that grant." : "No such account.");
    else
        admin_done(r, op);
}

void web_admin_action(struct web_req *r, const char *what)
{
    if (!admin_ok(r))
        return;
    static const char *const user_ops[] = {"add", "disable", "enable", "grant", "revoke"};
    if (sl_str_starts_with(what, "milestones/")) {
        const char *op = what + strlen("milestones/");
        if (strcmp(op, "add") == 0 || strcmp(op, "edit") == 0 || strcmp(op, "remove") == 0) {
            milestone_change(r, op);
            return;
        }
    } else if (strcmp(what, "sites/add") == 0) {
        site_add(r);
        return;
    } else if (sl_str_starts_with(what, "users/")) {
        for (size_t i = 0; i < 5; i++)
            if (strcmp(what + strlen("users/"), user_ops[i]) == 0) {
                user_change(r, user_ops[i]);
                return;
            }
    }
    web_error(r, 404, "No such page.");
}
