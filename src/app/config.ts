import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { IANAZone } from "luxon";
import { z } from "zod";
import type { TelegramSettings } from "../bot/telegram/adapter.js";
import { HolidayCalendar, type YearSwaps } from "../core/calendar/holidays.js";
import type { FaultCategory } from "../core/incident/classify.js";
import { DEFAULT_REGULATION, type Regulation } from "../core/regulation.js";
import type { ImapSettings } from "../mail/intake.js";
import type { SmtpSettings } from "../mail/smtp-sender.js";
import { checkPostgresUrl, isPostgresUrl } from "../store/pg/url.js";
import { compileTrustedProxies } from "../web/auth/client.js";
import type { WebSettings } from "../web/settings.js";
import type { ChatDeskOptions } from "./chat/conversation.js";
import type { OpsSettings } from "./ops/jobs.js";

/** The project root: data files ship with the code, whatever the working directory. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "phải có dạng HH:mm, ví dụ 07:30");
const positive = z.coerce.number().int().positive();
/** The fault classes an incident can have (see src/core/incident/classify.ts), as config may list them. */
const FAULT_CLASSES = ["audio", "video", "network", "power", "equipment"];
/** How a mail connection is protected: implicit TLS, a required STARTTLS upgrade, or nothing (loopback only). */
const tlsMode = z.enum(["tls", "starttls", "none"], {
  error: "phải là tls (TLS ngay từ đầu), starttls (nâng cấp bắt buộc) hoặc none (chỉ cho máy chủ loopback)",
});

/**
 * Every setting, from the environment. The only module that reads `process.env`. Each default is the
 * regulation's value or an embedded default that needs no credentials.
 */
