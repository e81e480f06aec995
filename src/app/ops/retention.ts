import { setImmediate as yieldToLoop } from "node:timers/promises";
import type Database from "better-sqlite3";

/** How long each kind of row is kept, in days. The audit trail (booking_events) is never pruned. */
export interface RetentionSettings {
  mailDays: number;
  outboxDays: number;
  chatDays: number;
  /** Finished timers (done or cancelled job rows: nightly backups, pruning batches, reminders). */
  jobDays: number;
  /** Rows per transaction. */
  batch: number;
}

/** What replaces a closed incident's chat text once its retention is over. */
export const PRUNED_TEXT = "(nội dung đã xóa theo thời hạn lưu trữ)";

export interface PruneCounts {
  mailRaw: number;
  outbox: number;
  incidents: number;
  jobs: number;
}

const DAY = 86_400_000;

/**
 * One batch of each kind, in the caller's transaction: at most `batch` rows of each. Returns how many rows
 * it touched; zero everywhere means there is nothing left to prune.
 *  - raw inbound mail: the source (`raw`) is nulled, the key and outcome stay so dedup keeps working;
 *  - delivered outbox rows are deleted, except technical-check notices: the reports judge Điều 12.2b by them;
 *  - resolved incidents: the reporter's text and the event notes are replaced, the events themselves stay;
 *  - finished job rows are deleted (done ones by when they ran, cancelled ones by when they were due); pending
 *    and parked ones stay. Scheduling the same timer again inserts a fresh row, so nothing depends on them, except
 *    the daily late-handover reminders (`recording-handover-due` keyed `CODE@date`): they are the record /metrics
 *    counts handover breaches by (Điều 14.2), one row per late day of a recording, so they are kept.
 */
export function pruneBatch(sqlite: Database.Database, s: RetentionSettings, now: Date): PruneCounts {
  const t = now.getTime();
  const mailRaw = sqlite
    .prepare(
      `UPDATE inbound_messages SET raw = NULL WHERE rowid IN (
         SELECT rowid FROM inbound_messages WHERE raw IS NOT NULL AND received_at < ? LIMIT ?)`,
    )
    .run(t - s.mailDays * DAY, s.batch).changes;
  const outbox = sqlite
    .prepare(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE status = 'sent' AND sent_at < ? AND kind <> 'technical-check' LIMIT ?)`,
    )
    .run(t - s.outboxDays * DAY, s.batch).changes;
  const codes = (
    sqlite
      .prepare(
        `SELECT code FROM incidents WHERE status = 'resolved' AND updated_at < ? AND text <> ? LIMIT ?`,
      )
      .all(t - s.chatDays * DAY, PRUNED_TEXT, s.batch) as { code: string }[]
  ).map((r) => r.code);
  if (codes.length) {
    const marks = codes.map(() => "?").join(",");
    sqlite.prepare(`UPDATE incidents SET text = ? WHERE code IN (${marks})`).run(PRUNED_TEXT, ...codes);
    sqlite
      .prepare(`UPDATE incident_events SET note = NULL WHERE note IS NOT NULL AND incident IN (${marks})`)
      .run(...codes);
  }
  const jobCutoff = t - s.jobDays * DAY;
  const jobs = sqlite
    .prepare(
      `DELETE FROM jobs WHERE id IN (
         SELECT id FROM jobs WHERE ((status = 'done' AND done_at < ?) OR (status = 'cancelled' AND run_at < ?))
           AND NOT (kind = 'recording-handover-due' AND instr(key, '@') > 0)
         LIMIT ?)`,
    )
    .run(jobCutoff, jobCutoff, s.batch).changes;
  return { mailRaw, outbox, incidents: codes.length, jobs };
}

export function touched(c: PruneCounts): number {
  return c.mailRaw + c.outbox + c.incidents + c.jobs;
}

/**
 * Prune everything due, one batch per transaction, giving the event loop back between batches so the
 * desk's own transactions interleave. `tx` is the store's transaction runner.
 */
export async function pruneAll(
  tx: <T>(fn: () => T) => Promise<T>,
  sqlite: Database.Database,
  s: RetentionSettings,
  now: Date,
): Promise<PruneCounts & { batches: number }> {
  const total = { mailRaw: 0, outbox: 0, incidents: 0, jobs: 0, batches: 0 };
  for (;;) {
    const c = await tx(() => pruneBatch(sqlite, s, now));
    total.batches++;
    total.mailRaw += c.mailRaw;
    total.outbox += c.outbox;
    total.incidents += c.incidents;
    total.jobs += c.jobs;
    if (touched(c) === 0) return total;
    await yieldToLoop();
  }
}
