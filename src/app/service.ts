import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { hostname } from "node:os";
import { DateTime } from "luxon";
import type { Telegraf } from "telegraf";
import type { ChatEvent, ChatVerdict } from "../bot/conversation.js";
import { type ChatTransport, DEFAULT_DELIVERY, deliverChat, RetryAfterError } from "../bot/delivery.js";
import { Pacer, sleep } from "../bot/pacing.js";
// Telegram (telegraf), Zalo (axios), IMAP (imapflow) and SMTP (nodemailer) load only when configured: `await
// import()` where each is started. Their module graphs were a third of the start's module loading.
import type { ZaloClient } from "../bot/zalo/client.js";
import { formatVi } from "../core/calendar/zone.js";
import { ownFault, SET_ASIDE_AFTER } from "../core/jobs/faults.js";
import type { DnsResolver } from "../mail/authenticity.js";
import type { MailIntake, MailPosition } from "../mail/intake.js";
import type { MailReadWorker } from "../mail/read-pool.js";
import { understandingOf } from "../mail/understand.js";
import { MCU_FACTORIES } from "../mcu/factory.js";
import type { McuAdapter } from "../mcu/port.js";
import { type Claimant, judgeLease, type Lease } from "../store/lease-repo.js";
import { isPostgresUrl, maskUrl, maskUrlsIn } from "../store/pg/url.js";
import type { OutboxChannel } from "../store/queue-repos.js";
import { type Repos, Store } from "../store/store.js";
import { opsRoutes, publicRoutes } from "../web/public/index.js";
import { type RunningWeb, startWebDesk } from "../web/server.js";
import { warmSchedule } from "./booking/warm.js";
import { handleChatEvent, incidentJobHandlers, scopeChat } from "./chat/conversation.js";
import { setAsideChat } from "./chat/set-aside.js";
import { type Config, loadHolidayCalendar } from "./config.js";
import type { Desk } from "./desk.js";
import { readDirectoryCsv } from "./directory/csv.js";
import { MailDesk, mailDeskOptions, mailLogFields } from "./mail-desk.js";
import { correlationId, newCorrelationId, withCorrelation, withoutCorrelation } from "./ops/context.js";
import { Health, type WorkerName } from "./ops/health.js";
import { armOpsJobs, opsJobHandlers } from "./ops/jobs.js";
import { createLog, type LogFn } from "./ops/log.js";
import { ChatCounters } from "./ops/metrics.js";
import { OutageMark } from "./ops/outage-mark.js";
import { deliverDue, holderProcess, PROCESS_HOLDER, type Sender } from "./outbox-worker.js";
import { Scheduler, sessionJobHandlers } from "./scheduler.js";
import { SessionRunner } from "./session-runner.js";
import { PollingWorker } from "./worker.js";

export type Log = LogFn;

/**
 * A chat delivery round cut short by the desk stopping (see the chat worker). A retry-after of nothing: the batch it
 * interrupts stays pending for the next start and is never parked for it.
 */
class RoundStopped extends RetryAfterError {
  constructor() {
    super(0);
    this.message = "the desk stopped during the round";
  }
}

/** SQLite's and the file system's words for a full disk (SQLITE_FULL, ENOSPC; PostgreSQL's 53100 says the latter). */
const DISK_FULL = /database or disk is full|SQLITE_FULL|ENOSPC|no space left on device/i;

/** One JSON line per event on stdout through pino (see ops/log.ts). Never pass a mail body or a secret title. */
export const jsonLog: Log = createLog();

/** The name of the lease row the one desk on a SQLite file holds. */
const LEASE = "desk";
/** The name of the lease row the leader of several desks on one PostgreSQL holds. */
const LEADER = "leader";

function storeOptions(config: Config, log: Log) {
  return {
    chat: Boolean(config.telegram || config.zalo),
    // SQLite: WAL checkpoints off the event loop; should the worker stop, commits checkpoint again, said once.
    checkpointer: {
      onFallback: () =>
        log(
          "checkpointer-stopped",
          {
            message:
              "Luồng ghi dồn nhật ký SQLite (WAL) đã dừng; máy chủ tự ghi dồn khi lưu, có thể chậm hơn.",
          },
          "warn",
        ),
    },
  };
}

/** Another desk holds the database: this one must not start. */
export class DeskBusyError extends Error {
  override name = "DeskBusyError";
  constructor(
    readonly dbPath: string,
    readonly current: Lease,
    zone: string,
  ) {
    const t = (d: Date) => DateTime.fromJSDate(d).setZone(zone).toFormat("HH:mm:ss 'ngày' dd/MM/yyyy");
    super(
      `Cơ sở dữ liệu ${dbPath} đang được một bàn khác sử dụng (pid ${current.pid}, máy ${current.host}, từ ` +
        `${t(current.since)}). Mỗi cơ sở dữ liệu chỉ một bàn kỹ thuật chạy: hãy dừng bàn kia trước. Nếu bàn kia ` +
        `đã tắt đột ngột, bàn này khởi động được sau ${t(current.leaseUntil)} khi quyền giữ của nó hết hạn.`,
    );
  }
}

/** Whether a process with this pid exists on this host (EPERM: it exists, under another user). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The composition root of the running desk: store, scheduler, outbox delivery and the channels that are
 * configured. Every timer is a row and every outbound effect an outbox row, so stopping at any point (even
 * SIGKILL) loses nothing: the next start picks up where the table says.
 */