const EnvSchema = z.object({
  DESK_DB: z
    .string()
    .min(1)
    .default(join(ROOT, "var/desk.db"))
    .superRefine((v, ctx) => {
      const problem = isPostgresUrl(v) ? checkPostgresUrl(v) : null;
      if (problem) ctx.addIssue({ code: "custom", message: `DESK_DB: ${problem}` });
    }),
  DESK_DIRECTORY: z.string().min(1).default(join(ROOT, "data/sample-directory")),
  DESK_CALENDAR_DIR: z.string().min(1).default(join(ROOT, "data/calendar")),
  DESK_TZ: z.string().default(DEFAULT_REGULATION.zone),
  DESK_LEAD_TIME_HOURS: positive.default(DEFAULT_REGULATION.leadTimeMinutes.normal / 60),
  DESK_EMERGENCY_LEAD_TIME_HOURS: positive.default(DEFAULT_REGULATION.leadTimeMinutes.emergency / 60),
  DESK_ANSWER_WITHIN_MINUTES: positive.default(DEFAULT_REGULATION.answerWithinMinutes),
  DESK_ANSWER_REMINDER_MINUTES: positive.default(DEFAULT_REGULATION.answerReminderMinutes),
  DESK_CHECK_BEFORE_MINUTES: positive.default(DEFAULT_REGULATION.technicalCheckBeforeMinutes),
  DESK_HANDOVER_WORKING_DAYS: positive.default(DEFAULT_REGULATION.recordingHandoverWorkingDays),
  DESK_SETUP_GAP_MINUTES: z.coerce.number().int().min(0).default(DEFAULT_REGULATION.setupGapMinutes),
  DESK_MCU_PORTS: positive.default(DEFAULT_REGULATION.mcu.ports),
  DESK_MCU_CONFERENCES: positive.default(DEFAULT_REGULATION.mcu.conferences),
  DESK_DEFAULT_DURATION_MINUTES: positive.default(DEFAULT_REGULATION.defaultDurationMinutes),
  DESK_BOOKING_HORIZON_MONTHS: positive.default(DEFAULT_REGULATION.horizonMonths),
  DESK_WORKDAY_START: hhmm.default(DEFAULT_REGULATION.workday.start),
  DESK_WORKDAY_END: hhmm.default(DEFAULT_REGULATION.workday.end),
  DESK_LUNCH_START: hhmm.default(DEFAULT_REGULATION.lunch.start),
  DESK_LUNCH_END: hhmm.default(DEFAULT_REGULATION.lunch.end),
  // Mail channel. IMAP and SMTP are off until their host is set.
  DESK_MAIL_ADDRESS: z
    .email("phải là địa chỉ thư, ví dụ kythuat@hanoi.gov.vn")
    .default("kythuat@hanoi.gov.vn"),
  // Other addresses that deliver into the desk's mailbox (a group address, an old name), comma-separated: a mail
  // addressed (To/Cc) to none of these nor DESK_MAIL_ADDRESS is not acted on (a signed mail sent elsewhere, re-sent).
  DESK_MAIL_ALIASES: z.string().default(""),
  DESK_MAIL_NAME: z.string().default("Trung tâm Tin học - Công báo (Kỹ thuật họp trực tuyến)"),
  DESK_MESSAGE_ID_DOMAIN: z.string().min(3).default("kythuat.hanoi.gov.vn"),
  DESK_OFFICIAL_DOMAINS: z.string().default("hanoi.gov.vn"),
  // Điều 12.2a: mail is acted on only when DMARC passes aligned with its From domain. "false" only in a lab.
  DESK_MAIL_REQUIRE_AUTH: z.enum(["true", "false"], "phải là true hoặc false").default("true"),
  // The boundary MX's authserv-id (e.g. mx.hanoi.gov.vn): only its topmost Authentication-Results is trusted.
  DESK_MAIL_AUTHSERV_ID: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, "phải là tên máy chủ, ví dụ mx.hanoi.gov.vn")
    .optional(),
  DESK_MAIL_MAX_BYTES: positive.default(15 * 1024 * 1024),
  DESK_REPLY_CAP_PER_SENDER: positive.default(50),
  DESK_REPLY_CAP_PER_BOOKING: positive.default(20),
  DESK_IMAP_HOST: z.string().optional(),
  /** Defaults to 993 with tls, 143 otherwise. */
  DESK_IMAP_PORT: positive.optional(),
  DESK_IMAP_TLS: tlsMode.default("tls"),
  DESK_IMAP_CA: z.string().min(1).optional(),
  DESK_IMAP_USER: z.string().optional(),
  DESK_IMAP_PASSWORD: z.string().optional(),
  DESK_IMAP_MAILBOX: z.string().default("INBOX"),
  DESK_IMAP_AFTER: z.enum(["flag", "move"]).default("flag"),
  DESK_IMAP_PROCESSED_FOLDER: z.string().default("Processed"),
  DESK_IMAP_POLL_SECONDS: positive.default(60),
  DESK_SMTP_HOST: z.string().optional(),
  /** Defaults to 465 with tls, 587 (submission) otherwise. */
  DESK_SMTP_PORT: positive.optional(),
  DESK_SMTP_TLS: tlsMode.default("starttls"),
  DESK_SMTP_CA: z.string().min(1).optional(),
  DESK_SMTP_USER: z.string().optional(),
  DESK_SMTP_PASSWORD: z.string().optional(),
  DESK_POLL_MS: positive.default(1000),
  // One desk per database: the lease a running desk holds and renews every third of it.
  DESK_LEASE_SECONDS: z.coerce.number().int().min(3, "ít nhất 3 giây").default(30),
  // Several desks on one PostgreSQL: the leader's lease (IMAP, chat polling, MCU watch), renewed every third of it.
  // A leader killed on another host is replaced within this many seconds (on the same host, at once).
  DESK_LEADER_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(3, "ít nhất 3 giây")
    .max(60, "nhiều nhất 60 giây")
    .default(6),
  // Chat desk. Telegram is off until its token and group are set.
  DESK_TELEGRAM_TOKEN: z.string().optional(),
  DESK_TELEGRAM_GROUP_ID: z.string().optional(),
  DESK_TELEGRAM_API_ROOT: z.url("phải là URL, ví dụ http://127.0.0.1:9000").optional(),
  DESK_TELEGRAM_MODE: z.enum(["polling", "webhook"]).default("polling"),
  DESK_TELEGRAM_WEBHOOK_DOMAIN: z.string().optional(),
  DESK_TELEGRAM_WEBHOOK_PORT: positive.default(8443),
  // Webhooks listen on loopback by default: a reverse proxy in front terminates TLS and faces the Internet.
  DESK_TELEGRAM_WEBHOOK_HOST: z.string().min(1).default("127.0.0.1"),
  DESK_TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "16–256 ký tự chữ, số, _ hoặc -")
    .optional(),
  DESK_ZALO_TOKEN: z.string().optional(),
  DESK_ZALO_GROUP_ID: z.string().optional(),
  DESK_ZALO_BASE_URL: z.url("phải là URL").default("https://bot-api.zaloplatforms.com"),
  // The names a mention of the bot may carry, comma-separated: its display name as staff type it, its account name.
  DESK_ZALO_BOT_NAME: z.string().default("HoTroKyThuat"),
  DESK_ZALO_MODE: z.enum(["polling", "webhook"]).default("polling"),
  DESK_ZALO_WEBHOOK_URL: z
    .url("phải là URL công khai của webhook, ví dụ https://desk.hanoi.gov.vn/zalo")
    .optional(),
  DESK_ZALO_WEBHOOK_HOST: z.string().min(1).default("127.0.0.1"),
  DESK_ZALO_WEBHOOK_PORT: positive.default(8444),
  DESK_ZALO_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,256}$/, "8–256 ký tự chữ, số, _ hoặc -")
    .optional(),
  DESK_MCU_KIND: z.enum(["simulator", "janus", "cms"]).default("simulator"),
  DESK_MCU_URL: z.string().optional(),
  DESK_MCU_USER: z.string().optional(),
  DESK_MCU_PASSWORD: z.string().optional(),
  DESK_MCU_POLL_SECONDS: positive.default(5),
  DESK_MCU_LOSS_THRESHOLD: z.coerce.number().min(0).max(100).default(5),
  // TEST ONLY: a pause between the MCU creating a conference and the desk committing its id, so that the failover
  // test can kill the leader inside that window. Leave unset (0) in production.
  DESK_TEST_MCU_CREATE_DELAY_MS: z.coerce
    .number()
    .int("phải là số nguyên mili giây")
    .min(0, "không được âm")
    .max(60_000, "nhiều nhất 60000 ms (chỉ dùng khi kiểm thử)")
    .default(0),
  DESK_RECORDING_DIR: z.string().default(join(ROOT, "var/recordings")),
  DESK_INCIDENT_JOIN_MINUTES: positive.default(10),
  DESK_INCIDENT_REMIND_MINUTES: positive.default(5),
  DESK_INCIDENT_ESCALATE_MINUTES: positive.default(10),
  // Outside sessions (issue 13): longer delays, in working minutes (office hours of working days) except for the
  // urgent fault classes, whose delays run on the wall clock.
  DESK_DUTY_REMIND_MINUTES: positive.default(60),
  DESK_DUTY_ESCALATE_MINUTES: positive.default(240),
  DESK_DUTY_URGENT_CLASSES: z
    .string()
    .default("network,power")
    .refine(
      (v) =>
        v
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)
          .every((x) => FAULT_CLASSES.includes(x)),
      `phải là danh sách cách nhau bởi dấu phẩy, gồm: ${["audio", "video", "network", "power", "equipment"].join(", ")} (có thể để trống)`,
    ),
  // Chat authorisation: per-user limits (N per window of minutes) and the registration-notice window.
  DESK_CHAT_REGISTER_LIMIT: positive.default(3),
  DESK_CHAT_REGISTER_WINDOW_MINUTES: positive.default(60),
  DESK_CHAT_REPORT_LIMIT: positive.default(10),
  DESK_CHAT_REPORT_WINDOW_MINUTES: positive.default(10),
  DESK_CHAT_COMMAND_LIMIT: positive.default(30),
  DESK_CHAT_COMMAND_WINDOW_MINUTES: positive.default(10),
  DESK_CHAT_REGISTER_NOTICE_MINUTES: positive.default(10),
  DESK_CHAT_REGISTER_HINT_MINUTES: positive.default(60),
  DESK_STORM_WINDOW_SECONDS: positive.default(120),
  DESK_STORM_THRESHOLD: z.coerce.number().int().min(2, "ít nhất 2 điểm cầu").default(5),
  DESK_STORM_EDIT_SECONDS: positive.default(3),
  // Operations: logs, backups, retention (see README, "Vận hành").
  DESK_LOG_LEVEL: z
    .enum(
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      "phải là một trong fatal, error, warn, info, debug, trace, silent",
    )
    .default("info"),
  // Prometheus from another machine sends it as `Authorization: Bearer …`; without it /metrics is loopback only.
  DESK_METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, "16–256 ký tự chữ, số hoặc . _ ~ + / = -")
    .optional(),
  DESK_BACKUP_DIR: z.string().min(1).default(join(ROOT, "var/backups")),
  DESK_BACKUP_KEEP: positive.default(14),
  DESK_BACKUP_HOUR: z.coerce.number().int().min(0, "phải từ 0 đến 23").max(23, "phải từ 0 đến 23").default(2),
  DESK_RETAIN_MAIL_DAYS: positive.default(365),
  DESK_RETAIN_OUTBOX_DAYS: positive.default(90),
  DESK_RETAIN_CHAT_DAYS: positive.default(365),
  DESK_RETAIN_JOB_DAYS: positive.default(30),
  DESK_PRUNE_BATCH: positive.default(500),
  // Web desk (see README, "Bàn kỹ thuật trên web"). Loopback by default: a reverse proxy terminates TLS.
  DESK_WEB_HOST: z.string().min(1).default("127.0.0.1"),
  DESK_WEB_PORT: z.coerce
    .number()
    .int()
    .min(0, "phải từ 0 đến 65535 (0: cổng trống bất kỳ)")
    .max(65535, "phải từ 0 đến 65535")
    .default(8080),
  DESK_WEB_SECURE_COOKIE: z
    .enum(["true", "false"], "phải là true (khi truy cập qua https) hoặc false")
    .default("false"),
  DESK_WEB_SESSION_HOURS: positive.default(12),
  DESK_WEB_LOCKOUT_ATTEMPTS: positive.default(5),
  DESK_WEB_LOCKOUT_MINUTES: positive.default(15),
  DESK_WEB_LOGIN_PER_MINUTE: positive.default(10),
  DESK_WEB_TRUSTED_PROXIES: z.string().default(""),
  // The address people type when a reverse proxy stands in front (its origin is where the desk's forms come from).
  DESK_WEB_PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: "phải là địa chỉ http(s) mà mọi người mở bàn kỹ thuật, ví dụ https://bankythuat.hanoi.gov.vn",
    })
    .optional(),
});

