import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { pruneAll, REPORT_MESSAGE_PREFIX, STORM_LINK_PREFIX } from "../src/app/ops/retention.js";
import { zaloToChatEvent } from "../src/bot/zalo/adapter.js";
import { alsoSaid, classify } from "../src/core/incident/classify.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { chatOut, ev, mcu, tech, wan } from "./security/chat-support.js";
import { zaloGroupText } from "./support/chat-events.js";

// Found by playing endpoint staff, the MCU technician and the WAN duty in the support group (round 15).

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026. */
async function liveDesk(secret = false) {
  const desk = await makeDesk();
  await registerBooking(desk, request(secret ? { secret: true } : {}), { now: at("2026-12-07", "08:30") });
  return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
}

const notices = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
  (await chatOut(desk.store))
    .filter((m) => m.channel === "desk")
    .map((m) => ({ to: m.recipient, text: String(m.payload.text), group: String(m.payload.groupText) }));

describe("/xong by another duty than the incident's owner", () => {
  it("the MCU technician closing an incident handed to the WAN duty tells the WAN duty", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    const before = (await notices(desk)).length;
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 đã cắm lại dây"), now);
    const group = (await chatOut(desk.store)).filter((m) => m.channel === "group");
    expect(String(group.at(-1)!.payload.text)).toBe("Sự cố SC-2026-0001 đã khắc phục.");
    const told = (await notices(desk)).slice(before);
    expect(told.map((n) => n.to)).toEqual(["wan-duty"]);
    expect(told[0]!.text).toBe(
      `Để biết: sự cố SC-2026-0001 (âm thanh) tại CX-00008, đang giao Trực ban mạng WAN (Sở Khoa học và Công nghệ), đã được ${mcu.name} (cán bộ kỹ thuật MCU) đánh dấu đã khắc phục: đã cắm lại dây. Nếu lỗi vẫn còn, gõ /mo SC-2026-0001 để mở lại.`,
    );
    expect(told[0]!.group).not.toContain("CX-00008");
    expect(told[0]!.group).not.toContain("cắm lại dây");
  });

  it("the owner closing it tells nobody else; in a secret session the notice names no endpoint nor note", async () => {
    const { desk, now, reporter } = await liveDesk(true);
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất hình", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0002"), now);
    const before = (await notices(desk)).length;
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0002"), now);
    expect((await notices(desk)).slice(before)).toEqual([]);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 thay mic tại phòng họp"), now);
    const told = (await notices(desk)).slice(before);
    expect(told.map((n) => n.to)).toEqual(["wan-duty"]);
    expect(told[0]!.text).toContain("một điểm cầu của phiên mật");
    expect(told[0]!.text).not.toContain("CX-00008");
    expect(told[0]!.text).not.toContain("thay mic");
    // The WAN duty closing its own incident tells the MCU technician nothing.
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất mạng", { messageId: "3" }), now);
    const n = (await notices(desk)).length;
    await handleChatEvent(desk, ev(wan.telegramId!, "/xong SC-2026-0003"), now);
    expect((await notices(desk)).slice(n)).toEqual([]);
    // The reverse: the WAN duty closing the MCU technician's incident tells the MCU technician.
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất tiếng", { messageId: "4" }), now);
    const m = (await notices(desk)).length;
    await handleChatEvent(desk, ev(wan.telegramId!, "/xong SC-2026-0004"), now);
    expect((await notices(desk)).slice(m).map((x) => x.to)).toEqual(["mcu-technician"]);
  });
});