export class DeskService {
  readonly desk: Desk;
  readonly mailDesk: MailDesk;
  private scheduler: Scheduler | null = null;
  private intake: MailIntake | null = null;
  /**
   * The IMAP batch being decided: the store view its mails are decided in (one SQLite transaction, a savepoint per
   * mail) and their `mail` log lines, written once the batch has committed, so that a line never announces an
   * effect a crash can still undo.
   */
  private mailBatch: {
    store: Store;
    lines: { cid: string; uid: number; fields: Record<string, unknown> }[];
  } | null = null;
  private readonly workers: PollingWorker[] = [];
  private outboxWorker: PollingWorker | null = null;
  private chatWorker: PollingWorker | null = null;
  private closeSmtp: (() => void) | null = null;
  private readonly senders: Partial<Record<OutboxChannel, Sender>> = {};
  /** Answers sent whose mark the database did not take (it went away): marked by the next outbox round. */
  private readonly sentUnmarked: number[] = [];
  /** Each worker's last success and failure, for /healthz and /metrics (src/web/public/ops-routes.ts). */
  readonly health: Health;
  /** Since when the database's disk has been full (a write failed with SQLITE_FULL or ENOSPC), until a write works. */
  private diskFullSince: Date | null = null;
  /** The same outside this process, so that a restart neither repeats the notice nor forgets the outage. */
  private outageMark: OutageMark | null = null;
  /** Every log line passes here: a failure that says the disk is full starts the admin's notice (see diskFull). */
  private readonly log: Log = (event, fields, level) => {
    this.baseLog(event, fields, level);
    const message = fields?.message;
    if (!this.diskFullSince && typeof message === "string" && DISK_FULL.test(message)) this.diskFull();
  };
  readonly chatCounters = new ChatCounters();

  constructor(
    readonly config: Config,
    private readonly baseLog: Log = jsonLog,
    private readonly clock: () => Date = () => new Date(),
    deps: { mailResolver?: DnsResolver; store?: Store } = {},
  ) {
    // Without Telegram or Zalo, group posts would stay pending forever: the store does not enqueue them.
    if (!deps.store && isPostgresUrl(config.dbPath))
      throw new Error(
        "a desk on PostgreSQL is opened with DeskService.open (the pool connects asynchronously)",
      );
    const store = deps.store ?? Store.open(config.dbPath, storeOptions(config, this.log));
    this.desk = { store, reg: config.reg, holidays: loadHolidayCalendar(config.calendarDir) };
    this.mailDesk = new MailDesk(this.desk, mailDeskOptions(config.mail, deps.mailResolver));
    const chat = Boolean(config.telegram || config.zalo);
    this.health = new Health({
      imap: !!config.mail.imap,
      smtp: !!config.mail.smtp,
      chat,
      mcu: true,
      jobs: true,
    });
    this.pacer.onRetry = (platform, rateLimited) => this.chatCounters.record(platform, rateLimited);
    this.diskFullSince ??= this.rememberedOutage();
  }

  /**
   * The log of a loop that tells its state only through log events: `ok` events record a success of `worker`,
   * `fail` events a failure (with `holdMs`: one its loop retries silently, see Health.fail). Health runs on the
   * machine's clock, like the lease: it is about processes being alive, not about the business day.
   */
  private healthLog(worker: WorkerName, events: { ok?: string[]; fail: string[] }, holdMs?: number): Log {
    return (event, fields) => {
      if (events.ok?.includes(event)) this.health.ok(worker, new Date());
      if (events.fail.includes(event)) this.health.fail(worker, event, new Date(), holdMs ? { holdMs } : {});
      this.log(event, fields);
    };
  }

  /** A desk on the database DESK_DB names: SQLite or PostgreSQL. */
  static async open(
    config: Config,
    log: Log = jsonLog,
    clock: () => Date = () => new Date(),
    deps: { mailResolver?: DnsResolver } = {},
  ): Promise<DeskService> {
    const store = await Store.connect(config.dbPath, storeOptions(config, log));
    return new DeskService(config, log, clock, { ...deps, store });
  }

  /** Who this desk is in the lease row. */
  readonly claimant: Claimant = { holder: randomUUID(), pid: process.pid, host: hostname() };
  private heartbeat: NodeJS.Timeout | null = null;
  /** Called when another desk took the lease over (this one stalled past it); by default the desk stops. */
  onLeaseLost: () => void = () => void this.stop();

  /**
   * Take the database's lease, or refuse with DeskBusyError. The lease runs on the machine's clock, not the
   * desk's `clock` (which tests pin): it is about processes being alive, not about the business day.
   */
  private async acquireLease(): Promise<void> {
    const leaseMs = this.config.leaseSeconds * 1000;
    const now = new Date();
    const verdict = await this.desk.store.tx(async (r) => {
      const v = judgeLease(await r.lease.get(LEASE), this.claimant, now, pidAlive);
      if (v.kind !== "held") await r.lease.take(LEASE, this.claimant, now, new Date(now.getTime() + leaseMs));
      return v;
    });
    if (verdict.kind === "held")
      throw new DeskBusyError(maskUrl(this.config.dbPath), verdict.current, this.config.reg.zone);
    if (verdict.kind !== "free") {
      const p = verdict.previous;
      this.log("lease-taken-over", {
        reason: verdict.kind,
        previous: { pid: p.pid, host: p.host, since: p.since, leaseUntil: p.leaseUntil },
      });
    }
    this.heartbeat = setInterval(() => void this.renewLease(leaseMs), Math.max(1000, leaseMs / 3));
  }

