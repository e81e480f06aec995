import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent, incidentJobHandlers } from "../src/app/chat/conversation.js";
import { runDueJobs } from "../src/app/scheduler.js";
import { type ChatTransport, deliverChat, RetryAfterError } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { classify, routeOf } from "../src/core/incident/classify.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { groupMessages } from "./support/chat-events.js";

const GROUP = "-100200";
const people = sampleDirectory.people;
const tech = (endpoint: string) => people.find((p) => p.endpoint === endpoint && p.role === "technician")!;
const mcu = people.find((p) => p.role === "mcu-technician")!;
const wan = people.find((p) => p.role === "wan-duty")!;
const admin = people.find((p) => p.role === "admin")!;

const ev = groupMessages({ chatId: GROUP });

async function chatOut(store: Store) {
  // Chat traffic only: a booking's own public post is not part of these conversations.
  return (await store.read((r) => r.outbox.list())).filter(
    (m) => ["chat", "desk", "group"].includes(m.channel) && m.kind !== "booking-public",
  );
}

describe("fault classification (Điều 12.2c routing)", () => {
  const cases: [string, string][] = [
    ["xã Sóc Sơn mất tiếng", "audio"],
    ["mat hinh", "video"],
    ["rớt mạng", "network"],
    ["mất điện", "power"],
    ["Điểm cầu bị hú, vọng tiếng", "audio"],
    ["codec bị treo máy", "equipment"],
    ["duong truyen chap chon", "network"],
    ["cho hỏi lịch họp chiều nay", "other"],
  ];
  for (const [text, category] of cases) {
    it(`«${text}» → ${category}`, () => {
      expect(classify(text)).toBe(category);
      expect(routeOf(classify(text))).toBe(category === "network" ? "wan" : "mcu");
    });
  }
});