export interface MailConfig {
  address: string;
  /** Other addresses delivered into the desk's mailbox (DESK_MAIL_ALIASES). */
  aliases: string[];
  name: string;
  messageIdDomain: string;
  officialDomains: string[];
  requireAuth: boolean;
  /** The boundary server's authserv-id, or null: then every mail is verified by the desk itself. */
  authservId: string | null;
  maxBytes: number;
  replyCapPerSender: number;
  replyCapPerBooking: number;
  imap: ImapSettings | null;
  smtp: SmtpSettings | null;
}

export interface ZaloSettings {
  token: string;
  groupChatId: string;
  baseUrl: string;
  /** The names a group message's mention of the bot may carry (its account name is added from getMe). */
  botNames: string[];
  webhook: { url: string; host: string; port: number; secret: string } | null;
}

export interface McuConfig {
  kind: "simulator" | "janus" | "cms";
  settings: Record<string, unknown>;
  pollMs: number;
  lossThreshold: number;
  /** Test only (DESK_TEST_MCU_CREATE_DELAY_MS): pause between the MCU's create and the commit of its id. */
  testCreateDelayMs: number;
}

export interface Config {
  logLevel: LogLevel;
  /** Bearer token that opens /metrics to other machines; null: loopback only. */
  metricsToken: string | null;
  web: WebSettings;
  ops: OpsSettings;
  mcu: McuConfig;
  telegram: TelegramSettings | null;
  zalo: ZaloSettings | null;
  chat: ChatDeskOptions;
  dbPath: string;
  directoryDir: string;
  calendarDir: string;
  reg: Regulation;
  mail: MailConfig;
  pollMs: number;
  leaseSeconds: number;
  leaderLeaseSeconds: number;
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * zod's own messages are English ("Invalid input: expected number, received NaN"); the operator reads these
 * instead. Messages written in the schema itself still win over this map.
 */
function viIssue(iss: z.core.$ZodRawIssue): string {
  const i = iss as z.core.$ZodRawIssue & {
    expected?: string;
    received?: string;
    origin?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    inclusive?: boolean;
    values?: unknown[];
    format?: string;
  };
  switch (i.code) {
    case "invalid_type":
      if (i.input === undefined) return "bắt buộc nhưng chưa được đặt";
      if (i.expected === "int") return "phải là số nguyên";
      if (i.expected === "number") return "phải là một số";
      if (i.expected === "string") return "phải là chuỗi ký tự";
      return "sai kiểu giá trị";
    case "too_small":
      return i.origin === "string"
        ? `phải có ít nhất ${i.minimum} ký tự`
        : i.inclusive
          ? `phải lớn hơn hoặc bằng ${i.minimum}`
          : `phải lớn hơn ${i.minimum}`;
    case "too_big":
      return i.origin === "string"
        ? `phải có nhiều nhất ${i.maximum} ký tự`
        : i.inclusive
          ? `phải nhỏ hơn hoặc bằng ${i.maximum}`
          : `phải nhỏ hơn ${i.maximum}`;
    case "invalid_value":
      return `phải là một trong các giá trị: ${(i.values ?? []).map(String).join(", ")}`;
    case "invalid_format":
      if (i.format === "email") return "phải là địa chỉ thư, ví dụ kythuat@hanoi.gov.vn";
      if (i.format === "url") return "phải là URL, ví dụ https://desk.hanoi.gov.vn";
      return "không đúng định dạng";
    default:
      return "giá trị không hợp lệ";
  }
}

/** Variables whose value must never be echoed back, even when it is wrong. */
const SECRET_VAR = /PASSWORD|TOKEN|SECRET|KEY/;

function formatIssues(issues: z.core.$ZodIssue[], env?: Record<string, string | undefined>): string[] {
  return issues.map((i) => {
    const name = i.path.join(".");
    const value = env && typeof i.path[0] === "string" ? env[i.path[0]] : undefined;
    const shown = value !== undefined && !SECRET_VAR.test(name) ? `=«${value}»` : "";
    return `- ${name}${shown}: ${i.message}.`;
  });
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env, { error: viIssue });
  if (!parsed.success) {
    const lines = formatIssues(parsed.error.issues, env);
    throw new ConfigError(
      `Cấu hình không hợp lệ:\n${lines.join("\n")}\nHãy sửa các biến môi trường trên rồi chạy lại.`,
    );
  }
  const e = parsed.data;
  if (!IANAZone.isValidZone(e.DESK_TZ)) {
    throw new ConfigError(
      `Cấu hình không hợp lệ: DESK_TZ=«${e.DESK_TZ}» không phải múi giờ IANA (ví dụ Asia/Ho_Chi_Minh).`,
    );
  }
  if (e.DESK_ANSWER_REMINDER_MINUTES >= e.DESK_ANSWER_WITHIN_MINUTES) {
    throw new ConfigError(
      "Cấu hình không hợp lệ: DESK_ANSWER_REMINDER_MINUTES phải nhỏ hơn DESK_ANSWER_WITHIN_MINUTES.",
    );
  }
  if (e.DESK_WORKDAY_START >= e.DESK_WORKDAY_END) {
    throw new ConfigError("Cấu hình không hợp lệ: DESK_WORKDAY_START phải trước DESK_WORKDAY_END.");
  }
  if (e.DESK_IMAP_HOST && (!e.DESK_IMAP_USER || !e.DESK_IMAP_PASSWORD)) {
    throw new ConfigError(
      "Cấu hình không hợp lệ: đã đặt DESK_IMAP_HOST thì phải đặt cả DESK_IMAP_USER và DESK_IMAP_PASSWORD.",
    );
  }
  const address = e.DESK_MAIL_ADDRESS.toLowerCase();
  const aliases = e.DESK_MAIL_ALIASES.split(",")
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean);
  const badAlias = aliases.find((a) => !z.email().safeParse(a).success);
  if (badAlias)
    throw new ConfigError(
      `Cấu hình không hợp lệ: DESK_MAIL_ALIASES: «${badAlias}» không phải là địa chỉ thư (ví dụ hop.tructuyen@hanoi.gov.vn).`,
    );
  if (e.DESK_TELEGRAM_TOKEN && !e.DESK_TELEGRAM_GROUP_ID) {
    throw new ConfigError(
      "Cấu hình không hợp lệ: đã đặt DESK_TELEGRAM_TOKEN thì phải đặt DESK_TELEGRAM_GROUP_ID (mã nhóm hỗ trợ kỹ thuật).",
    );
  }
  if (
    e.DESK_TELEGRAM_MODE === "webhook" &&
    (!e.DESK_TELEGRAM_WEBHOOK_DOMAIN || !e.DESK_TELEGRAM_WEBHOOK_SECRET)
  ) {
    throw new ConfigError(
      "Cấu hình không hợp lệ: chế độ webhook cần DESK_TELEGRAM_WEBHOOK_DOMAIN và DESK_TELEGRAM_WEBHOOK_SECRET.",
    );
  }
  if (e.DESK_ZALO_MODE === "webhook" && (!e.DESK_ZALO_WEBHOOK_URL || !e.DESK_ZALO_WEBHOOK_SECRET)) {
    throw new ConfigError(
      "Cấu hình không hợp lệ: Zalo ở chế độ webhook cần DESK_ZALO_WEBHOOK_URL và DESK_ZALO_WEBHOOK_SECRET.",
    );
  }
  const officialDomains = e.DESK_OFFICIAL_DOMAINS.split(",")
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  const trustedProxies = e.DESK_WEB_TRUSTED_PROXIES.split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  try {
    compileTrustedProxies(trustedProxies);
  } catch (err) {
    throw new ConfigError(`Cấu hình không hợp lệ: DESK_WEB_TRUSTED_PROXIES: ${(err as Error).message}.`);
  }
  if (e.DESK_ZALO_TOKEN && !e.DESK_ZALO_GROUP_ID) {
    throw new ConfigError(
      "Cấu hình không hợp lệ: đã đặt DESK_ZALO_TOKEN thì phải đặt DESK_ZALO_GROUP_ID (mã nhóm Zalo hỗ trợ kỹ thuật).",
    );
  }
  if (e.DESK_MCU_KIND === "janus" && !e.DESK_MCU_URL) {
    throw new ConfigError(
      "Cấu hình không hợp lệ: MCU loại janus cần DESK_MCU_URL, ví dụ http://127.0.0.1:8088/janus.",
    );
  }
  if (e.DESK_MCU_KIND === "cms") {
    const missing = (["DESK_MCU_URL", "DESK_MCU_USER", "DESK_MCU_PASSWORD"] as const).filter((k) => !e[k]);
    if (missing.length)
      throw new ConfigError(
        `Cấu hình không hợp lệ: MCU loại cms (Cisco Meeting Server) cần ${missing.join(", ")} ` +
          "(địa chỉ API, ví dụ https://cms.hanoi.gov.vn:445/api/v1, tài khoản và mật khẩu API).",
      );
  }
  const mcuUrl = e.DESK_MCU_KIND === "simulator" ? null : httpUrl(e.DESK_MCU_URL!);
  if (e.DESK_MCU_KIND === "cms") {
    // The API account travels in every request's Basic auth header: only over TLS, or without leaving the machine.
    if (mcuUrl!.protocol === "http:" && !isLoopbackHost(mcuUrl!.hostname))
      throw new ConfigError(
        `Cấu hình không hợp lệ: DESK_MCU_URL=«${e.DESK_MCU_URL}» dùng http, mật khẩu API của CMS sẽ đi qua mạng ` +
          "không mã hóa. Hãy dùng https (http chỉ được dùng với 127.0.0.1 hoặc localhost).",
      );
  }
  const imapCa = e.DESK_IMAP_HOST
    ? mailTransport("IMAP", e.DESK_IMAP_HOST, e.DESK_IMAP_TLS, e.DESK_IMAP_CA)
    : undefined;
  const smtpCa = e.DESK_SMTP_HOST
    ? mailTransport("SMTP", e.DESK_SMTP_HOST, e.DESK_SMTP_TLS, e.DESK_SMTP_CA)
    : undefined;
  return {
    logLevel: e.DESK_LOG_LEVEL,
    metricsToken: e.DESK_METRICS_TOKEN ?? null,
    web: {
      host: e.DESK_WEB_HOST,
      port: e.DESK_WEB_PORT,
      secureCookie: e.DESK_WEB_SECURE_COOKIE === "true",
      sessionHours: e.DESK_WEB_SESSION_HOURS,
      lockout: { attempts: e.DESK_WEB_LOCKOUT_ATTEMPTS, minutes: e.DESK_WEB_LOCKOUT_MINUTES },
      loginPerMinute: e.DESK_WEB_LOGIN_PER_MINUTE,
      trustedProxies,
      ...(e.DESK_WEB_PUBLIC_URL ? { publicOrigin: new URL(e.DESK_WEB_PUBLIC_URL).origin } : {}),
      officialDomains,
      mail: {
        from: address,
        fromName: e.DESK_MAIL_NAME,
        messageIdDomain: e.DESK_MESSAGE_ID_DOMAIN.toLowerCase(),
      },
    },
    ops: {
      backup: { dir: resolve(e.DESK_BACKUP_DIR), keep: e.DESK_BACKUP_KEEP, hour: e.DESK_BACKUP_HOUR },
      retention: {
        mailDays: e.DESK_RETAIN_MAIL_DAYS,
        outboxDays: e.DESK_RETAIN_OUTBOX_DAYS,
        chatDays: e.DESK_RETAIN_CHAT_DAYS,
        jobDays: e.DESK_RETAIN_JOB_DAYS,
        batch: e.DESK_PRUNE_BATCH,
      },
    },
    mcu: {
      kind: e.DESK_MCU_KIND,
      settings:
        e.DESK_MCU_KIND === "janus"
          ? { url: e.DESK_MCU_URL }
          : e.DESK_MCU_KIND === "cms"
            ? { url: e.DESK_MCU_URL, user: e.DESK_MCU_USER, password: e.DESK_MCU_PASSWORD }
            : { recordingDir: resolve(e.DESK_RECORDING_DIR) },
      pollMs: e.DESK_MCU_POLL_SECONDS * 1000,
      lossThreshold: e.DESK_MCU_LOSS_THRESHOLD,
      testCreateDelayMs: e.DESK_TEST_MCU_CREATE_DELAY_MS,
    },
    zalo: e.DESK_ZALO_TOKEN
      ? {
          token: e.DESK_ZALO_TOKEN,
          groupChatId: e.DESK_ZALO_GROUP_ID!,
          baseUrl: e.DESK_ZALO_BASE_URL,
          botNames: e.DESK_ZALO_BOT_NAME.split(",")
            .map((n) => n.trim())
            .filter(Boolean),
          webhook:
            e.DESK_ZALO_MODE === "webhook"
              ? {
                  url: e.DESK_ZALO_WEBHOOK_URL!,
                  host: e.DESK_ZALO_WEBHOOK_HOST,
                  port: e.DESK_ZALO_WEBHOOK_PORT,
                  secret: e.DESK_ZALO_WEBHOOK_SECRET!,
                }
              : null,
        }
      : null,
    telegram: e.DESK_TELEGRAM_TOKEN
      ? {
          token: e.DESK_TELEGRAM_TOKEN,
          groupChatId: e.DESK_TELEGRAM_GROUP_ID!,
          mode: e.DESK_TELEGRAM_MODE,
          ...(e.DESK_TELEGRAM_API_ROOT ? { apiRoot: e.DESK_TELEGRAM_API_ROOT } : {}),
          ...(e.DESK_TELEGRAM_MODE === "webhook"
            ? {
                webhook: {
                  domain: e.DESK_TELEGRAM_WEBHOOK_DOMAIN!,
                  path: "/telegram",
                  host: e.DESK_TELEGRAM_WEBHOOK_HOST,
                  port: e.DESK_TELEGRAM_WEBHOOK_PORT,
                  secretToken: e.DESK_TELEGRAM_WEBHOOK_SECRET!,
                },
              }
            : {}),
        }
      : null,
    chat: {
      joinMinutes: e.DESK_INCIDENT_JOIN_MINUTES,
      ackReminderMinutes: e.DESK_INCIDENT_REMIND_MINUTES,
      escalateMinutes: e.DESK_INCIDENT_ESCALATE_MINUTES,
      offSession: {
        reminderMinutes: e.DESK_DUTY_REMIND_MINUTES,
        escalateMinutes: e.DESK_DUTY_ESCALATE_MINUTES,
        urgent: e.DESK_DUTY_URGENT_CLASSES.split(",")
          .map((x) => x.trim())
          .filter(Boolean) as FaultCategory[],
      },
      limits: {
        registrations: {
          limit: e.DESK_CHAT_REGISTER_LIMIT,
          windowMinutes: e.DESK_CHAT_REGISTER_WINDOW_MINUTES,
        },
        reports: { limit: e.DESK_CHAT_REPORT_LIMIT, windowMinutes: e.DESK_CHAT_REPORT_WINDOW_MINUTES },
        commands: { limit: e.DESK_CHAT_COMMAND_LIMIT, windowMinutes: e.DESK_CHAT_COMMAND_WINDOW_MINUTES },
      },
      registrationNoticeMinutes: e.DESK_CHAT_REGISTER_NOTICE_MINUTES,
      registerHintMinutes: e.DESK_CHAT_REGISTER_HINT_MINUTES,
      storm: { windowSeconds: e.DESK_STORM_WINDOW_SECONDS, threshold: e.DESK_STORM_THRESHOLD },
      stormEditSeconds: e.DESK_STORM_EDIT_SECONDS,
    },
    pollMs: e.DESK_POLL_MS,
    leaseSeconds: e.DESK_LEASE_SECONDS,
    leaderLeaseSeconds: e.DESK_LEADER_LEASE_SECONDS,
    mail: {
      address,
      aliases,
      name: e.DESK_MAIL_NAME,
      messageIdDomain: e.DESK_MESSAGE_ID_DOMAIN.toLowerCase(),
      officialDomains,
      requireAuth: e.DESK_MAIL_REQUIRE_AUTH === "true",
      authservId: e.DESK_MAIL_AUTHSERV_ID?.toLowerCase() ?? null,
      maxBytes: e.DESK_MAIL_MAX_BYTES,
      replyCapPerSender: e.DESK_REPLY_CAP_PER_SENDER,
      replyCapPerBooking: e.DESK_REPLY_CAP_PER_BOOKING,
      imap: e.DESK_IMAP_HOST
        ? {
            host: e.DESK_IMAP_HOST,
            port: e.DESK_IMAP_PORT ?? (e.DESK_IMAP_TLS === "tls" ? 993 : 143),
            tls: e.DESK_IMAP_TLS,
            ...(imapCa ? { ca: imapCa } : {}),
            user: e.DESK_IMAP_USER!,
            pass: e.DESK_IMAP_PASSWORD!,
            mailbox: e.DESK_IMAP_MAILBOX,
            after: e.DESK_IMAP_AFTER,
            processedFolder: e.DESK_IMAP_PROCESSED_FOLDER,
            pollMs: e.DESK_IMAP_POLL_SECONDS * 1000,
            backoff: { baseMs: 1_000, capMs: 60_000 },
          }
        : null,
      smtp: e.DESK_SMTP_HOST
        ? {
            host: e.DESK_SMTP_HOST,
            port: e.DESK_SMTP_PORT ?? (e.DESK_SMTP_TLS === "tls" ? 465 : 587),
            tls: e.DESK_SMTP_TLS,
            ...(smtpCa ? { ca: smtpCa } : {}),
            ...(e.DESK_SMTP_USER ? { user: e.DESK_SMTP_USER, pass: e.DESK_SMTP_PASSWORD ?? "" } : {}),
            from: address,
            fromName: e.DESK_MAIL_NAME,
            messageIdDomain: e.DESK_MESSAGE_ID_DOMAIN.toLowerCase(),
          }
        : null,
    },
    dbPath: e.DESK_DB === ":memory:" || isPostgresUrl(e.DESK_DB) ? e.DESK_DB : resolve(e.DESK_DB),
    directoryDir: resolve(e.DESK_DIRECTORY),
    calendarDir: resolve(e.DESK_CALENDAR_DIR),
    reg: {
      ...DEFAULT_REGULATION,
      zone: e.DESK_TZ,
      leadTimeMinutes: {
        normal: e.DESK_LEAD_TIME_HOURS * 60,
        emergency: e.DESK_EMERGENCY_LEAD_TIME_HOURS * 60,
      },
      answerWithinMinutes: e.DESK_ANSWER_WITHIN_MINUTES,
      answerReminderMinutes: e.DESK_ANSWER_REMINDER_MINUTES,
      technicalCheckBeforeMinutes: e.DESK_CHECK_BEFORE_MINUTES,
      recordingHandoverWorkingDays: e.DESK_HANDOVER_WORKING_DAYS,
      setupGapMinutes: e.DESK_SETUP_GAP_MINUTES,
      mcu: { ports: e.DESK_MCU_PORTS, conferences: e.DESK_MCU_CONFERENCES },
      defaultDurationMinutes: e.DESK_DEFAULT_DURATION_MINUTES,
      workday: { start: e.DESK_WORKDAY_START, end: e.DESK_WORKDAY_END },
      lunch: { start: e.DESK_LUNCH_START, end: e.DESK_LUNCH_END },
      horizonMonths: e.DESK_BOOKING_HORIZON_MONTHS,
    },
  };
}

