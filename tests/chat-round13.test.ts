import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { VOICE_TEXT } from "../src/app/incident/messages.js";
import { toChatEvent } from "../src/bot/telegram/adapter.js";
import { classify } from "../src/core/incident/classify.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { chatOut, ev, GROUP, mcu, repliesTo, tech } from "./security/chat-support.js";

// Found by playing endpoint staff, the MCU technician and the WAN duty in the support group (round 13).

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026. */
async function liveDesk() {
  const desk = await makeDesk();
  await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
}

/** By code: on PostgreSQL the list's order among incidents opened at the same instant is not fixed. */
const incidents = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
  (await desk.store.read((r) => r.incidents.list())).sort((a, b) => a.code.localeCompare(b.code));
const later = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

describe("an endpoint's lamp that does not light is a fault for the MCU technician", () => {
  it("«đèn không sáng», «đèn camera không sáng», «den codec ko sang» open an equipment incident", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "đèn không sáng", { messageId: "1" }), now);
    expect(await incidents(desk)).toMatchObject([{ category: "equipment", route: "mcu" }]);
    for (const text of ["đèn camera không sáng ạ", "den codec ko sang", "đèn báo đỏ không lên được"])
      expect(classify(text)).toBe("equipment");
    // «đến» (arrive) and «đen» (black) are no lamp.
    expect(classify("em đến không kịp")).toBe("other");
    expect(classify("hình bị đen xì")).toBe("video");
    expect(classify("hình đen không lên")).toBe("video");
  });
});

describe("the news of a workaround is no fault", () => {
  it("«dùng 4g thay thế nhé» opens no WAN incident; a fault said with it still does", async () => {
    const { desk, now, reporter } = await liveDesk();
    for (const text of [
      "dùng 4g thay thế nhé",
      "bên em tạm dùng 4G thay thế",
      "em chuyển sang phát wifi từ điện thoại rồi ạ",
      "dung 4g thay the nhe",
    ])
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([]);
    expect(await chatOut(desk.store)).toEqual([]);
    expect(classify("mất mạng rồi, bên em dùng 4g thay thế")).toBe("network");
    expect(classify("dùng 4g thay thế nhưng vẫn giật")).toBe("network");
  });
});

describe("several voice messages in a row", () => {
  it("are answered once per person in a short window; another person, or later, is answered again", async () => {
    const { desk, now, reporter } = await liveDesk();
    const other = tech("CX-00004");
    const voice = (who: string, at: Date, id: string) =>
      handleChatEvent(desk, ev(who, "", { media: "voice", messageId: id }), at);
    await voice(reporter.telegramId!, now, "1");
    await voice(reporter.telegramId!, later(now, 20), "2");
    await voice(reporter.telegramId!, later(now, 60), "3");
    await voice(other.telegramId!, later(now, 70), "4");
    expect(await repliesTo(desk.store, GROUP)).toEqual([VOICE_TEXT, VOICE_TEXT]);
    await voice(reporter.telegramId!, later(now, 15 * 60), "5");
    expect(await repliesTo(desk.store, GROUP)).toHaveLength(3);
  });
});

describe("the technical check's questions are no faults", () => {
  it("«có nghe tiếng bên em không ạ?», «mạng bên em ổn chưa ạ» open nothing; a fault asked about still does", async () => {
    const { desk, now, reporter } = await liveDesk();
    for (const text of [
      "có nghe tiếng bên em không ạ?",
      "bên mình có thấy hình bên em không ạ?",
      "tiếng bên em rõ không ạ",
      "mạng bên em ổn chưa ạ",
      "hình bên em lên chưa ạ?",
    ])
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([]);
    expect(await chatOut(desk.store)).toEqual([]);
    expect(classify("bên em bị mất tiếng không ạ?")).toBe("audio");
    expect(classify("mic bên em bị hỏng không ạ")).toBe("audio");
    expect(classify("hình bên em không lên ạ?")).toBe("video");
  });
});

