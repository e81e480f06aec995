import { describe, expect, it } from "vitest";
import { cancelBooking, registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent, incidentJobHandlers } from "../src/app/chat/conversation.js";
import type { Desk } from "../src/app/context.js";
import { runDueJobs } from "../src/app/scheduler.js";
import { HELP_TEXT } from "../src/bot/commands.js";
import { at, makeDesk, request } from "./helpers.js";
import { chatOut, deskNotices, dm, ev, GROUP, mcu, repliesTo, tech, wan } from "./security/chat-support.js";

/** Issue 13, «Smaller things people hit»: /dangky by name, /sansang's window, the stranger's hint, /mo, /ghichu. */

const lastReply = async (desk: Desk, chatId: string) => (await repliesTo(desk.store, chatId)).at(-1) ?? "";
const pending = (desk: Desk) => desk.store.read((r) => r.incidents.pendingLinks());

describe("/dangky takes an endpoint by code or by name", () => {
  const now = at("2026-12-10", "09:30");

  it("by its official name, with or without diacritics, and by code in any case", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("5001", "/dangky Xã Sóc Sơn"), now);
    expect(await lastReply(desk, "5001")).toContain("Xã Sóc Sơn (CX-00376)");
    await handleChatEvent(desk, dm("5002", "/dangky xa soc son"), now);
    await handleChatEvent(desk, dm("5003", "/dangky UBND xã Sóc Sơn"), now);
    await handleChatEvent(desk, dm("5004", "/dangky cx-00008"), now);
    expect((await pending(desk)).map((l) => [l.userId, l.endpoint])).toEqual([
      ["5001", "CX-00376"],
      ["5002", "CX-00376"],
      ["5003", "CX-00376"],
      ["5004", "CX-00008"],
    ]);
  });

  it("a name that is not exact gets the nearest endpoints with their codes, and nothing is requested", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("5001", "/dangky Xã Sóc Sơm"), now);
    const typo = await lastReply(desk, "5001");
    expect(typo).toContain("Không có điểm cầu «Xã Sóc Sơm»");
    expect(typo).toContain("• Xã Sóc Sơn (CX-00376)");
    expect(typo).toContain("gửi lại /dangky");
    expect(typo.split("\n").filter((l) => l.startsWith("• ")).length).toBeLessThanOrEqual(5);
    // The same name under the wrong unit type (Sóc Sơn is a commune since 2025).
    await handleChatEvent(desk, dm("5001", "/dangky Phường Sóc Sơn"), now);
    expect(await lastReply(desk, "5001")).toContain("• Xã Sóc Sơn (CX-00376)");
    // A mistyped code: the nearest codes.
    await handleChatEvent(desk, dm("5001", "/dangky CX-0376"), now);
    expect(await lastReply(desk, "5001")).toContain("• Xã Sóc Sơn (CX-00376)");
    expect(await pending(desk)).toEqual([]);
  });

  it("an ambiguous name lists every endpoint it fits and asks for the code", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("5001", "/dangky Thành ủy Hà Nội"), now);
    expect(await lastReply(desk, "5001")).toBe(
      [
        "«Thành ủy Hà Nội» ứng với 3 điểm cầu:",
        "• Thành ủy Hà Nội (điểm cầu 1) (TU-01)",
        "• Thành ủy Hà Nội (điểm cầu 2) (TU-02)",
        "• Thành ủy Hà Nội (điểm cầu 3) (TU-03)",
        "Đề nghị gửi lại /dangky kèm mã điểm cầu của mình.",
      ].join("\n"),
    );
    expect(await pending(desk)).toEqual([]);
  });

  it("empty or overlong arguments get the usage, never «»", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("5001", "/dangky"), now);
    const empty = await lastReply(desk, "5001");
    expect(empty).toContain("Cách dùng: /dangky <mã hoặc tên điểm cầu>");
    expect(empty).not.toContain("«»");
    await handleChatEvent(desk, dm("5001", `/dangky ${"Sóc Sơn ".repeat(30)}`), now);
    expect(await lastReply(desk, "5001")).toContain("dài quá 120 ký tự");
    expect(await pending(desk)).toEqual([]);
  });

  it("mistyped names do not use up the registrations a person is allowed", async () => {
    const desk = await makeDesk();
    for (const typo of ["Xã Sóc Sơm", "Sóc Sơm", "Phường Sóc Sơn", "CX-0376"])
      await handleChatEvent(desk, dm("5001", `/dangky ${typo}`), now);
    await handleChatEvent(desk, dm("5001", "/dangky Xã Sóc Sơn"), now);
    expect(await lastReply(desk, "5001")).toMatch(
      /^Đã gửi yêu cầu đăng ký với điểm cầu Xã Sóc Sơn \(CX-00376\)/,
    );
  });

  it("the help names the new forms", () => {
    expect(HELP_TEXT).toContain("/dangky <mã hoặc tên điểm cầu>");
    expect(HELP_TEXT).toContain("/ghichu SC-");
    expect(HELP_TEXT).toContain("/suco SC-");
  });
});

