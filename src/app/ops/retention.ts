import { setImmediate as yieldToLoop } from "node:timers/promises";
import { sql } from "drizzle-orm";
import type { Conn } from "../../store/conn.js";

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
  /** Storm report links (`meta` rows under `STORM_LINK_PREFIX`). */
  chatLinks: number;
}

/**
 * The `meta` rows that tie a storm's report message (platform, chat, message id) to the incident it opened, one
 * per report, so that an edit of it finds its incident (`chat/conversation.ts`). Read only within minutes of the
 * report, they go with the chat text of closed incidents (`chatDays` after they were written).
 */
export const STORM_LINK_PREFIX = "chat-storm-report:";

/**
 * The `meta` rows that tie an incident to the group message that reported it (`incident code` → platform, chat,
 * message id), so that «… đã nhận xử lý SC-…» replies to it on Telegram (incident/notify.ts). Pruned as the storm
 * links are.
 */
export const REPORT_MESSAGE_PREFIX = "chat-report-message:";

const DAY = 86_400_000;

/**
 * One batch of each kind, in the caller's transaction: at most `batch` rows of each. Returns how many rows
 * it touched; zero everywhere means there is nothing left to prune.
 *  - raw inbound mail: the source (`raw`) is nulled, the key and outcome stay so dedup keeps working;
 *  - delivered outbox rows are deleted, except technical-check notices: the reports judge Điều 12.2b by them;
 *  - resolved incidents: the reporter's text and the event notes are replaced, the events themselves stay;
 *  - storm report links (`STORM_LINK_PREFIX`) and report message links (`REPORT_MESSAGE_PREFIX`) older than the
 *    chat retention are deleted;
 *  - finished job rows are deleted (done ones by when they ran, cancelled ones by when they were due); pending
 *    and parked ones stay. Scheduling the same timer again inserts a fresh row, so nothing depends on them, except
 *    the daily late-handover reminders (`recording-handover-due` keyed `CODE@date`): they are the record /metrics
 *    counts handover breaches by (Điều 14.2), one row per late day of a recording, so they are kept.
 */
export async function pruneBatch(c: Conn, s: RetentionSettings, now: Date): Promise<PruneCounts> {
  const t = now.getTime();
  // Inbound rows are keyed by (channel, key): a row-value IN works on both dialects (SQLite ≥ 3.15).
  const mailRaw = await c.run(sql`
    UPDATE inbound_messages SET raw = NULL WHERE (channel, key) IN (
      SELECT channel, key FROM inbound_messages WHERE raw IS NOT NULL AND received_at < ${t - s.mailDays * DAY}
      LIMIT ${s.batch})`);
  const outbox = await c.run(sql`
    DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE status = 'sent' AND sent_at < ${t - s.outboxDays * DAY}
        AND kind <> 'technical-check' LIMIT ${s.batch})`);
  const codes = (
    await c.all<{ code: string }>(sql`
      SELECT code FROM incidents WHERE status = 'resolved' AND updated_at < ${t - s.chatDays * DAY}
        AND text <> ${PRUNED_TEXT} LIMIT ${s.batch}`)
  ).map((r) => r.code);
  if (codes.length) {
    const list = sql.join(
      codes.map((code) => sql`${code}`),
      sql`, `,
    );
    await c.run(sql`UPDATE incidents SET text = ${PRUNED_TEXT} WHERE code IN (${list})`);
    await c.run(sql`UPDATE incident_events SET note = NULL WHERE note IS NOT NULL AND incident IN (${list})`);
  }
  const chatLinks = await c.run(sql`
    DELETE FROM meta WHERE key IN (
      SELECT key FROM meta WHERE (key LIKE ${`${STORM_LINK_PREFIX}%`} OR key LIKE ${`${REPORT_MESSAGE_PREFIX}%`})
        AND updated_at < ${t - s.chatDays * DAY}
      LIMIT ${s.batch})`);
  const jobCutoff = t - s.jobDays * DAY;
  const jobs = await c.run(sql`
    DELETE FROM jobs WHERE id IN (
      SELECT id FROM jobs WHERE ((status = 'done' AND done_at < ${jobCutoff})
          OR (status = 'cancelled' AND run_at < ${jobCutoff}))
        AND NOT (kind = 'recording-handover-due' AND key LIKE '%@%')
      LIMIT ${s.batch})`);
  return { mailRaw, outbox, incidents: codes.length, jobs, chatLinks };
}

export function touched(c: PruneCounts): number {
  return c.mailRaw + c.outbox + c.incidents + c.jobs + c.chatLinks;
}

/**
 * Prune everything due, one batch per transaction, giving the event loop back between batches so the
 * desk's own transactions interleave. `tx` runs one transaction (`(fn) => store.tx((_r, c) => fn(c))`).
 */
export async function pruneAll(
  tx: <T>(fn: (c: Conn) => Promise<T>) => Promise<T>,
  s: RetentionSettings,
  now: Date,
): Promise<PruneCounts & { batches: number }> {
  const total = { mailRaw: 0, outbox: 0, incidents: 0, jobs: 0, chatLinks: 0, batches: 0 };
  for (;;) {
    const c = await tx((conn) => pruneBatch(conn, s, now));
    total.batches++;
    total.mailRaw += c.mailRaw;
    total.outbox += c.outbox;
    total.incidents += c.incidents;
    total.jobs += c.jobs;
    total.chatLinks += c.chatLinks;
    if (touched(c) === 0) return total;
    await yieldToLoop();
  }
}
