import { describe, expect, it } from "vitest";
import { cancelBooking, registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { toChatEvent } from "../src/bot/telegram/adapter.js";
import { zaloToChatEvent } from "../src/bot/zalo/adapter.js";
import { at, makeDesk, request } from "./helpers.js";
import { ev, GROUP, mcu, tech } from "./security/chat-support.js";
import { zaloGroupText } from "./support/chat-events.js";
import { recordingTransport, type Sent } from "./support/recording-transport.js";

// Found by a trial of the running product in the support group (round 19), on Telegram and Zalo.

type Desk = Awaited<ReturnType<typeof makeDesk>>;

const ZGROUP = "zalo-group-19";
const NOW = at("2026-12-10", "09:30");

/** Telegram here refuses reactions (as the emulator) and declares no replies; the records keep the buttons. */
const recorder = (platform: "telegram" | "zalo") =>
  recordingTransport(platform, {
    group: platform === "telegram" ? GROUP : ZGROUP,
    refuseReactions: true,
    buttons: true,
  });

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026 (secret or not) and HTT-2026-0002 tomorrow. */
async function twoSessions(secret = false) {
  const desk = await makeDesk();
  await registerBooking(desk, request({ secret, title: "Nội dung phiên" }), {
    now: at("2026-12-07", "08:30"),
  });
  await registerBooking(
    desk,
    request({
      host: "Sở Công Thương",
      participants: ["CX-00004"],
      start: at("2026-12-11", "14:00"),
      end: at("2026-12-11", "16:00"),
      title: "Giao ban tháng 12",
    }),
    { now: at("2026-12-07", "08:40") },
  );
  const tg = recorder("telegram");
  const zl = recorder("zalo");
  const pacer = new Pacer();
  /** Everything due, with the pace served at once (the waits cost nothing). */
  const deliver = async (when: Date) => {
    for (const later of [0, DEFAULT_DELIVERY.noticeHoldMs, DEFAULT_DELIVERY.noticeHoldMs + 60_000])
      await deliverChat(
        desk.store,
        [tg, zl],
        pacer,
        () => new Date(when.getTime() + later),
        async () => undefined,
      );
  };
  await deliver(at("2026-12-07", "08:45"));
  tg.sent.length = 0;
  zl.sent.length = 0;
  return { desk, tg, zl, deliver };
}

/** A Zalo group text message as the Bot API delivers it, through the adapter (which strips the bot's mention). */
const zaloEv = (userId: string, text: string, messageId: string) =>
  zaloToChatEvent(
    zaloGroupText(userId, text, messageId, { chatId: ZGROUP, displayName: "Hà" }),
    "HoTroKyThuat",
  )!;

const cancelTomorrow = (desk: Desk) =>
  cancelBooking(desk, "HTT-2026-0002", { id: "cli:kythuat", channel: "cli" }, "lãnh đạo bận", NOW);

describe("the answer to a person's message is its own message (a reply to it on Telegram)", () => {
  it("Telegram: a report's acknowledgement, a command's answer and a cancellation notice are three messages", async () => {
    const { desk, tg, deliver } = await twoSessions();
    await cancelTomorrow(desk);
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng rồi", { messageId: "41" }), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/phien HTT-2026-0001", { messageId: "42" }), NOW);
    await deliver(NOW);
    const group = tg.sent.filter((s) => s.chat === GROUP);
    const ack = group.filter((s) => s.text.includes("Đã tiếp nhận phản ánh"));
    expect(ack).toHaveLength(1);
    expect(ack[0]!.text.split("\n")).toHaveLength(1);
    expect(ack[0]!.replyTo).toBe("41");
    const answer = group.filter((s) => s.text.includes("HTT-2026-0001 —"));
    expect(answer).toHaveLength(1);
    expect(answer[0]!.text.split("\n")).toHaveLength(1);
    expect(answer[0]!.replyTo).toBe("42");
    const cancelled = group.find((s) => s.text.includes("[HTT-2026-0002] ĐÃ HỦY"))!;
    expect(cancelled.text).not.toContain("Đã tiếp nhận");
    expect(cancelled.replyTo).toBeUndefined();
    // The notices besides may still go together: only answers stand alone.
    expect(group.filter((s) => s.replyTo === undefined).length).toBeGreaterThanOrEqual(1);
  });

  it("Zalo (no reply in its Bot API): the acknowledgement and the answer are each their own message", async () => {
    const { desk, zl, deliver } = await twoSessions();
    await cancelTomorrow(desk);
    await handleChatEvent(desk, zaloEv(tech("CX-00008").zaloId!, "@HoTroKyThuat mất tiếng rồi", "z1"), NOW);
    await handleChatEvent(desk, zaloEv(mcu.zaloId!, "@HoTroKyThuat /phien HTT-2026-0001", "z2"), NOW);
    await deliver(NOW);
    const group = zl.sent.filter((s) => s.chat === ZGROUP);
    const ack = group.filter((s) => s.text.includes("Đã tiếp nhận phản ánh"));
    expect(ack).toHaveLength(1);
    expect(ack[0]!.text.split("\n")).toHaveLength(1);
    const answer = group.filter((s) => s.text.includes("HTT-2026-0001 —"));
    expect(answer).toHaveLength(1);
    expect(answer[0]!.text.split("\n")).toHaveLength(1);
    expect(group.find((s) => s.text.includes("[HTT-2026-0002] ĐÃ HỦY"))!.text).not.toContain("Đã tiếp nhận");
  });
});