describe("/sansang only for a confirmed session, within the check window", () => {
  const ngocHa = tech("CX-00008").telegramId!;
  const setup = async (overrides = {}) => {
    const desk = await makeDesk();
    await registerBooking(desk, request(overrides), { now: at("2026-12-07", "08:30") });
    return desk;
  };
  const ready = async (desk: Desk) =>
    (await desk.store.read((r) => r.bookings.events("HTT-2026-0001"))).filter((e) =>
      e.reason.includes("sẵn sàng"),
    );

  it("opens 4 h before the start (twice the 2 h check lead of Điều 12.2b), once per endpoint", async () => {
    const desk = await setup();
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0001"), at("2026-12-10", "04:59"));
    expect(await lastReply(desk, ngocHa)).toBe(
      "Chưa đến giờ kiểm tra kỹ thuật cho phiên HTT-2026-0001 (bắt đầu 09:00 Thứ Năm, 10/12/2026). Xác nhận sẵn sàng nhận từ 05:00 Thứ Năm, 10/12/2026; kiểm tra kỹ thuật chậm nhất 2 giờ trước giờ họp (Điều 12.2b).",
    );
    expect(await ready(desk)).toEqual([]);
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0001"), at("2026-12-10", "05:00"));
    expect(await lastReply(desk, ngocHa)).toBe(
      "Đã ghi nhận điểm cầu CX-00008 sẵn sàng cho phiên HTT-2026-0001.",
    );
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0001"), at("2026-12-10", "07:00"));
    expect(await lastReply(desk, ngocHa)).toContain("từ trước, lúc 05:00");
    expect(await ready(desk)).toHaveLength(1);
  });

  it("refuses once the session has begun, and after it is over", async () => {
    const desk = await setup();
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0001"), at("2026-12-10", "09:10"));
    expect(await lastReply(desk, ngocHa)).toContain("đã bắt đầu lúc 09:00");
    expect(await lastReply(desk, ngocHa)).toContain("«mất tiếng»");
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0001"), at("2026-12-10", "11:00"));
    expect(await lastReply(desk, ngocHa)).toBe(
      "Phiên HTT-2026-0001 đã kết thúc; không cần xác nhận sẵn sàng.",
    );
    expect(await ready(desk)).toEqual([]);
  });

  it("refuses a cancelled session and one not confirmed yet", async () => {
    const desk = await setup();
    await cancelBooking(
      desk,
      "HTT-2026-0001",
      { id: "cli:kythuat", channel: "cli" },
      "hoãn",
      at("2026-12-09", "08:00"),
    );
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0001"), at("2026-12-10", "08:00"));
    expect(await lastReply(desk, ngocHa)).toBe("Phiên HTT-2026-0001 đã hủy; không cần xác nhận sẵn sàng.");
    // Registered 3 h ahead: late (Điều 12.2a), so it waits for review.
    await registerBooking(
      desk,
      request({
        start: at("2026-12-10", "14:00"),
        end: at("2026-12-10", "15:00"),
        receivedAt: at("2026-12-10", "11:00"),
      }),
      { now: at("2026-12-10", "11:00") },
    );
    const b = await desk.store.read((r) => r.bookings.get("HTT-2026-0002"));
    expect(b?.status).toBe("needs-review");
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0002"), at("2026-12-10", "12:30"));
    expect(await lastReply(desk, ngocHa)).toContain(
      "Phiên HTT-2026-0002 chưa được xác nhận (chờ cán bộ kỹ thuật xem xét)",
    );
  });

  it("refuses an endpoint not in the booking, a stranger, a bad code and an empty one", async () => {
    const desk = await setup();
    const now = at("2026-12-10", "08:00");
    const socSon = tech("CX-00376").telegramId!;
    await handleChatEvent(desk, dm(socSon, "/sansang HTT-2026-0001"), now);
    expect(await lastReply(desk, socSon)).toContain(
      "Điểm cầu CX-00376 của anh/chị không thuộc phiên HTT-2026-0001",
    );
    await handleChatEvent(desk, dm("5009", "/sansang HTT-2026-0001"), now);
    expect(await lastReply(desk, "5009")).toContain("không gắn với điểm cầu nào");
    await handleChatEvent(desk, dm(ngocHa, "/sansang HTT-2026-0999"), now);
    expect(await lastReply(desk, ngocHa)).toBe(
      "Không tìm thấy phiên họp «HTT-2026-0999». Cách dùng: /sansang HTT-2026-0042.",
    );
    await handleChatEvent(desk, dm(ngocHa, "/sansang"), now);
    expect(await lastReply(desk, ngocHa)).toBe("Thiếu mã phiên họp. Cách dùng: /sansang HTT-2026-0042.");
    expect(await ready(desk)).toEqual([]);
  });
});

