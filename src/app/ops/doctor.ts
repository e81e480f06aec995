import { accessSync, constants, existsSync, readFileSync, statfsSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { ZaloClient } from "../../bot/zalo/client.js";
import { type DnsResolver, systemResolver } from "../../mail/authenticity.js";
import { imapConnectOptions } from "../../mail/intake.js";
import { smtpConnectOptions } from "../../mail/smtp-sender.js";
import { MCU_FACTORIES, mcuCheck } from "../../mcu/factory.js";
import { isPostgresUrl, maskUrl, passwordsOf } from "../../store/pg/url.js";
import { type Config, ConfigError, ROOT } from "../config.js";
import { lastBackupAge } from "./backup.js";

export type Verdict = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  name: string;
  verdict: Verdict;
  detail: string;
  /** What the operator should do, for warn and fail. */
  fix?: string;
}

const TIMEOUT_MS = 8_000;
const HOUR = 3_600_000;

/** Free space below this fails the check; below 10 % of the disk warns. */
export const MIN_FREE_BYTES = 512 * 1024 * 1024;
/** The nightly job runs every 24 h: a backup older than two nights means it is not running. */
export const MAX_BACKUP_AGE_MS = 48 * HOUR;

function describe(err: unknown, secrets: string[]): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  let text =
    [e.message, e.cause?.code ?? e.cause?.message, e.code].filter(Boolean).join(" — ") || String(err);
  for (const s of secrets) if (s) text = text.split(s).join("***");
  return text;
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what}: quá ${TIMEOUT_MS / 1000} giây không trả lời`)),
        TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

/**
 * PostgreSQL (`DESK_DB=postgres://…`): reachable, every migration of drizzle-pg/ applied (drizzle's table in
 * schema "drizzle"), and writable (the same upsert into `meta` as on SQLite). The URL is shown masked.
 */
