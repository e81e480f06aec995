import type { Booking } from "../core/booking/types.js";
import { formatRangeVi, formatVi } from "../core/calendar/zone.js";
import { DEFAULT_RETRY, nextAttemptAt, type RetryPolicy } from "../core/jobs/backoff.js";
import type { Conn } from "../store/conn.js";
import type { Job } from "../store/queue-repos.js";
import type { Repos } from "../store/store.js";
import { JOB, lapseBooking, moveTo, remindMissingInfo, workingDaysDeadline } from "./booking/index.js";
import type { Desk } from "./desk.js";
import { newCorrelationId, withCorrelation } from "./ops/context.js";
import type { LogFn } from "./ops/log.js";
import { CLAIM_LEASE_MS, PROCESS_HOLDER } from "./outbox-worker.js";
import { PollingWorker } from "./worker.js";

/**
 * A job handler writes its effects (outbox messages, audit rows, new timers) through the repos it is given.
 * It runs inside the transaction that marks the job done, so a crash either leaves the job due with no
 * effect, or done with all of it: a due job runs once, even across restarts.
 */
/** A job's work, in the job's transaction: its repositories and, for raw SQL (retention), its Conn. */
export type JobHandler = (job: Job, r: Repos, now: Date, c: Conn) => Promise<void>;

/** A timer that comes due after its session ended (the service was down) reminds nobody of anything. */
const over = (b: { request: { end: Date | null } }, now: Date) => !!b.request.end && b.request.end <= now;

