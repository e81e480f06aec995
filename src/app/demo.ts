/**
 * `npm run demo`: a narrated day at the desk on embedded defaults (a throwaway SQLite file, the sample
 * directory of Hanoi, simulated time). No credentials, no network. It prints what each party would receive.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { STATUS_VI } from "../core/booking/state.js";
import type { BookingRequest } from "../core/booking/types.js";
import { atLocal, formatVi } from "../core/calendar/zone.js";
import { checkDirectory } from "../core/directory/check.js";
import { SimulatorMcu } from "../mcu/simulator.js";
import type { OutboxMessage } from "../store/queue-repos.js";
import { Store } from "../store/store.js";
import { registerBooking, reviewBooking } from "./booking/index.js";
import { handleChatEvent, incidentJobHandlers } from "./chat/conversation.js";
import { jobKindVi } from "./cli/labels.js";
import { loadConfig, loadHolidayCalendar, ROOT } from "./config.js";
import type { Desk } from "./desk.js";
import { readDirectoryCsv } from "./directory/csv.js";
import { MailDesk, type MailOutcome } from "./mail-desk.js";
import { deliverDue } from "./outbox-worker.js";
import { runDueJobs, sessionJobHandlers } from "./scheduler.js";
import { SessionRunner } from "./session-runner.js";

const config = loadConfig();
const zone = config.reg.zone;
const tmp = mkdtempSync(join(tmpdir(), "desk-demo-"));
const store = Store.open(join(tmp, "demo.db"));
const desk: Desk = { store, reg: config.reg, holidays: loadHolidayCalendar(config.calendarDir) };
const handlers = { ...sessionJobHandlers(desk), ...incidentJobHandlers() };
const t = (date: string, time: string) => atLocal(date, time, zone);

const CHANNEL_VI: Record<OutboxMessage["channel"], string> = {
  mail: "Thư trả lời",
  group: "Nhóm «Hỗ trợ kỹ thuật họp trực tuyến Thành phố»",
  direct: "Tin nhắn riêng",
  desk: "Bộ phận kỹ thuật",
  chat: "Trả lời trong nhóm chat",
  mcu: "Lệnh điều khiển MCU",
  reaction: "Biểu tượng xác nhận trên tin báo",
  storm: "Tin sự cố diện rộng trong nhóm",
};

/** Bold timestamps on a terminal only: piped into a file or a mail, escape codes are noise. */
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function say(now: Date, text: string) {
  console.log(`\n${bold(`[${formatVi(now, zone)}]`)} ${text}`);
}

const MAIL_OUTCOME_VI: Record<MailOutcome["kind"], string> = {
  registered: "đã ghi nhận đăng ký",
  changed: "đã thay đổi lịch",
  "change-refused": "không thay đổi được lịch",
  cancelled: "đã hủy lịch",
  postponed: "đã chuyển xem xét vì xin hoãn",
  refused: "từ chối người gửi",
  ignored: "bỏ qua",
  quarantined: "cách ly",
  duplicate: "thư đã xử lý",
  error: "lỗi",
};

/** What the simulated MCU was asked to do, in the operator's words. */
function mcuCallVi(call: string): string {
  const [verb = "", ...rest] = call.split(" ");
  const arg = rest.join(" ");
  const words: Record<string, string> = {
    create: `tạo phòng ${arg}`,
    connect: `kết nối ${arg}`,
    disconnect: `ngắt ${arg}`,
    layout: `đặt bố cục ${arg === "auto" ? "tự động" : arg}`,
    mute: `tắt micro ${arg}`,
    unmute: `bật micro ${arg}`,
    record: arg === "start" ? "bắt đầu ghi hình" : "dừng ghi hình",
    end: "kết thúc phòng",
  };
  return words[verb] ?? call;
}

/** Deliver the outbox to the terminal: this is what each party would receive. */
const RECIPIENT_VI: Record<string, string> = {
  "support-group": "",
  "mcu-technician": "kỹ thuật MCU",
  "wan-duty": "trực mạng WAN",
  admin: "quản trị",
};
const print = async (m: OutboxMessage) => {
  const text = String(m.payload.text ?? "").replace(/\n/g, "\n      ");
  const who = RECIPIENT_VI[m.recipient] ?? m.recipient;
  console.log(`  → ${CHANNEL_VI[m.channel]}${who ? ` (${who})` : ""}:\n      ${text}`);
};
async function deliver(now: Date) {
  await deliverDue(store, { mail: print, group: print, direct: print, desk: print, chat: print }, now, {
    limit: 1000,
  });
}

