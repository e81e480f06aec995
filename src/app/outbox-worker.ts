import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { DEFAULT_RETRY, nextAttemptAt, type RetryPolicy } from "../core/jobs/backoff.js";
import { PermanentSendError, type Sender } from "../store/delivery.js";
import type { OutboxChannel, OutboxMessage } from "../store/queue-repos.js";
import type { Store } from "../store/store.js";
import { newCorrelationId, withCorrelation } from "./ops/context.js";
import type { LogFn } from "./ops/log.js";

export { PermanentSendError, type Sender } from "../store/delivery.js";

/** Who claims work when the caller names nobody: this process. */
export const PROCESS_HOLDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** The host and pid in a claim holder written as PROCESS_HOLDER is, or null for another form. */
export function holderProcess(holder: string): { host: string; pid: number } | null {
  const m = /^(.*):(\d+):[0-9a-f]{8}$/.exec(holder);
  return m ? { host: m[1]!, pid: Number(m[2]) } : null;
}
/** Messages one delivery round claims. */
export const ROUND_LIMIT = 100;

/** How long a claim on an outbox message or a job holds. */
export const CLAIM_LEASE_MS = 120_000;

/**
 * Retries of a mail answer the relay did not take for a passing reason (connection refused, 421, 451): the back-off
 * reaches its cap of 15 minutes after about 20 minutes and then tries every 15 minutes, for about a day (100
 * attempts) before the answer is parked. A relay down for maintenance, or for an afternoon, delays answers; it
 * does not lose them. (DEFAULT_RETRY parked them after six attempts, two and a half minutes.)
 */
export const MAIL_RETRY: RetryPolicy = { baseMs: 5_000, capMs: 15 * 60_000, maxAttempts: 100 };

/** Mails sent at once: the SMTP sender keeps this many connections (src/mail/smtp-sender.ts, SMTP_CONNECTIONS). */
export const MAIL_LANES = 4;

function laneOf(recipient: string, lanes: number): number {
  let h = 0;
  for (let i = 0; i < recipient.length; i++) h = (h * 31 + recipient.charCodeAt(i)) | 0;
  return Math.abs(h) % lanes;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  parked: number;
}

/**
 * Deliver the due messages of the channels that have a sender; the others wait for theirs. A send happens
 * outside any transaction and is marked sent right after, with the other sends that completed meanwhile in one
 * transaction: a crash in between sends the message again on restart (at least once), so each sender must make a resend harmless (stable Message-ID, idempotency key). Each delivery
 * attempt has its own correlation id (`o-…`) on its log lines; `booking` links it to the item that caused it.
 */
