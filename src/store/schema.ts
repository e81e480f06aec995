import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// All instants are integer milliseconds since the epoch (UTC); they are shown in Asia/Ho_Chi_Minh.
const instant = (name: string) => integer(name, { mode: "timestamp_ms" });
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const agencies = sqliteTable("agencies", {
  name: text("name").primaryKey(),
  kind: text("kind").notNull(),
  aliases: json<string[]>("aliases").notNull(),
  approvedQuota: integer("approved_quota"),
  approvalRef: text("approval_ref"),
  /** Điều 11.1: the chair whose sessions this office notifies (Văn phòng UBND Thành phố for UBND Thành phố). */
  notifiesFor: text("notifies_for"),
});

/** Official mailboxes (Điều 12.2a): one agency each, looked up by sender address. */
export const agencyMailboxes = sqliteTable("agency_mailboxes", {
  address: text("address").primaryKey(),
  agency: text("agency")
    .notNull()
    .references(() => agencies.name, { onDelete: "cascade" }),
});

export const endpoints = sqliteTable(
  "endpoints",
  {
    code: text("code").primaryKey(),
    name: text("name").notNull(),
    level: text("level").notNull(),
    agency: text("agency")
      .notNull()
      .references(() => agencies.name),
    aliases: json<string[]>("aliases").notNull(),
    control: integer("control", { mode: "boolean" }).notNull().default(false),
    vpnToken: text("vpn_token"),
    dial: text("dial"),
  },
  (t) => [index("endpoints_agency").on(t.agency)],
);

export const people = sqliteTable(
  "people",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    phone: text("phone"),
    email: text("email"),
    endpoint: text("endpoint").references(() => endpoints.code),
    role: text("role").notNull(),
    telegramId: text("telegram_id"),
    zaloId: text("zalo_id"),
  },
  (t) => [
    index("people_endpoint").on(t.endpoint),
    uniqueIndex("people_telegram").on(t.telegramId),
    uniqueIndex("people_zalo").on(t.zaloId),
  ],
);

