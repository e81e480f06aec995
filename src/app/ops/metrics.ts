import { type SQL, sql } from "drizzle-orm";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Dialect } from "../../store/conn.js";
import type { Store } from "../../store/store.js";
import { type Health, WORKERS } from "./health.js";

/**
 * Chat sends the platform refused and that will be retried. The database keeps no record of them (the outbox row
 * only moves its time), so they are counted in process, fed by the delivery loop's hook (src/bot/pacing.ts).
 */
export class ChatCounters {
  readonly rateLimited = new Map<string, number>();
  readonly retried = new Map<string, number>();

  record(platform: string, rateLimited: boolean): void {
    this.retried.set(platform, (this.retried.get(platform) ?? 0) + 1);
    if (rateLimited) this.rateLimited.set(platform, (this.rateLimited.get(platform) ?? 0) + 1);
  }
}

export interface MetricsDeps {
  store: Store;
  health: Health;
  chat: ChatCounters;
  now: () => Date;
  /** Điều 12.2b: how long before the start the technical check is due (the regulation's value in force). */
  technicalCheckBeforeMinutes: number;
}

/**
 * Every statement a scrape runs: plain reads over indexed columns, a few milliseconds in all. Written for both
 * SQLite and PostgreSQL; the one fold that differs (a key's part before `@`) is chosen by dialect.
 */
const Q = {
  outbox: sql`SELECT channel, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'
              GROUP BY channel`,
  jobsDue: (now: number) =>
    sql`SELECT kind, COUNT(*) AS n FROM jobs WHERE status = 'pending' AND run_at <= ${now} GROUP BY kind`,
  jobsParked: sql`SELECT kind, COUNT(*) AS n FROM jobs WHERE status = 'parked' GROUP BY kind`,
  // A decision is a status the rules or a technician set out of `received` or `needs-review`.
  decisions: sql`SELECT to_status AS outcome, COUNT(*) AS n FROM booking_events
                 WHERE from_status IN ('received', 'needs-review', 'needs-info')
                   AND to_status IN ('confirmed', 'needs-review', 'needs-info', 'rejected')
                   AND from_status <> to_status
                 GROUP BY to_status`,
  answerBreaches: sql`SELECT COUNT(*) AS n FROM booking_events WHERE reason LIKE 'quá hạn trả lời%'`,
  ackBreaches: sql`SELECT COUNT(*) AS n FROM incident_events WHERE action = 'escalated'`,
  handoverBreaches: (dialect: Dialect) =>
    dialect === "pg"
      ? sql`SELECT COUNT(DISTINCT split_part(key, '@', 1)) AS n FROM jobs
            WHERE kind = 'recording-handover-due' AND strpos(key, '@') > 0`
      : sql`SELECT COUNT(DISTINCT substr(key, 1, instr(key, '@') - 1)) AS n FROM jobs
            WHERE kind = 'recording-handover-due' AND instr(key, '@') > 0`,
  // Điều 12.2b: a session that took place without a technical-check notice sent by 2 h before its start (the
  // report's definition). Outbox rows of that kind are kept by retention, so the count never falls.
  checkBreaches: (beforeMs: number) =>
    sql`SELECT COUNT(*) AS n FROM bookings b
        WHERE b.status IN ('live', 'ended', 'handed-over') AND b.start_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.booking = b.code AND o.kind = 'technical-check'
                          AND o.created_at <= b.start_at - ${beforeMs})`,
  incidentsOpen: sql`SELECT route, COUNT(*) AS n FROM incidents WHERE status <> 'resolved' GROUP BY route`,
  live: sql`SELECT COUNT(*) AS n FROM bookings WHERE status = 'live'`,
  droppedLegs: sql`SELECT COUNT(*) AS n FROM meta m JOIN bookings b ON b.status = 'live'
                   AND m.key LIKE 'mcu:leg:' || b.code || ':%' WHERE m.value <> '-'`,
} as const;

/** The values a scrape reads from the database, in one consistent read. */
interface DbFigures {
  outbox: { channel: string; n: number; oldest: number }[];
  jobsDue: { kind: string; n: number }[];
  jobsParked: { kind: string; n: number }[];
  decisions: { outcome: string; n: number }[];
  breaches: { kind: string; n: number }[];
  incidentsOpen: { route: string; n: number }[];
  live: number;
  droppedLegs: number;
}

async function readFigures(store: Store, now: Date, checkBeforeMs: number): Promise<DbFigures> {
  return store.read(async (_r, c) => {
    const count = async (q: SQL) => Number((await c.all<{ n: number }>(q))[0]?.n ?? 0);
    return {
      outbox: await c.all<DbFigures["outbox"][number]>(Q.outbox),
      jobsDue: await c.all<DbFigures["jobsDue"][number]>(Q.jobsDue(now.getTime())),
      jobsParked: await c.all<DbFigures["jobsParked"][number]>(Q.jobsParked),
      decisions: await c.all<DbFigures["decisions"][number]>(Q.decisions),
      breaches: [
        { kind: "answer", n: await count(Q.answerBreaches) },
        { kind: "incident-ack", n: await count(Q.ackBreaches) },
        { kind: "recording-handover", n: await count(Q.handoverBreaches(c.dialect)) },
        { kind: "technical-check", n: await count(Q.checkBreaches(checkBeforeMs)) },
      ],
      incidentsOpen: await c.all<DbFigures["incidentsOpen"][number]>(Q.incidentsOpen),
      live: await count(Q.live),
      droppedLegs: await count(Q.droppedLegs),
    };
  });
}