  /**
   * Answers and timers a dead process of this host had claimed go out now, not when its claim's lease (2 min)
   * runs out: after a crash and a restart, a clerk's answer waited that long. Only a holder whose process is gone
   * from this host is released; another host's, or a live process's (a CLI run beside the service), keeps its lease.
   */
  private async releaseDeadClaims(): Promise<void> {
    const host = hostname();
    const dead = (holder: string) => {
      const p = holderProcess(holder);
      return p !== null && holder !== PROCESS_HOLDER && p.host === host && !pidAlive(p.pid);
    };
    const released = await this.desk.store.tx(async (r) => {
      const gone = [
        ...new Set([...(await r.outbox.claimHolders()), ...(await r.jobs.claimHolders())]),
      ].filter(dead);
      for (const holder of gone) {
        await r.outbox.releaseClaims(holder);
        await r.jobs.releaseClaims(holder);
      }
      return gone;
    });
    if (released.length) this.log("claims-released", { holders: released.length });
  }

  private async renewLease(leaseMs: number): Promise<void> {
    if (this.stopping) return;
    const now = new Date();
    try {
      const ours = await this.desk.store.tx((r) =>
        r.lease.renew(LEASE, this.claimant.holder, now, new Date(now.getTime() + leaseMs)),
      );
      if (!ours && !this.stopping) {
        this.log("lease-lost", { pid: this.claimant.pid });
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = null;
        this.onLeaseLost();
      }
    } catch (err) {
      this.log("lease-renew-failed", { message: (err as Error).message });
    }
  }