/** Per-name sequences for short codes (HTT-2026-0042, SC-2026-0123). */
export const counters = sqliteTable("counters", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

export const bookings = sqliteTable(
  "bookings",
  {
    code: text("code").primaryKey(),
    status: text("status").notNull(),
    host: text("host"),
    hostEndpoint: text("host_endpoint"),
    /** The host endpoint a mail named when it is not the host agency's own (BookingRequest.hostEndpoint). */
    hostEndpointSaid: text("host_endpoint_said"),
    title: text("title"),
    startAt: instant("start_at"),
    endAt: instant("end_at"),
    /** The local day a mail gave without an hour, while the start is unknown (BookingRequest.day). */
    day: text("day"),
    contactName: text("contact_name"),
    contactPhone: text("contact_phone"),
    emergency: integer("emergency", { mode: "boolean" }).notNull(),
    secret: integer("secret", { mode: "boolean" }).notNull(),
    recording: integer("recording", { mode: "boolean" }).notNull(),
    cityHallRoom: integer("city_hall_room", { mode: "boolean" }).notNull(),
    otherSupport: text("other_support"),
    unresolved: json<string[]>("unresolved").notNull(),
    priority: integer("priority").notNull(),
    /** MCU ports the session takes (its endpoint count), kept here so capacity checks need no join. */
    ports: integer("ports").notNull().default(0),
    reasons: json<string[]>("reasons").notNull(),
    missing: json<string[]>("missing").notNull(),
    channel: text("channel").notNull(),
    sender: text("sender").notNull(),
    receivedAt: instant("received_at").notNull(),
    sequence: integer("sequence").notNull().default(0),
    createdAt: instant("created_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
  },
  (t) => [
    index("bookings_start").on(t.startAt),
    // Covers the holders query (capacity needs every holding booking in the window): no table lookups.
    index("bookings_holders").on(
      t.status,
      t.startAt,
      t.endAt,
      t.priority,
      t.ports,
      t.cityHallRoom,
      t.createdAt,
      t.code,
    ),
  ],
);

export const bookingEndpoints = sqliteTable(
  "booking_endpoints",
  {
    booking: text("booking")
      .notNull()
      .references(() => bookings.code, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull(),
    role: text("role").notNull(),
    /**
     * The booking's slot, copied here (kept by BookingRepo.save) so that "who holds this endpoint around
     * then" is one range scan of a covering index instead of a join through the bookings range.
     */
    startAt: instant("start_at"),
    endAt: instant("end_at"),
  },
  (t) => [
    primaryKey({ columns: [t.booking, t.endpoint] }),
    index("booking_endpoints_overlap").on(t.endpoint, t.startAt, t.endAt, t.booking),
  ],
);

/** The audit trail: every status change, who made it, when, through which channel, why. */
export const bookingEvents = sqliteTable(
  "booking_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    booking: text("booking")
      .notNull()
      .references(() => bookings.code, { onDelete: "cascade" }),
    at: instant("at").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    actor: text("actor").notNull(),
    channel: text("channel").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [index("booking_events_booking").on(t.booking)],
);

/**
 * Every inbound message, keyed per channel (Message-ID, update id). The unique key is written in the same
 * transaction as the message's effect, so a redelivered message finds its key and does nothing twice.
 */
export const inboundMessages = sqliteTable(
  "inbound_messages",
  {
    channel: text("channel").notNull(),
    key: text("key").notNull(),
    receivedAt: instant("received_at").notNull(),
    status: text("status").notNull(),
    booking: text("booking"),
    detail: text("detail"),
    /** The message as received (mail source), kept for audit and for re-processing a quarantined one. */
    raw: blob("raw", { mode: "buffer" }),
  },
  (t) => [primaryKey({ columns: [t.channel, t.key] })],
);

/** What must leave the process: replies, group posts, notices. Delivered by workers, retried, never lost. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    kind: text("kind").notNull(),
    payload: json<Record<string, unknown>>("payload").notNull(),
    booking: text("booking"),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    availableAt: instant("available_at").notNull(),
    lastError: text("last_error"),
    createdAt: instant("created_at").notNull(),
    sentAt: instant("sent_at"),
    /** The desk sending it now, until `leaseUntil`: a dead desk's claims return when the lease runs out. */
    claimedBy: text("claimed_by"),
    leaseUntil: instant("lease_until"),
  },
  (t) => [
    // The due scan: pending rows of the channels that have a sender, oldest first.
    index("outbox_due").on(t.status, t.channel, t.availableAt),
    // Reply caps: messages to one recipient on a channel since an instant.
    index("outbox_recipient").on(t.channel, t.recipient, t.createdAt),
    // The last answer about a booking (its mail thread).
    index("outbox_booking").on(t.booking, t.id),
    // A booking's first message of a kind and when it was written (the technical check of Điều 12.2b, for the
    // report and /metrics) without reading the rows, whose payloads are mails of several KB.
    index("outbox_booking_kind").on(t.booking, t.kind, t.id, t.createdAt),
  ],
);

/** Timers. `key` makes scheduling idempotent: the same timer for the same thing is one row. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    payload: json<Record<string, unknown>>("payload").notNull(),
    runAt: instant("run_at").notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: instant("created_at").notNull(),
    doneAt: instant("done_at"),
    /** The desk running it now, until `leaseUntil` (see outbox). */
    claimedBy: text("claimed_by"),
    leaseUntil: instant("lease_until"),
  },
  (t) => [uniqueIndex("jobs_kind_key").on(t.kind, t.key), index("jobs_due").on(t.status, t.runAt)],
);