/**
 * The desk's Prometheus metrics on a private registry. Nearly every figure is read from the database when
 * Prometheus scrapes (a gauge's `collect`): it survives restarts and needs no wiring into the code that changes it.
 * Only what the database does not record (chat 429s and retries, worker health) comes from process memory.
 */
export function deskMetrics(deps: MetricsDeps): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "desk_process_" });
  // One database read per scrape: prom-client starts every collect in the same turn of the event loop, so they
  // share the read started by the first one; the next scrape starts afresh.
  let shared: Promise<DbFigures> | null = null;
  const db = () => {
    if (!shared) {
      shared = readFigures(deps.store, deps.now(), deps.technicalCheckBeforeMinutes * 60_000);
      setImmediate(() => {
        shared = null;
      });
    }
    return shared;
  };

  new Gauge({
    name: "desk_outbox_pending",
    help: "Outbound messages waiting for delivery, by channel (mail, group, desk, chat, direct).",
    labelNames: ["channel"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await db()).outbox) this.set({ channel: r.channel }, r.n);
    },
  });
  new Gauge({
    name: "desk_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest undelivered message, by channel: a mail answer waiting here has not reached the clerk.",
    labelNames: ["channel"],
    registers: [registry],
    async collect() {
      this.reset();
      const now = deps.now().getTime();
      for (const r of (await db()).outbox)
        this.set({ channel: r.channel }, Math.max(0, (now - r.oldest) / 1000));
    },
  });
  new Gauge({
    name: "desk_jobs_due",
    help: "Timers whose time has come and that have not run yet, by kind (a few for a second is normal).",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await db()).jobsDue) this.set({ kind: r.kind }, r.n);
    },
  });
  new Gauge({
    name: "desk_jobs_parked",
    help: "Timers that failed every retry and stopped, by kind: `npm run cli -- jobs` shows their errors.",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await db()).jobsParked) this.set({ kind: r.kind }, r.n);
    },
  });
  new Counter({
    name: "desk_booking_decisions_total",
    help: "Decisions on registrations (rules and technicians), by outcome, from the audit trail.",
    labelNames: ["outcome"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await db()).decisions) this.inc({ outcome: r.outcome }, r.n);
    },
  });
  new Counter({
    name: "desk_sla_breaches_total",
    help: "Deadlines of the Quy chế missed: answer within 2 h and technical check 2 h before (Điều 12.2b), incident taken, recording handed over (Điều 14.2).",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await db()).breaches) this.inc({ kind: r.kind }, r.n);
    },
  });
  new Gauge({
    name: "desk_incidents_open",
    help: "Incidents not yet resolved, by route (mcu, wan).",
    labelNames: ["route"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await db()).incidentsOpen) this.set({ route: r.route }, r.n);
    },
  });
  new Gauge({
    name: "desk_mcu_live_sessions",
    help: "Sessions live on the MCU now.",
    registers: [registry],
    async collect() {
      this.set((await db()).live);
    },
  });
  new Gauge({
    name: "desk_mcu_dropped_legs",
    help: "Endpoints of live sessions disconnected or over the packet-loss threshold now.",
    registers: [registry],
    async collect() {
      this.set((await db()).droppedLegs);
    },
  });
  new Gauge({
    name: "desk_imap_connected",
    help: "1 while the IMAP intake is connected and its last event succeeded; 0 otherwise (absent when IMAP is off).",
    registers: [registry],
    collect() {
      this.reset();
      const imap = deps.health.worker("imap", deps.now());
      if (imap.status !== "disabled") this.set(imap.status === "up" && imap.lastSuccessAt ? 1 : 0);
    },
  });
  new Gauge({
    name: "desk_imap_last_event_age_seconds",
    help: "Seconds since the IMAP intake last heard from the server (connection, IDLE notice or poll round).",
    registers: [registry],
    collect() {
      this.reset();
      const age = deps.health.worker("imap", deps.now()).lastSuccessAgeSeconds;
      if (age !== null) this.set(age);
    },
  });
  new Counter({
    name: "desk_chat_rate_limited_total",
    help: "Chat sends the platform refused with 429 (Too Many Requests), by platform, since the desk started.",
    labelNames: ["platform"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [platform, n] of deps.chat.rateLimited) this.inc({ platform }, n);
    },
  });
  new Counter({
    name: "desk_chat_retries_total",
    help: "Chat sends that failed and were scheduled again (429s included), by platform, since the desk started.",
    labelNames: ["platform"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [platform, n] of deps.chat.retried) this.inc({ platform }, n);
    },
  });
  new Gauge({
    name: "desk_worker_up",
    help: "1 when the worker's last attempt succeeded (or it had nothing to do yet), 0 when it failed; absent when not configured.",
    labelNames: ["worker"],
    registers: [registry],
    collect() {
      this.reset();
      const now = deps.now();
      for (const w of WORKERS) {
        const h = deps.health.worker(w, now);
        if (h.status !== "disabled") this.set({ worker: w }, h.status === "up" ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: "desk_worker_last_success_timestamp_seconds",
    help: "When each worker last succeeded (Unix time); absent until its first success.",
    labelNames: ["worker"],
    registers: [registry],
    collect() {
      this.reset();
      const now = deps.now();
      for (const w of WORKERS) {
        const at = deps.health.worker(w, now).lastSuccessAt;
        if (at) this.set({ worker: w }, Date.parse(at) / 1000);
      }
    },
  });
  return registry;
}