describe("chat desk conversation", () => {
  it("opens an incident tied to the reporter's endpoint and live session, routes it, and joins repeats", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30"); // HTT-2026-0001 is live at CX-00008
    const reporter = tech("CX-00008");
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng"), now);
    const [inc] = await desk.store.read((r) => r.incidents.list());
    expect(inc).toMatchObject({
      code: "SC-2026-0001",
      endpoint: "CX-00008",
      booking: "HTT-2026-0001",
      category: "audio",
      route: "mcu",
      status: "open",
    });
    const out = await chatOut(desk.store);
    expect(out.map((m) => [m.channel, m.recipient])).toEqual([
      ["desk", "mcu-technician"],
      ["chat", `telegram:${GROUP}`],
    ]);
    // Nothing to react to (no message id): the group reads the words of a refused reaction, the same for every
    // session (Điều 5.2); the desk's notice names the place and the session.
    expect(out[1]!.payload.text).toBe(
      "Đã tiếp nhận phản ánh sự cố SC-2026-0001 (âm thanh); đã chuyển Kỹ thuật MCU. Diễn biến: nhắn riêng /suco SC-2026-0001 cho bot.",
    );
    expect(out[0]!.payload.text).toContain("tại CX-00008, phiên HTT-2026-0001");
    // The same fault again within minutes joins the open incident.
    await handleChatEvent(desk, ev(reporter.telegramId!, "vẫn mat tieng"), new Date(now.getTime() + 120_000));
    expect(await desk.store.read((r) => r.incidents.list())).toHaveLength(1);
    // A network fault goes to the WAN duty.
    await handleChatEvent(desk, ev(reporter.telegramId!, "rớt mạng rồi"), new Date(now.getTime() + 180_000));
    const incs = await desk.store.read((r) => r.incidents.list());
    expect(incs[1]).toMatchObject({ category: "network", route: "wan" });
    expect((await chatOut(desk.store)).filter((m) => m.channel === "desk").at(-1)).toMatchObject({
      recipient: "wan-duty",
    });
  });

  it("technicians acknowledge, dispatch and resolve; others cannot; the reporter's group is told", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, ev(tech("CX-00025").telegramId!, "mất hình"), now);
    await handleChatEvent(desk, ev(tech("CX-00025").telegramId!, "/nhan SC-2026-0001"), now);
    expect((await chatOut(desk.store)).at(-1)!.payload.text).toContain("Chỉ cán bộ kỹ thuật MCU");
    await handleChatEvent(desk, ev(mcu.telegramId!, "", { button: "nhan:SC-2026-0001" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    await handleChatEvent(desk, ev(wan.telegramId!, "/xong SC-2026-0001 đã thay cáp"), now);
    await handleChatEvent(desk, ev(wan.telegramId!, "/mo SC-2026-0001"), now);
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.map((e) => e.action)).toEqual(["opened", "nhan", "chuyen", "xong", "mo"]);
    const group = (await chatOut(desk.store)).filter((m) => m.channel === "group").map((m) => m.payload.text);
    expect(group).toEqual([
      `${mcu.name} đã nhận xử lý sự cố SC-2026-0001.`,
      "Sự cố SC-2026-0001 đã được chuyển cho Trực ban mạng WAN (Sở Khoa học và Công nghệ).",
      // The group is not told the resolution's note (the same for every incident, Điều 5.2); the timeline keeps it.
      "Sự cố SC-2026-0001 đã khắc phục.",
      "Sự cố SC-2026-0001 được mở lại.",
    ]);
    expect(events.find((e) => e.action === "xong")?.note).toBe("đã thay cáp");
  });

  it("an unknown user gets an explanation, registers with /dangky, and an admin approves", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, ev("999", "mất tiếng"), now);
    const told = (await chatOut(desk.store)).filter((m) => m.channel === "chat").at(-1)!;
    expect(told.payload.text).toContain("chưa gắn với điểm cầu nào");
    // A stranger's fault is kept for the desk, unverified (tests/security/chat-stranger-report.test.ts).
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { endpoint: null, unverified: true },
    ]);
    await handleChatEvent(desk, ev("999", "/dangky CX-99999"), now);
    expect((await chatOut(desk.store)).at(-1)!.payload.text).toContain("không có trong danh bạ");
    await handleChatEvent(desk, ev("999", "/dangky cx-00004"), now);
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "/duyet 1"), now);
    expect((await chatOut(desk.store)).at(-1)!.payload.text).toBe(
      "Chỉ quản trị viên mới duyệt được đăng ký.",
    );
    // CX-00004 already has a linked technician: the admin replaces the link knowingly.
    await handleChatEvent(desk, ev(admin.telegramId!, "/duyet 1 technician"), now);
    expect((await chatOut(desk.store)).at(-1)!.payload.text).toContain("/duyet 1 thay");
    await handleChatEvent(desk, ev(admin.telegramId!, "/duyet 1 technician thay"), now);
    await handleChatEvent(desk, ev("999", "mất tiếng"), now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { endpoint: null, unverified: true },
      { endpoint: "CX-00004", reporter: "telegram:999", unverified: false },
    ]);
  });

  it("a redelivered update does nothing twice; secret sessions show only code and time", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request({ secret: true, title: "Nội dung tuyệt mật" }), {
      now: at("2026-12-07", "08:30"),
    });
    const now = at("2026-12-10", "08:00");
    const lich = ev(tech("CX-00008").telegramId!, "/lich");
    expect(await handleChatEvent(desk, lich, now)).toEqual({ duplicate: false });
    expect(await handleChatEvent(desk, lich, now)).toEqual({ duplicate: true });
    const out = await chatOut(desk.store);
    expect(out).toHaveLength(1);
    expect(out[0]!.payload.text).toBe(
      "Lịch họp trực tuyến hôm nay (1 phiên):\n• HTT-2026-0001 — 09:00–11:00 Thứ Năm, 10/12/2026 — phiên mật (đã xác nhận)",
    );
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "/sansang HTT-2026-0001"), now);
    const audit = await desk.store.read((r) => r.bookings.events("HTT-2026-0001"));
    expect(audit.at(-1)?.reason).toBe("điểm cầu CX-00008 sẵn sàng (Điều 12.2c)");
  });

  it("/lich with a day says it lists today only, instead of answering today's list as if the day were read", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "/lich 11/12"), at("2026-12-10", "08:00"));
    const [answer] = await chatOut(desk.store);
    expect(answer!.payload.text).toBe(
      [
        "Lệnh /lich chỉ xem lịch hôm nay; lịch các ngày khác xem trên trang Lịch của bàn kỹ thuật hoặc lịch công khai.",
        "Lịch họp trực tuyến hôm nay (1 phiên):",
        "• HTT-2026-0001 — 09:00–11:00 Thứ Năm, 10/12/2026 — Sở Công Thương: Triển khai kế hoạch bình ổn thị trường Tết (đã xác nhận)",
      ].join("\n"),
    );
  });

  it("during a live session an unacknowledged incident reminds the duty, then escalates", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất điện"), now);
    const handlers = incidentJobHandlers();
    await runDueJobs(desk, handlers, new Date(now.getTime() + 5 * 60_000));
    await runDueJobs(desk, handlers, new Date(now.getTime() + 10 * 60_000));
    const notices = (await chatOut(desk.store))
      .filter((m) => m.channel === "desk")
      .map((m) => [m.recipient, String(m.payload.text).split(":")[0]]);
    expect(notices).toEqual([
      [
        "mcu-technician",
        "Sự cố mới SC-2026-0001 (nguồn điện) tại CX-00008, phiên HTT-2026-0001, do Cán bộ báo.",
      ],
      ["mcu-technician", "Nhắc việc"],
      ["admin", "Báo động"],
    ]);
  });
});