describe("the reporter reads their incident's code in the acknowledgement", () => {
  /** Everything the group read on both platforms after the report, as texts. */
  const groupSent = (tg: { sent: Sent[] }, zl: { sent: Sent[] }) => [
    ...tg.sent.filter((s) => s.chat === GROUP),
    ...zl.sent.filter((s) => s.chat === ZGROUP),
  ];

  it("on Telegram (in words) and on Zalo, opened or joined", async () => {
    const { desk, tg, zl, deliver } = await twoSessions();
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng rồi", { messageId: "41" }), NOW);
    await handleChatEvent(desk, zaloEv(tech("CX-00008").zaloId!, "@HoTroKyThuat vẫn mất tiếng", "z1"), NOW);
    await deliver(NOW);
    expect(tg.sent.find((s) => s.replyTo === "41")?.text).toBe(
      "Đã tiếp nhận phản ánh sự cố SC-2026-0001 (âm thanh); đã chuyển Kỹ thuật MCU. Diễn biến: nhắn riêng /suco SC-2026-0001 cho bot.",
    );
    expect(zl.sent.map((s) => s.text)).toContain(
      "Phản ánh sự cố (âm thanh) đã được bổ sung vào sự cố SC-2026-0001 đang xử lý. Diễn biến: nhắn riêng /suco SC-2026-0001 cho bot.",
    );
  });

  it("a report of two faults names both codes; a named place's answer names its code and how to correct it", async () => {
    const { desk, tg, deliver } = await twoSessions();
    await handleChatEvent(
      desk,
      ev(tech("CX-00008").telegramId!, "mất mạng, máy chiếu cũng hỏng", { messageId: "41" }),
      NOW,
    );
    await handleChatEvent(
      desk,
      ev(tech("CX-00025").telegramId!, "Phòng họp UBND phường Ba Đình mất hình", { messageId: "42" }),
      NOW,
    );
    await deliver(NOW);
    expect(tg.sent.find((s) => s.replyTo === "41")?.text).toBe(
      "Đã tiếp nhận phản ánh 2 sự cố — SC-2026-0001 (đường truyền): đã chuyển Trực ban mạng WAN (Sở Khoa học và Công nghệ); SC-2026-0002 (thiết bị): đã chuyển Kỹ thuật MCU. Diễn biến: nhắn riêng /suco SC-2026-0001, /suco SC-2026-0002 cho bot.",
    );
    expect(tg.sent.find((s) => s.replyTo === "42")?.text).toBe(
      "Đã tiếp nhận phản ánh sự cố SC-2026-0003 (hình ảnh) tại điểm cầu Phường Ba Đình (CX-00004); đã chuyển Kỹ thuật MCU. Diễn biến: nhắn riêng /suco SC-2026-0003 cho bot. Nếu không đúng điểm cầu, đề nghị nhắn /ghichu SC-2026-0003 <tên điểm cầu đúng> để bộ phận kỹ thuật điều chỉnh.",
    );
  });

  it("a stranger's report naming a place is told its code too", async () => {
    const { desk, tg, deliver } = await twoSessions();
    await handleChatEvent(
      desk,
      ev("999000419", "Phòng họp UBND phường Ba Đình mất hình", { messageId: "43", userName: "Lan" }),
      NOW,
    );
    await deliver(NOW);
    expect(tg.sent.find((s) => s.replyTo === "43")?.text).toMatch(
      /^Chào Lan, bot đã ghi nhận phản ánh thành sự cố SC-2026-0001 \(hình ảnh, chưa xác minh\) tại điểm cầu Phường Ba Đình \(CX-00004\)/,
    );
  });

  it("a late acknowledgement's line in a merged reply names the code too", async () => {
    const { desk, tg } = await twoSessions();
    // Reactions allowed, but the group's pace taken: late reactions become one merged line.
    const reacting = { ...tg, react: async () => undefined };
    const pacer = new Pacer();
    pacer.record(`telegram:${GROUP}`, NOW.getTime() + 5_000);
    await handleChatEvent(
      desk,
      ev(tech("CX-00008").telegramId!, "mất tiếng rồi", { messageId: "41", userName: "Giang" }),
      NOW,
    );
    await deliverChat(
      desk.store,
      [reacting],
      pacer,
      () => new Date(NOW.getTime() + 5_000),
      async () => undefined,
    );
    expect(tg.sent.map((s) => s.text)).toContain("Đã tiếp nhận phản ánh: Giang: SC-2026-0001 (âm thanh)");
  });

  it("a secret session's endpoint, session and secrecy still never reach the group; the words are the same as an open one's", async () => {
    const said = async (secret: boolean) => {
      const { desk, tg, zl, deliver } = await twoSessions(secret);
      await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất hình", { messageId: "41" }), NOW);
      await handleChatEvent(
        desk,
        zaloEv(tech("CX-00008").zaloId!, "@HoTroKyThuat mất mạng, máy chiếu cũng hỏng", "z1"),
        NOW,
      );
      await handleChatEvent(
        desk,
        ev(tech("CX-00025").telegramId!, "Phòng họp UBND phường Ngọc Hà mất tiếng", { messageId: "42" }),
        NOW,
      );
      await deliver(NOW);
      return groupSent(tg, zl);
    };
    const secret = await said(true);
    expect(secret.map((s) => s.text).join("\n")).toContain("SC-2026-0001");
    for (const { text, replyTo } of secret) {
      for (const hidden of ["HTT-2026-0001", "mật"]) expect(text).not.toContain(hidden);
      // Only the answer to the report that named Ngọc Hà says it back (as the reporter wrote it).
      if (replyTo !== "42") for (const hidden of ["CX-00008", "Ngọc Hà"]) expect(text).not.toContain(hidden);
    }
    // The named place is said back as the reporter wrote it, the same for a secret session as for an open one.
    expect(await said(false)).toEqual(secret);
  });
});

