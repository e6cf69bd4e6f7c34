/* register.h - fleets in the register (docs/vehicles.md): a fleet read from
 * a file is judged vehicle by vehicle at its own site (the site's tier and
 * vehicle rule) and written in one transaction; a registered vehicle is read
 * back as a one-vehicle fleet, so it is judged and explained by the same code
 * as a file; and judged again, its verdicts written back, when its site's
 * rule or a status changes.
 *
 * A vehicle with no site is judged as at a sensitive site with no rule (the
 * strictest tier, as `vehicles check` does by default). Removed parts are
 * kept and shown but no longer judged. Memory: the caller owns every struct;
 * sl_vreg_vehicle holds the part ids of the fleet it was loaded with.
 * Bounded: a fleet as vehicle/fleet.h bounds it; sites looked up once each.
 */
#ifndef SL_VEHICLE_REGISTER_H
#define SL_VEHICLE_REGISTER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/problems.h"
#include "vehicle/assess.h"
#include "vehicle/fleet.h"

struct sl_vreg_options {
    const char *source;       /* the file (or "command line") the fleet came from */
    const char *default_site; /* the site of vehicles the fleet names none for, or NULL */
    const char *actor;
    /* Called every 1,000 vehicles and at the end (may be NULL). */
    void (*progress)(size_t done, size_t total, void *ctx);
    void *progress_ctx;
    bool merge;               /* a registered VIN is re-imported (merged), else refused */
};

struct sl_vreg_counts {
    size_t vehicles, parts; /* added (new VINs) */
    size_t vehicles_by[SL_DECISION_COUNT], parts_by[SL_DECISION_COUNT];
    /* Registered VINs named again (a re-import): changed or not, and their parts. */
    size_t changed, unchanged, parts_added, parts_changed, parts_removed;
};

/* Writes fleet f (indexed) into the register, judged: every site it names must
 * be in the register (else a problem naming its line and column, or the
 * vehicle in a BOM); a VIN already registered is merged into it (o->merge:
 * a re-import, vehicle/reimport.h) or fails the whole (SL_ERR_EXISTS); an IMEI already on another part fails the
 * whole (SL_ERR_EXISTS). Joins an open transaction (several files, all or nothing).
 * Returns 0, 1 (problems: nothing written) or -1 (err set). */
int sl_vreg_import(struct sl_store *s, struct sl_assessor *a, const struct sl_fleet *f,
                   const struct sl_vreg_options *o, struct sl_vreg_counts *counts,
                   struct sl_import_problems *probs, struct sl_err *err);

/* A registered vehicle as it stands, for judging and showing. */
struct sl_vreg_vehicle {
    int64_t id, site_id;
    char site[SL_NAME_MAX];
    enum sl_tier tier;         /* the site's, else sensitive */
    bool has_rule;
    struct sl_site_rule rule;  /* the site's vehicle rule, when has_rule */
    char status[16], status_since[SL_ISO_LEN], first_seen[SL_ISO_LEN];
    struct sl_verdict stored;  /* the verdict the register holds */
    size_t n_parts;            /* fitted parts, loaded into the fleet in position order */
    int64_t *part_ids;         /* owned: sl_vreg_vehicle_free */
    size_t n_removed;          /* removed parts (not in the fleet) */
};
void sl_vreg_vehicle_free(struct sl_vreg_vehicle *v);

/* Reads vehicle id and its fitted parts into f (empty, then indexed: vehicle
 * 0) and *v. Returns 1, 0 when there is no such vehicle, -1. */
int sl_vreg_load(struct sl_store *s, int64_t id, struct sl_fleet *f, struct sl_vreg_vehicle *v,
                 struct sl_err *err);

/* What the register holds of v beyond the judged fleet, as JSON: id, site,
 * tier, vehicle_rule, status (and since), first_seen, stored_verdict, parts[]
 * (removed ones too: id, position, kind, model, status as it holds at now,
 * an expired exemption's last day as exemption_expired, what each status
 * carried, vendor, verdict) and history[] (oldest first; a part's events name
 * its position). New reference, or NULL (err set). */
json_t *sl_vreg_json(struct sl_store *s, const struct sl_vreg_vehicle *v, int64_t now,
                     struct sl_err *err);

/* Sets the assessor to the vehicle's site (tier and rule). */
void sl_vreg_assess_at(struct sl_assessor *a, const struct sl_vreg_vehicle *v);

/* Judges vehicle id again as the register holds it now and writes back its
 * verdict and its fitted parts'; a changed decision is audited
 * (vehicle.verdict, with why). *old_d and *new_d (may be NULL) get the
 * decisions. Joins an open transaction. */
int sl_vreg_rejudge(struct sl_store *s, struct sl_assessor *a, int64_t id, const char *why,
                    const char *actor, enum sl_decision *old_d, enum sl_decision *new_d,
                    struct sl_err *err);

/* Checks one change of a vehicle or of one of its parts against the
 * lifecycle (vehicle/status.h: ev->to_status and what it carries; the current
 * status read under a lock), records it (event, row, audit entry) and judges
 * the vehicle again, in one transaction (joined if open). *old_d and *new_d
 * (may be NULL) get the vehicle's decisions. Returns 1 (applied), 0 (refused:
 * why says why, nothing written) or -1 (err set). */
int sl_vreg_set_status(struct sl_store *s, struct sl_assessor *a, struct sl_vehicle_event *ev,
                       char *why, size_t whyn, enum sl_decision *old_d, enum sl_decision *new_d,
                       struct sl_err *err);

/* Sets a site's vehicle rule (NULL: clears it) and judges its vehicles again,
 * in one transaction; counts gets their new verdicts, *changed how many
 * vehicles' decisions changed. */
int sl_vreg_set_site_rule(struct sl_store *s, struct sl_assessor *a, int64_t site_id,
                          const struct sl_site_rule *rule, const char *actor,
                          struct sl_vreg_counts *counts, size_t *changed, struct sl_err *err);

#endif
