/* ident.h - the fingerprint engine: evidence in, a claim out (DESIGN.md §5).
 *
 * Rules are data (data/rules/), loaded once into an immutable struct sl_ident
 * that any number of threads may share read-only. Identification of one device
 * accumulates its evidence in a struct sl_ident_acc, then concludes one claim:
 * several clues combine; one weak clue alone never names a manufacturer;
 * conflicting clues are reported in claim.conflicts; firmware traits beat the
 * label (a Lorex box with Dahua firmware is manufacturer Dahua, brand Lorex).
 *
 * Device input is hostile: observing never fails and never reads unbounded
 * input; what could not be parsed goes into claim.errors.
 */
#ifndef SL_IDENT_IDENT_H
#define SL_IDENT_IDENT_H

#include "core/claim.h"
#include "core/evidence.h"
#include "util/err.h"

struct sl_ident;
struct sl_ident_acc;

/* Loads rules, the OUI table (Debian's ieee-data plus data/oui-supplement) and
 * the vendor registry's brand names from datadir (usually sl_datadir()).
 * Returns 0 or -1 with err naming the file and line of a bad rule. */
int sl_ident_load(struct sl_ident **out, const char *datadir, struct sl_err *err);
void sl_ident_free(struct sl_ident *id);

/* One device's accumulated findings. Owned by the caller. */
struct sl_ident_acc *sl_ident_acc_new(const struct sl_ident *id);
void sl_ident_acc_free(struct sl_ident_acc *acc);
void sl_ident_acc_reset(struct sl_ident_acc *acc);

/* Moves an accumulator to another loaded ident (rules reloaded): what it has
 * found so far stays; later evidence meets id's rules. The old ident may be
 * freed afterwards. */
void sl_ident_acc_rebind(struct sl_ident_acc *acc, const struct sl_ident *id);

/* Parses one piece of evidence and records what its rules say. */
void sl_ident_observe(struct sl_ident_acc *acc, const struct sl_evidence *ev);

/* Combines everything observed into one claim. */
void sl_ident_conclude(const struct sl_ident_acc *acc, struct sl_claim *out);

/* One piece of evidence in, one claim out (what `sightline identify` does). */
void sl_ident_one(const struct sl_ident *id, const struct sl_evidence *ev, struct sl_claim *out);

#endif