describe("«/xong» with several codes", () => {
  it("resolves each code before the note; a note that names another incident is still a note", async () => {
    const { desk, now, reporter } = await liveDesk();
    const other = tech("CX-00004");
    await handleChatEvent(desk, ev(reporter.telegramId!, "bên em mất tiếng", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(other.telegramId!, "camera không quay được", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001, SC-2026-0002 đã thay cáp"), now);
    expect((await incidents(desk)).map((i) => [i.code, i.status])).toEqual([
      ["SC-2026-0001", "resolved"],
      ["SC-2026-0002", "resolved"],
    ]);
    const notes = await desk.store.read((r) => r.incidents.events("SC-2026-0002"));
    expect(notes.at(-1)).toMatchObject({ action: "xong", note: "đã thay cáp" });
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất hình", { messageId: "3" }), now);
    await handleChatEvent(desk, ev(other.telegramId!, "bên em mất hình", { messageId: "4" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0003 trùng SC-2026-0004"), now);
    expect((await incidents(desk)).map((i) => i.status)).toEqual([
      "resolved",
      "resolved",
      "resolved",
      "open",
    ]);
  });
});

describe("«vẫn chưa được ạ» just after the technician's «xong»", () => {
  it("reopens the endpoint's incident for its duty, instead of asking what the fault is", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "bên em mất tiếng", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 đã cắm lại mic"), now);
    const before = (await chatOut(desk.store)).length;
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "vẫn chưa được ạ", { messageId: "2" }),
      later(now, 120),
    );
    expect(await incidents(desk)).toMatchObject([{ code: "SC-2026-0001", status: "open", assignee: null }]);
    const after = (await chatOut(desk.store)).slice(before);
    expect(after.map((m) => [m.channel, m.recipient, String(m.payload.text).slice(0, 42)])).toEqual([
      ["group", "support-group", "Sự cố SC-2026-0001 được mở lại."],
      ["desk", "mcu-technician", "Sự cố SC-2026-0001 (âm thanh) tại CX-00008"],
    ]);
    // Long after, or from another endpoint, it is asked about as before.
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001"), later(now, 180));
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "vẫn chưa được ạ"), later(now, 200));
    await handleChatEvent(desk, ev(reporter.telegramId!, "vẫn chưa được ạ"), later(now, 3 * 3600));
    expect(await incidents(desk)).toMatchObject([{ status: "resolved" }]);
  });
});

describe("«giựt», the southern spelling of «giật»", () => {
  it("«hình giựt giựt» goes to the WAN duty, as «hình giật» does", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "hình giựt giựt", { messageId: "1" }), now);
    expect(await incidents(desk)).toMatchObject([{ category: "network", route: "wan" }]);
    expect(classify("hinh giut lam")).toBe("network");
  });
});

describe("the room's wiring", () => {
  it("«ổ cắm bị chập», «cầu dao bị nhảy» are power faults; plugging back in is none", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "ổ cắm bị chập", { messageId: "1" }), now);
    expect(await incidents(desk)).toMatchObject([{ category: "power", route: "mcu" }]);
    expect(classify("cầu dao bị nhảy")).toBe("power");
    expect(classify("phích cắm cháy rồi")).toBe("power");
    expect(classify("cắm lại ổ cắm rồi ạ")).toBe("other");
  });
});