describe("a reporter's bare «xong»", () => {
  const ONE =
    "Chỉ cán bộ kỹ thuật đang xử lý mới đóng được sự cố SC-2026-0001; bot chưa đóng sự cố. Nếu điểm cầu đã hết lỗi, đề nghị nhắn /ghichu SC-2026-0001 đã hết lỗi để người xử lý kiểm tra và đóng sự cố.";

  it("Telegram and Zalo: is answered (a reply on Telegram) with the code and what to send; nothing is closed", async () => {
    const { desk, tg, zl, deliver } = await twoSessions();
    const reporter = tech("CX-00008");
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "41" }), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001", { messageId: "42" }), NOW);
    await handleChatEvent(desk, ev(reporter.telegramId!, "xong rồi", { messageId: "43" }), NOW);
    await handleChatEvent(desk, zaloEv(reporter.zaloId!, "@HoTroKyThuat xong", "z1"), NOW);
    await deliver(NOW);
    expect(tg.sent.filter((s) => s.replyTo === "43").map((s) => s.text)).toEqual([ONE]);
    expect(zl.sent.filter((s) => s.text === ONE)).toHaveLength(1);
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("acknowledged");
    // What it says to send is understood: the note reaches the incident, and closes nothing either.
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "/ghichu SC-2026-0001 đã hết lỗi", { messageId: "44" }),
      NOW,
    );
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.at(-1)).toMatchObject({ action: "ghichu", note: "đã hết lỗi" });
  });

  it("with two open incidents lists both; with none, or from someone with none, stays silent", async () => {
    const { desk } = await twoSessions();
    const reporter = tech("CX-00008");
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mất mạng, máy chiếu cũng hỏng", { messageId: "41" }),
      NOW,
    );
    await handleChatEvent(desk, ev(reporter.telegramId!, "xong", { messageId: "42" }), NOW);
    const replies = async () =>
      (await desk.store.read((r) => r.outbox.list()))
        .filter((m) => m.channel === "chat" && m.kind === "chat-reply")
        .map((m) => String(m.payload.text));
    expect((await replies()).at(-1)).toBe(
      "Chỉ cán bộ kỹ thuật đang xử lý mới đóng được sự cố SC-2026-0001, SC-2026-0002; bot chưa đóng sự cố. Nếu điểm cầu đã hết lỗi, đề nghị nhắn /ghichu kèm mã sự cố, ví dụ /ghichu SC-2026-0001 đã hết lỗi, để người xử lý kiểm tra và đóng sự cố.",
    );
    const before = (await replies()).length;
    // Another endpoint with nothing open, and a stranger: the group's own words.
    await handleChatEvent(desk, ev(tech("CX-00025").telegramId!, "xong rồi ạ", { messageId: "43" }), NOW);
    await handleChatEvent(desk, ev("999000419", "xong", { messageId: "44" }), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001", { messageId: "45" }), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0002", { messageId: "46" }), NOW);
    await handleChatEvent(desk, ev(reporter.telegramId!, "xong rồi", { messageId: "47" }), NOW);
    expect((await replies()).length).toBe(before);
  });
});