describe("a stranger's report: recorded unverified, told how to register once per window", () => {
  const now = at("2026-12-10", "09:30");
  const later = (min: number) => new Date(now.getTime() + min * 60_000);

  it("in the group: the hint with the first report, reactions for the next ones, the hint again after the window", async () => {
    const desk = await makeDesk();
    const report = (text: string, when: Date, id: string) =>
      handleChatEvent(desk, ev("4242", text, { userName: "Trần Văn Mới", messageId: id }), when);
    await report("xã mình mất tiếng", now, "m1");
    await report("giờ mất cả hình", later(1), "m2");
    await report("rớt mạng luôn", later(2), "m3");
    const incidents = await desk.store.read((r) => r.incidents.list());
    expect(incidents.map((i) => [i.category, i.unverified])).toEqual([
      ["audio", true],
      ["video", true],
      ["network", true],
    ]);
    const told = await repliesTo(desk.store, GROUP);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain("SC-2026-0001");
    expect(told[0]).toContain("/dangky <mã hoặc tên điểm cầu>");
    const reactions = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "reaction");
    expect(reactions.map((m) => m.payload.messageId)).toEqual(["m2", "m3"]);
    // The words a reaction stands for (where it cannot go) do not repeat the hint.
    expect(reactions.every((m) => !String(m.payload.text).includes("/dangky"))).toBe(true);
    await report("lại mất điện", later(61), "m4");
    const again = await repliesTo(desk.store, GROUP);
    expect(again).toHaveLength(2);
    expect(again[1]).toContain("/dangky");
  });

  it("in private: every report answered, the hint only in the first", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("4343", "mất tiếng"), now);
    await handleChatEvent(desk, dm("4343", "mất hình nữa"), later(5));
    const told = await repliesTo(desk.store, "4343");
    expect(told).toHaveLength(2);
    expect(told.map((t) => t.includes("/dangky"))).toEqual([true, false]);
    expect(told[1]).toContain("SC-2026-0002");
  });
});