describe("a report edited into another fault", () => {
  /** Telegram's update for a message in the group, or its edit `after` seconds later. */
  let update = 0;
  const message = (from: string, messageId: number, text: string, after?: number) =>
    toChatEvent({
      update_id: ++update,
      [after === undefined ? "message" : "edited_message"]: {
        message_id: messageId,
        date: 1_000,
        chat: { id: Number(GROUP), type: "supergroup", title: "Hỗ trợ" },
        from: { id: Number(from), is_bot: false, first_name: "Hà" },
        text,
        ...(after === undefined ? {} : { edit_date: 1_000 + after }),
      },
    } as never)!;
  const desks = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
    (await chatOut(desk.store)).filter((m) => m.channel === "desk").map((m) => [m.recipient, m.payload]);

  it("not taken yet: the incident is routed to the WAN duty, the MCU technician told to leave it, the group told once", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, message(reporter.telegramId!, 7, "Điểm cầu Phường Ba Đình mất tiếng"), now);
    const before = (await chatOut(desk.store)).length;
    await handleChatEvent(
      desk,
      message(reporter.telegramId!, 7, "Điểm cầu Phường Ba Đình mất mạng", 40),
      now,
    );
    expect(await incidents(desk)).toMatchObject([
      { code: "SC-2026-0001", category: "network", route: "wan", status: "open" },
    ]);
    const after = (await chatOut(desk.store)).slice(before);
    // The group: one answer, naming neither place nor code (the same words for a secret session, Điều 5.2).
    expect(after.filter((m) => m.channel === "chat").map((m) => m.payload.text)).toEqual([
      "Đã sửa phản ánh theo tin nhắn đã chỉnh: sự cố SC-2026-0001 (đường truyền) thay cho (âm thanh); đã chuyển Trực ban mạng WAN (Sở Khoa học và Công nghệ). Kỹ thuật MCU không cần xử lý phản ánh lúc đầu. Diễn biến: nhắn riêng /suco SC-2026-0001 cho bot.",
    ]);
    const notices = after.filter((m) => m.channel === "desk");
    expect(notices.map((m) => [m.recipient, Boolean(m.payload.buttons)])).toEqual([
      ["mcu-technician", false],
      ["wan-duty", true],
    ]);
    expect(String(notices[0]!.payload.text)).toContain("Kỹ thuật MCU không cần xử lý");
    // Its reminders follow it: the WAN duty's, during the session.
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.map((e) => e.action)).toEqual(["opened", "corrected"]);
    // Edited once more, back to the sound: the same incident again, still one.
    await handleChatEvent(
      desk,
      message(reporter.telegramId!, 7, "Điểm cầu Phường Ba Đình mất tiếng", 90),
      now,
    );
    expect(await incidents(desk)).toMatchObject([{ category: "audio", route: "mcu" }]);
  });

  it("taken already: both stay, the taker is told, and the group reads why", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, message(reporter.telegramId!, 8, "bên em mất tiếng"), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    await handleChatEvent(desk, message(reporter.telegramId!, 8, "bên em mất mạng", 60), later(now, 60));
    expect((await incidents(desk)).map((i) => [i.code, i.category, i.status])).toEqual([
      ["SC-2026-0001", "audio", "acknowledged"],
      ["SC-2026-0002", "network", "open"],
    ]);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toContain(
      "Sự cố SC-2026-0001 (âm thanh) báo lúc đầu đã có người nhận xử lý nên vẫn giữ",
    );
    const notices = await desks(desk);
    expect(notices.at(-1)).toMatchObject([
      "mcu-technician",
      { incident: "SC-2026-0001", text: expect.stringContaining("tiếp nhận thành SC-2026-0002") },
    ]);
    expect(notices.filter(([to]) => to === "wan-duty")).toHaveLength(1);
  });

  it("a message that joined another person's incident does not correct it: the edit is filed on its own", async () => {
    const { desk, now, reporter } = await liveDesk();
    const other = sampleDirectory.people.find(
      (p) => p.endpoint === "CX-00008" && p.telegramId && p.telegramId !== reporter.telegramId,
    );
    if (!other) return;
    await handleChatEvent(desk, message(other.telegramId!, 9, "bên em mất tiếng"), now);
    await handleChatEvent(desk, message(reporter.telegramId!, 10, "mất tiếng anh ơi"), now);
    await handleChatEvent(desk, message(reporter.telegramId!, 10, "mất mạng anh ơi", 30), now);
    expect((await incidents(desk)).map((i) => [i.code, i.category])).toEqual([
      ["SC-2026-0001", "audio"],
      ["SC-2026-0002", "network"],
    ]);
  });
});
