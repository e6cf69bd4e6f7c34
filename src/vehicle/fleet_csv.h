/* fleet_csv.h - the fleet CSV: vehicles and their connected parts, one row
 * per part, all or nothing (as `sites import` is).
 *
 * The header names the columns (any order, any case):
 *
 *   vin           required; 17 characters, check digit where the region uses it
 *   make, model   the vehicle's; free text
 *   model_year    a year (1950-2100); may be empty: a North American VIN fixes it
 *   fleet, site, registration
 *   part_kind     tcu, cellular, wifi-bt, gnss, satellite, v2x, infotainment, ads,
 *                 adas, camera, lidar, radar, charger, soc, other (or a synonym)
 *   part_layer    hardware or software (empty = not known)
 *   supplier, manufacturer, part_model, part_version   free text
 *   imei          15 digits, Luhn-checked; unique in the file
 *   serial
 *
 * Only vin is required as a column. A row whose part columns are all empty
 * gives a vehicle without parts; a row with any part column needs part_kind.
 * A vehicle's columns repeat on each of its rows: an empty cell takes the
 * earlier value, a different one is a problem. Every problem names its line
 * and column; if there is any, nothing is added.
 */
#ifndef SL_VEHICLE_FLEET_CSV_H
#define SL_VEHICLE_FLEET_CSV_H

#include <stddef.h>

#include "util/problems.h"
#include "vehicle/fleet.h"

/* Parses data into f. Returns 0 (added; f indexed), 1 (problems, f as it
 * was) or -1 (runtime failure, err set). */
int sl_fleet_csv_parse(const char *data, size_t len, const struct sl_vrules *vr,
                       struct sl_fleet *f, struct sl_import_problems *probs, struct sl_err *err);

#endif