  async start(): Promise<void> {
    const { store } = this.desk;
    // SQLite: one desk per file, which holds the lease or does not start. PostgreSQL: every desk starts, and one
    // of them at a time is the leader (see leadership).
    if (store.dialect === "sqlite") {
      try {
        await this.acquireLease();
      } catch (err) {
        await store.close();
        throw this.startFailure(err as Error);
      }
    }
    if (!this.config.mail.requireAuth) {
      // Loud on purpose: with this off, anyone can book, change or cancel in an agency's name by forging From.
      this.log(
        "mail-auth-off",
        {
          message:
            "CẢNH BÁO: DESK_MAIL_REQUIRE_AUTH=false — thư KHÔNG được kiểm tra xác thực (DMARC); ai cũng có thể giả mạo hòm thư cơ quan để đăng ký, thay đổi, hủy lịch. Chỉ dùng trong phòng thử nghiệm.",
        },
        "warn",
      );
    }
    const dir = await store.read((r) => r.directory.load());
    if (dir.agencies.length === 0) {
      const sample = readDirectoryCsv(this.config.directoryDir);
      // Checked again under the write lock: two desks starting together on an empty PostgreSQL import it once.
      const imported = await store.tx(async (r) => {
        if ((await r.directory.load()).agencies.length > 0) return false;
        await r.directory.replaceAll(sample);
        return true;
      });
      if (imported)
        this.log("directory-imported", { from: this.config.directoryDir, agencies: sample.agencies.length });
    }
    if (this.config.mail.smtp) {
      const { smtpSender } = await import("../mail/smtp-sender.js");
      const smtp = smtpSender(this.config.mail.smtp);
      this.senders.mail = (msg) =>
        this.health.watch(
          "smtp",
          () => new Date(),
          () => smtp.send(msg),
        );
      this.closeSmtp = smtp.close;
    }
    await this.releaseDeadClaims();
    const handlers = this.health.watchJobs({
      ...sessionJobHandlers(this.desk),
      ...incidentJobHandlers(),
      ...opsJobHandlers(this.desk, this.config.ops, this.log),
    });
    await armOpsJobs(this.desk, this.config.ops, this.clock());
    const jobsLog = this.healthLog("jobs", { fail: ["scheduler-error"] });
    this.scheduler = new Scheduler(this.desk, handlers, this.clock, this.config.pollMs, jobsLog);
    this.scheduler.start();
    this.outboxWorker = this.worker("outbox", this.config.pollMs, async () => {
      await this.diskRecovered();
      const report = await deliverDue(this.desk.store, this.senders, this.clock(), {
        log: this.log,
        sentUnmarked: this.sentUnmarked,
      });
      if (report.retried || report.parked) this.log("outbox", { ...report });
      return report.sent + report.retried + report.parked >= 100;
    });
    const tg = this.config.telegram;
    if (tg) {
      const { createTelegramBot, TELEGRAM_UPDATES, telegramTransport, telegramWebhookServer } = await import(
        "../bot/telegram/adapter.js"
      );
      this.telegram = createTelegramBot(tg, (ev) => this.onChat(ev, tg.groupChatId), this.log);
      this.transports.push(telegramTransport(this.telegram, tg.groupChatId));
      if (tg.mode === "webhook" && tg.webhook) {
        const hook = tg.webhook;
        const server = telegramWebhookServer(this.telegram, hook.path, hook.secretToken, this.log);
        this.telegramServer = server;
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(hook.port, hook.host, () => {
            server.off("error", reject);
            resolve();
          });
        });
        const domain = /^https?:\/\//.test(hook.domain) ? new URL(hook.domain).host : hook.domain;
        await this.telegram.telegram
          .setWebhook(`https://${domain}${hook.path}`, {
            secret_token: hook.secretToken,
            drop_pending_updates: false,
            allowed_updates: [...TELEGRAM_UPDATES],
          })
          .catch((err: Error) =>
            this.log("telegram-failed", { message: err.message.replaceAll(tg.token, "***") }),
          );
      }
    }
    const zalo = this.config.zalo;
    if (zalo) {
      const { ZaloClient } = await import("../bot/zalo/client.js");
      const { zaloTransport, zaloWebhookServer } = await import("../bot/zalo/adapter.js");
      const client = new ZaloClient({ token: zalo.token, baseUrl: zalo.baseUrl });
      this.zaloClient = client;
      // Zalo writes a mention as the name staff typed or picked: the account name, once told, is one more. Not
      // awaited: a slow getMe must not hold the desk's start, and the configured names work meanwhile.
      void client
        .getMe()
        .then((me) => {
          if (me.account_name && !zalo.botNames.includes(me.account_name))
            zalo.botNames.push(me.account_name);
        })
        .catch((err: Error) => this.log("zalo-error", { message: err.message }));
      this.transports.push(zaloTransport(client, zalo.groupChatId));
      const onZalo = (ev: ChatEvent) => this.onChat(ev, zalo.groupChatId);
      if (zalo.webhook) {
        const hook = zalo.webhook;
        this.zaloServer = zaloWebhookServer(
          hook.secret,
          new URL(hook.url).pathname,
          onZalo,
          this.log,
          zalo.botNames,
        );
        await new Promise<void>((resolve) => this.zaloServer!.listen(hook.port, hook.host, resolve));
        await client
          .setWebhook(hook.url, hook.secret)
          .catch((err: Error) => this.log("zalo-error", { message: err.message }));
      }
    }
    const publicApp = publicRoutes(this);
    this.web = await startWebDesk(this.desk, this.config.web, {
      clock: this.clock,
      kick: () => this.kickOutbox(),
      log: this.log,
      // No login: the public schedule and its ICS feeds (Điều 15.2b); /healthz and /metrics guard themselves.
      open: [publicApp, opsRoutes(this)],
    });
    // The city feed is built once in the background a little after start (every event written, ≈0.6 s for a year),
    // so that the first subscriber's refresh finds it kept, or rebuilds only what changed since.
    if (this.web) {
      this.warmFeed = setTimeout(() => {
        if (!this.abort.signal.aborted)
          Promise.resolve(publicApp.request("/lich.ics")).catch(() => undefined);
      }, 3000);
      this.warmFeed.unref();
    }
    if (store.dialect === "sqlite") await this.startLeaderParts();
    else await this.leadership();
    // The bookable days into the holders cache, in the background after the start (every desk: each decides).
    this.warmSchedule = setTimeout(() => {
      const t0 = Date.now();
      this.warming = warmSchedule(this.desk, this.clock(), this.abort.signal)
        .then((days) => this.log("schedule-warmed", { days, ms: Date.now() - t0 }, "debug"))
        .catch((err: Error) => this.log("schedule-warm-failed", { message: maskUrlsIn(err.message) }));
    }, 1000);
    this.warmSchedule.unref();
    this.log("started", {
      pid: process.pid,
      leader: this.leaderParts !== null,
      imap: Boolean(this.config.mail.imap),
      smtp: Boolean(this.config.mail.smtp),
      telegram: Boolean(this.config.telegram),
      zalo: Boolean(this.config.zalo),
    });
  }

  /**
   * What only one desk at a time may run: the IMAP IDLE, Telegram and Zalo polling with the chat delivery that paces
   * the group (a platform's limits are per bot, and the pacer lives in one process), and the MCU watch. On SQLite the
   * one desk runs them; on PostgreSQL the leader does.
   */
  private leaderParts: {
    abort: AbortController;
    workers: PollingWorker[];
    intake: MailIntake | null;
    reader: MailReadWorker | null;
  } | null = null;
  private zaloClient: ZaloClient | null = null;

  private async startLeaderParts(): Promise<void> {
    const { store } = this.desk;
    const parts = {
      abort: new AbortController(),
      workers: [] as PollingWorker[],
      intake: null as MailIntake | null,
      reader: null as MailReadWorker | null,
    };
    this.leaderParts = parts;
    const imap = this.config.mail.imap;
    if (imap) {
      const mailbox = imap.mailbox;
      const { MailIntake } = await import("../mail/intake.js");
      // The checkpoint moves in the transaction of the mail's effect (src/mail/intake.ts).
      const checkpointIn = (at: MailPosition) => async (r: Repos) => {
        await r.meta.set(`imap:${mailbox}:uidvalidity`, at.uidValidity);
        await r.meta.set(`imap:${mailbox}:lastuid`, String(at.uid));
      };
      const { MailReadWorker } = await import("../mail/read-pool.js");
      // Mails are read on a thread of their own while the ones before them are decided (src/mail/read-pool.ts);
      // oversized mail is quarantined unread, so it is not read ahead either.
      const reg = this.desk.reg;
      // A mail that may be forged is not understood there: the desk checks it first (MailDesk.readerTrust).
      const reader = new MailReadWorker(
        this.mailDesk.opts.own,
        understandingOf(reg),
        (message) => this.log("mail-reader-failed", { message }),
        this.mailDesk.readerTrust,
      ).start();
      // The directory as it is now: the first mails are understood on the reader's thread too.
      const snapshot = await store.read((r) => r.directory.snapshot()).catch(() => null);
      if (snapshot) reader.tagOf(snapshot);
      parts.reader = reader;
      const readable = (raw: Buffer) => raw.length <= this.mailDesk.opts.maxBytes;
      this.intake = new MailIntake(
        imap,
        (raw, at) =>
          // One correlation id per mail: every log line of its handling carries it (ops/context.ts).
          withCorrelation(newCorrelationId("m"), async () => {
            this.log("mail-received", { bytes: raw.length }, "debug");
            const alsoInTx = checkpointIn(at);
            const batch = this.mailBatch;
            const outcome = await this.mailDesk
              .handle(raw, this.clock(), {
                alsoInTx,
                ...(batch ? { store: batch.store } : {}),
                ...(readable(raw)
                  ? { read: { ahead: reader.take(raw), tagOf: (s) => reader.tagOf(s) } }
                  : {}),
              })
              .catch((err: Error) => {
                this.log("mail-failed", { message: err.message });
                throw err;
              });
            const fields = mailLogFields(outcome);
            if (batch) batch.lines.push({ cid: correlationId()!, uid: at.uid, fields });
            else this.log("mail", fields);
          }),
        {
          load: async () => {
            // Read at connection and before each fetch round (an IDLE notice or a poll): the server answers.
            this.health.ok("imap", new Date());
            const [v, u] = await store.read(async (r) => [
              await r.meta.get(`imap:${mailbox}:uidvalidity`),
              await r.meta.get(`imap:${mailbox}:lastuid`),
            ]);
            return { uidValidity: v, lastUid: Number(u ?? 0) };
          },
          save: async (_box, uidValidity, lastUid) => {
            await store.tx(async (r) => {
              await r.meta.set(`imap:${mailbox}:uidvalidity`, uidValidity);
              await r.meta.set(`imap:${mailbox}:lastuid`, String(lastUid));
            });
          },
        },
        this.healthLog("imap", { ok: ["imap-connected"], fail: ["imap-error", "imap-fetch-failed"] }),
        // The answers go out after each IMAP batch (one mail when IDLE announces one): the outbox worker then claims
        // a batch's answers in one transaction instead of one each, between two decisions.
        {
          afterBatch: () => this.kickOutbox(),
          // A batch's mails in one store transaction, a savepoint each: one COMMIT (its WAL frames) per batch
          // instead of per mail. The outbox worker, chat and the web desk wait for the batch's commit as for any
          // transaction, so no answer leaves before its decision is committed.
          runBatch: (handleAll) => this.decideMailBatch(mailbox, handleAll),
          setAside: (raw, at, err, attempts) =>
            withCorrelation(newCorrelationId("m"), async () => {
              this.log("mail-set-aside", { uid: at.uid, attempts, message: err.message }, "error");
              const batch = this.mailBatch;
              const outcome = await this.mailDesk.setAside(raw, this.clock(), attempts, {
                alsoInTx: checkpointIn(at),
                ...(batch ? { store: batch.store } : {}),
              });
              const fields = mailLogFields(outcome);
              if (batch) batch.lines.push({ cid: correlationId()!, uid: at.uid, fields });
              else this.log("mail", fields);
            }),
          arrived: (raw) => {
            if (readable(raw)) reader.prefetch(raw);
          },
        },
      );
      this.intake.start();
      parts.intake = this.intake;
    }
    const tg = this.config.telegram;
    if (tg && this.telegram && !(tg.mode === "webhook" && tg.webhook)) {
      const { pollTelegram } = await import("../bot/telegram/adapter.js");
      this.telegramLoop = pollTelegram(this.telegram, parts.abort.signal, this.chatPollLog, {
        onStuck: (state, since) => void this.chatIntakeNotice("Telegram", state, since),
      });
    }
    const zalo = this.config.zalo;
    if (zalo && this.zaloClient && !zalo.webhook) {
      const onZalo = (ev: ChatEvent) => this.onChat(ev, zalo.groupChatId);
      const { pollZalo } = await import("../bot/zalo/adapter.js");
      this.zaloLoop = pollZalo(this.zaloClient, onZalo, parts.abort.signal, this.chatPollLog, zalo.botNames);
    }
    if (this.transports.length) {
      this.chatWorker = this.worker(
        "chat",
        this.config.pollMs,
        () =>
          // One correlation id per delivery round (`o-`, as for the outbox worker's messages): a failure's log lines
          // and the round's summary share it.
          withCorrelation(newCorrelationId("o"), async () => {
            const signal = parts.abort.signal;
            const report = await deliverChat(
              this.desk.store,
              this.transports,
              this.pacer,
              this.clock,
              // A pace wait (up to a minute in a busy group) ends with the stop, and so does the round: each send is
              // marked as it goes, so what went out stays sent and the rest waits for the next start.
              async (ms) => {
                await sleep(ms, signal);
                if (signal.aborted) throw new RoundStopped();
              },
              {
                ...DEFAULT_DELIVERY,
                stormEditMs: this.config.chat.stormEditSeconds * 1000,
                stormRepeatMs: this.config.chat.storm.windowSeconds * 1000,
              },
            ).catch((err: unknown) => {
              if (err instanceof RoundStopped) return null;
              throw err;
            });
            if (!report) return;
            if (report.failed) this.log("chat-delivery", { ...report });
            if (report.failed) this.health.fail("chat", "chat-delivery", new Date());
            else if (report.messages) this.health.ok("chat", new Date());
          }),
        parts.workers,
      );
    }
    this.mcu = MCU_FACTORIES[this.config.mcu.kind](this.config.mcu.settings);
    this.runner = new SessionRunner(this.desk, this.mcu, {
      lossThreshold: this.config.mcu.lossThreshold,
      layout: "auto",
      createDelayMs: this.config.mcu.testCreateDelayMs,
    });
    this.worker(
      "mcu",
      this.config.mcu.pollMs,
      async () => {
        await this.health.watch(
          "mcu",
          () => new Date(),
          async () => this.runner?.tick(this.clock()),
        );
        this.kickChat();
      },
      parts.workers,
    );
  }

  /** Stop what a leader runs (leadership lost, or the desk stopping); the desk's other work goes on. */
  private async stopLeaderParts(): Promise<void> {
    const parts = this.leaderParts;
    if (!parts) return;
    this.leaderParts = null;
    parts.abort.abort();
    await Promise.all([this.zaloLoop, this.telegramLoop, parts.intake?.stop()]);
    parts.reader?.close();
    this.zaloLoop = null;
    this.telegramLoop = null;
    for (const w of parts.workers) await w.stop();
    this.chatWorker = null;
    await this.mcu?.close();
    this.mcu = null;
    this.runner = null;
  }

  private leaderTimer: NodeJS.Timeout | null = null;
  private lastRenewal = 0;

  /**
   * PostgreSQL: one round of the leader election, then the next one a third of the lease later. A follower takes the
   * `leader` lease row when it is free, expired, or held by a dead process on this host (judgeLease), and starts the
   * leader's parts. The leader renews it; when a renewal says another desk holds it, or no renewal succeeded for
   * two thirds of the lease (the database unreachable), it stops them before another desk may take over.
   */
  private async leadership(): Promise<void> {
    if (this.stopping) return;
    const leaseMs = this.config.leaderLeaseSeconds * 1000;
    const now = new Date();
    const until = new Date(now.getTime() + leaseMs);
    const { store } = this.desk;
    try {
      if (this.leaderParts) {
        const ours = await store
          .tx((r) => r.lease.renew(LEADER, this.claimant.holder, now, until))
          .catch((err: Error) => {
            this.log("leader-renew-failed", { message: maskUrlsIn(err.message) });
            return null;
          });
        if (ours) this.lastRenewal = now.getTime();
        if (ours === false || now.getTime() - this.lastRenewal > (leaseMs * 2) / 3) {
          this.log("leader-lost", { pid: process.pid });
          await this.stopLeaderParts();
        }
      } else {
        const verdict = await store.tx(async (r) => {
          const v = judgeLease(await r.lease.get(LEADER), this.claimant, now, pidAlive);
          if (v.kind !== "held") await r.lease.take(LEADER, this.claimant, now, until);
          return v;
        });
        if (verdict.kind !== "held" && !this.stopping) {
          this.lastRenewal = now.getTime();
          this.log("leader-elected", {
            pid: process.pid,
            ...(verdict.kind === "free"
              ? {}
              : {
                  previous: { pid: verdict.previous.pid, host: verdict.previous.host, reason: verdict.kind },
                }),
          });
          await this.startLeaderParts();
        }
      }
    } catch (err) {
      this.log("leader-election-failed", { message: maskUrlsIn((err as Error).message) });
    }
    if (!this.stopping) {
      this.leaderTimer = setTimeout(() => void this.leadership(), Math.max(500, leaseMs / 3));
    }
  }

  /** Whether this desk runs the leader's parts now. */
  get isLeader(): boolean {
    return this.leaderParts !== null;
  }

  /** The web desk's address once started (null when it could not listen). */
  get webUrl(): string | null {
    return this.web?.url ?? null;
  }

  get intakeRounds(): number {
    return this.intake?.rounds ?? 0;
  }

  /** Consecutive failures of a chat update (`platform:updateId`) while the platform keeps handing it back. */
  private readonly chatFailures = new Map<string, number>();

  /**
   * One chat update, under its own correlation id: every log line of its handling carries it. The verdict is for
   * the adapter to answer the update with (a refused button press: an alert to its presser).
   */
  private onChat(ev: ChatEvent, groupChatId: string): Promise<ChatVerdict> {
    return withCorrelation(newCorrelationId("c"), async () => {
      const fields = { platform: ev.platform, updateId: ev.updateId };
      this.log("chat-received", fields, "debug");
      const res = await handleChatEvent(
        this.desk,
        scopeChat(ev, groupChatId),
        this.clock(),
        this.config.chat,
      ).catch(async (err: Error) => {
        this.log("chat-failed", { ...fields, message: err.message });
        // A fault of the desk's own fails the same way every time, and the platform hands the update back before
        // any newer one: after a few tries it is set aside, or it would hold every report behind it.
        const id = `${ev.platform}:${ev.updateId}`;
        if (!ownFault(err)) throw err;
        const attempts = (this.chatFailures.get(id) ?? 0) + 1;
        this.chatFailures.set(id, attempts);
        if (attempts < SET_ASIDE_AFTER) throw err;
        await setAsideChat(this.desk, ev, attempts, this.clock());
        this.chatFailures.delete(id);
        this.log("chat-set-aside", { ...fields, attempts, message: err.message }, "error");
        return { duplicate: false } as { duplicate: boolean } & ChatVerdict;
      });
      if (this.chatFailures.size) this.chatFailures.delete(`${ev.platform}:${ev.updateId}`);
      this.log("chat", { ...fields, duplicate: res.duplicate });
      this.health.ok("chat", new Date());
      this.kickChat();
      return res.alert ? { alert: res.alert } : {};
    });
  }

  /**
   * Deliver now rather than at the next poll: an answer should leave within seconds. The wake-up timer is armed
   * outside the caller's correlation id, so the worker's later runs do not carry it.
   */
  private async decideMailBatch(mailbox: string, handleAll: () => Promise<void>): Promise<void> {
    const lines: NonNullable<DeskService["mailBatch"]>["lines"] = [];
    let failed = false;
    try {
      await this.desk.store.batch(async (store) => {
        this.mailBatch = { store, lines };
        try {
          await handleAll();
        } finally {
          this.mailBatch = null;
        }
      });
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // After a failure only what the commit kept is announced: the mails up to the checkpoint it wrote.
      const upTo = failed
        ? Number(
            (await this.desk.store.read((r) => r.meta.get(`imap:${mailbox}:lastuid`)).catch(() => null)) ?? 0,
          )
        : Number.POSITIVE_INFINITY;
      for (const l of lines) if (l.uid <= upTo) withCorrelation(l.cid, () => this.log("mail", l.fields));
    }
  }

  kickOutbox(): void {
    withoutCorrelation(() => this.outboxWorker?.kick());
  }

  kickChat(): void {
    withoutCorrelation(() => this.chatWorker?.kick());
  }

  private worker(
    name: string,
    intervalMs: number,
    work: () => Promise<unknown>,
    list: PollingWorker[] = this.workers,
  ): PollingWorker {
    const w = new PollingWorker(name, intervalMs, work, this.log);
    list.push(w);
    w.start();
    return w;
  }

  private mcu: McuAdapter | null = null;
  private web: RunningWeb | null = null;
  private warmFeed: NodeJS.Timeout | null = null;
  private warmSchedule: NodeJS.Timeout | null = null;
  private warming: Promise<void> | null = null;
  private runner: SessionRunner | null = null;

  private readonly abort = new AbortController();
  private zaloLoop: Promise<void> | null = null;
  private zaloServer: Server | null = null;
  private telegram: Telegraf | null = null;
  private telegramLoop: Promise<void> | null = null;
  private telegramServer: Server | null = null;
  private stopping: Promise<void> | null = null;
  private readonly transports: ChatTransport[] = [];
  private readonly pacer = new Pacer();
  /** Long polling logs only its failures and retries every 2 s: a failure not repeated for a minute has healed. */
  /**
   * The admin (and the MCU technician) told that a chat platform's messages no longer reach the desk, and when they
   * do again. Sent through the outbox like any notice: sending still works when receiving does not (a 409 means
   * another program takes this bot's updates, not that the token is refused).
   */
  private async chatIntakeNotice(
    platform: string,
    state: "conflict" | "unreachable" | "recovered",
    /** The machine's instant it began (the polling loop's clock). */
    since: Date,
  ) {
    const at = formatVi(since, this.desk.reg.zone);
    const text =
      state === "conflict"
        ? `Bot ${platform} không nhận được tin nhắn từ ${at}: ${platform} báo xung đột (lỗi 409), tức là một chương trình khác (một webhook, hoặc một bàn trực khác) đang nhận tin nhắn bằng cùng mã bot. Phản ánh sự cố trong nhóm sẽ không đến bàn trực cho đến khi chương trình kia dừng; đề nghị kiểm tra ngay.`
        : state === "unreachable"
          ? `Bot ${platform} không nhận được tin nhắn từ ${at}: không kết nối được máy chủ ${platform}. Bàn trực tự thử lại; phản ánh sự cố trong nhóm có thể đến chậm, đề nghị kiểm tra đường truyền Internet của máy chủ.`
          : `Bot ${platform} đã nhận tin nhắn trở lại từ ${at}.`;
    try {
      await this.desk.store.tx(async (r) => {
        for (const recipient of ["admin", "mcu-technician"])
          await r.outbox.enqueue(
            { channel: "desk", recipient, kind: "chat-intake", booking: null, payload: { text } },
            this.clock(),
          );
      });
      this.log("chat-intake-notice", { platform, state });
    } catch (err) {
      this.log("chat-intake-notice-failed", { platform, state, message: (err as Error).message });
    }
  }

  /** The database's place as a person may read it: the file, or PostgreSQL without its URL (it may hold a password). */
  private dbPlace(): string {
    return isPostgresUrl(this.config.dbPath) ? "PostgreSQL" : this.config.dbPath;
  }

  /**
   * The database's disk is full: no transaction commits, so the outbox cannot take the admin's notice. Nothing is
   * half-written (each effect commits with its inbound key or not at all) and mails stay unflagged, updates
   * unconfirmed; the loops retry by themselves. The log says so in Vietnamese, and the admins are told at once over
   * the chat transports directly, outside the outbox (the one send that does not go through it: there is no row to
   * write). At most once per outage and process; the outbox notice when space returns is `diskRecovered`'s.
   */
  private diskFull(): void {
    const remembered = this.rememberedOutage();
    if (remembered) {
      this.diskFullSince = remembered;
      return;
    }
    const since = this.clock();
    this.diskFullSince = since;
    this.outageMarkOf().write(since);
    const text = `Ổ đĩa chứa cơ sở dữ liệu của bàn trực (${this.dbPlace()}) đã đầy từ ${formatVi(since, this.desk.reg.zone)}: bàn trực không ghi được gì. Thư đến vẫn nằm trong hộp thư, chưa đánh dấu đã đọc; tin nhắn chat chưa được xác nhận; không có gì bị ghi dở. Bàn trực tự thử lại và xử lý tiếp khi có chỗ trống. Đề nghị giải phóng dung lượng ổ đĩa ngay.`;
    this.baseLog("db-full", { message: text }, "error");
    void (async () => {
      const people = (await this.desk.store.read((r) => r.directory.load())).people.filter(
        (p) => p.role === "admin",
      );
      for (const t of this.transports)
        for (const p of people) {
          const id = t.platform === "telegram" ? p.telegramId : p.zaloId;
          if (id) await t.send(id, text);
        }
    })().catch((err: Error) => this.baseLog("db-full-notice-failed", { message: err.message }, "error"));
  }

  /**
   * A desk restarted on a full disk cannot take its lease (a write): it stops with the reason in Vietnamese, not
   * SQLite's «database or disk is full», and the outage is marked, so that the process that finally starts tells
   * the admins when the disk has room again, and since when it was full.
   */
  private startFailure(err: Error): Error {
    if (!DISK_FULL.test(err.message)) return err;
    this.diskFull();
    return new Error(
      `ổ đĩa chứa cơ sở dữ liệu của bàn trực (${this.dbPlace()}) đã đầy. Thư đến vẫn nằm trong hộp thư, chưa đánh dấu đã đọc; không có gì bị ghi dở. Đề nghị giải phóng dung lượng ổ đĩa rồi khởi động lại bàn trực.`,
    );
  }

  private outageMarkOf(): OutageMark {
    this.outageMark ??= OutageMark.forDb(this.config.dbPath);
    return this.outageMark;
  }

  /** An outage a previous process of this desk told the admins of and did not see end (it was restarted meanwhile). */
  private rememberedOutage(): Date | null {
    const since = this.outageMarkOf().read();
    if (since) this.baseLog("db-full-remembered", { since: since.toISOString() }, "warn");
    return since;
  }

  /** After a full disk: the first write that works tells the admin and the MCU technician, through the outbox. */
  private async diskRecovered(): Promise<void> {
    const since = this.diskFullSince;
    if (!since) return;
    const now = this.clock();
    const zone = this.desk.reg.zone;
    const text = `Ổ đĩa chứa cơ sở dữ liệu của bàn trực (${this.dbPlace()}) đã có chỗ trống trở lại lúc ${formatVi(now, zone)} (đầy từ ${formatVi(since, zone)}): bàn trực ghi được và đang xử lý tiếp thư, tin nhắn và hẹn giờ bị chậm.`;
    try {
      await this.desk.store.tx(async (r) => {
        for (const recipient of ["admin", "mcu-technician"])
          await r.outbox.enqueue(
            { channel: "desk", recipient, kind: "db-full", booking: null, payload: { text } },
            now,
          );
      });
    } catch {
      return; // Still full: the next round tries again.
    }
    this.diskFullSince = null;
    this.outageMarkOf().clear();
    this.baseLog("db-full-cleared", { since: since.toISOString() });
  }

  private readonly chatPollLog = this.healthLog("chat", { fail: ["telegram-error", "zalo-error"] }, 60_000);

  /**
   * Drain and stop: no new work is taken (chat, mail, timers), the transaction in hand finishes, the lease is
   * released and the database closed. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<void> {
    // Inbound first, so nothing new arrives; then the loops finish what they hold; then the connections close.
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.leaderTimer) clearTimeout(this.leaderTimer);
    if (this.warmFeed) clearTimeout(this.warmFeed);
    if (this.warmSchedule) clearTimeout(this.warmSchedule);
    this.abort.abort();
    const closing = [this.zaloServer, this.telegramServer].map(
      (server) => server && new Promise<void>((resolve) => server.close(() => resolve())),
    );
    await Promise.all([this.stopLeaderParts(), this.web?.close(), ...closing]);
    await this.scheduler?.stop();
    for (const w of this.workers) await w.stop();
    await this.warming;
    this.closeSmtp?.();
    const { store } = this.desk;
    const lease = store.dialect === "sqlite" ? LEASE : LEADER;
    // On PostgreSQL, releasing the leader row lets another desk take over at its next round, not after the lease.
    await store
      .tx((r) => r.lease.release(lease, this.claimant.holder))
      .catch((err: Error) => this.log("lease-release-failed", { message: maskUrlsIn(err.message) }));
    await store.close();
    this.log("stopped");
  }
}
