import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPS_JOB, type OpsSettings, opsJobHandlers } from "../src/app/ops/jobs.js";
import { PRUNED_TEXT, pruneAll, type RetentionSettings } from "../src/app/ops/retention.js";
import { runDueJobs } from "../src/app/scheduler.js";
import type { Conn } from "../src/store/conn.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk, tempDir } from "./helpers.js";

// SQLite only: the year-long fixture is bulk-inserted through SQLite's handle. PostgreSQL's retention (batches,
// the desk writing meanwhile, the nightly job) is tests/ops-pg.pg.test.ts's "retention on PostgreSQL".

const DAY = 86_400_000;
const NOW = at("2026-12-10", "03:00");
const SETTINGS: RetentionSettings = {
  mailDays: 365,
  outboxDays: 90,
  chatDays: 365,
  jobDays: 30,
  batch: 500,
};

/**
 * A year and a half of traffic: 20 mails, 30 delivered answers and 2 incidents a day, plus the audit trail, and
 * each day's timers: a nightly backup that ran, a reminder cancelled, a parked job and one still to come.
 */
function simulate(store: Store, days = 540): void {
  const db = store.sqlite;
  const mail = db.prepare(
    "INSERT INTO inbound_messages (channel, key, received_at, status, raw) VALUES ('mail', ?, ?, 'handled', ?)",
  );
  const sent = db.prepare(
    "INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, available_at, created_at, sent_at) VALUES ('mail', 'a@hanoi.gov.vn', 'reply', '{}', ?, 0, ?, ?, ?)",
  );
  const incident = db.prepare(
    "INSERT INTO incidents (code, category, route, status, reporter, text, opened_at, updated_at) VALUES (?, 'audio', 'endpoint', ?, 'telegram:1', ?, ?, ?)",
  );
  const note = db.prepare(
    "INSERT INTO incident_events (incident, at, actor, channel, action, note) VALUES (?, ?, 'telegram:2', 'telegram', 'resolve', ?)",
  );
  const booking = db.prepare(
    "INSERT INTO bookings (code, status, emergency, secret, recording, city_hall_room, unresolved, priority, reasons, missing, channel, sender, received_at, created_at, updated_at) VALUES (?, 'confirmed', 0, 0, 0, 0, '[]', 0, '[]', '[]', 'mail', 's', ?, ?, ?)",
  );
  const event = db.prepare(
    "INSERT INTO booking_events (booking, at, to_status, actor, channel, reason) VALUES (?, ?, 'confirmed', 'system', 'system', 'r')",
  );
  const job = db.prepare(
    "INSERT INTO jobs (kind, key, payload, run_at, status, attempts, created_at, done_at) VALUES (?, ?, '{}', ?, ?, 0, ?, ?)",
  );
  db.transaction(() => {
    for (let d = 0; d < days; d++) {
      const t = NOW.getTime() - d * DAY - 3_600_000;
      for (let i = 0; i < 20; i++) mail.run(`m-${d}-${i}@x`, t, Buffer.from("Nội dung thư gốc"));
      for (let i = 0; i < 30; i++) sent.run("sent", t, t, t);
      sent.run("pending", t, t, null);
      for (let i = 0; i < 2; i++) {
        const code = `SC-${d}-${i}`;
        incident.run(code, i === 0 ? "resolved" : "open", "Phòng họp mất tiếng, anh Tuấn gọi 0912", t, t);
        note.run(code, t, "đã thay micro");
      }
      booking.run(`HTT-${d}`, t, t, t);
      event.run(`HTT-${d}`, t);
      job.run("ops-backup", `nightly@${d}`, t, "done", t, t);
      job.run("answer-reminder", `HTT-${d}`, t, "cancelled", t, null);
      // A late recording's daily reminder: the record /metrics counts handover breaches by; always kept.
      job.run("recording-handover-due", `HTT-${d}@day`, t, "done", t, t);
      job.run("technical-check", `HTT-${d}`, t, "parked", t, null);
      job.run("check-followup", `HTT-${d}`, NOW.getTime() + DAY, "pending", t, null);
    }
  })();
}

function count(store: Store, sql: string): number {
  return (store.sqlite.prepare(sql).get() as { n: number }).n;
}