export const incidents = sqliteTable(
  "incidents",
  {
    code: text("code").primaryKey(),
    endpoint: text("endpoint"),
    booking: text("booking"),
    category: text("category").notNull(),
    route: text("route").notNull(),
    status: text("status").notNull(),
    reporter: text("reporter").notNull(),
    text: text("text").notNull(),
    assignee: text("assignee"),
    /** Reported from a chat account not linked to the directory: recorded for the desk, "chưa xác minh". */
    unverified: integer("unverified", { mode: "boolean" }).notNull().default(false),
    /** The major incident (storm) this report was joined to; null for ordinary and major incidents. */
    major: text("major"),
    openedAt: instant("opened_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
  },
  (t) => [
    index("incidents_endpoint").on(t.endpoint, t.status),
    index("incidents_major").on(t.major),
    index("incidents_opened").on(t.status, t.openedAt),
  ],
);

export const incidentEvents = sqliteTable("incident_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  incident: text("incident")
    .notNull()
    .references(() => incidents.code, { onDelete: "cascade" }),
  at: instant("at").notNull(),
  actor: text("actor").notNull(),
  channel: text("channel").notNull(),
  action: text("action").notNull(),
  note: text("note"),
});

export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull().default(sql`(unixepoch() * 1000)`),
});

/**
 * Counters that SQLite triggers bump on every write to a group of tables (see the hand-written part of
 * `drizzle/0007_change_counters.sql`): `schedule` counts writes to bookings, their endpoints and their events, in
 * any process. A cache of what is derived from those tables (the public ICS feeds) is valid while it is unchanged.
 */
export const changeCounters = sqliteTable("change_counters", {
  name: text("name").primaryKey(),
  n: integer("n").notNull().default(0),
});

/**
 * The version of each UTC day's holding schedule (day = floor(start_at / 86 400 000) of a booking): triggers bump
 * a day in the same transaction as any write that changes which bookings hold capacity that day or how (status
 * into or out of the holding set, start, end, ports, priority, city-hall room), in every process (hand-written part
 * of the migration that creates it). An in-process cache of a day's holders is valid while its version is
 * unchanged; it is read inside the deciding transaction. A day without a row is version 0.
 * Writes with the triggers off (bulk seeding, `db copy`) end with `BookingRepo.rebuildScheduleDays()`.
 */
export const scheduleDays = sqliteTable(
  "schedule_days",
  {
    day: integer("day").notNull(),
    version: integer("version").notNull().default(0),
  },
  // A table-level key: the same column description on both dialects (SQLite's INTEGER PRIMARY KEY counts as a
  // default for drizzle).
  (t) => [primaryKey({ columns: [t.day] })],
);

/** `/dangky` requests: a chat user asks to be linked to an endpoint; an admin approves in chat or the CLI. */
export const chatLinks = sqliteTable(
  "chat_links",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    platform: text("platform").notNull(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    endpoint: text("endpoint").notNull(),
    status: text("status").notNull(),
    requestedAt: instant("requested_at").notNull(),
    decidedBy: text("decided_by"),
  },
  (t) => [uniqueIndex("chat_links_user").on(t.platform, t.userId)],
);

/**
 * Which desk process owns this database: one row per lease name ("desk"). A process takes the row at start, renews
 * `lease_until` with a heartbeat, and deletes it at a clean stop; a row past `lease_until` belongs to nobody.
 * Several desks on PostgreSQL (issue 12) can share the same shape as a leader lease.
 */
export const deskLease = sqliteTable("desk_lease", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  pid: integer("pid").notNull(),
  host: text("host").notNull(),
  since: instant("since").notNull(),
  heartbeatAt: instant("heartbeat_at").notNull(),
  leaseUntil: instant("lease_until").notNull(),
});

/** The audit of chat links: every approval, and every replacement of a person's chat account (who, when, whom). */
export const chatLinkEvents = sqliteTable("chat_link_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  link: integer("link").notNull(),
  at: instant("at").notNull(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  note: text("note"),
});