export async function deliverDue(
  store: Store,
  senders: Partial<Record<OutboxChannel, Sender>>,
  now: Date,
  opts: {
    limit?: number;
    retry?: RetryPolicy;
    log?: LogFn;
    holder?: string;
    leaseMs?: number;
    /** Mails in flight at once (the SMTP sender's connections); every other channel goes one at a time. */
    mailLanes?: number;
    /**
     * Kept by the caller from one round to the next: messages sent whose mark could not be written (the database
     * went away mid-round). The next round marks them first, before it claims anything: without it they stayed
     * pending under this desk's claim and went out a second time when the claim ran out.
     */
    sentUnmarked?: number[];
  } = {},
): Promise<DeliveryReport> {
  const log: LogFn = opts.log ?? (() => undefined);
  const channels = Object.keys(senders) as OutboxChannel[];
  const report: DeliveryReport = { sent: 0, retried: 0, parked: 0 };
  const carried = opts.sentUnmarked;
  if (carried?.length) {
    const ids = carried.splice(0);
    try {
      await store.tx(async (r) => {
        for (const id of ids) await r.outbox.markSent(id, now);
      });
    } catch (err) {
      carried.unshift(...ids);
      throw err;
    }
  }
  if (channels.length === 0) return report;
  // Claimed, not just read: with several desks on one database, each message goes out from one of them. The lease
  // outlasts a send's timeouts; a desk killed mid-send leaves its claims to the others when it runs out.
  const until = new Date(now.getTime() + (opts.leaseMs ?? CLAIM_LEASE_MS));
  const due = await store.tx(
    (r) => r.outbox.claimDue(now, opts.limit ?? ROUND_LIMIT, channels, opts.holder ?? PROCESS_HOLDER, until),
    { serialize: false },
  );
  // Each sent message is marked as soon as it is sent: every send starts the mark loop unless it runs, and the loop
  // drains what waits, so what is sent while a mark waits (behind a mail batch's commit, say) goes in the next
  // transaction together. A crash before the mark sends those again at the next start (at least once: their
  // Message-IDs are stable, so a threading mail client shows one). A send waits while as many answers as there are
  // lanes are sent and not yet marked (their mark waiting behind a mail batch's commit, say): a crash then sends
  // again fewer than twice the lanes, not every answer that went out meanwhile.
  const lanes: (typeof due)[] = Array.from({ length: Math.max(1, opts.mailLanes ?? MAIL_LANES) }, () => []);
  const sentIds: number[] = [];
  let unmarked = 0;
  let marking: Promise<void> | null = null;
  let markError: unknown = null;
  const markLoop = async (): Promise<void> => {
    try {
      while (sentIds.length > 0) {
        const ids = sentIds.splice(0);
        try {
          await store.tx(async (r) => {
            for (const id of ids) await r.outbox.markSent(id, now);
          });
        } catch (err) {
          // Sent, not marked: the caller's next round marks them (`sentUnmarked`) instead of sending them again.
          carried?.push(...ids);
          throw err;
        }
        unmarked -= ids.length;
      }
    } catch (err) {
      markError ??= err;
    } finally {
      // Cleared with no await after the loop's last check: an id added from now on starts a new loop.
      marking = null;
    }
  };
  const markSent = (id: number) => {
    sentIds.push(id);
    unmarked++;
    marking ??= markLoop();
  };
  const deliver = (msg: (typeof due)[number]) =>
    withCorrelation(newCorrelationId("o"), async () => {
      const fields = { outbox: msg.id, channel: msg.channel, kind: msg.kind, booking: msg.booking };
      while (unmarked >= lanes.length && marking) await marking;
      try {
        await senders[msg.channel]!(msg);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const permanent = err instanceof PermanentSendError;
        const policy = opts.retry ?? (msg.channel === "mail" ? MAIL_RETRY : DEFAULT_RETRY);
        const retryAt = permanent ? null : nextAttemptAt(now, msg.attempts + 1, policy);
        await store.tx(async (r) => {
          await r.outbox.fail(msg.id, message, retryAt);
          // A parked answer never reaches its clerk: the technician hears of it with the parking, in one transaction.
          if (!retryAt && msg.channel === "mail")
            await r.outbox.enqueue(
              {
                channel: "desk",
                recipient: "mcu-technician",
                kind: "mail-undeliverable",
                booking: msg.booking,
                payload: { text: undeliverableNotice(msg, message, permanent) },
              },
              now,
            );
        });
        if (retryAt) report.retried++;
        else report.parked++;
        log(retryAt ? "outbox-send-failed" : "outbox-parked", {
          ...fields,
          attempts: msg.attempts + 1,
          // A server's refusal quotes the mailbox («550 <vanthu.x@…> unknown»): beside a secret session's code it
          // would name its host (Điều 5.2). The outbox row keeps the recipient for the operator.
          message: maskMailboxes(message),
        });
        return;
      }
      markSent(msg.id);
      report.sent++;
      log("outbox-sent", fields, "debug");
    });
  // Lanes: one recipient's mails stay in one lane, in order; a backlog's answers to different mailboxes go out
  // side by side over the SMTP sender's connections instead of waiting for each other's round trips.
  for (const msg of due) lanes[msg.channel === "mail" ? laneOf(msg.recipient, lanes.length) : 0]!.push(msg);
  await Promise.all(
    lanes.map(async (lane) => {
      for (const msg of lane) await deliver(msg);
    }),
  );
  while (marking) await marking;
  if (sentIds.length) await markLoop();
  if (markError) throw markError;
  return report;
}

/**
 * What the MCU technician reads when a mail answer is parked: which answer, why, what to do. The mailbox is masked
 * as in the log (beside a secret session's code it would name its host, Điều 5.2); the outbox row keeps it.
 */
export function undeliverableNotice(msg: OutboxMessage, error: string, permanent: boolean): string {
  const which = msg.booking ? `thư trả lời về phiên ${msg.booking}` : "một thư trả lời";
  const why = permanent
    ? `máy chủ thư từ chối hẳn (${maskMailboxes(error)})`
    : `máy chủ thư không nhận sau ${msg.attempts + 1} lần thử (${maskMailboxes(error)})`;
  return `Không gửi được ${which} (thư số ${msg.id}): ${why}. Thư đã dừng gửi; đề nghị kiểm tra địa chỉ người nhận và báo văn thư qua điện thoại.`;
}

/** Mailbox addresses in a text with their local part hidden: «<vanthu.sct@hanoi.gov.vn>» → «<***@hanoi.gov.vn>». */
export function maskMailboxes(text: string): string {
  return text.replace(/[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g, "***@$1");
}
