import type { Server } from "node:http";
import type { Telegraf } from "telegraf";
import type { ChatEvent } from "../bot/conversation.js";
import { handleChatEvent, incidentJobHandlers } from "../bot/conversation.js";
import { type ChatTransport, deliverChat } from "../bot/delivery.js";
import { Pacer } from "../bot/pacing.js";
import { createTelegramBot, telegramTransport } from "../bot/telegram/adapter.js";
import { pollZalo, zaloTransport, zaloWebhookServer } from "../bot/zalo/adapter.js";
import { ZaloClient } from "../bot/zalo/client.js";
import { MailIntake } from "../mail/intake.js";
import { smtpSender } from "../mail/smtp-sender.js";
import { MCU_FACTORIES } from "../mcu/factory.js";
import type { McuAdapter } from "../mcu/port.js";
import type { OutboxChannel } from "../store/queue-repos.js";
import { Store } from "../store/store.js";
import { type Config, loadHolidayCalendar } from "./config.js";
import type { Desk } from "./desk.js";
import { readDirectoryCsv } from "./directory/csv.js";
import { MailDesk } from "./mail-desk.js";
import { armOpsJobs, opsJobHandlers } from "./ops/jobs.js";
import { createLog, type LogFn } from "./ops/log.js";
import { deliverDue, type Sender } from "./outbox-worker.js";
import { Scheduler, sessionJobHandlers } from "./scheduler.js";
import { SessionRunner } from "./session-runner.js";
import { PollingWorker } from "./worker.js";

export type Log = LogFn;