/** A strict fake platform: enforces the pacing limits itself and answers 429/500 for a while. */
function strictTransport(
  failFor: number,
  clock: () => number,
): ChatTransport & { sent: { chatId: string; text: string; at: number }[]; violations: string[] } {
  const sent: { chatId: string; text: string; at: number }[] = [];
  const violations: string[] = [];
  let calls = 0;
  return {
    platform: "telegram",
    groupChatId: GROUP,
    maxLength: 3500,
    supportsButtons: true,
    sent,
    violations,
    async send(chatId, text) {
      calls++;
      if (calls <= failFor) {
        if (calls % 2) throw new RetryAfterError(50);
        throw new Error("500 Internal Server Error");
      }
      const now = clock();
      const mine = sent.filter((s) => s.chatId === chatId);
      if (mine.length && now - mine.at(-1)!.at < 1000) violations.push(`2 messages within 1 s in ${chatId}`);
      if (mine.filter((s) => s.at > now - 60_000).length >= 20) violations.push(`over 20/min in ${chatId}`);
      if (sent.filter((s) => s.at > now - 1000).length >= 30) violations.push("over 30/s overall");
      sent.push({ chatId, text, at: now });
    },
  };
}

describe("burst: 600 reports from 126 endpoints within a minute", () => {
  it("records and acknowledges every report within the pacing limits, through 429 and 500 answers", async () => {
    const desk = await makeDesk();
    const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.code);
    const faults = ["mất tiếng", "mất hình", "rớt mạng", "mất điện", "codec treo máy"];
    const t0 = at("2026-12-10", "09:00").getTime();
    for (let i = 0; i < 600; i++) {
      const endpoint = communes[i % communes.length]!;
      await handleChatEvent(
        desk,
        ev(tech(endpoint).telegramId!, faults[Math.floor(i / communes.length)]!),
        new Date(t0 + i * 100),
      );
    }
    // Every report is its own incident; the storms add their major incidents (reporter "storm").
    const incidents = (await desk.store.read((r) => r.incidents.list())).filter(
      (i) => i.reporter !== "storm",
    );
    const reports = (await desk.store.read((r) => r.inbound.list())).length;
    expect(reports).toBe(600);
    expect(incidents).toHaveLength(600);
    // Virtual time: the pacer's waits advance the clock instead of sleeping, so limits are checked exactly.
    let clock = t0 + 60_000;
    const transport = strictTransport(6, () => clock);
    const pacer = new Pacer();
    const virtualSleep = async (ms: number) => {
      clock += ms;
    };
    for (let round = 0; round < 200; round++) {
      await deliverChat(desk.store, [transport], pacer, () => new Date(clock), virtualSleep);
      clock += 1_000;
      const left = (await desk.store.read((r) => r.outbox.list({ excludeSent: true }))).filter(
        (m) => m.channel !== "mail",
      );
      if (left.length === 0) break;
    }
    const left = (await desk.store.read((r) => r.outbox.list({ excludeSent: true }))).filter(
      (m) => m.channel !== "mail",
    );
    expect(left).toEqual([]);
    expect(transport.violations).toEqual([]);
    const all = transport.sent.map((s) => s.text).join("\n");
    // Every report is acknowledged: a report of a storm by the storm message that counts it, any other in words
    // (nothing to react to here), the same words for every session (Điều 5.2), each one sent.
    const words = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) =>
        m.channel === "chat" && /^Đã tiếp nhận phản ánh sự cố SC-\d{4}-\d{4} \(/.test(String(m.payload.text)),
    );
    expect(words.every((m) => m.status === "sent")).toBe(true);
    // (The first reports of a storm are answered before the storm forms and joins them.)
    expect(words.length).toBeGreaterThanOrEqual(incidents.filter((i) => !i.major).length);
    expect(words.length).toBeGreaterThan(0);
    for (const major of new Set(incidents.flatMap((i) => (i.major ? [i.major] : []))))
      expect(all).toContain(`Sự cố diện rộng ${major}:`);
    expect(all).toContain("Đã tiếp nhận phản ánh");
    // Merged: a few dozen messages carry 600 acknowledgements and 600 desk notices.
    expect(transport.sent.length).toBeLessThan(60);
    console.log(
      `burst: ${transport.sent.length} messages in ${((clock - t0 - 60_000) / 1000).toFixed(0)} s of virtual time`,
    );
  }, 120_000);
});

