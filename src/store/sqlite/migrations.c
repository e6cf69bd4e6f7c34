/* migrations.c - the register's schema on SQLite, as numbered migrations.
 *
 * Never edit a migration that has shipped: add a new one, here and in
 * store/postgres/migrations.c under the same number (docs/register.md). Each
 * runs in its own transaction and sets PRAGMA user_version.
 * tests/unit/test_store_migrate.c opens a register at every older version and
 * migrates it to the latest, on both backends.
 */
#include "store/internal.h"

const struct sl_migration sl_sqlite_migrations[] = {
    {1, "core: sites, scans, devices, evidence, audit log",
     "CREATE TABLE sites ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  department TEXT NOT NULL,"
     "  tier TEXT NOT NULL CHECK (tier IN ('sensitive','official','public')),"
     "  created_at TEXT NOT NULL"
     ") STRICT;"
     "CREATE TABLE site_networks ("
     "  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,"
     "  cidr TEXT NOT NULL,"
     "  PRIMARY KEY (site_id, cidr)"
     ") STRICT;"
     "CREATE TABLE scans ("
     "  id INTEGER PRIMARY KEY,"
     "  site_id INTEGER REFERENCES sites(id),"
     "  kind TEXT NOT NULL DEFAULT 'scan',"
     "  started_at TEXT NOT NULL,"
     "  finished_at TEXT,"
     "  status TEXT NOT NULL CHECK (status IN ('running','complete','incomplete')),"
     "  targets TEXT NOT NULL,"
     "  options TEXT,"
     "  actor TEXT NOT NULL,"
     "  hosts_total INTEGER NOT NULL DEFAULT 0,"
     "  hosts_up INTEGER NOT NULL DEFAULT 0,"
     "  devices_found INTEGER NOT NULL DEFAULT 0"
     ") STRICT;"
     "CREATE TABLE devices ("
     "  id INTEGER PRIMARY KEY,"
     "  site_id INTEGER REFERENCES sites(id),"
     "  mac TEXT,"
     "  serial TEXT,"
     "  address TEXT,"
     "  ports TEXT,"
     "  manufacturer TEXT,"
     "  brand TEXT,"
     "  model TEXT,"
     "  firmware TEXT,"
     "  device_type TEXT,"
     "  confidence REAL NOT NULL DEFAULT 0,"
     "  claim TEXT NOT NULL DEFAULT '{}',"
     "  decision TEXT NOT NULL DEFAULT 'needs-review'"
     "    CHECK (decision IN ('prohibited','replace-by','allowed','needs-review')),"
     "  verdict TEXT NOT NULL DEFAULT '{}',"
     "  status TEXT NOT NULL DEFAULT 'discovered',"
     "  status_since TEXT NOT NULL,"
     "  first_seen TEXT NOT NULL,"
     "  last_seen TEXT NOT NULL,"
     "  last_scan_id INTEGER REFERENCES scans(id)"
     ") STRICT;"
     "CREATE INDEX devices_mac ON devices(mac) WHERE mac IS NOT NULL;"
     "CREATE INDEX devices_serial ON devices(serial) WHERE serial IS NOT NULL;"
     "CREATE INDEX devices_address ON devices(address, site_id);"
     "CREATE INDEX devices_site ON devices(site_id);"
     "CREATE INDEX devices_manufacturer ON devices(manufacturer COLLATE NOCASE);"
     "CREATE TABLE evidence ("
     "  id INTEGER PRIMARY KEY,"
     "  scan_id INTEGER REFERENCES scans(id),"
     "  device_id INTEGER REFERENCES devices(id),"
     "  address TEXT NOT NULL,"
     "  proto TEXT NOT NULL,"
     "  port INTEGER NOT NULL DEFAULT 0,"
     "  path TEXT,"
     "  request TEXT,"
     "  outcome TEXT NOT NULL,"
     "  detail TEXT,"
     "  observed_at TEXT NOT NULL,"
     "  truncated INTEGER NOT NULL DEFAULT 0,"
     "  data BLOB"
     ") STRICT;"
     "CREATE INDEX evidence_device ON evidence(device_id);"
     "CREATE INDEX evidence_scan_address ON evidence(scan_id, address);"
     "CREATE TABLE audit_log ("
     "  seq INTEGER PRIMARY KEY,"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  object TEXT NOT NULL,"
     "  detail TEXT NOT NULL,"
     "  prev_hash BLOB NOT NULL,"
     "  hash BLOB NOT NULL"
     ") STRICT;"
     "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
     "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
     "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
     "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"},

    {2, "programme: lifecycle events, device lifecycle fields, milestones",
     "ALTER TABLE devices ADD COLUMN scheduled_for TEXT;"
     "ALTER TABLE devices ADD COLUMN replaced_by TEXT;"
     "ALTER TABLE devices ADD COLUMN exempt_reason TEXT;"
     "ALTER TABLE devices ADD COLUMN exempt_approver TEXT;"
     "ALTER TABLE devices ADD COLUMN exempt_until TEXT;"
     "CREATE INDEX devices_status ON devices(status);"
     "CREATE TABLE lifecycle_events ("
     "  id INTEGER PRIMARY KEY,"
     "  device_id INTEGER NOT NULL REFERENCES devices(id),"
     "  at TEXT NOT NULL,"
     "  recorded_at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  from_status TEXT,"
     "  to_status TEXT NOT NULL,"
     "  note TEXT,"
     "  replaced_by TEXT,"
     "  scheduled_for TEXT,"
     "  exempt_until TEXT,"
     "  exempt_approver TEXT,"
     "  scan_id INTEGER REFERENCES scans(id)"
     ") STRICT;"
     "CREATE INDEX lifecycle_events_device ON lifecycle_events(device_id, at);"
     "CREATE INDEX lifecycle_events_at ON lifecycle_events(at);"
     "CREATE TRIGGER lifecycle_events_no_update BEFORE UPDATE ON lifecycle_events"
     "  BEGIN SELECT RAISE(ABORT, 'lifecycle_events is append-only'); END;"
     "CREATE TRIGGER lifecycle_events_no_delete BEFORE DELETE ON lifecycle_events"
     "  BEGIN SELECT RAISE(ABORT, 'lifecycle_events is append-only'); END;"
     /* Devices discovered before lifecycle events existed get their creation event. */
     "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor, from_status, to_status, note)"
     "  SELECT id, first_seen, first_seen, 'migration', NULL, status, 'recorded by migration 2'"
     "  FROM devices;"
     "CREATE TABLE milestones ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  due TEXT NOT NULL,"
     "  target_kind TEXT NOT NULL CHECK (target_kind IN ('percent','count')),"
     "  target REAL NOT NULL,"
     "  scope_kind TEXT NOT NULL DEFAULT 'all'"
     "    CHECK (scope_kind IN ('all','tier','department','site')),"
     "  scope_value TEXT,"
     "  created_at TEXT NOT NULL"
     ") STRICT;"},

    {3, "monitor: network sightings and alerts",
     "CREATE TABLE sightings ("
     "  mac TEXT NOT NULL,"
     "  address TEXT NOT NULL,"
     "  device_id INTEGER REFERENCES devices(id),"
     "  first_seen TEXT NOT NULL,"
     "  last_seen TEXT NOT NULL,"
     "  PRIMARY KEY (mac, address)"
     ") STRICT;"
     "CREATE TABLE alerts ("
     "  id INTEGER PRIMARY KEY,"
     "  first_at TEXT NOT NULL,"
     "  last_at TEXT NOT NULL,"
     "  signature_id INTEGER NOT NULL,"
     "  signature TEXT NOT NULL,"
     "  severity INTEGER NOT NULL,"
     "  device_id INTEGER REFERENCES devices(id),"
     "  src TEXT,"
     "  dest TEXT,"
     "  count INTEGER NOT NULL DEFAULT 1,"
     "  detail TEXT NOT NULL DEFAULT '{}'"
     ") STRICT;"
     "CREATE INDEX alerts_signature ON alerts(signature_id, device_id);"},

    {4, "programme: covering index for replaying lifecycle history by time",
     /* Reports replay every event in time order (programme/progress.c); an
      * index holding what the replay reads lets SQLite stream it without one
      * table lookup per event. It leads with `at`, so it also serves every
      * query the index it replaces did. */
     "DROP INDEX IF EXISTS lifecycle_events_at;"
     "CREATE INDEX lifecycle_events_replay ON lifecycle_events"
     "  (at, id, device_id, to_status, exempt_until, scheduled_for);"},
    {5, "vehicles: the fleet register (vehicles, their connected parts, their history) and"
        " a site's vehicle rule",
     /* docs/vehicles.md: a vehicle and its parts are stored as a fleet file
      * gave them, with the verdict judged at their site (its tier and vehicle
      * rule) when they were written; vehicle/register.c judges again when the
      * site's rule or a status changes. Verdicts are columns (decision, policy,
      * deadline; a vehicle's reason too, a part's is told again by `vehicles
      * show`): the report groups by them, and a million parts stay small. */
     "ALTER TABLE sites ADD COLUMN vehicle_rule TEXT;"
     "CREATE TABLE vehicles ("
     "  id INTEGER PRIMARY KEY,"
     "  vin TEXT NOT NULL UNIQUE,"
     "  make TEXT,"
     "  model TEXT,"
     "  model_year INTEGER,"
     "  model_year_from_vin INTEGER NOT NULL DEFAULT 0,"
     "  fleet TEXT,"
     "  site_id INTEGER REFERENCES sites(id),"
     "  registration TEXT,"
     "  wmi TEXT NOT NULL,"
     "  maker TEXT,"
     "  source TEXT,"
     "  status TEXT NOT NULL DEFAULT 'active',"
     "  status_since TEXT NOT NULL,"
     "  decision TEXT NOT NULL DEFAULT 'needs-review'"
     "    CHECK (decision IN ('prohibited','replace-by','restricted','allowed','needs-review')),"
     "  policy TEXT,"
     "  deadline TEXT,"
     "  reason TEXT,"
     "  judged_at TEXT NOT NULL,"
     "  first_seen TEXT NOT NULL,"
     "  last_changed TEXT NOT NULL"
     ") STRICT;"
     "CREATE INDEX vehicles_registration ON vehicles(registration) WHERE registration IS NOT NULL;"
     "CREATE INDEX vehicles_site ON vehicles(site_id);"
     "CREATE TABLE vehicle_parts ("
     "  id INTEGER PRIMARY KEY,"
     "  vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),"
     "  position INTEGER NOT NULL,"
     "  kind TEXT NOT NULL CHECK (kind IN ('tcu','cellular','wifi-bt','gnss','satellite','v2x',"
     "    'infotainment','ads','adas','camera','lidar','radar','charger','soc','other')),"
     "  layer TEXT CHECK (layer IN ('hardware','software')),"
     "  supplier TEXT,"
     "  manufacturer TEXT,"
     "  model TEXT,"
     "  version TEXT,"
     "  imei TEXT,"
     "  serial TEXT,"
     "  purl TEXT,"
     "  cpe TEXT,"
     "  source TEXT,"
     "  status TEXT NOT NULL DEFAULT 'fitted',"
     "  status_since TEXT NOT NULL,"
     "  replaced_by TEXT,"
     "  vendor TEXT,"
     "  vendors TEXT,"
     "  rules TEXT,"
     "  decision TEXT NOT NULL DEFAULT 'needs-review'"
     "    CHECK (decision IN ('prohibited','replace-by','restricted','allowed','needs-review')),"
     "  policy TEXT,"
     "  deadline TEXT,"
     "  UNIQUE (vehicle_id, position)"
     ") STRICT;"
     "CREATE UNIQUE INDEX vehicle_parts_imei ON vehicle_parts(imei) WHERE imei IS NOT NULL;"
     "CREATE TABLE vehicle_events ("
     "  id INTEGER PRIMARY KEY,"
     "  vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),"
     "  part_id INTEGER REFERENCES vehicle_parts(id),"
     "  at TEXT NOT NULL,"
     "  recorded_at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  from_status TEXT,"
     "  to_status TEXT NOT NULL,"
     "  site_id INTEGER REFERENCES sites(id),"
     "  note TEXT,"
     "  replaced_by TEXT"
     ") STRICT;"
     "CREATE INDEX vehicle_events_vehicle ON vehicle_events(vehicle_id, at);"
     "CREATE TRIGGER vehicle_events_no_update BEFORE UPDATE ON vehicle_events"
     "  BEGIN SELECT RAISE(ABORT, 'vehicle_events is append-only'); END;"
     "CREATE TRIGGER vehicle_events_no_delete BEFORE DELETE ON vehicle_events"
     "  BEGIN SELECT RAISE(ABORT, 'vehicle_events is append-only'); END;"},
    {6, "audit: keyed entries, demo marks, evidence hashed into the chain",
     /* keyed: the entry's hash is an HMAC under a key kept outside the
      * register (docs/security.md). demo: the event was written by `demo
      * seed`. audit_baseline: evidence rows written before this migration,
      * which no audit entry hashed (db verify counts them, cannot check them). */
     "ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE lifecycle_events ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;"
     /* The process running a scan: one left 'running' by a process that is
      * gone (killed) is marked incomplete at the next open. */
     "ALTER TABLE scans ADD COLUMN pid INTEGER;"
     "ALTER TABLE scans ADD COLUMN host TEXT;"
     "CREATE TABLE audit_baseline ("
     "  evidence_upto INTEGER NOT NULL"
     ") STRICT;"
     "INSERT INTO audit_baseline (evidence_upto) SELECT COALESCE(max(id), 0) FROM evidence;"
     "CREATE TRIGGER audit_baseline_no_update BEFORE UPDATE ON audit_baseline"
     "  BEGIN SELECT RAISE(ABORT, 'audit_baseline is append-only'); END;"
     "CREATE TRIGGER audit_baseline_no_delete BEFORE DELETE ON audit_baseline"
     "  BEGIN SELECT RAISE(ABORT, 'audit_baseline is append-only'); END;"},
    {7, "web: dashboard accounts, role grants, sessions and exemption requests",
     /* sightline serve (web/): accounts with argon2id hashes, grants of a role
      * over all sites, a department or one site, server-side sessions (only the
      * SHA-256 of a session id is stored) and the four-eyes exemption requests.
      * Times are Unix seconds. */
     "CREATE TABLE users ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  pwhash TEXT NOT NULL,"
     "  disabled INTEGER NOT NULL DEFAULT 0,"
     "  created_at INTEGER NOT NULL,"
     "  pw_changed_at INTEGER NOT NULL"
     ") STRICT;"
     "CREATE TABLE user_grants ("
     "  id INTEGER PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  role TEXT NOT NULL CHECK (role IN ('viewer','site-editor','approver',"
     "    'programme-admin','auditor')),"
     "  scope_kind TEXT NOT NULL CHECK (scope_kind IN ('all','department','site')),"
     "  scope_value TEXT NOT NULL DEFAULT '',"
     "  UNIQUE (user_id, role, scope_kind, scope_value)"
     ") STRICT;"
     "CREATE TABLE sessions ("
     "  id_hash TEXT PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  csrf TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  last_seen INTEGER NOT NULL,"
     "  address TEXT NOT NULL DEFAULT ''"
     ") STRICT;"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE exemption_requests ("
     "  id INTEGER PRIMARY KEY,"
     "  device_id INTEGER NOT NULL REFERENCES devices(id),"
     "  requested_by TEXT NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  until TEXT NOT NULL,"
     "  requested_at INTEGER NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'pending'"
     "    CHECK (state IN ('pending','approved','refused')),"
     "  decided_by TEXT,"
     "  decided_at INTEGER"
     ") STRICT;"
     "CREATE INDEX exemption_requests_device ON exemption_requests(device_id, state);"},
    {8, "vehicles: a part's lifecycle (scheduled, exempt) and the dates each move carries",
     /* docs/vehicles.md: a part is fitted, scheduled for removal (a date),
      * removed (replaced by) or exempt (reason, approver, last day), moved by
      * the devices' lifecycle rules (programme/lifecycle.h); each event keeps
      * what the move carried, so a report as of a date can replay it. */
     "ALTER TABLE vehicle_parts ADD COLUMN scheduled_for TEXT;"
     "ALTER TABLE vehicle_parts ADD COLUMN exempt_until TEXT;"
     "ALTER TABLE vehicle_parts ADD COLUMN exempt_approver TEXT;"
     "ALTER TABLE vehicle_parts ADD COLUMN exempt_reason TEXT;"
     "ALTER TABLE vehicle_events ADD COLUMN scheduled_for TEXT;"
     "ALTER TABLE vehicle_events ADD COLUMN exempt_until TEXT;"
     "ALTER TABLE vehicle_events ADD COLUMN exempt_approver TEXT;"},
    {9, "verdict history: each change of a device's claim or verdict",
     /* store/verdicts.c: a scan (or import, verify, monitor) or `devices
      * reassess` that changes a device's claim or verdict writes one row here,
      * with the change's audit entry (device.verdict), in the transaction that
      * changes the device. The device keeps its current claim and verdict; the
      * as-of figures (programme/progress_replay.c) replay these rows. A device
      * with no row has had its verdict since before this migration. */
     "CREATE TABLE verdict_events ("
     "  id INTEGER PRIMARY KEY,"
     "  device_id INTEGER NOT NULL REFERENCES devices(id),"
     "  at TEXT NOT NULL,"
     "  recorded_at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  via TEXT NOT NULL CHECK (via IN ('observation','reassess')),"
     "  scan_id INTEGER REFERENCES scans(id),"
     "  claim_changed INTEGER NOT NULL,"
     "  verdict_changed INTEGER NOT NULL,"
     "  from_claim TEXT NOT NULL,"
     "  to_claim TEXT NOT NULL,"
     "  from_manufacturer TEXT,"
     "  to_manufacturer TEXT,"
     "  from_decision TEXT NOT NULL,"
     "  to_decision TEXT NOT NULL,"
     "  from_policy TEXT,"
     "  to_policy TEXT,"
     "  from_deadline TEXT,"
     "  to_deadline TEXT,"
     "  policy_version TEXT,"
     "  rules TEXT,"
     "  reason TEXT"
     ") STRICT;"
     "CREATE INDEX verdict_events_device ON verdict_events(device_id, at, id);"
     "CREATE INDEX verdict_events_replay ON verdict_events"
     "  (at, id, device_id, verdict_changed, to_decision, to_deadline);"
     "CREATE TRIGGER verdict_events_no_update BEFORE UPDATE ON verdict_events"
     "  BEGIN SELECT RAISE(ABORT, 'verdict_events is append-only'); END;"
     "CREATE TRIGGER verdict_events_no_delete BEFORE DELETE ON verdict_events"
     "  BEGIN SELECT RAISE(ABORT, 'verdict_events is append-only'); END;"},
    {10, "agents: site agents, enrolment tokens, batches seen",
     /* Site agents (docs/agents.md): an agent is enrolled with a single-use
      * token (only its SHA-256 is stored) and gets a client certificate from
      * the server's CA; its row keeps the certificate (spools carried by hand
      * are checked against it) and its SHA-256 (looked up on every request).
      * agent_sites: the sites it may write. agent_batches: every batch UUID
      * applied, so a batch sent twice is acknowledged, not applied twice.
      * Times are Unix seconds. */
     "CREATE TABLE agents ("
     "  id INTEGER PRIMARY KEY,"
     "  uid TEXT NOT NULL UNIQUE,"
     "  name TEXT NOT NULL UNIQUE,"
     "  cert_pem TEXT NOT NULL,"
     "  cert_sha256 TEXT NOT NULL UNIQUE,"
     "  not_after INTEGER NOT NULL,"
     "  enrolled_at INTEGER NOT NULL,"
     "  revoked_at INTEGER,"
     "  schedule INTEGER NOT NULL DEFAULT 86400,"
     "  last_seen INTEGER,"
     "  version TEXT NOT NULL DEFAULT '',"
     "  spool_batches INTEGER NOT NULL DEFAULT 0,"
     "  spool_bytes INTEGER NOT NULL DEFAULT 0,"
     "  spool_full INTEGER NOT NULL DEFAULT 0,"
     "  batches INTEGER NOT NULL DEFAULT 0,"
     "  refused_records INTEGER NOT NULL DEFAULT 0"
     ") STRICT;"
     "CREATE TABLE agent_sites ("
     "  agent_id INTEGER NOT NULL REFERENCES agents(id),"
     "  site_id INTEGER NOT NULL REFERENCES sites(id),"
     "  PRIMARY KEY (agent_id, site_id)"
     ") STRICT;"
     "CREATE TABLE agent_tokens ("
     "  id INTEGER PRIMARY KEY,"
     "  token_sha256 TEXT NOT NULL UNIQUE,"
     "  site_id INTEGER NOT NULL REFERENCES sites(id),"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  schedule INTEGER NOT NULL DEFAULT 86400,"
     "  used_at INTEGER,"
     "  agent_id INTEGER REFERENCES agents(id)"
     ") STRICT;"
     "CREATE TABLE agent_batches ("
     "  uuid TEXT PRIMARY KEY,"
     "  agent_id INTEGER NOT NULL REFERENCES agents(id),"
     "  seq INTEGER NOT NULL,"
     "  records INTEGER NOT NULL,"
     "  scan_id INTEGER REFERENCES scans(id),"
     "  received_at INTEGER NOT NULL"
     ") STRICT;"
     "CREATE INDEX agent_batches_agent ON agent_batches(agent_id, seq);"},
    {11, "web: the figures' head (the newest audit entry not about accounts), API tokens",
     /* The dashboard keeps the programme's figures until the register changes;
      * sign-ins and account changes (actions user.*) do not change them, so
      * its cache is keyed by the newest other entry, found by this index. */
     "CREATE INDEX audit_log_figures ON audit_log(seq) WHERE substr(action, 1, 5) <> 'user.';"
     /* API tokens for scripts: only the token's SHA-256 is kept (web/tokens.c);
      * scope 'read' (GET only) or 'write'; Unix seconds. */
     "CREATE TABLE api_tokens ("
     "  id INTEGER PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  label TEXT NOT NULL,"
     "  hash TEXT NOT NULL UNIQUE,"
     "  scope TEXT NOT NULL CHECK (scope IN ('read','write')),"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  revoked INTEGER NOT NULL DEFAULT 0"
     ") STRICT;"
     "CREATE INDEX api_tokens_user ON api_tokens(user_id);"},
    {12, "vehicles: each change of a vehicle's or part's verdict; milestones of vehicle parts",
     /* docs/vehicles.md: vehicle_verdict_events is append-only, one row per
      * change of a vehicle's (part_id NULL) or a part's decision or deadline,
      * written with the change and its audit entry (vehicle.verdict,
      * vehicle.part_verdict); `report --as-of` reads the verdict that held
      * then from it. milestones.subject: what a milestone counts, devices or
      * the fleet's connected parts (scope 'fleet' for the latter). SQLite
      * cannot change a CHECK in place: the table is rebuilt. */
     "CREATE TABLE vehicle_verdict_events ("
     "  id INTEGER PRIMARY KEY,"
     "  vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),"
     "  part_id INTEGER REFERENCES vehicle_parts(id),"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  from_decision TEXT NOT NULL,"
     "  to_decision TEXT NOT NULL,"
     "  from_deadline TEXT,"
     "  to_deadline TEXT,"
     "  policy TEXT,"
     "  why TEXT"
     ") STRICT;"
     "CREATE INDEX vehicle_verdict_events_of ON vehicle_verdict_events(vehicle_id, part_id, at, id);"
     "CREATE INDEX vehicle_verdict_events_at ON vehicle_verdict_events(at);"
     "CREATE TRIGGER vehicle_verdict_events_no_update BEFORE UPDATE ON vehicle_verdict_events"
     "  BEGIN SELECT RAISE(ABORT, 'vehicle_verdict_events is append-only'); END;"
     "CREATE TRIGGER vehicle_verdict_events_no_delete BEFORE DELETE ON vehicle_verdict_events"
     "  BEGIN SELECT RAISE(ABORT, 'vehicle_verdict_events is append-only'); END;"
     "CREATE TABLE milestones_12 ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  due TEXT NOT NULL,"
     "  target_kind TEXT NOT NULL CHECK (target_kind IN ('percent','count')),"
     "  target REAL NOT NULL,"
     "  scope_kind TEXT NOT NULL DEFAULT 'all'"
     "    CHECK (scope_kind IN ('all','tier','department','site','fleet')),"
     "  scope_value TEXT,"
     "  created_at TEXT NOT NULL,"
     "  subject TEXT NOT NULL DEFAULT 'devices' CHECK (subject IN ('devices','vehicle-parts'))"
     ") STRICT;"
     "INSERT INTO milestones_12 (id, name, due, target_kind, target, scope_kind, scope_value,"
     "  created_at) SELECT id, name, due, target_kind, target, scope_kind, scope_value, created_at"
     "  FROM milestones;"
     "DROP TABLE milestones;"
     "ALTER TABLE milestones_12 RENAME TO milestones;"},
    {13, "agent_certs: agents' renewed certificates (pending and retired)",
     /* Certificate renewal (docs/agents.md): a renewed certificate waits here
      * as 'pending' (accepted beside the agent's current one in agents) until
      * its first use makes it 'current' (and copied into agents); the one it
      * replaces becomes 'retired' (refused at the handshake, still verifying
      * the batches its key signed before). Unix seconds. */
     "CREATE TABLE agent_certs ("
     "  cert_sha256 TEXT PRIMARY KEY,"
     "  agent_id INTEGER NOT NULL REFERENCES agents(id),"
     "  cert_pem TEXT NOT NULL,"
     "  not_after INTEGER NOT NULL,"
     "  issued_at INTEGER NOT NULL,"
     "  state TEXT NOT NULL CHECK (state IN ('pending','current','retired')),"
     "  retired_at INTEGER"
     ") STRICT;"
     "CREATE INDEX agent_certs_agent ON agent_certs(agent_id, state);"},
    {14, "evidence: no row-by-row foreign-key checks (db verify checks the references)",
     /* SQLite cannot drop a column's REFERENCES: the table is rebuilt, same
      * columns, ids and indexes (docs/register.md, PostgreSQL's 12). */
     "CREATE TABLE evidence_v12 ("
     "  id INTEGER PRIMARY KEY,"
     "  scan_id INTEGER,"
     "  device_id INTEGER,"
     "  address TEXT NOT NULL,"
     "  proto TEXT NOT NULL,"
     "  port INTEGER NOT NULL DEFAULT 0,"
     "  path TEXT,"
     "  request TEXT,"
     "  outcome TEXT NOT NULL,"
     "  detail TEXT,"
     "  observed_at TEXT NOT NULL,"
     "  truncated INTEGER NOT NULL DEFAULT 0,"
     "  data BLOB"
     ") STRICT;"
     "INSERT INTO evidence_v12 SELECT id, scan_id, device_id, address, proto, port, path,"
     "  request, outcome, detail, observed_at, truncated, data FROM evidence ORDER BY id;"
     "DROP TABLE evidence;"
     "ALTER TABLE evidence_v12 RENAME TO evidence;"
     "CREATE INDEX evidence_device ON evidence(device_id);"
     "CREATE INDEX evidence_scan_address ON evidence(scan_id, address);"},
    {15, "sites: per-site exclusions; agents: verification requests",
     /* site_exclusions: networks of a site never probed by `scan --site`,
      * `verify` or the site's agent, and refused in an agent's batch
      * (docs/agents.md). agent_verifications: a verification queued for a
      * site's agent (state pending, then done with the scan it applied and
      * its outcome as JSON). Times are Unix seconds. */
     "CREATE TABLE site_exclusions ("
     "  id INTEGER PRIMARY KEY,"
     "  site_id INTEGER NOT NULL REFERENCES sites(id),"
     "  cidr TEXT NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  created_by TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  UNIQUE (site_id, cidr)"
     ") STRICT;"
     "CREATE TABLE agent_verifications ("
     "  id INTEGER PRIMARY KEY,"
     "  site_id INTEGER NOT NULL REFERENCES sites(id),"
     "  requested_by TEXT NOT NULL,"
     "  requested_at INTEGER NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','done')),"
     "  agent_id INTEGER REFERENCES agents(id),"
     "  done_at INTEGER,"
     "  scan_id INTEGER REFERENCES scans(id),"
     "  outcome TEXT NOT NULL DEFAULT ''"
     ") STRICT;"
     "CREATE INDEX agent_verifications_site ON agent_verifications(site_id, state);"},
    {16, "vehicles: indexes for the dashboard's vehicle list and for expired part exemptions",
     /* The dashboard pages vehicles by id (or VIN) under filters; each filter's
      * column with the id lets a page be read from the index, however rare the
      * value, instead of walking every vehicle (web/vehicles_page.c). */
     "CREATE INDEX vehicles_fleet_id ON vehicles(fleet, id);"
     "CREATE INDEX vehicles_decision_id ON vehicles(decision, id);"
     "CREATE INDEX vehicles_site_id ON vehicles(site_id, id);"
     "CREATE INDEX vehicles_status_id ON vehicles(status, id);"
     /* Parts still exempt, by last day: expired exemptions found without
      * reading every part (vehicle/expire.c). */
     "CREATE INDEX vehicle_parts_exempt ON vehicle_parts(exempt_until) WHERE status = 'exempt';"},
    {17, "devices and lifecycle events: no row-by-row foreign-key checks (db verify checks the references)",
     /* PostgreSQL drops the foreign keys of devices (site, last scan) and of
      * lifecycle_events (device, scan) here; SQLite keeps them (its checks
      * are look-ups in the same process, and dropping them would rebuild its
      * two largest tables), so on SQLite this step only keeps the numbering
      * in lockstep (docs/register.md). */
     "SELECT 1;"},
    {0, NULL, NULL},
};