export function sessionJobHandlers(desk: Desk): Record<string, JobHandler> {
  const zone = desk.reg.zone;
  return {
    [JOB.answerReminder]: async (job, r, now) => {
      const b = await r.bookings.get(job.key);
      if (b?.status !== "needs-review" || over(b, now)) return;
      const since =
        typeof job.payload.since === "string" ? new Date(job.payload.since) : b.request.receivedAt;
      const deadline = new Date(since.getTime() + desk.reg.answerWithinMinutes * 60_000);
      await r.outbox.enqueue(
        {
          channel: "desk",
          recipient: "mcu-technician",
          kind: "answer-reminder",
          booking: b.code,
          payload: {
            text: `Nhắc việc: lịch ${b.code} vẫn chờ xem xét; phải trả lời trước ${formatVi(deadline, zone)} (Điều 12.2b).`,
          },
        },
        now,
      );
    },
    [JOB.answerBreach]: async (job, r, now) => {
      const b = await r.bookings.get(job.key);
      if (b?.status !== "needs-review") return;
      await r.bookings.addEvent(b.code, {
        at: now,
        from: b.status,
        to: b.status,
        actor: "system",
        channel: "system",
        reason: `quá hạn trả lời ${desk.reg.answerWithinMinutes / 60} giờ (Điều 12.2b)`,
      });
      await r.outbox.enqueue(
        {
          channel: "desk",
          recipient: "admin",
          kind: "answer-breach",
          booking: b.code,
          payload: {
            text: `Vi phạm thời hạn: lịch ${b.code} chưa được trả lời sau ${desk.reg.answerWithinMinutes / 60} giờ.`,
          },
        },
        now,
      );
    },
    [JOB.lapse]: async (job, r, now) => {
      const b = await r.bookings.get(job.key);
      if (b) await lapseBooking(desk, r, b, now);
    },
    [JOB.infoReminder]: async (job, r, now) => {
      const b = await r.bookings.get(job.key);
      if (b) await remindMissingInfo(desk, r, b, now);
    },
    [JOB.technicalCheck]: async (job, r, now) => {
      const b = await r.bookings.get(job.key);
      if (b?.status !== "confirmed" || !b.request.start || !b.request.end || over(b, now)) return;
      const endpoints = [...new Set([b.hostEndpoint, ...b.request.participants].filter(Boolean))];
      const time = formatRangeVi(b.request.start, b.request.end, zone);
      if (b.request.start <= now) {
        // Due while the desk was off, and the session has begun: asking the endpoints to check before it is too
        // late. The technician hears that the check was not done (the start post follows from the runner).
        await r.outbox.enqueue(
          {
            channel: "desk",
            recipient: "mcu-technician",
            kind: "technical-check-missed",
            booking: b.code,
            payload: {
              text: `[${b.code}] Kiểm tra kỹ thuật cho phiên họp${b.request.secret ? " mật" : ""} ${time} không được thực hiện: đến hạn lúc ${formatVi(job.runAt, zone)} khi bàn kỹ thuật ngừng hoạt động, nay phiên đã bắt đầu (Điều 12.2b–c). Đề nghị kiểm tra trực tiếp các điểm cầu trong phiên.`,
            },
          },
          now,
        );
        return;
      }
      // Điều 5.2: a secret session's endpoints are contacted through the secure channel, never named in chat.
      const payload = b.request.secret
        ? {
            text: [
              `[${b.code}] Kiểm tra kỹ thuật cho phiên họp mật ${time} (Điều 12.2b–c).`,
              `Các điểm cầu của phiên được liên hệ qua kênh bảo mật; sau khi kiểm tra thiết bị, nguồn điện và điện dự phòng, âm thanh, ánh sáng, hình ảnh, đề nghị xác nhận bằng lệnh /sansang ${b.code}.`,
            ].join("\n"),
          }
        : {
            text: [
              `[${b.code}] Kiểm tra kỹ thuật cho phiên họp ${time} (Điều 12.2b–c).`,
              `Đề nghị các điểm cầu ${endpoints.join(", ")} kiểm tra thiết bị, nguồn điện và điện dự phòng, âm thanh, ánh sáng, hình ảnh rồi xác nhận bằng lệnh /sansang ${b.code}.`,
            ].join("\n"),
            endpoints,
          };
      await r.outbox.enqueue(
        {
          channel: "group",
          recipient: "support-group",
          kind: "technical-check",
          booking: b.code,
          payload,
        },
        now,
      );
    },
    [JOB.checkFollowup]: async (job, r, now) => {
      const b = await r.bookings.get(job.key);
      if (!b || !["confirmed", "checked"].includes(b.status) || over(b, now)) return;
      // Past the start (the desk was off): too late to ask again; the missed check was told by its own timer.
      if (b.request.start && b.request.start <= now) return;
      const endpoints = [
        ...new Set([b.hostEndpoint, ...b.request.participants].filter((x): x is string => Boolean(x))),
      ];
      const ready = new Set(
        (await r.bookings.events(b.code))
          .map((e) => /^điểm cầu (\S+) sẵn sàng/.exec(e.reason)?.[1])
          .filter((x): x is string => Boolean(x)),
      );
      const missing = endpoints.filter((e) => !ready.has(e));
      if (missing.length === 0) {
        await moveTo(
          r,
          b,
          "checked",
          { id: "system", channel: "system" },
          "mọi điểm cầu đã sẵn sàng (Điều 12.2c)",
          now,
        );
        return;
      }
      // Điều 5.2: for a secret session the duty learns how many, and reads which on the desk's own tools.
      const text = b.request.secret
        ? `[${b.code}] Phiên họp mật: ${missing.length}/${endpoints.length} điểm cầu chưa xác nhận sẵn sàng; danh sách xem bằng «npm run cli -- booking show ${b.code}», liên hệ qua kênh bảo mật.`
        : `[${b.code}] Chưa xác nhận sẵn sàng: ${missing.join(", ")}.`;
      const ping = b.request.secret
        ? `[${b.code}] Phiên họp mật: còn ${missing.length} điểm cầu chưa xác nhận sẵn sàng; các điểm cầu được liên hệ qua kênh bảo mật và xác nhận bằng /sansang ${b.code}.`
        : `${text} Đề nghị các điểm cầu này kiểm tra và gõ /sansang ${b.code}.`;
      for (const role of ["mcu-technician", "wan-duty"]) {
        await r.outbox.enqueue(
          { channel: "desk", recipient: role, kind: "check-missing", booking: b.code, payload: { text } },
          now,
        );
      }
      await r.outbox.enqueue(
        {
          channel: "group",
          recipient: "support-group",
          kind: "check-ping",
          booking: b.code,
          payload: { text: ping },
        },
        now,
      );
    },
    [JOB.handoverToday]: async (job, r, now) => {
      const b = await handoverPending(r, job.key);
      if (!b?.request.end) return;
      const deadline = workingDaysDeadline(desk, b.request.end, desk.reg.recordingHandoverWorkingDays);
      // Run late (the desk was off that morning) at or after the deadline: the deadline's own notice says it.
      if (now.getTime() >= deadline.getTime()) return;
      await r.outbox.enqueue(
        {
          channel: "desk",
          recipient: "mcu-technician",
          kind: "handover-today",
          booking: b.code,
          payload: {
            text: `Hôm nay là hạn bàn giao bản ghi phiên họp ${b.code} cho ${handoverHost(b)}: trước ${formatVi(deadline, desk.reg.zone)} (Điều 14.2). Khi đã bàn giao, gõ /bangiao ${b.code}.`,
          },
        },
        now,
      );
    },
    [JOB.handoverDue]: async (job, r, now) => {
      // Keys are `CODE` for the deadline and `CODE@date` for the daily reminders after it.
      const code = job.key.split("@")[0]!;
      const b = await handoverPending(r, code);
      if (!b) return;
      const late = job.key.includes("@");
      const host = handoverHost(b);
      await r.outbox.enqueue(
        {
          channel: "desk",
          recipient: "mcu-technician",
          kind: late ? "handover-late" : "handover-due",
          booking: b.code,
          payload: {
            text: late
              ? `Quá hạn bàn giao bản ghi phiên họp ${b.code} cho ${host} (Điều 14.2). Khi đã bàn giao, gõ /bangiao ${b.code}.`
              : `Đến hạn bàn giao bản ghi phiên họp ${b.code} cho ${host} (Điều 14.2). Khi đã bàn giao, gõ /bangiao ${b.code}.`,
          },
        },
        now,
      );
      // Remind again at the end of the next working day, until someone marks it handed over.
      const next = workingDaysDeadline(desk, now, 1);
      await r.jobs.schedule(
        { kind: JOB.handoverDue, key: `${code}@${next.toISOString().slice(0, 10)}`, runAt: next },
        now,
      );
    },
  };
}