/**
 * Web desk passwords, one per desk person (admin, mcu-technician, wan-duty). Keyed by the login (the person's
 * e-mail, else their name, as in the directory) rather than people.id: a directory import replaces every people
 * row, and a password must survive it. The person and role are read from the directory at each request.
 */
export const webAccounts = sqliteTable("web_accounts", {
  login: text("login").primaryKey(),
  /** `scrypt$N$r$p$salt$hash` (base64): the parameters travel with the hash so they can be raised later. */
  passwordHash: text("password_hash").notNull(),
  failedAttempts: integer("failed_attempts").notNull().default(0),
  lockedUntil: instant("locked_until"),
  updatedAt: instant("updated_at").notNull(),
});

/** Web desk sessions. `id` is the SHA-256 of the cookie's random token: a copy of the table opens no session. */
export const webSessions = sqliteTable(
  "web_sessions",
  {
    id: text("id").primaryKey(),
    login: text("login")
      .notNull()
      .references(() => webAccounts.login, { onDelete: "cascade" }),
    csrfSecret: text("csrf_secret").notNull(),
    createdAt: instant("created_at").notNull(),
    lastSeenAt: instant("last_seen_at").notNull(),
    expiresAt: instant("expires_at").notNull(),
  },
  (t) => [index("web_sessions_login").on(t.login)],
);

/**
 * The duty roster (issue 13): who is on duty for a desk role (`mcu`, `wan`) by weekday (1 = Monday … 7 = Sunday)
 * and local minutes [from, to) in Asia/Ho_Chi_Minh; `to` below `from` runs past midnight. `person` is a name of the
 * directory with that desk role (the directory's people rows are replaced on import; names survive).
 */
export const dutyRoster = sqliteTable(
  "duty_roster",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    role: text("role").notNull(),
    weekday: integer("weekday").notNull(),
    fromMinute: integer("from_minute").notNull(),
    toMinute: integer("to_minute").notNull(),
    person: text("person").notNull(),
  },
  (t) => [index("duty_roster_role").on(t.role, t.weekday)],
);

/**
 * "Today's duty": an admin puts a person on duty for a role for one local date. Rows are never updated: the
 * latest row of a (date, role) decides, and the rows are the audit of who changed the duty, when and how.
 */
export const dutyOverrides = sqliteTable(
  "duty_overrides",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    date: text("date").notNull(),
    role: text("role").notNull(),
    person: text("person").notNull(),
    actor: text("actor").notNull(),
    channel: text("channel").notNull(),
    at: instant("at").notNull(),
  },
  (t) => [index("duty_overrides_date").on(t.date, t.role, t.id)],
);

/** Private chats with the bot: a chat user who wrote to the bot privately (Telegram: chat id = user id). */
export const privateChats = sqliteTable(
  "private_chats",
  {
    platform: text("platform").notNull(),
    userId: text("user_id").notNull(),
    chatId: text("chat_id").notNull(),
    startedAt: instant("started_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.userId] })],
);

/**
 * The web door's run of wrong passwords per (login, client address), and its lock (src/web/auth/login-guard.ts).
 * In the database, not in memory, so that a restart does not forget a lock and two desks behind one balancer count
 * the same tries. No reference to web_accounts: a login that has no account is counted the same way.
 */
export const webLoginPairs = sqliteTable(
  "web_login_pairs",
  {
    login: text("login").notNull(),
    address: text("address").notNull(),
    failed: integer("failed").notNull(),
    lockedUntil: instant("locked_until"),
    lastFailure: instant("last_failure").notNull(),
  },
  (t) => [primaryKey({ columns: [t.login, t.address] })],
);

/** Every wrong password per login, over every address, for the per-login slow-down's window (login-guard.ts). */
export const webLoginFailures = sqliteTable(
  "web_login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    login: text("login").notNull(),
    at: instant("at").notNull(),
  },
  (t) => [index("web_login_failures_login").on(t.login, t.at)],
);
