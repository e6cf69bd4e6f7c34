/* canbus.h - a simulated vehicle CAN bus, made from a DBC file (dbc.h), with
 * attacks injected and their ground truth written down.
 *
 * The vehicle: every message with a cycle time is sent periodically by its
 * ECU (each ECU's clock runs a few tens of ppm fast or slow, each frame leaves
 * with a little software jitter); messages without one are sent at their ECU's
 * fastest cycle while the bus stays under 60% load, else now and then (a few
 * event messages). Diagnostic and calibration messages are left out. Signals:
 * counters step once a frame, checksum bytes are computed over the rest of the
 * payload (CRC-8 SAE J1850 with a data id, a negated sum or an XOR, chosen per
 * message), flags and enumerations change now and then, numeric signals are
 * constant or vary slowly (two sine waves and a bit of noise within their DBC
 * range). The bus is simulated frame by frame: 500 kbit/s, lowest id wins
 * arbitration, a frame's time is when it ends on the wire, so queueing
 * delays and load spikes are real.
 *
 * The vehicle (behaviours, phases, clocks) comes from vehicle_seed; the traffic
 * (noise, jitter, attack choices) from seed. remap_seed != 0 makes another
 * vehicle from the same DBC: new ids, periods scaled by 1/2, 1 or 2, payload
 * bytes rotated.
 *
 * Attacks (one window at a time, 3-5 s each, 20-40 s apart, HCRL-like rates):
 *   dos         id 0x000 every 0.3 ms
 *   fuzzing     random ids and payloads every 0.5 ms
 *   spoofing    one id's message with one signal altered, every 1 ms beside the ECU
 *   replay      one id's frames recorded 10-30 s earlier, sent again at its period
 *               beside the ECU
 *   suppression one id's ECU goes silent
 *   masquerade  one id's ECU goes silent and the attacker sends in its place, at
 *               its slots, counters and checksums right, one signal altered
 *   errors      error frames every 2 ms (a bus under electrical attack)
 *
 * Memory: struct lab_canbus owns its vehicle model; the DBC must outlive it.
 */
#ifndef SL_LAB_CANBUS_H
#define SL_LAB_CANBUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dbc.h"
#include "util/err.h"

enum lab_attack {
    LAB_ATK_DOS,
    LAB_ATK_FUZZ,
    LAB_ATK_SPOOF,
    LAB_ATK_REPLAY,
    LAB_ATK_SUPPRESS,
    LAB_ATK_MASQ,
    LAB_ATK_ERRORS,
    LAB_ATK_N
};

const char *lab_attack_name(enum lab_attack a);
int lab_attack_parse(const char *s, enum lab_attack *out);

struct lab_canbus_config {
    const struct lab_dbc *dbc;
    uint64_t seed, vehicle_seed, remap_seed;
    int64_t start_us;
    int64_t duration_us;
    uint32_t bitrate;         /* 0 = 500000 */
    unsigned attacks;         /* bit per enum lab_attack; 0 = clean traffic */
    int64_t warmup_us;        /* clean time before the first window; 0 = 20 s */
};

/* Where frames go: a candump log and/or a pcap (LINKTYPE_CAN_SOCKETCAN, the id
 * word big-endian as the specification says, or little-endian as scapy writes). */
struct lab_canbus_out {
    FILE *log;
    const char *iface;
    const char *pcap_path;
    bool pcap_little_endian;
    FILE *truth;              /* JSON lines, one per attack window */
};

struct lab_canbus_stats {
    uint64_t frames, attack_frames, windows;
    unsigned messages, periodic, event, ecus;
    double load_percent;      /* of the clean vehicle, estimated */
};

struct lab_canbus;

int lab_canbus_new(struct lab_canbus **out, const struct lab_canbus_config *cfg, struct sl_err *err);
void lab_canbus_free(struct lab_canbus *b);
/* Runs the whole duration. 0 or -1 (err: a write failed). */
int lab_canbus_run(struct lab_canbus *b, const struct lab_canbus_out *o, struct lab_canbus_stats *st,
                   struct sl_err *err);
/* Writes the vehicle (one JSON object a line per message) for documentation and tests. */
void lab_canbus_describe(const struct lab_canbus *b, FILE *out);

#endif