describe("an edit of a report that named two faults (two incidents)", () => {
  const SAID = "Điểm cầu mất mạng, máy chiếu cũng hỏng";
  let update = 0;
  /** A Telegram message of the reporter, or its edit `after` seconds later, through the adapter. */
  const message = (chat: { id: number; type: string }, messageId: number, text: string, after?: number) =>
    toChatEvent({
      update_id: 19_000 + ++update,
      [after === undefined ? "message" : "edited_message"]: {
        message_id: messageId,
        date: 1_000,
        chat,
        from: { id: Number(tech("CX-00008").telegramId), is_bot: false, first_name: "Hà" },
        text,
        ...(after === undefined ? {} : { edit_date: 1_000 + after }),
      },
    } as never)!;
  const inGroup = { id: Number(GROUP), type: "supergroup" };
  const later = new Date(NOW.getTime() + 30_000);
  const state = (desk: Desk) =>
    desk.store.read(async (r) =>
      (await r.incidents.list())
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((i) => [i.code, i.category, i.route, i.status]),
    );
  const lastReply = async (desk: Desk, chat: string) =>
    (await desk.store.read((r) => r.outbox.list()))
      .filter((m) => m.channel === "chat" && m.kind === "chat-reply" && m.recipient === `telegram:${chat}`)
      .map((m) => String(m.payload.text))
      .at(-1);
  const notices = async (desk: Desk) =>
    (await desk.store.read((r) => r.outbox.list()))
      .filter((m) => m.channel === "desk")
      .map((m) => [m.recipient, String(m.payload.text)]);

  it("edited to one fault of the first: the second is kept, its duty told to check, the reporter told", async () => {
    const { desk } = await twoSessions();
    await handleChatEvent(desk, message(inGroup, 1, SAID), NOW);
    await handleChatEvent(desk, message(inGroup, 1, "Điểm cầu mất mạng rồi", 30), later);
    expect(await state(desk)).toEqual([
      ["SC-2026-0001", "network", "wan", "open"],
      ["SC-2026-0002", "equipment", "mcu", "open"],
    ]);
    expect(await lastReply(desk, GROUP)).toBe(
      "Đã sửa phản ánh theo tin nhắn đã chỉnh: sự cố SC-2026-0002 (thiết bị) báo lúc đầu không còn trong tin nhắn đã sửa nhưng vẫn giữ; Kỹ thuật MCU sẽ kiểm tra lại với điểm cầu. Diễn biến: nhắn riêng /suco SC-2026-0001, /suco SC-2026-0002 cho bot.",
    );
    expect((await notices(desk)).at(-1)).toEqual([
      "mcu-technician",
      "Sự cố SC-2026-0002 (thiết bị) tại CX-00008: điểm cầu đã sửa tin báo, không còn nêu lỗi này. Đề nghị kiểm tra lại với điểm cầu; nếu không còn lỗi, đóng bằng /xong SC-2026-0002 báo nhầm.",
    ]);
  });

  it("edited to the second fault alone: the first is kept (not turned into a copy of the second)", async () => {
    const { desk } = await twoSessions();
    await handleChatEvent(desk, message(inGroup, 1, SAID), NOW);
    await handleChatEvent(desk, message(inGroup, 1, "máy chiếu hỏng rồi", 30), later);
    expect(await state(desk)).toEqual([
      ["SC-2026-0001", "network", "wan", "open"],
      ["SC-2026-0002", "equipment", "mcu", "open"],
    ]);
    expect(await lastReply(desk, GROUP)).toContain(
      "sự cố SC-2026-0001 (đường truyền) báo lúc đầu không còn trong tin nhắn đã sửa nhưng vẫn giữ; Trực ban mạng WAN (Sở Khoa học và Công nghệ) sẽ kiểm tra lại với điểm cầu.",
    );
    expect((await notices(desk)).at(-1)?.[0]).toBe("wan-duty");
  });

  it("edited so that the first fault changes: the first is corrected, the second still said stays as it is", async () => {
    const { desk } = await twoSessions();
    await handleChatEvent(desk, message(inGroup, 1, SAID), NOW);
    await handleChatEvent(desk, message(inGroup, 1, "Điểm cầu mất điện, máy chiếu cũng hỏng", 30), later);
    expect(await state(desk)).toEqual([
      ["SC-2026-0001", "power", "mcu", "open"],
      ["SC-2026-0002", "equipment", "mcu", "open"],
    ]);
    expect(await lastReply(desk, GROUP)).toMatch(
      /^Đã sửa phản ánh theo tin nhắn đã chỉnh: sự cố SC-2026-0001 \(nguồn điện\)/,
    );
  });

  it("a one-fault report edited into two duties' faults: its incident stays, the new fault is filed beside it", async () => {
    const { desk } = await twoSessions();
    await handleChatEvent(desk, message(inGroup, 1, "máy chiếu hỏng rồi"), NOW);
    expect(await state(desk)).toEqual([["SC-2026-0001", "equipment", "mcu", "open"]]);
    await handleChatEvent(desk, message(inGroup, 1, SAID, 30), later);
    // The projector's incident was rerouted to the link, and nobody had the projector any more.
    expect(await state(desk)).toEqual([
      ["SC-2026-0001", "equipment", "mcu", "open"],
      ["SC-2026-0002", "network", "wan", "open"],
    ]);
    expect(await lastReply(desk, GROUP)).toBe(
      "Đã sửa phản ánh theo tin nhắn đã chỉnh: lỗi mới (đường truyền) đã tiếp nhận thành sự cố SC-2026-0002 và chuyển Trực ban mạng WAN (Sở Khoa học và Công nghệ). Diễn biến: nhắn riêng /suco SC-2026-0001, /suco SC-2026-0002 cho bot.",
    );
    const told = await notices(desk);
    expect(told.filter(([to]) => to === "wan-duty").map(([, text]) => text)).toEqual([
      expect.stringContaining("SC-2026-0002"),
    ]);
    // The MCU technician was told of the projector once, when it was reported, and not that it moved away.
    expect(told.filter(([to]) => to === "mcu-technician")).toHaveLength(1);
  });

  // A guard: this one held before (the edit read as a report: the same fault joins its incident, the other is filed).
  it("a one-fault report edited into that fault and another's: the first stays, the other is filed", async () => {
    const { desk } = await twoSessions();
    await handleChatEvent(desk, message(inGroup, 1, "Điểm cầu mất mạng"), NOW);
    await handleChatEvent(desk, message(inGroup, 1, SAID, 30), later);
    expect(await state(desk)).toEqual([
      ["SC-2026-0001", "network", "wan", "open"],
      ["SC-2026-0002", "equipment", "mcu", "open"],
    ]);
  });

  it("in a private chat (each incident answered apart) the edit finds both too", async () => {
    const { desk } = await twoSessions();
    const dm = { id: Number(tech("CX-00008").telegramId), type: "private" };
    await handleChatEvent(desk, message(dm, 7, SAID), NOW);
    await handleChatEvent(desk, message(dm, 7, "máy chiếu hỏng rồi", 30), later);
    expect(await state(desk)).toEqual([
      ["SC-2026-0001", "network", "wan", "open"],
      ["SC-2026-0002", "equipment", "mcu", "open"],
    ]);
    expect(await lastReply(desk, tech("CX-00008").telegramId!)).toContain(
      "sự cố SC-2026-0001 (đường truyền) báo lúc đầu không còn trong tin nhắn đã sửa nhưng vẫn giữ",
    );
  });
});