/** A recorded session still to be handed over, or null when there is nothing to remind of. */
async function handoverPending(r: Repos, code: string): Promise<Booking | null> {
  const b = await r.bookings.get(code);
  if (!b || b.status === "handed-over" || b.status === "cancelled" || !b.request.recording) return null;
  // Never live (the desk was off over the session; the technician was told by the session runner): nothing was
  // recorded, so there is nothing to hand over and nobody to remind.
  if (b.status === "confirmed" || b.status === "checked") return null;
  return b;
}

/** Điều 5.2: a secret session's host is not named in chat. */
function handoverHost(b: Booking): string {
  return b.request.secret ? "cơ quan chủ trì" : (b.request.host ?? "cơ quan chủ trì");
}

export interface RunReport {
  done: number;
  failed: number;
  parked: number;
}

/**
 * Run every job due at `now`, each in its own transaction; a failure is retried with backoff, then parked. Each
 * run has its own correlation id (`j-…`): every log line its handler writes carries it.
 */
export async function runDueJobs(
  desk: Desk,
  handlers: Record<string, JobHandler>,
  now: Date,
  opts: { limit?: number; retry?: RetryPolicy; log?: LogFn; holder?: string } = {},
): Promise<RunReport> {
  const report: RunReport = { done: 0, failed: 0, parked: 0 };
  const log: LogFn = opts.log ?? (() => undefined);
  // Claimed for this desk (see deliverDue); each run still re-reads its row inside its own transaction.
  const until = new Date(now.getTime() + CLAIM_LEASE_MS);
  const due = await desk.store.tx(
    (r) => r.jobs.claimDue(now, opts.limit ?? 100, opts.holder ?? PROCESS_HOLDER, until),
    { serialize: false },
  );
  for (const job of due) {
    await withCorrelation(newCorrelationId("j"), () => runOne(job));
  }
  return report;

  async function runOne(job: Job): Promise<void> {
    const fields = { job: job.id, kind: job.kind, key: job.key };
    try {
      await desk.store.tx(async (r, c) => {
        // Another process may have run it since we looked: re-read inside the transaction.
        const fresh = await r.jobs.get(job.id);
        if (fresh?.status !== "pending" || fresh.runAt.getTime() > now.getTime()) return;
        const handler = handlers[job.kind];
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        await handler(fresh, r, now, c);
        await r.jobs.complete(job.id, now);
      });
      report.done++;
      log("job-done", fields, "debug");
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retryAt = nextAttemptAt(now, job.attempts + 1, opts.retry ?? DEFAULT_RETRY);
      await desk.store.tx((r) => r.jobs.fail(job.id, message, retryAt));
      if (retryAt) report.failed++;
      else report.parked++;
      log(retryAt ? "job-failed" : "job-parked", { ...fields, attempts: job.attempts + 1, message });
    }
  }
}

/** The scheduler loop: polls the job table; every timer lives in the table, so a restart loses none. */
export class Scheduler {
  private readonly worker: PollingWorker;

  constructor(
    desk: Desk,
    handlers: Record<string, JobHandler>,
    clock: () => Date,
    intervalMs = 1_000,
    log: LogFn = () => undefined,
  ) {
    this.worker = new PollingWorker(
      "scheduler",
      intervalMs,
      async () => {
        const report = await runDueJobs(desk, handlers, clock(), { log });
        if (report.parked) log("jobs-parked", { parked: report.parked });
        return report.done + report.failed + report.parked >= 100;
      },
      log,
    );
  }

  start(): void {
    this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}