/** One JSON line per event on stdout through pino (see ops/log.ts). Never pass a mail body or a secret title. */
export const jsonLog: Log = createLog();

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
  private readonly workers: PollingWorker[] = [];
  private outboxWorker: PollingWorker | null = null;
  private chatWorker: PollingWorker | null = null;
  private closeSmtp: (() => void) | null = null;
  private readonly senders: Partial<Record<OutboxChannel, Sender>> = {};

  constructor(
    readonly config: Config,
    private readonly log: Log = jsonLog,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const store = Store.open(config.dbPath);
    this.desk = { store, reg: config.reg, holidays: loadHolidayCalendar(config.calendarDir) };
    this.mailDesk = new MailDesk(this.desk, {
      own: { addresses: [config.mail.address], messageIdDomain: config.mail.messageIdDomain },
      officialDomains: config.mail.officialDomains,
      requireAuth: config.mail.requireAuth,
      maxBytes: config.mail.maxBytes,
      replyCapPerSender: config.mail.replyCapPerSender,
      replyCapPerBooking: config.mail.replyCapPerBooking,
    });
  }

  async start(): Promise<void> {
    const { store } = this.desk;
    const dir = await store.read((r) => r.directory.load());
    if (dir.agencies.length === 0) {
      const sample = readDirectoryCsv(this.config.directoryDir);
      await store.tx((r) => r.directory.replaceAll(sample));
      this.log("directory-imported", { from: this.config.directoryDir, agencies: sample.agencies.length });
    }
    if (this.config.mail.smtp) {
      const smtp = smtpSender(this.config.mail.smtp);
      this.senders.mail = smtp.send;
      this.closeSmtp = smtp.close;
    }
    const handlers = {
      ...sessionJobHandlers(this.desk),
      ...incidentJobHandlers(),
      ...opsJobHandlers(this.desk, this.config.ops, this.log),
    };
    await armOpsJobs(this.desk, this.config.ops, this.clock());
    this.scheduler = new Scheduler(this.desk, handlers, this.clock, this.config.pollMs, this.log);
    this.scheduler.start();
    this.outboxWorker = this.worker("outbox", this.config.pollMs, async () => {
      const report = await deliverDue(this.desk.store, this.senders, this.clock());
      if (report.retried || report.parked) this.log("outbox", { ...report });
      return report.sent + report.retried + report.parked >= 100;
    });
    const imap = this.config.mail.imap;
    if (imap) {
      const mailbox = imap.mailbox;
      this.intake = new MailIntake(
        imap,
        async (raw) => {
          const outcome = await this.mailDesk.handle(raw, this.clock());
          this.log("mail", {
            outcome: outcome.kind,
            key: outcome.key,
            code: "code" in outcome ? outcome.code : null,
          });
          this.kickOutbox();
        },
        {
          load: async () => {
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
        this.log,
      );
      this.intake.start();
    }
    const tg = this.config.telegram;
    if (tg) {
      this.telegram = createTelegramBot(
        tg,
        async (ev) => {
          await handleChatEvent(this.desk, ev, this.clock(), this.config.chat);
          this.kickChat();
        },
        this.log,
      );
      this.transports.push(telegramTransport(this.telegram, tg.groupChatId));
      const launch =
        tg.mode === "webhook" && tg.webhook
          ? this.telegram.launch({
              webhook: {
                domain: tg.webhook.domain,
                path: tg.webhook.path,
                host: tg.webhook.host,
                port: tg.webhook.port,
                secretToken: tg.webhook.secretToken,
              },
            })
          : this.telegram.launch({ dropPendingUpdates: false });
      // launch() resolves only when the bot stops; failures to start are logged without the token.
      launch.catch((err: Error) =>
        this.log("telegram-failed", { message: err.message.replace(tg.token, "***") }),
      );
    }
    const zalo = this.config.zalo;
    if (zalo) {
      const client = new ZaloClient({ token: zalo.token, baseUrl: zalo.baseUrl });
      this.transports.push(zaloTransport(client, zalo.groupChatId));
      const onZalo = async (ev: ChatEvent) => {
        await handleChatEvent(this.desk, ev, this.clock(), this.config.chat);
        this.kickChat();
      };
      if (zalo.webhook) {
        const hook = zalo.webhook;
        this.zaloServer = zaloWebhookServer(
          hook.secret,
          new URL(hook.url).pathname,
          onZalo,
          this.log,
          zalo.botName,
        );
        await new Promise<void>((resolve) => this.zaloServer!.listen(hook.port, hook.host, resolve));
        await client
          .setWebhook(hook.url, hook.secret)
          .catch((err: Error) => this.log("zalo-error", { message: err.message }));
      } else {
        this.zaloLoop = pollZalo(client, onZalo, this.abort.signal, this.log, zalo.botName);
      }
    }
    if (this.transports.length) {
      this.chatWorker = this.worker("chat", this.config.pollMs, async () => {
        const report = await deliverChat(this.desk.store, this.transports, this.pacer, this.clock);
        if (report.failed) this.log("chat-delivery", { ...report });
      });
    }
    this.mcu = MCU_FACTORIES[this.config.mcu.kind](this.config.mcu.settings);
    this.runner = new SessionRunner(this.desk, this.mcu, {
      lossThreshold: this.config.mcu.lossThreshold,
      layout: "auto",
    });
    this.worker("mcu", this.config.mcu.pollMs, async () => {
      await this.runner?.tick(this.clock());
      this.kickChat();
    });
    this.log("started", {
      imap: Boolean(imap),
      smtp: Boolean(this.config.mail.smtp),
      telegram: Boolean(tg),
      zalo: Boolean(zalo),
    });
  }

  get intakeRounds(): number {
    return this.intake?.rounds ?? 0;
  }

  /** Deliver now rather than at the next poll: an answer should leave within seconds. */
  kickOutbox(): void {
    this.outboxWorker?.kick();
  }

  kickChat(): void {
    this.chatWorker?.kick();
  }

  private worker(name: string, intervalMs: number, work: () => Promise<unknown>): PollingWorker {
    const w = new PollingWorker(name, intervalMs, work, this.log);
    this.workers.push(w);
    w.start();
    return w;
  }

  private mcu: McuAdapter | null = null;
  private runner: SessionRunner | null = null;

  private readonly abort = new AbortController();
  private zaloLoop: Promise<void> | null = null;
  private zaloServer: Server | null = null;
  private telegram: Telegraf | null = null;
  private readonly transports: ChatTransport[] = [];
  private readonly pacer = new Pacer();

  async stop(): Promise<void> {
    // Inbound first, so nothing new arrives; then the loops finish what they hold; then the connections close.
    this.telegram?.stop("SIGTERM");
    this.abort.abort();
    await this.zaloLoop;
    const zaloServer = this.zaloServer;
    if (zaloServer) await new Promise<void>((resolve) => zaloServer.close(() => resolve()));
    await this.intake?.stop();
    await this.scheduler?.stop();
    for (const w of this.workers) await w.stop();
    await this.mcu?.close();
    this.closeSmtp?.();
    this.desk.store.close();
    this.log("stopped");
  }
}