describe("a command typed on Zalo as a reply to the bot's incident message, without its code", () => {
  const ZGROUP = "zalo-group";
  const z = (userId: string, text: string, id: string) =>
    // What the Zalo Bot API gives: no field says which message this one answers.
    zaloToChatEvent(zaloGroupText(userId, text, id, { chatId: ZGROUP }))!;
  const zaloReplies = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
    (await chatOut(desk.store))
      .filter((m) => m.channel === "chat" && m.recipient === `zalo:${ZGROUP}`)
      .map((m) => String(m.payload.text));
  const HEAD =
    "Trên Zalo, bot không biết tin nhắn được trả lời là của sự cố nào: hãy ghi mã sự cố ngay sau lệnh";

  it("asks for the code, writing the command out for the one incident that is theirs", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, z(reporter.zaloId!, "mất tiếng rồi", "m1"), now);
    await handleChatEvent(desk, z(mcu.zaloId!, "/nhan", "m2"), now);
    expect((await zaloReplies(desk)).at(-1)).toBe(`${HEAD}: /nhan SC-2026-0001`);
    await handleChatEvent(desk, z(mcu.zaloId!, "/nhan SC-2026-0001", "m3"), now);
    // «xong, đã cắm lại mic» is a command whose code is missing, not a report about a mic.
    await handleChatEvent(desk, z(mcu.zaloId!, "xong, đã cắm lại mic", "m4"), now);
    expect((await zaloReplies(desk)).at(-1)).toBe(`${HEAD}: /xong SC-2026-0001 đã cắm lại mic`);
    await handleChatEvent(desk, z(mcu.zaloId!, "/xong đã cắm lại mic", "m5"), now);
    expect((await zaloReplies(desk)).at(-1)).toBe(`${HEAD}: /xong SC-2026-0001 đã cắm lại mic`);
    const inc = await desk.store.read((r) => r.incidents.get("SC-2026-0001"));
    expect(inc).toMatchObject({ status: "acknowledged" });
    expect((await desk.store.read((r) => r.incidents.list())).length).toBe(1);
    // With the code, it is done.
    await handleChatEvent(desk, z(mcu.zaloId!, "xong SC-2026-0001 đã cắm lại mic", "m6"), now);
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      status: "resolved",
    });
  });

  it("with several, lists theirs; an endpoint's «xong» stays words", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, z(reporter.zaloId!, "mất tiếng rồi", "m1"), now);
    await handleChatEvent(desk, z(tech("CX-00004").zaloId!, "mất hình", "m2"), now);
    await handleChatEvent(desk, z(mcu.zaloId!, "nhận", "m3"), now);
    expect((await zaloReplies(desk)).at(-1)).toBe(
      `${HEAD}, ví dụ: /nhan SC-2026-0123. Sự cố anh/chị đang có: SC-2026-0001, SC-2026-0002. Gõ /suco để xem các sự cố đang mở.`,
    );
    const n = (await zaloReplies(desk)).length;
    await handleChatEvent(desk, z(reporter.zaloId!, "xong", "m4"), now);
    expect((await zaloReplies(desk)).slice(n).join("\n")).not.toContain(HEAD);
  });
});

describe("power and the link down in a storm, or added to an open power incident", () => {
  it("a report saying both, added to an open power incident, tells the WAN duty once", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất điện rồi", { messageId: "1" }), now);
    expect((await notices(desk)).filter((n) => n.to === "wan-duty")).toEqual([]);
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mất điện, mất mạng luôn rồi", { messageId: "2" }),
      now,
    );
    const incs = await desk.store.read((r) => r.incidents.list());
    expect(incs.map((i) => [i.code, i.category, i.route])).toEqual([["SC-2026-0001", "power", "mcu"]]);
    const wanTold = (await notices(desk)).filter((n) => n.to === "wan-duty");
    expect(wanTold.map((n) => n.text)).toEqual([
      "Để biết: sự cố SC-2026-0001 (nguồn điện) tại CX-00008 báo kèm mất đường truyền. Kỹ thuật MCU xử lý nguồn điện trước; có điện lại mà đường truyền vẫn lỗi thì sự cố sẽ được chuyển cho Trực ban mạng WAN (Sở Khoa học và Công nghệ).",
    ]);
    // Said again: nothing more.
    await handleChatEvent(desk, ev(reporter.telegramId!, "vẫn mất điện, mất mạng", { messageId: "3" }), now);
    expect((await notices(desk)).filter((n) => n.to === "wan-duty")).toHaveLength(1);
  });

  it("in a storm, the first report saying both tells the WAN duty, once a storm", async () => {
    const communes = sampleDirectory.endpoints
      .filter((e) => e.level === "commune" && tech(e.code)?.telegramId)
      .map((e) => e.code)
      .slice(0, 8);
    expect(communes).toHaveLength(8);
    const desk = await makeDesk();
    await registerBooking(desk, request({ participants: communes }), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    const say = (i: number, text: string) =>
      handleChatEvent(desk, ev(tech(communes[i]!).telegramId!, text, { messageId: String(100 + i) }), now);
    for (let i = 0; i < 6; i++) await say(i, "mất điện");
    const storm = (await desk.store.read((r) => r.incidents.list())).find((i) => i.reporter === "storm")!;
    expect(storm).toBeDefined();
    await say(6, "mất điện và mất mạng luôn");
    await say(7, "mat dien, mat mang luon");
    const wanTold = (await notices(desk)).filter((n) => n.to === "wan-duty");
    expect(wanTold).toHaveLength(1);
    expect(wanTold[0]!.text).toContain(`thuộc sự cố diện rộng ${storm.code}, báo kèm mất đường truyền`);
    expect(wanTold[0]!.group).not.toContain(communes[6]!);
  });
});

