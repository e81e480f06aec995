import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { toChatEvent } from "../src/bot/telegram/adapter.js";
import { zaloToChatEvent } from "../src/bot/zalo/adapter.js";
import { classify } from "../src/core/incident/classify.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { ev, GROUP, mcu, tech } from "./security/chat-support.js";
import { zaloGroupText } from "./support/chat-events.js";
import { recordingTransport, type Sent } from "./support/recording-transport.js";

// Round 20: the chat desk's leftovers.

const ZGROUP = "zalo-group-20";
const NOW = at("2026-12-10", "09:30");

/** Telegram here declares replies (a «đã nhận xử lý» answers its report); the records leave the buttons out. */
const recorder = (platform: "telegram" | "zalo") =>
  recordingTransport(platform, { group: platform === "telegram" ? GROUP : ZGROUP, replies: true });

const zalo = (userId: string, text: string, id: string) =>
  zaloToChatEvent(zaloGroupText(userId, text, id, { chatId: ZGROUP }), "HoTroKyThuat")!;

async function liveDesk() {
  const desk = await makeDesk();
  await registerBooking(desk, request({ participants: ["CX-00004", "CX-00025"] }), {
    now: at("2026-12-07", "08:30"),
  });
  const tg = recorder("telegram");
  const zl = recorder("zalo");
  const pacer = new Pacer();
  const deliver = async () => {
    for (const later of [0, DEFAULT_DELIVERY.noticeHoldMs, DEFAULT_DELIVERY.noticeHoldMs + 60_000])
      await deliverChat(
        desk.store,
        [tg, zl],
        pacer,
        () => new Date(NOW.getTime() + later),
        async () => undefined,
      );
  };
  return { desk, tg, zl, deliver };
}

describe("«… đã nhận xử lý SC-…» replies to its report on the report's own platform only", () => {
  it("a Telegram report: a reply on Telegram, a plain message on Zalo; a Zalo report: plain on both", async () => {
    const { desk, tg, zl, deliver } = await liveDesk();
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng", { messageId: "71" }), NOW);
    await handleChatEvent(desk, zalo(tech("CX-00025").zaloId!, "@HoTroKyThuat mất hình", "z71"), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001", { messageId: "72" }), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0002", { messageId: "73" }), NOW);
    await deliver();
    const taken = (s: Sent[], code: string) =>
      s.filter((m) => m.text.includes(`đã nhận xử lý sự cố ${code}`));
    expect(taken(tg.sent, "SC-2026-0001")).toEqual([
      { chat: GROUP, text: `${mcu.name} đã nhận xử lý sự cố SC-2026-0001.`, replyTo: "71" },
    ]);
    // Merged with the other notices on Zalo, as before: no reply there.
    expect(taken(zl.sent, "SC-2026-0001").map((m) => m.replyTo)).toEqual([undefined]);
    // Zalo's message id means nothing on Telegram, and Zalo has no reply.
    expect(taken(tg.sent, "SC-2026-0002").map((m) => m.replyTo)).toEqual([undefined]);
    expect(taken(zl.sent, "SC-2026-0002").map((m) => m.replyTo)).toEqual([undefined]);
  });
});

describe("a late «nhận» on Zalo reads as Telegram's (the incident taken already, or taken twice)", () => {
  const other = sampleDirectory.people.find(
    (p) => p.role === "mcu-technician" && p.telegramId !== mcu.telegramId && p.zaloId,
  )!;
  const answers = async (desk: Awaited<ReturnType<typeof makeDesk>>, recipient: string) =>
    (await desk.store.read((r) => r.outbox.list()))
      .filter((m) => m.channel === "chat" && m.recipient === recipient)
      .map((m) => String(m.payload.text));

  it("another technician's late «nhận», and the taker's second, get the same words on both platforms", async () => {
    const { desk } = await liveDesk();
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng", { messageId: "81" }), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001", { messageId: "82" }), NOW);
    // Telegram: «nhận» as a reply to the bot's notice about the incident.
    const late = { messageId: "83", repliedIncident: "SC-2026-0001" };
    await handleChatEvent(desk, ev(other.telegramId!, "nhận", late), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "nhận", { ...late, messageId: "84" }), NOW);
    // Zalo says nothing of the message answered: the same «nhận», after the incident was taken.
    await handleChatEvent(desk, zalo(other.zaloId!, "@HoTroKyThuat nhận", "z83"), NOW);
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@HoTroKyThuat nhận", "z84"), NOW);
    const expected = [
      `Sự cố SC-2026-0001 đã có ${mcu.name} nhận xử lý. Cần giao lại thì chuyển sự cố (lệnh /chuyen SC-2026-0001 @Tên cán bộ, hoặc nút «Chuyển» trên trang web).`,
      "Anh/chị đã nhận xử lý sự cố SC-2026-0001 từ trước.",
    ];
    expect(await answers(desk, `telegram:${GROUP}`)).toEqual(expected);
    expect(await answers(desk, `zalo:${ZGROUP}`)).toEqual(expected);
    // Nothing changed hands, and the group read «đã nhận xử lý» once.
    const inc = await desk.store.read((r) => r.incidents.get("SC-2026-0001"));
    expect(inc?.assignee).toBe(`telegram:${mcu.telegramId}`);
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.filter((e) => e.action === "nhan")).toHaveLength(1);
    // Zalo delivering the same message again answers nothing more.
    expect(await handleChatEvent(desk, zalo(other.zaloId!, "@HoTroKyThuat nhận", "z83"), NOW)).toMatchObject({
      duplicate: true,
    });
  });
});

