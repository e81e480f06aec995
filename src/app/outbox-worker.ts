import { DEFAULT_RETRY, nextAttemptAt, type RetryPolicy } from "../core/jobs/backoff.js";
import { PermanentSendError, type Sender } from "../store/delivery.js";
import type { OutboxChannel } from "../store/queue-repos.js";
import type { Store } from "../store/store.js";

export { PermanentSendError, type Sender } from "../store/delivery.js";

export interface DeliveryReport {
  sent: number;
  retried: number;
  parked: number;
}

/**
 * Deliver the due messages of the channels that have a sender; the others wait for theirs. A send happens
 * outside any transaction and is marked sent right after: a crash in between sends the message again on restart
 * (at least once), so each sender must make a resend harmless (stable Message-ID, idempotency key).
 */
export async function deliverDue(
  store: Store,
  senders: Partial<Record<OutboxChannel, Sender>>,
  now: Date,
  opts: { limit?: number; retry?: RetryPolicy } = {},
): Promise<DeliveryReport> {
  const channels = Object.keys(senders) as OutboxChannel[];
  const report: DeliveryReport = { sent: 0, retried: 0, parked: 0 };
  if (channels.length === 0) return report;
  const due = await store.read((r) => r.outbox.due(now, opts.limit ?? 100, channels));
  for (const msg of due) {
    try {
      await senders[msg.channel]!(msg);
      await store.tx((r) => r.outbox.markSent(msg.id, now));
      report.sent++;
    } catch (err) {
      const permanent = err instanceof PermanentSendError;
      const retryAt = permanent ? null : nextAttemptAt(now, msg.attempts + 1, opts.retry ?? DEFAULT_RETRY);
      await store.tx((r) => r.outbox.fail(msg.id, err instanceof Error ? err.message : String(err), retryAt));
      if (retryAt) report.retried++;
      else report.parked++;
    }
  }
  return report;
}
