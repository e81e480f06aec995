import { DEFAULT_RETRY, nextAttemptAt, type RetryPolicy } from "../core/jobs/backoff.js";
import { PermanentSendError, type Sender } from "../store/delivery.js";
import type { OutboxChannel } from "../store/queue-repos.js";
import type { Store } from "../store/store.js";
import { newCorrelationId, withCorrelation } from "./ops/context.js";
import type { LogFn } from "./ops/log.js";

export { PermanentSendError, type Sender } from "../store/delivery.js";

export interface DeliveryReport {
  sent: number;
  retried: number;
  parked: number;
}

/**
 * Deliver the due messages of the channels that have a sender; the others wait for theirs. A send happens
 * outside any transaction and is marked sent right after: a crash in between sends the message again on restart
 * (at least once), so each sender must make a resend harmless (stable Message-ID, idempotency key). Each delivery
 * attempt has its own correlation id (`o-…`) on its log lines; `booking` links it to the item that caused it.
 */
export async function deliverDue(
  store: Store,
  senders: Partial<Record<OutboxChannel, Sender>>,
  now: Date,
  opts: { limit?: number; retry?: RetryPolicy; log?: LogFn } = {},
): Promise<DeliveryReport> {
  const log: LogFn = opts.log ?? (() => undefined);
  const channels = Object.keys(senders) as OutboxChannel[];
  const report: DeliveryReport = { sent: 0, retried: 0, parked: 0 };
  if (channels.length === 0) return report;
  const due = await store.read((r) => r.outbox.due(now, opts.limit ?? 100, channels));
  for (const msg of due) {
    await withCorrelation(newCorrelationId("o"), async () => {
      const fields = { outbox: msg.id, channel: msg.channel, kind: msg.kind, booking: msg.booking };
      try {
        await senders[msg.channel]!(msg);
        await store.tx((r) => r.outbox.markSent(msg.id, now));
        report.sent++;
        log("outbox-sent", fields, "debug");
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const permanent = err instanceof PermanentSendError;
        const retryAt = permanent ? null : nextAttemptAt(now, msg.attempts + 1, opts.retry ?? DEFAULT_RETRY);
        await store.tx((r) => r.outbox.fail(msg.id, message, retryAt));
        if (retryAt) report.retried++;
        else report.parked++;
        log(retryAt ? "outbox-send-failed" : "outbox-parked", {
          ...fields,
          attempts: msg.attempts + 1,
          message,
        });
      }
    });
  }
  return report;
}
