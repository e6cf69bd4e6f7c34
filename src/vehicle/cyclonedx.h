/* cyclonedx.h - vehicles and parts from a CycloneDX JSON BOM (SBOM or HBOM,
 * specVersion 1.4, 1.5 or 1.6), all or nothing.
 *
 * A component is a part; its supplier.name, manufacturer.name (1.6; else
 * publisher, else author), name (the model), version, purl and cpe are kept.
 * Properties in the "sightline:" namespace carry what CycloneDX has no field
 * for (docs/vehicles.md):
 *
 *   sightline:vehicle:vin, :make, :model, :model_year, :fleet, :site, :registration
 *   sightline:part:kind, :layer, :imei, :serial
 *
 * The vehicle is metadata.component when it has a VIN (its components, however
 * nested, are its parts); else each top-level component with a VIN is a
 * vehicle with its nested components as parts; other components belong to the
 * vehicle the caller names (options.vin), or to none. A part's layer defaults
 * from its type (device: hardware; firmware, application, library, ...:
 * software).
 *
 * Bounded: at most SL_CDX_MAX_BYTES of input, SL_CDX_MAX_COMPONENTS
 * components, components nested SL_CDX_MAX_DEPTH deep (JSON itself at most
 * 2048, jansson's limit); strings longer than their field refuse the file.
 * Errors name the component by its path ("components[3].components[0]").
 */
#ifndef SL_VEHICLE_CYCLONEDX_H
#define SL_VEHICLE_CYCLONEDX_H

#include <stddef.h>

#include "vehicle/fleet.h"

#define SL_CDX_MAX_BYTES (512u * 1024u * 1024u)
#define SL_CDX_MAX_COMPONENTS 2000000u
#define SL_CDX_MAX_DEPTH 32

struct sl_cdx_options {
    const char *vin;  /* the vehicle a BOM without one describes, or NULL */
    int model_year;   /* that vehicle's, 0 = unknown */
};

/* Parses one BOM into f. Returns 0 (added; f indexed), 1 (the file is
 * malformed, too large or deep, or of an unknown spec version: err says
 * where and why; f as it was) or -1 (runtime failure). */
int sl_cdx_parse(const char *data, size_t len, const struct sl_vrules *vr,
                 const struct sl_cdx_options *opt, struct sl_fleet *f, struct sl_err *err);

/* The vendor field of a CPE (2.3 "cpe:2.3:h:quectel:eg25-g:..." or 2.2
 * "cpe:/h:quectel:eg25-g"), copied into out; false when there is none. */
bool sl_cpe_vendor(const char *cpe, char *out, size_t n);
/* The namespace of a package URL ("pkg:generic/quectel/eg25-g@1.0" ->
 * "quectel"); false when there is none. */
bool sl_purl_namespace(const char *purl, char *out, size_t n);

#endif