describe("small classify gaps", () => {
  it("«internet cũng chết» beside «mất điện» is the link down too: the WAN duty is told", async () => {
    expect(alsoSaid("mất điện, internet cũng chết luôn")).toEqual(["network"]);
    expect(alsoSaid("mat dien, mang cung chet roi")).toEqual(["network"]);
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mất điện, internet cũng chết luôn", { messageId: "1" }),
      now,
    );
    expect((await notices(desk)).map((n) => n.to)).toEqual(["mcu-technician", "wan-duty"]);
  });

  it("«hết pin» (a wireless mic's battery) is a fault for the MCU technician, a phone's is not", async () => {
    expect(classify("hết pin rồi ạ")).toBe("equipment");
    expect(classify("mic không dây hết pin")).toBe("audio");
    expect(classify("điện thoại em hết pin rồi")).toBe("other");
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mic không dây hết pin rồi", { messageId: "1" }),
      now,
    );
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { category: "audio", route: "mcu", endpoint: "CX-00008" },
    ]);
  });
});

describe("storm report links and retention", () => {
  it("go with the chat text of closed incidents, not before", async () => {
    const communes = sampleDirectory.endpoints
      .filter((e) => e.level === "commune" && tech(e.code)?.telegramId)
      .map((e) => e.code)
      .slice(0, 8);
    const desk = await makeDesk();
    await registerBooking(desk, request({ participants: communes }), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    for (let i = 0; i < 8; i++)
      await handleChatEvent(
        desk,
        ev(tech(communes[i]!).telegramId!, "mất tiếng", { messageId: String(100 + i) }),
        now,
      );
    const links = (c: import("../src/store/conn.js").Conn) =>
      c.all<{ key: string; at: number }>(
        sql`SELECT key, updated_at AS at FROM meta WHERE key LIKE ${`${STORM_LINK_PREFIX}%`} OR key LIKE ${`${REPORT_MESSAGE_PREFIX}%`}`,
      );
    const before = await desk.store.tx((_r, c) => links(c));
    // Both kinds: the storm's reports, and the reports that opened an incident before the storm (round 20).
    expect(before.some((l) => l.key.startsWith(STORM_LINK_PREFIX))).toBe(true);
    expect(before.some((l) => l.key.startsWith(REPORT_MESSAGE_PREFIX))).toBe(true);
    // The rows are stamped by the wall clock (as every meta row): retention is counted from their stamp.
    const written = Math.max(...before.map((l) => Number(l.at)));
    const keep = { mailDays: 365, outboxDays: 90, chatDays: 365, jobDays: 30, batch: 500 };
    const tx = <T>(fn: (c: import("../src/store/conn.js").Conn) => Promise<T>) =>
      desk.store.tx((_r, c) => fn(c));
    await pruneAll(tx, keep, new Date(written + 30 * 86_400_000));
    expect(await desk.store.tx((_r, c) => links(c))).toHaveLength(before.length);
    const total = await pruneAll(tx, keep, new Date(written + 366 * 86_400_000));
    expect(total.chatLinks).toBe(before.length);
    expect(await desk.store.tx((_r, c) => links(c))).toEqual([]);
  });
});