export async function checkPostgresHealth(url: string): Promise<CheckResult> {
  const name = "Cơ sở dữ liệu (PostgreSQL)";
  const shown = maskUrl(url);
  const journal = JSON.parse(readFileSync(join(ROOT, "drizzle-pg/meta/_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  client.on("error", () => undefined);
  try {
    try {
      await withTimeout(client.connect(), "PostgreSQL");
    } catch (err) {
      return {
        name,
        verdict: "fail",
        detail: `không kết nối được ${shown}: ${describe(err, passwordsOf(url))}`,
        fix: "Kiểm tra DESK_DB (máy, cổng, tên CSDL, người dùng, mật khẩu), dịch vụ PostgreSQL và tường lửa.",
      };
    }
    const has = await client.query<{ t: string | null }>(
      "SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t",
    );
    const applied = has.rows[0]?.t
      ? Number(
          (await client.query<{ n: string }>("SELECT count(*) AS n FROM drizzle.__drizzle_migrations"))
            .rows[0]?.n,
        )
      : 0;
    if (applied < journal.entries.length) {
      return {
        name,
        verdict: "fail",
        detail: `${shown}: đã áp dụng ${applied}/${journal.entries.length} bản chuyển đổi (migration)`,
        fix: "Khởi động dịch vụ phiên bản hiện tại (npm start) để áp dụng các bản chuyển đổi còn thiếu, hoặc khôi phục từ bản sao lưu (db restore).",
      };
    }
    await client.query(
      "INSERT INTO meta (key, value, updated_at) VALUES ('doctor:last-run', $1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      [new Date().toISOString(), Date.now()],
    );
    return {
      name,
      verdict: "ok",
      detail: `kết nối và ghi được, đủ ${applied}/${journal.entries.length} bản chuyển đổi (${shown})`,
    };
  } catch (err) {
    return {
      name,
      verdict: "fail",
      detail: `${shown}: ${describe(err, passwordsOf(url))}`,
      fix: "Người dùng trong DESK_DB cần quyền ghi vào các bảng của bàn hỗ trợ (kiểm tra GRANT, CSDL chỉ đọc, ổ đĩa đầy).",
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function checkDatabaseHealth(dbPath: string): CheckResult {
  const name = "Cơ sở dữ liệu";
  if (dbPath === ":memory:") return { name, verdict: "skip", detail: "CSDL trong bộ nhớ (:memory:)" };
  if (!existsSync(dbPath)) {
    return {
      name,
      verdict: "fail",
      detail: `không có tệp ${dbPath}`,
      fix: "Kiểm tra DESK_DB, hoặc khởi động dịch vụ một lần (npm start) để tạo CSDL, hoặc khôi phục từ bản sao lưu (db restore).",
    };
  }
  try {
    accessSync(dbPath, constants.W_OK);
    accessSync(dirname(dbPath), constants.W_OK);
  } catch {
    return {
      name,
      verdict: "fail",
      detail: `không ghi được vào ${dbPath} hoặc thư mục của nó`,
      fix: "Cấp quyền ghi cho tài khoản chạy dịch vụ trên tệp CSDL và thư mục chứa nó (cần cho tệp -wal, -shm).",
    };
  }
  const journal = JSON.parse(readFileSync(join(ROOT, "drizzle/meta/_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  let db: Database.Database | null = null;
  try {
    db = new Database(dbPath, { fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
      .get();
    const applied = hasTable
      ? (db.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n
      : 0;
    // A real write, as the desk would do one.
    db.prepare(
      "INSERT INTO meta (key, value, updated_at) VALUES ('doctor:last-run', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    ).run(new Date().toISOString(), Date.now());
    if (applied < journal.entries.length) {
      return {
        name,
        verdict: "fail",
        detail: `đã áp dụng ${applied}/${journal.entries.length} bản chuyển đổi (migration)`,
        fix: "Khởi động dịch vụ phiên bản hiện tại (npm start) để áp dụng các bản chuyển đổi còn thiếu.",
      };
    }
    return {
      name,
      verdict: "ok",
      detail: `ghi được, đủ ${applied}/${journal.entries.length} bản chuyển đổi (${dbPath})`,
    };
  } catch (err) {
    return {
      name,
      verdict: "fail",
      detail: describe(err, []),
      fix: "Kiểm tra tệp CSDL (quyền ghi, ổ đĩa, tệp có phải SQLite) hoặc khôi phục từ bản sao lưu.",
    };
  } finally {
    db?.close();
  }
}

async function checkImap(config: Config, secrets: string[]): Promise<CheckResult> {
  const name = "IMAP (nhận thư)";
  const s = config.mail.imap;
  if (!s) return { name, verdict: "skip", detail: "chưa cấu hình (DESK_IMAP_HOST trống)" };
  const client = new ImapFlow({
    ...imapConnectOptions(s),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
  });
  client.on("error", () => undefined);
  try {
    await withTimeout(client.connect(), "IMAP");
    const box = await withTimeout(client.status(s.mailbox, { messages: true }), "IMAP");
    await client.logout().catch(() => undefined);
    return {
      name,
      verdict: "ok",
      detail: `đăng nhập ${s.user}@${s.host}:${s.port} được; hộp thư ${s.mailbox} có ${box ? (box.messages ?? 0) : 0} thư`,
    };
  } catch (err) {
    client.close();
    const e = err as { authenticationFailed?: boolean };
    return {
      name,
      verdict: "fail",
      detail: `${s.host}:${s.port}: ${e.authenticationFailed ? "sai tên đăng nhập hoặc mật khẩu" : describe(err, secrets)}`,
      fix: e.authenticationFailed
        ? "Kiểm tra DESK_IMAP_USER và DESK_IMAP_PASSWORD."
        : "Kiểm tra DESK_IMAP_HOST, DESK_IMAP_PORT, DESK_IMAP_TLS, tường lửa và máy chủ thư.",
    };
  }
}

async function checkSmtp(config: Config, secrets: string[]): Promise<CheckResult> {
  const name = "SMTP (gửi thư)";
  const s = config.mail.smtp;
  if (!s) return { name, verdict: "skip", detail: "chưa cấu hình (DESK_SMTP_HOST trống)" };
  // The sender's own options: AUTH only inside TLS (STARTTLS required before it on a plain port).
  const transport = nodemailer.createTransport({
    ...smtpConnectOptions(s),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await withTimeout(transport.verify(), "SMTP");
    if (!s.user) {
      return {
        name,
        verdict: "warn",
        detail: `${s.host}:${s.port} nhận kết nối nhưng không đăng nhập (DESK_SMTP_USER trống)`,
        fix: "Máy chủ thư của Thành phố cần xác thực: đặt DESK_SMTP_USER, DESK_SMTP_PASSWORD và dùng TLS.",
      };
    }
    return {
      name,
      verdict: "ok",
      detail: `${s.host}:${s.port} chấp nhận đăng nhập ${s.user} qua ${s.tls === "tls" ? "TLS" : s.tls === "starttls" ? "STARTTLS" : "kết nối không mã hóa trên máy này"}`,
    };
  } catch (err) {
    const e = err as { code?: string; responseCode?: number };
    const auth = e.code === "EAUTH";
    return {
      name,
      verdict: "fail",
      detail: `${s.host}:${s.port}: ${auth ? "máy chủ từ chối đăng nhập (sai tên hoặc mật khẩu)" : describe(err, secrets)}`,
      fix: auth
        ? "Kiểm tra DESK_SMTP_USER và DESK_SMTP_PASSWORD."
        : "Kiểm tra DESK_SMTP_HOST, DESK_SMTP_PORT, DESK_SMTP_TLS (465: true, 587: false với STARTTLS) và chứng chỉ TLS.",
    };
  } finally {
    transport.close();
  }
}

async function telegramCall<T>(root: string, token: string, method: string, body: object = {}): Promise<T> {
  const res = await fetch(`${root.replace(/\/$/, "")}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const env = (await res.json().catch(() => null)) as {
    ok?: boolean;
    result?: T;
    error_code?: number;
    description?: string;
  } | null;
  if (!env?.ok) {
    throw Object.assign(new Error(env?.description ?? `HTTP ${res.status}`), {
      status: env?.error_code ?? res.status,
    });
  }
  return env.result as T;
}

async function checkTelegram(config: Config, secrets: string[]): Promise<CheckResult[]> {
  const tg = config.telegram;
  if (!tg)
    return [{ name: "Telegram", verdict: "skip", detail: "chưa cấu hình (DESK_TELEGRAM_TOKEN trống)" }];
  const root = tg.apiRoot ?? "https://api.telegram.org";
  let me: { id: number; username?: string; can_read_all_group_messages?: boolean };
  try {
    me = await telegramCall(root, tg.token, "getMe");
  } catch (err) {
    const status = (err as { status?: number }).status;
    const bad = status === 401 || status === 404;
    return [
      {
        name: "Telegram: mã bot",
        verdict: "fail",
        detail: bad ? "Telegram từ chối mã bot (token sai hoặc đã bị thu hồi)" : describe(err, secrets),
        fix: bad
          ? "Lấy lại mã bot từ BotFather rồi đặt vào DESK_TELEGRAM_TOKEN."
          : "Kiểm tra kết nối Internet tới api.telegram.org (hoặc DESK_TELEGRAM_API_ROOT).",
      },
    ];
  }
  const out: CheckResult[] = [
    { name: "Telegram: mã bot", verdict: "ok", detail: `bot @${me.username ?? me.id} trả lời` },
  ];
  let status: string | null = null;
  try {
    const member = await telegramCall<{ status: string }>(root, tg.token, "getChatMember", {
      chat_id: tg.groupChatId,
      user_id: me.id,
    });
    status = member.status;
    const inGroup = ["creator", "administrator", "member", "restricted"].includes(status);
    out.push({
      name: "Telegram: nhóm hỗ trợ",
      verdict: inGroup ? "ok" : "fail",
      detail: `bot trong nhóm ${tg.groupChatId}: ${status}`,
      ...(inGroup ? {} : { fix: "Thêm bot vào nhóm hỗ trợ kỹ thuật và kiểm tra DESK_TELEGRAM_GROUP_ID." }),
    });
  } catch (err) {
    out.push({
      name: "Telegram: nhóm hỗ trợ",
      verdict: "warn",
      detail: `không kiểm tra được bot có trong nhóm ${tg.groupChatId}: ${describe(err, secrets)}`,
      fix: "Kiểm tra DESK_TELEGRAM_GROUP_ID (số âm) và bot đã được thêm vào nhóm.",
    });
  }
  if (me.can_read_all_group_messages === true || status === "administrator" || status === "creator") {
    out.push({ name: "Telegram: chế độ riêng tư", verdict: "ok", detail: "bot đọc được mọi tin trong nhóm" });
  } else {
    out.push({
      name: "Telegram: chế độ riêng tư",
      verdict: "warn",
      detail:
        me.can_read_all_group_messages === false
          ? "chế độ riêng tư đang bật và bot không phải quản trị viên: bot chỉ thấy lệnh, không thấy phản ánh sự cố"
          : "không xác định được chế độ riêng tư",
      fix: "Theo README: BotFather /setprivacy → Disable, hoặc đặt bot làm quản trị viên nhóm.",
    });
  }
  return out;
}

async function checkZalo(config: Config, secrets: string[]): Promise<CheckResult> {
  const name = "Zalo: mã bot";
  const z = config.zalo;
  if (!z) return { name, verdict: "skip", detail: "chưa cấu hình (DESK_ZALO_TOKEN trống)" };
  try {
    const me = await new ZaloClient({
      token: z.token,
      baseUrl: z.baseUrl,
      timeoutMs: TIMEOUT_MS,
      retries: 0,
    }).getMe();
    return { name, verdict: "ok", detail: `bot ${me.account_name ?? me.id} trả lời` };
  } catch (err) {
    const code = (err as { errorCode?: number }).errorCode;
    const bad = code === 401 || code === 403;
    return {
      name,
      verdict: "fail",
      detail: bad ? "Zalo từ chối mã bot (token sai hoặc đã bị thu hồi)" : describe(err, secrets),
      fix: bad
        ? "Lấy lại mã bot trên Zalo Bot Platform rồi đặt vào DESK_ZALO_TOKEN."
        : "Kiểm tra kết nối tới DESK_ZALO_BASE_URL.",
    };
  }
}

async function checkMcu(config: Config, secrets: string[]): Promise<CheckResult> {
  const name = `MCU (${config.mcu.kind})`;
  const steps: string[] = [];
  try {
    const mcu = MCU_FACTORIES[config.mcu.kind](config.mcu.settings);
    const ok = await withTimeout(
      mcuCheck(mcu, (s) => steps.push(`${s.step}: ${s.ok ? "được" : "lỗi"} (${s.detail})`)),
      "MCU",
    );
    return ok
      ? { name, verdict: "ok", detail: steps.join("; ") }
      : {
          name,
          verdict: "fail",
          detail: describe(new Error(steps.join("; ")), secrets),
          fix: "Kiểm tra DESK_MCU_KIND, DESK_MCU_URL, tài khoản MCU và đường mạng tới MCU (npm run cli -- mcu check).",
        };
  } catch (err) {
    return {
      name,
      verdict: "fail",
      detail: describe(err, secrets),
      fix: "Kiểm tra DESK_MCU_KIND, DESK_MCU_URL và đường mạng tới MCU.",
    };
  }
}

/** A resolver that never answers still ends the check: a little over its own 1.5 s timeout. */
export const DNS_GUARD_MS = 2_000;

/**
 * Without a trusted boundary header (DESK_MAIL_AUTHSERV_ID), the desk checks each mail's DKIM and DMARC itself
 * through the system DNS (1.5 s timeout, src/mail/authenticity.ts). If the resolver does not answer, every mail
 * from an agency is refused as not authentic. Ask it what a mail would make it ask: the TXT record
 * `_dmarc.<our domain>`. "No such name" is an answer too; a timeout, SERVFAIL or a refusal is not.
 */
export async function checkDkimDns(
  config: Config,
  resolver: DnsResolver = systemResolver(),
  guardMs = DNS_GUARD_MS,
): Promise<CheckResult> {
  const name = "DNS cho DKIM/DMARC";
  const m = config.mail;
  if (!m.imap) return { name, verdict: "skip", detail: "không nhận thư (DESK_IMAP_HOST trống)" };
  if (!m.requireAuth) {
    return { name, verdict: "skip", detail: "không kiểm tra xác thực thư (DESK_MAIL_REQUIRE_AUTH=false)" };
  }
  if (m.authservId) {
    return {
      name,
      verdict: "skip",
      detail: `máy chủ thư biên ${m.authservId} kiểm tra DKIM/DMARC (DESK_MAIL_AUTHSERV_ID); bàn không tự tra DNS`,
    };
  }
  const query = `_dmarc.${m.address.slice(m.address.lastIndexOf("@") + 1).toLowerCase()}`;
  const fix =
    "Khi DNS không trả lời, mọi thư đến bị coi là chưa xác thực và không được xử lý. Kiểm tra máy chủ DNS trong /etc/resolv.conf và tường lửa (cổng 53 UDP và TCP) của máy chạy dịch vụ; hoặc, nếu máy chủ thư biên đã kiểm tra DKIM/DMARC, đặt DESK_MAIL_AUTHSERV_ID là tên của nó.";
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      resolver(query, "TXT"),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error("no answer"), { code: "ETIMEOUT" })),
          guardMs,
        );
      }),
    ]);
    const dmarc = (answer as (string | string[])[]).some((r) =>
      (Array.isArray(r) ? r.join("") : r).startsWith("v=DMARC1"),
    );
    return {
      name,
      verdict: "ok",
      detail: `máy chủ DNS trả lời (TXT ${query}: ${dmarc ? "có bản ghi DMARC" : "không có bản ghi DMARC"})`,
    };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOTFOUND" || code === "ENODATA") {
      return { name, verdict: "ok", detail: `máy chủ DNS trả lời (TXT ${query}: không có bản ghi)` };
    }
    const why =
      code === "ETIMEOUT"
        ? "máy chủ DNS không trả lời trong 1,5 giây"
        : code === "ESERVFAIL"
          ? "máy chủ DNS báo lỗi SERVFAIL"
          : code === "ECONNREFUSED" || code === "EREFUSED"
            ? "máy chủ DNS từ chối truy vấn"
            : `lỗi DNS ${code ?? describe(err, [])}`;
    return { name, verdict: "fail", detail: `${why} khi hỏi TXT ${query}`, fix };
  } finally {
    clearTimeout(timer);
  }
}

export function checkDisk(path: string): CheckResult {
  const name = "Dung lượng đĩa";
  let dir = path === ":memory:" ? ROOT : dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const s = statfsSync(dir);
  const free = s.bavail * s.bsize;
  const total = s.blocks * s.bsize;
  const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
  const detail = `còn trống ${gib(free)} / ${gib(total)} tại ${dir}`;
  if (free < MIN_FREE_BYTES) {
    return {
      name,
      verdict: "fail",
      detail,
      fix: "Giải phóng dung lượng hoặc chuyển DESK_DB, DESK_BACKUP_DIR sang ổ khác.",
    };
  }
  if (free < total * 0.1) {
    return { name, verdict: "warn", detail, fix: "Ổ đĩa sắp đầy: dọn bớt hoặc mở rộng trước khi hết chỗ." };
  }
  return { name, verdict: "ok", detail };
}

export function checkBackup(dir: string, now: Date): CheckResult {
  const name = "Sao lưu";
  const last = lastBackupAge(dir, now);
  if (!last) {
    return {
      name,
      verdict: "warn",
      detail: `chưa có bản sao lưu nào trong ${dir}`,
      fix: "Chạy «npm run cli -- db backup TỆP» ngay; công việc sao lưu hằng đêm chạy khi dịch vụ đang chạy.",
    };
  }
  const hours = Math.floor(last.ageMs / HOUR);
  const detail = `bản mới nhất ${last.file}, cách đây ${hours} giờ`;
  if (last.ageMs > MAX_BACKUP_AGE_MS) {
    return {
      name,
      verdict: "fail",
      detail,
      fix: "Công việc sao lưu hằng đêm không chạy: xem «npm run cli -- jobs --all» và nhật ký (event backup), kiểm tra quyền ghi DESK_BACKUP_DIR.",
    };
  }
  return { name, verdict: "ok", detail };
}

/** From this day of the year on, next year's holiday file is asked for (the Ministry publishes it in the autumn). */
const NEXT_YEAR_FROM = { month: 11, day: 1 };

/**
 * The yearly files of the working-day calendar (`DESK_CALENDAR_DIR/YYYY.json`): the swapped days off, the make-up
 * Saturdays and the day beside National Day, as the Ministry of Home Affairs publishes them each year. Without a
 * year's file the fixed holidays and Tết are still computed, but a swap is not known and a deadline counted in
 * working days (the recording handover) can fall on a day off.
 */
export function checkCalendar(dir: string, now: Date, zone: string): CheckResult {
  const name = "Lịch nghỉ lễ, Tết";
  const [year, month, day] = new Intl.DateTimeFormat("en-CA", { timeZone: zone })
    .format(now)
    .split("-")
    .map(Number) as [number, number, number];
  const has = (y: number) => existsSync(join(dir, `${y}.json`));
  const fileOf = (y: number) => join(dir, `${y}.json`);
  const fix = (y: number) =>
    `Khi Bộ Nội vụ công bố lịch nghỉ lễ, Tết năm ${y}, thêm tệp ${fileOf(y)} (theo mẫu tệp năm trước: ngày nghỉ hoán đổi, ngày làm bù, ngày nghỉ liền kề Quốc khánh) rồi khởi động lại dịch vụ.`;
  if (!has(year))
    return {
      name,
      verdict: "warn",
      detail: `chưa có tệp lịch nghỉ năm ${year}: các ngày lễ cố định và Tết vẫn được tính, nhưng ngày nghỉ hoán đổi và ngày làm bù chưa có, nên hạn tính theo ngày làm việc (bàn giao bản ghi) có thể sai`,
      fix: fix(year),
    };
  const late = month > NEXT_YEAR_FROM.month || (month === NEXT_YEAR_FROM.month && day >= NEXT_YEAR_FROM.day);
  if (late && !has(year + 1))
    return {
      name,
      verdict: "warn",
      detail: `chưa có tệp lịch nghỉ năm ${year + 1}: lịch họp năm ${year + 1} vẫn đăng ký được, nhưng ngày nghỉ hoán đổi và ngày làm bù của năm ${year + 1} chưa được tính`,
      fix: fix(year + 1),
    };
  return { name, verdict: "ok", detail: `có lịch nghỉ năm ${year}${has(year + 1) ? ` và ${year + 1}` : ""}` };
}

export interface DoctorDeps {
  /** DNS for the DKIM/DMARC check; the system's resolver by default (tests pass a stub). */
  resolver?: DnsResolver;
  dnsGuardMs?: number;
}

/** Run every check that applies; a configuration error is itself the first (and only) result. */
export async function runDoctor(
  load: () => Config,
  now: Date = new Date(),
  deps: DoctorDeps = {},
): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [
      {
        name: "Cấu hình",
        verdict: "fail",
        detail: err.message,
        fix: "Sửa các biến môi trường nêu trên (xem README) rồi chạy lại.",
      },
    ];
  }
  const secrets = [
    config.mail.imap?.pass,
    config.mail.smtp?.pass,
    config.telegram?.token,
    config.zalo?.token,
  ].filter((s): s is string => Boolean(s));
  const results: CheckResult[] = [{ name: "Cấu hình", verdict: "ok", detail: "các biến môi trường hợp lệ" }];
  const pgUrl = isPostgresUrl(config.dbPath) ? config.dbPath : null;
  results.push(pgUrl ? await checkPostgresHealth(pgUrl) : checkDatabaseHealth(config.dbPath));
  if (pgUrl) {
    results.push({
      name: "Tệp CSDL SQLite",
      verdict: "skip",
      detail:
        "CSDL là PostgreSQL: bỏ qua các kiểm tra chỉ dành cho SQLite (tệp, quyền ghi thư mục, tệp -wal)",
    });
  }
  const network = await Promise.all([
    checkImap(config, secrets).then((r) => [r]),
    checkSmtp(config, secrets).then((r) => [r]),
    checkTelegram(config, secrets),
    checkZalo(config, secrets).then((r) => [r]),
    checkMcu(config, secrets).then((r) => [r]),
    checkDkimDns(config, deps.resolver, deps.dnsGuardMs).then((r) => [r]),
  ]);
  results.push(...network.flat());
  // On PostgreSQL the database's disk is the server's: the free space that matters here is the backups'.
  results.push(checkDisk(pgUrl ? join(config.ops.backup.dir, "x") : config.dbPath));
  results.push(checkBackup(config.ops.backup.dir, now));
  results.push(checkCalendar(config.calendarDir, now, config.reg.zone));
  return results;
}

const MARK: Record<Verdict, string> = { ok: "[ĐẠT]", warn: "[CẢNH BÁO]", fail: "[LỖI]", skip: "[BỎ QUA]" };

export function formatDoctor(results: CheckResult[]): string {
  const lines = ["Kiểm tra sức khỏe bàn hỗ trợ kỹ thuật họp trực tuyến", ""];
  for (const r of results) {
    lines.push(`${MARK[r.verdict]} ${r.name}: ${r.detail}`);
    if (r.fix && (r.verdict === "fail" || r.verdict === "warn")) lines.push(`    → Cách sửa: ${r.fix}`);
  }
  const fails = results.filter((r) => r.verdict === "fail").length;
  const warns = results.filter((r) => r.verdict === "warn").length;
  lines.push("");
  lines.push(
    fails
      ? `Kết quả: ${fails} lỗi, ${warns} cảnh báo. Hãy sửa các mục [LỖI] rồi chạy lại «npm run cli -- doctor».`
      : `Kết quả: không có lỗi${warns ? `, ${warns} cảnh báo` : ""}.`,
  );
  return lines.join("\n");
}