async function book(
  now: Date,
  what: string,
  req: Omit<BookingRequest, "receivedAt" | "channel" | "unresolved" | "otherSupport">,
) {
  say(now, what);
  const res = await registerBooking(
    desk,
    { ...req, receivedAt: now, channel: "mail", unresolved: [], otherSupport: null },
    { now },
  );
  await deliver(now);
  return res.code!;
}

async function clock(now: Date, what: string) {
  const report = await runDueJobs(desk, handlers, now);
  if (report.done === 0) return;
  say(now, what);
  await deliver(now);
}

try {
  const directory = readDirectoryCsv(config.directoryDir);
  await store.tx((r) => r.directory.replaceAll(directory));
  const violations = checkDirectory(directory, config.reg);
  console.log(
    "Một ngày tại bàn kỹ thuật Hệ thống Họp trực tuyến thành phố Hà Nội (mô phỏng, Quyết định 3125/QĐ-UBND).",
  );
  console.log(
    `Danh bạ mẫu: ${directory.agencies.length} cơ quan, ${directory.endpoints.length} điểm cầu, ${directory.people.length} người; ${violations.length} vi phạm Điều 7, 10, 19.3.`,
  );
  console.log(
    `MCU: ${config.reg.mcu.conferences} phiên đồng thời, ${config.reg.mcu.ports} cổng. Thời gian chạy theo đồng hồ mô phỏng.`,
  );

  const contact = (name: string, phone: string) => ({ name, phone });
  const base = { emergency: false, secret: false, recording: false, cityHallRoom: false };

  const sct = await book(
    t("2026-12-07", "08:30"),
    "Sở Công Thương đăng ký phiên họp thứ Năm 10/12, có ghi hình.",
    {
      ...base,
      host: "Sở Công Thương",
      participants: ["CX-00008", "CX-00025", "CX-09955"],
      start: t("2026-12-10", "09:00"),
      end: t("2026-12-10", "11:00"),
      title: "Bình ổn thị trường dịp Tết Nguyên đán",
      contact: contact("Lâm Thị Ngọc", "0983210456"),
      recording: true,
      sender: "vanthu.sct@hanoi.gov.vn",
    },
  );

  await book(t("2026-12-07", "09:10"), "Sở Tư pháp xin cùng khung giờ với phường Ngọc Hà: điểm cầu đã bận.", {
    ...base,
    host: "Sở Tư pháp",
    participants: ["CX-00008", "CX-09877"],
    start: t("2026-12-10", "09:30"),
    end: t("2026-12-10", "11:00"),
    title: "Tập huấn công tác hộ tịch",
    contact: contact("Cao Văn Sơn", "02437345678"),
    sender: "vanphong.stp@hanoi.gov.vn",
  });

  const late = await book(
    t("2026-12-07", "10:00"),
    "Sở Du lịch đăng ký muộn cho sáng mai (dưới 24 giờ): chờ cán bộ kỹ thuật.",
    {
      ...base,
      host: "Sở Du lịch",
      participants: ["CX-00070", "CX-00082"],
      start: t("2026-12-08", "08:00"),
      end: t("2026-12-08", "09:30"),
      title: "Chuẩn bị mùa du lịch xuân 2027",
      contact: contact("Vương Thu Hà", "0977303404"),
      sender: "vanthu.sdl@hanoi.gov.vn",
    },
  );

  await book(t("2026-12-07", "10:20"), "Sở Xây dựng quên nội dung và đầu mối liên hệ.", {
    ...base,
    host: "Sở Xây dựng",
    participants: ["CX-09556"],
    start: t("2026-12-11", "14:00"),
    end: t("2026-12-11", "15:00"),
    title: null,
    contact: null,
    sender: "vanthu.sxd@hanoi.gov.vn",
  });

  const secret = await book(
    t("2026-12-07", "10:40"),
    "Văn phòng UBND Thành phố thông báo phiên họp mật (Điều 5.2): nhóm chỉ thấy mã và giờ.",
    {
      ...base,
      host: "Văn phòng UBND thành phố Hà Nội",
      participants: ["CATP-01", "BTLTD-01"],
      start: t("2026-12-10", "14:00"),
      end: t("2026-12-10", "15:30"),
      title: "Phương án bảo vệ mục tiêu trọng điểm",
      contact: contact("Đỗ Minh Quân", "0912000111"),
      secret: true,
      sender: "vanthu.vpub@hanoi.gov.vn",
    },
  );

  // The mail channel: a clerk's Outlook table, read and answered in its thread.
  const mailDesk = new MailDesk(desk, {
    own: {
      addresses: [config.mail.address, ...config.mail.aliases],
      messageIdDomain: config.mail.messageIdDomain,
    },
    officialDomains: config.mail.officialDomains,
    requireAuth: false,
    maxBytes: config.mail.maxBytes,
    replyCapPerSender: config.mail.replyCapPerSender,
    replyCapPerBooking: config.mail.replyCapPerBooking,
  });
  for (const [time, file, what] of [
    ["11:05", "s03-html-table.eml", "Thư của Sở Du lịch (bảng Outlook) đến hộp thư kythuat@hanoi.gov.vn."],
    ["11:10", "s04-no-diacritics.eml", "Thư của Sở Công Thương gõ không dấu đến hộp thư."],
  ] as const) {
    const now = t("2026-12-07", time);
    say(now, what);
    const outcome = await mailDesk.handle(readFileSync(join(ROOT, "data/demo-mail", file)), now);
    console.log(
      `  (đọc thư: ${MAIL_OUTCOME_VI[outcome.kind]}${"code" in outcome && outcome.code ? ` ${outcome.code}` : ""})`,
    );
    await deliver(now);
  }

  await clock(
    t("2026-12-07", "11:30"),
    "Đồng hồ SLA: 90 phút sau khi tiếp nhận mà lịch của Sở Du lịch chưa có kết quả.",
  );
  say(t("2026-12-07", "11:40"), "Cán bộ kỹ thuật xác nhận lịch của Sở Du lịch (trong hạn 2 giờ).");
  await reviewBooking(
    desk,
    late,
    "confirmed",
    { id: "kythuat@hanoi.gov.vn", channel: "cli" },
    "bố trí được kỹ thuật",
    t("2026-12-07", "11:40"),
  );
  await deliver(t("2026-12-07", "11:40"));
  await clock(
    t("2026-12-08", "06:00"),
    "2 giờ trước phiên họp của Sở Du lịch: kiểm tra kỹ thuật (Điều 12.2b).",
  );

  // Every session runs on the MCU simulator; an endpoint drops and comes back; staff report in the chat group.
  const mcu = new SimulatorMcu({ recordingDir: join(tmp, "recordings") });
  const runner = new SessionRunner(desk, mcu);
  const tickAt = async (now: Date, what: string, action?: () => Promise<void> | void) => {
    say(now, what);
    await action?.();
    await runner.tick(now);
    await runDueJobs(desk, handlers, now);
    await deliver(now);
  };
  await tickAt(
    t("2026-12-08", "08:00"),
    "Giờ họp của Sở Du lịch: MCU (mô phỏng) tạo phòng và kết nối các điểm cầu.",
  );
  await tickAt(t("2026-12-08", "09:30"), "Hết giờ: MCU kết thúc phiên họp của Sở Du lịch.");

  await book(
    t("2026-12-09", "23:00"),
    "Sở Y tế đăng ký họp khẩn cấp (Điều 11.3) lúc 09:00 ngày 10/12, trùng điểm cầu phường Ngọc Hà.",
    {
      ...base,
      emergency: true,
      host: "Sở Y tế",
      participants: ["CX-00008", "CX-00004", "CX-00025"],
      start: t("2026-12-10", "09:00"),
      end: t("2026-12-10", "10:30"),
      title: "Ứng phó khẩn cấp ổ dịch cúm A/H5N1",
      contact: contact("Phạm Thu Trang", "0904555666"),
      sender: "vanthu.syt@hanoi.gov.vn",
    },
  );
  await clock(t("2026-12-10", "00:30"), `90 phút sau khi lịch ${sct} bị chuyển sang chờ xem xét.`);
  await clock(t("2026-12-10", "07:00"), "2 giờ trước phiên họp khẩn: kiểm tra kỹ thuật.");
  await clock(t("2026-12-10", "08:00"), "Một giờ trước phiên họp khẩn: điểm cầu nào chưa xác nhận sẵn sàng?");

  const tick = (time: string, what: string, action?: () => Promise<void> | void) =>
    tickAt(t("2026-12-10", time), what, action);
  await tick("09:00", "Giờ họp: bộ điều khiển MCU (mô phỏng) tạo phòng và kết nối các điểm cầu.");
  await tick("09:20", "Điểm cầu phường Ngọc Hà rớt kết nối; hệ thống tự phát hiện.", () =>
    mcu.drop(mcu.conferenceIds()[0]!, "CX-00008"),
  );
  const staff = directory.people.find((p) => p.endpoint === "CX-00004" && p.role === "technician")!;
  const mcuTech = directory.people.find((p) => p.role === "mcu-technician")!;
  const chat = (userId: string, name: string, text: string, id: string) => ({
    platform: "telegram" as const,
    chatId: "-100123",
    chatType: "group" as const,
    userId,
    userName: name,
    text,
    button: null,
    updateId: id,
  });
  await tick("09:22", `Cán bộ điểm cầu phường Ba Đình nhắn trong nhóm: «mất tiếng».`, async () => {
    await handleChatEvent(
      desk,
      chat(staff.telegramId!, staff.name, "mất tiếng", "d1"),
      t("2026-12-10", "09:22"),
    );
  });
  await tick("09:24", "Kỹ thuật MCU nhận xử lý bằng lệnh /nhan.", async () => {
    await handleChatEvent(
      desk,
      chat(mcuTech.telegramId!, mcuTech.name, "/nhan SC-2026-0002", "d2"),
      t("2026-12-10", "09:24"),
    );
  });
  await tick("09:30", "Phường Ngọc Hà kết nối lại.", () => mcu.recover(mcu.conferenceIds()[0]!, "CX-00008"));
  await tick("09:35", "Kỹ thuật MCU báo đã khắc phục tiếng ở phường Ba Đình.", async () => {
    await handleChatEvent(
      desk,
      chat(mcuTech.telegramId!, mcuTech.name, "/xong SC-2026-0002 đã chỉnh lại micro", "d3"),
      t("2026-12-10", "09:35"),
    );
  });
  await tick("10:30", "Hết giờ: MCU kết thúc phiên họp khẩn.");
  console.log(`
Các lệnh đã gửi tới MCU: ${mcu.calls.map(mcuCallVi).join("; ")}.`);
  await clock(t("2026-12-10", "12:00"), "Giữa ngày 10/12.");

  // The secret session runs like any other, but chat only ever sees its code, its time and that it is secret
  // (Điều 5.2): endpoints are contacted through the secure channel; the list is on the desk's CLI.
  const secretStaff = directory.people.find((p) => p.endpoint === "CATP-01" && p.role === "technician")!;
  await tick(
    "13:00",
    "Một giờ trước phiên họp mật: một điểm cầu xác nhận sẵn sàng qua nhóm chat.",
    async () => {
      await handleChatEvent(
        desk,
        chat(secretStaff.telegramId!, secretStaff.name, `/sansang ${secret}`, "d4"),
        t("2026-12-10", "13:00"),
      );
    },
  );
  await tick("14:00", "Giờ họp của phiên mật: MCU tạo phòng mang tên là mã phiên.");
  await tick("14:20", "Một điểm cầu của phiên mật rớt kết nối; hệ thống tự phát hiện.", () =>
    mcu.drop(mcu.conferenceIds()[0]!, "BTLTD-01"),
  );
  await tick("14:22", "Cán bộ một điểm cầu của phiên mật nhắn trong nhóm: «mất hình».", async () => {
    await handleChatEvent(
      desk,
      chat(secretStaff.telegramId!, secretStaff.name, "mất hình", "d5"),
      t("2026-12-10", "14:22"),
    );
  });
  await tick("14:30", "Điểm cầu kết nối lại.", () => mcu.recover(mcu.conferenceIds()[0]!, "BTLTD-01"));
  await tick("15:30", "Hết giờ: MCU kết thúc phiên họp mật.");

  console.log("\nLịch ngày 10/12/2026:");
  const day = await store.read((r) =>
    r.bookings.list({ from: t("2026-12-10", "00:00"), to: t("2026-12-11", "00:00") }),
  );
  const hhmm = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone }).toFormat("HH:mm") : "--:--");
  for (const b of day) {
    console.log(
      `  ${hhmm(b.request.start)}–${hhmm(b.request.end)}  ${b.code}  ${STATUS_VI[b.status].padEnd(28)} ${b.request.secret ? "(nội dung mật)" : b.request.title}`,
    );
  }
  const pending = await store.read((r) => r.jobs.list());
  console.log(
    `\nHẹn giờ còn chờ: ${pending.map((j) => `${jobKindVi(j.kind)} ${j.key} lúc ${formatVi(j.runAt, zone)}`).join("; ") || "không có"}.`,
  );
} finally {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
}