describe("retention", () => {
  it("prunes a year of simulated rows in batches, keeps the audit trail, and the desk keeps answering meanwhile", async () => {
    const desk = await makeDesk({}, join(tempDir(), "desk.db"));
    const { store } = desk;
    simulate(store);
    const events = count(store, "SELECT count(*) AS n FROM booking_events");

    // The desk's own work, interleaved with the pruning: each write records which batch it followed.
    let batchesSoFar = 0;
    const deskWritesAfterBatch: number[] = [];
    let pruning = true;
    const deskLoad = (async () => {
      while (pruning) {
        await store.tx((r) =>
          r.outbox.enqueue(
            { channel: "desk", recipient: "admin", kind: "live", payload: { text: "trả lời" } },
            NOW,
          ),
        );
        deskWritesAfterBatch.push(batchesSoFar);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const tx = <T>(fn: (c: Conn) => Promise<T>) =>
      store.tx(async (_r, c) => {
        const out = await fn(c);
        batchesSoFar++;
        return out;
      });
    const total = await pruneAll(tx, SETTINGS, NOW);
    pruning = false;
    await deskLoad;

    // 540 days × 20 mails, older than 365 days: 174 days (d = 366…539 counting the hour offset).
    const oldDays = 540 - 365;
    expect(total.mailRaw).toBe(oldDays * 20);
    expect(count(store, "SELECT count(*) AS n FROM inbound_messages WHERE raw IS NOT NULL")).toBe(365 * 20);
    expect(count(store, "SELECT count(*) AS n FROM inbound_messages")).toBe(540 * 20);
    expect(total.outbox).toBe((540 - 90) * 30);
    expect(count(store, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")).toBe(90 * 30);
    expect(count(store, "SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND kind = 'reply'")).toBe(
      540,
    );
    expect(total.incidents).toBe(oldDays);
    expect(count(store, `SELECT count(*) AS n FROM incidents WHERE text = '${PRUNED_TEXT}'`)).toBe(oldDays);
    expect(
      count(store, "SELECT count(*) AS n FROM incidents WHERE status = 'open' AND text LIKE 'Phòng họp%'"),
    ).toBe(540);
    expect(count(store, "SELECT count(*) AS n FROM incident_events WHERE note IS NULL")).toBe(oldDays);
    expect(count(store, "SELECT count(*) AS n FROM booking_events")).toBe(events);
    // Finished timers older than 30 days are gone (d = 30…539); parked and pending ones all stay.
    expect(total.jobs).toBe((540 - 30) * 2);
    expect(
      count(
        store,
        "SELECT count(*) AS n FROM jobs WHERE status IN ('done', 'cancelled') AND kind <> 'recording-handover-due'",
      ),
    ).toBe(30 * 2);
    expect(count(store, "SELECT count(*) AS n FROM jobs WHERE kind = 'recording-handover-due'")).toBe(540);
    expect(count(store, "SELECT count(*) AS n FROM jobs WHERE status = 'parked'")).toBe(540);
    expect(count(store, "SELECT count(*) AS n FROM jobs WHERE status = 'pending'")).toBe(540);

    // Batches of at most 500 rows each, and the desk's transactions ran between them.
    expect(total.batches).toBeGreaterThanOrEqual(Math.ceil(((540 - 90) * 30) / 500));
    const interleaved = new Set(deskWritesAfterBatch.filter((b) => b > 0 && b < total.batches));
    expect(interleaved.size).toBeGreaterThan(total.batches / 2);

    // A second pass has nothing left to do.
    const again = await pruneAll(tx, SETTINGS, NOW);
    expect(again).toMatchObject({ mailRaw: 0, outbox: 0, incidents: 0, jobs: 0, batches: 1 });
  });

  it("the daily prune job does one batch per run and arms a follow-up until done, then the next night", async () => {
    const desk = await makeDesk({}, join(tempDir(), "desk.db"));
    simulate(desk.store, 200);
    const ops: OpsSettings = {
      backup: { dir: join(tempDir(), "b"), keep: 2, hour: 2 },
      retention: { ...SETTINGS, batch: 1000 },
    };
    await desk.store.tx((r) =>
      r.jobs.schedule({ kind: OPS_JOB.prune, key: "daily@2026-12-10", runAt: NOW }, NOW),
    );
    const handlers = opsJobHandlers(desk, ops);
    let runs = 0;
    for (; runs < 20; runs++) {
      const report = await runDueJobs(desk, handlers, NOW);
      if (report.done === 0) break;
    }
    // (200 − 90) × 30 delivered rows, 1000 per batch: 4 batches with work, one that finds none.
    expect(runs).toBe(5);
    expect(count(desk.store, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")).toBe(90 * 30);
    const pending = (await desk.store.read((r) => r.jobs.list(["pending"]))).filter(
      (j) => j.kind === OPS_JOB.prune,
    );
    expect(pending.map((j) => j.runAt)).toEqual([at("2026-12-11", "02:30")]);
  });
});