describe("an edit of a report whose two faults went one into a storm, one not (Telegram's edited_message)", () => {
  const communes = sampleDirectory.endpoints
    .filter((e) => e.level === "commune" && tech(e.code)?.telegramId)
    .map((e) => e.code)
    .slice(0, 6);
  let update = 0;
  const say = (i: number, text: string, editedAfter?: number) =>
    toChatEvent({
      update_id: ++update,
      [editedAfter === undefined ? "message" : "edited_message"]: {
        message_id: 300 + i,
        date: 1_000,
        chat: { id: Number(GROUP), type: "supergroup", title: "Hỗ trợ" },
        from: { id: Number(tech(communes[i]!).telegramId), is_bot: false, first_name: "Cán bộ" },
        text,
        ...(editedAfter === undefined ? {} : { edit_date: 1_000 + editedAfter }),
      },
    } as never)!;
  const list = (desk: Awaited<ReturnType<typeof makeDesk>>) => desk.store.read((r) => r.incidents.list());
  const wanNotices = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
    (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.channel === "desk" && m.recipient === "wan-duty",
    );

  /** Five communes lose the link (a storm of the class), then the sixth reports the link and its projector. */
  async function mixed(session: boolean) {
    const desk = await makeDesk();
    if (session)
      await registerBooking(desk, request({ participants: communes }), { now: at("2026-12-07", "08:30") });
    const now = session ? NOW : at("2026-12-10", "14:00");
    for (let i = 0; i < 5; i++) await handleChatEvent(desk, say(i, "mất mạng"), now);
    await handleChatEvent(desk, say(5, "mất mạng, máy chiếu cũng hỏng"), now);
    const storm = (await list(desk)).find((i) => i.reporter === "storm")!;
    const mine = (await list(desk)).filter((i) => i.endpoint === communes[5]);
    // A class storm takes the link alone; a session's storm, both faults.
    expect(mine.map((i) => [i.category, i.major ?? null])).toEqual([
      ["network", storm.code],
      ["equipment", session ? storm.code : null],
    ]);
    return { desk, now, storm, link: mine[0]! };
  }

  it("a class storm: the link edited away leaves the storm (counted no more) and is its duty's to check, as an incident of its own", async () => {
    const { desk, now, storm, link } = await mixed(false);
    const before = (await wanNotices(desk)).length;
    await handleChatEvent(desk, say(5, "máy chiếu hỏng", 30), now);
    const after = await desk.store.read((r) => r.incidents.get(link.code));
    expect(after).toMatchObject({ category: "network", major: null, status: "open", assignee: null });
    expect((await desk.store.read((r) => r.incidents.get(storm.code)))!.text).toContain(
      "5 điểm cầu báo mất đường truyền",
    );
    // The WAN duty is told to check it, with the buttons to take it: it is no longer the storm's.
    const told = (await wanNotices(desk)).slice(before);
    expect(told).toHaveLength(1);
    expect(String(told[0]!.payload.text)).toContain(`Sự cố ${link.code} (đường truyền)`);
    expect(told[0]!.payload.buttons).toBeDefined();
    // Its reminders run again, as for any incident nobody has taken.
    const jobs = await desk.store.read((r) => r.jobs.list());
    expect(jobs.some((j) => j.key === link.code && j.status === "pending")).toBe(true);
  });

  it("a session's storm holds every fault of its session: the link edited away stays in it, no notice of its own", async () => {
    const { desk, now, storm, link } = await mixed(true);
    const stormText = (await desk.store.read((r) => r.incidents.get(storm.code)))!.text;
    const before = (await wanNotices(desk)).length;
    await handleChatEvent(desk, say(5, "máy chiếu hỏng", 30), now);
    expect(await desk.store.read((r) => r.incidents.get(link.code))).toMatchObject({ major: storm.code });
    expect((await desk.store.read((r) => r.incidents.get(storm.code)))!.text).toBe(stormText);
    expect((await wanNotices(desk)).slice(before)).toEqual([]);
  });
});

describe("«mất hình như này» under a photo of the screen is a video fault", () => {
  it("«hình như» (it seems) is no fault's word, but «mất hình» followed by «như này/như vậy» is one", async () => {
    for (const text of ["mất hình như này", "bị mất hình như vậy", "mat hinh nhu the nay", "vỡ hình như này"])
      expect([text, classify(text)]).toEqual([text, "video"]);
    expect(classify("hình như mất tiếng")).toBe("audio");
    for (const text of ["hình như có ai gọi", "tình hình như thế nào", "xin lỗi, hình như em nhầm nhóm"])
      expect([text, classify(text)]).toEqual([text, "other"]);
    // Through the Telegram adapter: the photo's caption is the report.
    const { desk } = await liveDesk();
    const photo = toChatEvent({
      update_id: 9001,
      message: {
        message_id: 9001,
        date: 1_000,
        chat: { id: Number(GROUP), type: "supergroup", title: "Hỗ trợ" },
        from: { id: Number(tech("CX-00008").telegramId), is_bot: false, first_name: "Hà" },
        photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }],
        caption: "mất hình như này",
      },
    } as never)!;
    await handleChatEvent(desk, photo, NOW);
    const incs = await desk.store.read((r) => r.incidents.list());
    expect(incs.map((i) => [i.category, i.endpoint])).toEqual([["video", "CX-00008"]]);
  });
});