describe("/mo reopens an incident, /ghichu comments on it, /suco SC-… shows its timeline", () => {
  const now = at("2026-12-10", "09:30");
  const later = (min: number) => new Date(now.getTime() + min * 60_000);
  const ngocHa = tech("CX-00008");
  const setup = async (overrides = {}) => {
    const desk = await makeDesk();
    await registerBooking(desk, request(overrides), { now: at("2026-12-07", "08:30") });
    await handleChatEvent(desk, ev(ngocHa.telegramId!, "mất tiếng"), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), later(1));
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 đã thay micro"), later(3));
    return desk;
  };
  const pendingJobs = (desk: Desk) =>
    desk.store.read(async (r) =>
      (await r.jobs.list()).filter((j) => j.status === "pending" && j.key === "SC-2026-0001"),
    );

  it("the endpoint reopens during the live session: open again, the duty told, reminders restarted", async () => {
    const desk = await setup();
    expect(await pendingJobs(desk)).toEqual([]);
    await handleChatEvent(desk, ev(ngocHa.telegramId!, "/mo SC-2026-0001 vẫn mất tiếng"), later(10));
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      status: "open",
      assignee: null,
    });
    const notice = (await deskNotices(desk.store, "mcu-technician")).at(-1)!;
    expect(notice).toBe(
      `Sự cố SC-2026-0001 (âm thanh) tại CX-00008 được mở lại bởi ${ngocHa.name}: vẫn mất tiếng; chưa có người nhận xử lý.`,
    );
    const jobs = await pendingJobs(desk);
    expect(jobs.map((j) => [j.kind, j.runAt.getTime()])).toEqual(
      expect.arrayContaining([
        ["incident-ack-reminder", later(15).getTime()],
        ["incident-escalate", later(20).getTime()],
      ]),
    );
    await runDueJobs(desk, incidentJobHandlers(), later(15));
    expect((await deskNotices(desk.store, "mcu-technician")).at(-1)).toContain(
      "Nhắc việc: sự cố SC-2026-0001",
    );
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.map((e) => [e.action, e.note])).toEqual([
      ["opened", "mất tiếng"],
      ["nhan", null],
      ["xong", "đã thay micro"],
      ["mo", "vẫn mất tiếng"],
      ["reminded", null],
    ]);
  });

  it("reopened outside a session: no reminders (as when reported outside one)", async () => {
    const desk = await setup();
    await handleChatEvent(desk, ev(wan.telegramId!, "/mo SC-2026-0001"), at("2026-12-10", "13:00"));
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("open");
    expect(await pendingJobs(desk)).toEqual([]);
  });

  it("a major incident reopened restarts its reminders, session or not; an overlong reason is refused", async () => {
    const desk = await makeDesk();
    const communes = ["CX-00008", "CX-00025", "CX-00376", "CX-00004", "CX-00070"];
    for (const c of communes) await handleChatEvent(desk, ev(tech(c).telegramId!, "mất tiếng"), now);
    const major = (await desk.store.read((r) => r.incidents.list())).find((i) => i.reporter === "storm")!;
    expect(major).toBeDefined();
    await handleChatEvent(desk, ev(mcu.telegramId!, `/xong ${major.code} đã xử lý MCU`), later(2));
    const jobsOf = () =>
      desk.store.read(async (r) =>
        (await r.jobs.list())
          .filter((j) => j.status === "pending" && j.key === major.code)
          .map((j) => j.kind),
      );
    expect(await jobsOf()).toEqual([]);
    await handleChatEvent(desk, dm(mcu.telegramId!, `/mo ${major.code} ${"x".repeat(1001)}`), later(4));
    expect(await lastReply(desk, mcu.telegramId!)).toContain("dài quá 1000 ký tự");
    expect((await desk.store.read((r) => r.incidents.get(major.code)))?.status).toBe("resolved");
    await handleChatEvent(desk, dm(mcu.telegramId!, `/mo ${major.code} lại mất tiếng`), later(5));
    expect((await jobsOf()).sort()).toEqual(["incident-ack-reminder", "incident-escalate"]);
  });

  it("refusals: a stranger, another endpoint, an incident still open, an unknown or missing code", async () => {
    const desk = await setup();
    const socSon = tech("CX-00376").telegramId!;
    await handleChatEvent(desk, dm("4242", "/mo SC-2026-0001"), later(10));
    expect(await lastReply(desk, "4242")).toContain("mới mở lại được sự cố");
    await handleChatEvent(desk, dm(socSon, "/mo SC-2026-0001"), later(10));
    expect(await lastReply(desk, socSon)).toContain("mới mở lại được sự cố");
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("resolved");
    await handleChatEvent(desk, dm(mcu.telegramId!, "/mo SC-2026-0001"), later(11));
    await handleChatEvent(desk, dm(mcu.telegramId!, "/mo SC-2026-0001"), later(12));
    expect(await lastReply(desk, mcu.telegramId!)).toBe(
      "Sự cố SC-2026-0001 đang mở (mới tiếp nhận); chỉ mở lại được sự cố đã khắc phục.",
    );
    await handleChatEvent(desk, dm(mcu.telegramId!, "/mo SC-2026-0099"), later(12));
    expect(await lastReply(desk, mcu.telegramId!)).toContain("Không tìm thấy sự cố «SC-2026-0099»");
    await handleChatEvent(desk, dm(mcu.telegramId!, "/mo"), later(12));
    expect(await lastReply(desk, mcu.telegramId!)).toBe(
      "Thiếu mã sự cố. Cách dùng: /mo SC-2026-0123 [lý do].",
    );
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.filter((e) => e.action === "mo")).toHaveLength(1);
  });

  it("/ghichu: kept in the timeline and told to the group; refusals for empty, too long, unknown, strangers", async () => {
    const desk = await setup();
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "/ghichu SC-2026-0001 đã kiểm tra lại micro\nhoạt động tốt"),
      later(5),
    );
    const group = (await chatOut(desk.store)).filter((m) => m.channel === "group").map((m) => m.payload.text);
    // The group is told that there is a comment, never what it says (Điều 5.2: the same for every incident).
    expect(group.at(-1)).toBe(
      "Sự cố SC-2026-0001 có ghi chú mới. Chi tiết (điểm cầu, phiên họp, nội dung) chỉ gửi riêng: nhắn riêng /suco SC-2026-0001 cho bot hoặc xem trang Sự cố trên bàn kỹ thuật.",
    );
    await handleChatEvent(desk, dm(mcu.telegramId!, "/ghichu SC-2026-0001 đã thay pin micro"), later(5));
    expect(await lastReply(desk, mcu.telegramId!)).toBe(
      `Ghi chú cho sự cố SC-2026-0001 (${mcu.name}): đã thay pin micro`,
    );
    await handleChatEvent(desk, dm(mcu.telegramId!, "/ghichu SC-2026-0001"), later(6));
    expect(await lastReply(desk, mcu.telegramId!)).toBe(
      "Thiếu nội dung ghi chú. Cách dùng: /ghichu SC-2026-0001 <nội dung ghi chú>.",
    );
    await handleChatEvent(desk, dm(mcu.telegramId!, `/ghichu SC-2026-0001 ${"a".repeat(1001)}`), later(6));
    expect(await lastReply(desk, mcu.telegramId!)).toContain("dài quá 1000 ký tự");
    // A closing note is held to the same limit (it was stored whole, however long): refused, nothing closed.
    await handleChatEvent(desk, dm(mcu.telegramId!, "/mo SC-2026-0001"), later(6));
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("open");
    await handleChatEvent(desk, dm(mcu.telegramId!, `/xong SC-2026-0001 ${"a".repeat(1001)}`), later(6));
    expect(await lastReply(desk, mcu.telegramId!)).toContain("dài quá 1000 ký tự");
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).not.toBe("resolved");
    await handleChatEvent(desk, dm(mcu.telegramId!, "/ghichu SC-2026-0777 xem lại"), later(6));
    expect(await lastReply(desk, mcu.telegramId!)).toContain("Không tìm thấy sự cố «SC-2026-0777»");
    await handleChatEvent(desk, dm("4242", "/ghichu SC-2026-0001 tôi cũng thấy"), later(6));
    expect(await lastReply(desk, "4242")).toContain("mới ghi chú được cho sự cố");
    const comments = (await desk.store.read((r) => r.incidents.events("SC-2026-0001"))).filter(
      (e) => e.action === "ghichu",
    );
    expect(comments.map((e) => [e.actor, e.note])).toEqual([
      [`telegram:${mcu.telegramId}`, "đã kiểm tra lại micro\nhoạt động tốt"],
      [`telegram:${mcu.telegramId}`, "đã thay pin micro"],
    ]);
  });

  it("an unverified reporter may comment on their own report", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("4242", "mất hình"), now);
    await handleChatEvent(desk, dm("4242", "/ghichu SC-2026-0001 điểm cầu xã Sóc Sơn"), later(1));
    const [comment] = (await desk.store.read((r) => r.incidents.events("SC-2026-0001"))).filter(
      (e) => e.action === "ghichu",
    );
    expect(comment?.note).toBe("điểm cầu xã Sóc Sơn");
  });

  it("the timeline names who did what and when, comments and reopenings included", async () => {
    const desk = await setup();
    await handleChatEvent(desk, ev(ngocHa.telegramId!, "/mo SC-2026-0001 vẫn mất tiếng"), later(10));
    await handleChatEvent(desk, ev(mcu.telegramId!, "/ghichu SC-2026-0001 thay dây micro"), later(12));
    await handleChatEvent(desk, dm(mcu.telegramId!, "/suco SC-2026-0001"), later(13));
    expect(await lastReply(desk, mcu.telegramId!)).toBe(
      [
        "Sự cố SC-2026-0001 — âm thanh tại CX-00008, phiên HTT-2026-0001 — mới tiếp nhận.",
        "Diễn biến:",
        `• 09:30 Thứ Năm, 10/12/2026 — tiếp nhận phản ánh — ${ngocHa.name}: mất tiếng`,
        `• 09:31 Thứ Năm, 10/12/2026 — nhận xử lý — ${mcu.name}`,
        `• 09:33 Thứ Năm, 10/12/2026 — đã khắc phục — ${mcu.name}: đã thay micro`,
        `• 09:40 Thứ Năm, 10/12/2026 — mở lại — ${ngocHa.name}: vẫn mất tiếng`,
        `• 09:42 Thứ Năm, 10/12/2026 — ghi chú — ${mcu.name}: thay dây micro`,
      ].join("\n"),
    );
    // The endpoint sees its own incident in private; another endpoint is told it does not exist.
    await handleChatEvent(desk, dm(ngocHa.telegramId!, "/suco SC-2026-0001"), later(13));
    expect(await lastReply(desk, ngocHa.telegramId!)).toContain("— ghi chú —");
    const socSon = tech("CX-00376").telegramId!;
    await handleChatEvent(desk, dm(socSon, "/suco SC-2026-0001"), later(13));
    expect(await lastReply(desk, socSon)).toBe(
      "Không tìm thấy sự cố «SC-2026-0001». Cách dùng: /suco SC-2026-0123.",
    );
  });

  it("a secret session's incident: comments and reopenings never put its words or endpoint in the group", async () => {
    const SECRET = "phương án bảo vệ mục tiêu";
    const desk = await setup({ secret: true, title: "Nội dung tuyệt mật" });
    await handleChatEvent(desk, ev(ngocHa.telegramId!, `/mo SC-2026-0001 ${SECRET}`), later(10));
    await handleChatEvent(desk, ev(mcu.telegramId!, `/ghichu SC-2026-0001 ${SECRET}`), later(12));
    await handleChatEvent(desk, ev(mcu.telegramId!, "/suco SC-2026-0001"), later(13));
    const group = (await chatOut(desk.store)).filter(
      (m) => m.channel !== "chat" || m.recipient === `telegram:${GROUP}`,
    );
    const texts = group.map((m) => String(m.payload.text));
    expect(texts.some((t) => t.startsWith("Sự cố SC-2026-0001 có ghi chú mới."))).toBe(true);
    expect(texts.some((t) => t.includes("được mở lại"))).toBe(true);
    expect(texts.at(-1)).toBe("Xem diễn biến sự cố SC-2026-0001: nhắn riêng /suco SC-2026-0001 cho bot.");
    for (const t of texts) {
      expect(t).not.toContain(SECRET);
      expect(t).not.toContain("CX-00008");
      expect(t).not.toContain(ngocHa.name);
    }
    // The words are kept for the desk, and a desk person sees them in private.
    await handleChatEvent(desk, dm(mcu.telegramId!, "/suco SC-2026-0001"), later(14));
    expect(await lastReply(desk, mcu.telegramId!)).toContain(`ghi chú — ${mcu.name}: ${SECRET}`);
  });
});