describe("message formatting for chat platforms", () => {
  it("escapes user text for HTML parse mode and splits long messages at line breaks", async () => {
    const { escapeHtml, splitText } = await import("../src/bot/pacing.js");
    expect(escapeHtml("mất tiếng <b>gấp</b> & nhanh")).toBe("mất tiếng &lt;b&gt;gấp&lt;/b&gt; &amp; nhanh");
    const lines = Array.from({ length: 300 }, (_, i) => `Dòng ${i}: ${"x".repeat(20)}`).join("\n");
    const parts = splitText(lines, 4096);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join("\n")).toBe(lines);
    expect(splitText("y".repeat(5000), 2000).map((p) => p.length)).toEqual([2000, 2000, 1000]);
  });

  it("a `command` in a notice is shown as code on Telegram, not with its backticks; nothing else becomes a tag", async () => {
    const { htmlParts } = await import("../src/bot/pacing.js");
    expect(htmlParts("xem bằng lệnh `npm run cli -- mail quarantine`.", 4096)).toEqual([
      "xem bằng lệnh <code>npm run cli -- mail quarantine</code>.",
    ]);
    // Escaped before it is set as code; a lone backtick and one across lines stay as typed.
    expect(htmlParts("`<b>x</b>` và ` lẻ\nsang dòng `", 4096)).toEqual([
      "<code>&lt;b&gt;x&lt;/b&gt;</code> và ` lẻ\nsang dòng `",
    ]);
  });
});