/** True for a host that never leaves this machine: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(h);
  return false;
}

function httpUrl(raw: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new ConfigError(
      `Cấu hình không hợp lệ: DESK_MCU_URL=«${raw}» không phải địa chỉ http(s), ví dụ https://cms.hanoi.gov.vn:445/api/v1 (cms) hoặc http://127.0.0.1:8088/janus (janus).`,
    );
  return url;
}

/**
 * Checks one mail connection's protection and reads the CA it trusts. `none` sends the password in clear, so it
 * is refused unless the server is on this machine. Returns the PEM text of `DESK_<kind>_CA`, if set.
 */
function mailTransport(
  kind: "IMAP" | "SMTP",
  host: string,
  mode: "tls" | "starttls" | "none",
  caPath: string | undefined,
): string | undefined {
  if (mode === "none" && !isLoopbackHost(host))
    throw new ConfigError(
      `Cấu hình không hợp lệ: DESK_${kind}_TLS=none chỉ được dùng khi DESK_${kind}_HOST là chính máy này ` +
        `(127.0.0.1, ::1 hoặc localhost); với «${host}» mật khẩu sẽ đi qua mạng không mã hóa. ` +
        "Hãy dùng tls hoặc starttls.",
    );
  if (!caPath) return undefined;
  let pem: string;
  try {
    pem = readFileSync(caPath, "utf8");
  } catch (err) {
    throw new ConfigError(
      `Cấu hình không hợp lệ: không đọc được tệp chứng chỉ DESK_${kind}_CA=«${caPath}» (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----"))
    throw new ConfigError(
      `Cấu hình không hợp lệ: tệp DESK_${kind}_CA=«${caPath}» không chứa chứng chỉ PEM (-----BEGIN CERTIFICATE-----).`,
    );
  return pem;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "ngày phải có dạng YYYY-MM-DD");
const YearSwapsSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  source: z.string().optional(),
  nationalDayAdjacent: isoDate.optional(),
  off: z.array(z.object({ date: isoDate, name: z.string().min(1) })).default([]),
  work: z.array(z.object({ date: isoDate, name: z.string().min(1) })).default([]),
});

/** The yearly swap files (`YYYY.json`) of the working-day calendar. */
export function loadHolidayCalendar(dir: string): HolidayCalendar {
  if (!existsSync(dir)) return new HolidayCalendar([]);
  const years: YearSwaps[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (err) {
      throw new ConfigError(
        `Tệp lịch nghỉ ${join(dir, file)} không phải JSON hợp lệ: ${(err as Error).message}`,
      );
    }
    const parsed = YearSwapsSchema.safeParse(raw, { error: viIssue });
    if (!parsed.success) {
      const lines = formatIssues(parsed.error.issues);
      throw new ConfigError(`Tệp lịch nghỉ ${join(dir, file)} không hợp lệ:\n${lines.join("\n")}`);
    }
    if (`${parsed.data.year}.json` !== file) {
      throw new ConfigError(`Tệp lịch nghỉ ${file} ghi năm ${parsed.data.year}; tên tệp và năm phải khớp.`);
    }
    years.push(parsed.data);
  }
  return new HolidayCalendar(years);
}
