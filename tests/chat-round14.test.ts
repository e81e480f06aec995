import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { ASK_BACK_TEXT } from "../src/app/incident/messages.js";
import { HELP_TEXT } from "../src/bot/commands.js";
import { toChatEvent } from "../src/bot/telegram/adapter.js";
import { alsoSaid, asksBack, classify } from "../src/core/incident/classify.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { chatOut, dm, ev, GROUP, mcu, repliesTo, tech } from "./security/chat-support.js";

// Found by playing endpoint staff, the MCU technician and the WAN duty in the support group (round 14).

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026. */
async function liveDesk(secret = false) {
  const desk = await makeDesk();
  await registerBooking(desk, request(secret ? { secret: true } : {}), { now: at("2026-12-07", "08:30") });
  return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
}

const incidents = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
  (await desk.store.read((r) => r.incidents.list())).sort((a, b) => a.code.localeCompare(b.code));
const notices = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
  (await chatOut(desk.store))
    .filter((m) => m.channel === "desk")
    .map((m) => ({
      to: m.recipient,
      text: String(m.payload.text),
      group: String(m.payload.groupText),
      buttons: Boolean(m.payload.buttons),
    }));

describe("power and the link down together", () => {
  it("«mất điện và mất mạng luôn» is one MCU incident, and the WAN duty is told to know, without buttons", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mất điện và mất mạng luôn", { messageId: "1" }),
      now,
    );
    expect(await incidents(desk)).toMatchObject([{ code: "SC-2026-0001", category: "power", route: "mcu" }]);
    const sent = await notices(desk);
    expect(sent.map((n) => [n.to, n.buttons])).toEqual([
      ["mcu-technician", true],
      ["wan-duty", false],
    ]);
    expect(sent[0]!.text).toContain("báo kèm mất đường truyền: đã báo Trực ban mạng WAN");
    expect(sent[1]!.text).toBe(
      "Để biết: sự cố SC-2026-0001 (nguồn điện) tại CX-00008, phiên HTT-2026-0001 báo kèm mất đường truyền. Kỹ thuật MCU xử lý nguồn điện trước; có điện lại mà đường truyền vẫn lỗi thì sự cố sẽ được chuyển cho Trực ban mạng WAN (Sở Khoa học và Công nghệ).",
    );
    expect(sent[1]!.group).not.toContain("CX-00008");
    // Power alone, or the link said to work, tells the WAN duty nothing.
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất điện rồi ạ", { messageId: "2" }), now);
    expect((await notices(desk)).filter((n) => n.to === "wan-duty")).toHaveLength(1);
    expect(alsoSaid("mat dien mat mang luon")).toEqual(["network"]);
    expect(alsoSaid("bên em mất điện nên rớt mạng")).toEqual(["network"]);
    expect(alsoSaid("mất điện, mạng vẫn ổn")).toEqual([]);
    expect(alsoSaid("mất điện, đang gọi điện cho bên mạng")).toEqual([]);
    expect(classify("mất điện và mất mạng luôn")).toBe("power");
  });

  it("in a secret session the WAN duty's notice names no endpoint (Điều 5.2)", async () => {
    const { desk, now, reporter } = await liveDesk(true);
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mat dien, mat mang luon a", { messageId: "1" }),
      now,
    );
    const wan = (await notices(desk)).find((n) => n.to === "wan-duty")!;
    expect(wan.text).toContain("một điểm cầu của phiên mật");
    expect(wan.text).not.toContain("CX-00008");
  });
});

describe("a storm's report edited into another fault", () => {
  const communes = sampleDirectory.endpoints
    .filter((e) => e.level === "commune" && tech(e.code)?.telegramId)
    .map((e) => e.code)
    .slice(0, 6);
  const report = (i: number, text: string, after?: number) =>
    ev(tech(communes[i]!).telegramId!, text, {
      messageId: String(100 + i),
      ...(after === undefined ? {} : { editedAfterSeconds: after }),
    });
  const reports = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
    (await incidents(desk)).filter((i) => i.reporter !== "storm");

  it("in a session's storm: the report stays in it with its new fault, no second incident, no desk notice", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request({ participants: communes }), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    for (let i = 0; i < 6; i++) await handleChatEvent(desk, report(i, "mất tiếng"), now);
    const storm = (await incidents(desk)).find((i) => i.reporter === "storm")!;
    expect(storm.booking).toBe("HTT-2026-0001");
    const before = (await chatOut(desk.store)).length;
    // One reported before the storm formed (acknowledged by a reaction), one that joined it (by the storm message).
    await handleChatEvent(desk, report(1, "mất mạng", 30), now);
    await handleChatEvent(desk, report(5, "mất hình", 30), now);
    const after = await reports(desk);
    expect(after).toHaveLength(6);
    expect(after.map((i) => [i.endpoint, i.category, i.major])).toEqual(
      communes.map((c, i) => [c, i === 1 ? "network" : i === 5 ? "video" : "audio", storm.code]),
    );
    // Nothing in words in the group, nothing to a duty: the storm message says it.
    expect((await chatOut(desk.store)).slice(before)).toEqual([]);
    const text = (await desk.store.read((r) => r.incidents.get(storm.code)))!.text;
    expect(text).toBe(
      `Sự cố diện rộng ${storm.code}: 6 điểm cầu báo sự cố (mất tiếng, mất đường truyền, mất hình) trong một phiên họp; kỹ thuật MCU đang xử lý.`,
    );
  });

  it("in a fault class's storm: the report leaves it and goes to its own duty, still one incident", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "14:00");
    for (let i = 0; i < 6; i++) await handleChatEvent(desk, report(i, "mất tiếng"), now);
    const storm = (await incidents(desk)).find((i) => i.reporter === "storm")!;
    expect(storm.booking).toBeNull();
    await handleChatEvent(desk, report(5, "mất mạng rồi", 40), now);
    const after = await reports(desk);
    expect(after).toHaveLength(6);
    expect(after.find((i) => i.endpoint === communes[5])).toMatchObject({
      category: "network",
      route: "wan",
      major: null,
      status: "open",
    });
    expect((await desk.store.read((r) => r.incidents.get(storm.code)))!.text).toContain(
      "5 điểm cầu báo mất tiếng",
    );
    const wan = (await notices(desk)).filter((n) => n.to === "wan-duty");
    expect(wan).toHaveLength(1);
    expect(wan[0]!.buttons).toBe(true);
  });
});

describe("«/suco» typed by desk staff in the group", () => {
  it("lists code, kind and status, never a place: one incident's endpoint and another's «phiên mật» told the group which endpoint was in the secret session", async () => {
    const { desk, now, reporter } = await liveDesk(true);
    await handleChatEvent(desk, ev(reporter.telegramId!, "mat tieng r a", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "k co hinh", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/suco"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(
      [
        "Sự cố đang mở (2):",
        "• SC-2026-0001 — âm thanh: mới tiếp nhận",
        "• SC-2026-0002 — hình ảnh: mới tiếp nhận",
        "Điểm cầu, phiên họp và diễn biến: nhắn riêng /suco cho bot.",
      ].join("\n"),
    );
    // In private the MCU technician reads where each one is.
    await handleChatEvent(desk, dm(mcu.telegramId!, "/suco"), now);
    expect((await repliesTo(desk.store, mcu.telegramId!)).at(-1)).toContain(
      "• SC-2026-0002 — hình ảnh tại CX-00004: mới tiếp nhận",
    );
  });
});

describe("a technician's command typed as a reply to the bot's notice, without the code", () => {
  let update = 0;
  const bot = { id: 4242, is_bot: true, first_name: "Hỗ trợ", username: "hotro_hop_bot" };
  const replyTo = (from: string, text: string, quoted: { text: string; from?: object }) =>
    toChatEvent(
      {
        update_id: ++update,
        message: {
          message_id: 500 + update,
          date: 1_000,
          chat: { id: Number(GROUP), type: "supergroup", title: "Hỗ trợ" },
          from: { id: Number(from), is_bot: false, first_name: "Giang" },
          text,
          reply_to_message: {
            message_id: 400,
            date: 990,
            chat: { id: Number(GROUP), type: "supergroup", title: "Hỗ trợ" },
            from: quoted.from ?? bot,
            text: quoted.text,
          },
        },
      } as never,
      "hotro_hop_bot",
    )!;
  const notice =
    "[Kỹ thuật MCU] Sự cố mới: sự cố SC-2026-0001 (âm thanh), đã chuyển Kỹ thuật MCU; cần người trực nhận xử lý.";

  it("«/nhan», «xong, đã cắm lại mic» are about the incident the notice names (they were «Thiếu mã sự cố»)", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mat tieng", { messageId: "1" }), now);
    await handleChatEvent(desk, replyTo(mcu.telegramId!, "/nhan", { text: notice }), now);
    expect(await incidents(desk)).toMatchObject([{ status: "acknowledged" }]);
    await handleChatEvent(desk, replyTo(mcu.telegramId!, "xong, đã cắm lại mic", { text: notice }), now);
    expect(await incidents(desk)).toMatchObject([{ status: "resolved" }]);
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.at(-1)).toMatchObject({ action: "xong", note: "đã cắm lại mic" });
    expect(await repliesTo(desk.store, GROUP)).not.toContainEqual(expect.stringContaining("Thiếu mã"));
    expect(HELP_TEXT).toContain("trả lời (reply) tin của bot về một sự cố thì không cần gõ mã");
  });

  it("a code typed wins; another person's message, or endpoint staff's bare «nhận», names nothing", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mat tieng", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất hình", { messageId: "2" }), now);
    await handleChatEvent(desk, replyTo(mcu.telegramId!, "/nhan SC-2026-0002", { text: notice }), now);
    expect((await incidents(desk)).map((i) => i.status)).toEqual(["open", "acknowledged"]);
    const person = { id: Number(reporter.telegramId), is_bot: false, first_name: "Hà" };
    await handleChatEvent(desk, replyTo(mcu.telegramId!, "/nhan", { text: notice, from: person }), now);
    // A reply to a person's message names no incident: the code is asked for (round 16: it was «Thiếu mã sự cố»).
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(
      "Bot chưa biết lệnh này dành cho sự cố nào: hãy ghi mã sự cố ngay sau lệnh (hoặc trả lời (reply) tin của bot về sự cố đó rồi gõ lệnh): /nhan SC-2026-0001",
    );
    await handleChatEvent(desk, replyTo(reporter.telegramId!, "nhận", { text: notice }), now);
    expect((await incidents(desk)).map((i) => i.status)).toEqual(["open", "acknowledged"]);
  });
});

describe("«ad ơi cứu»", () => {
  it("is asked what the fault is, as «giúp em với» is (it was passed over: «cứu» was read as «cũ»)", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "ad ơi cứu", { messageId: "1" }), now);
    expect(await repliesTo(desk.store, GROUP)).toEqual([ASK_BACK_TEXT]);
    expect(asksBack("cứu em với")).toBe(true);
    expect(asksBack("kết quả nghiên cứu")).toBe(false);
  });
});

describe("«vẫn chưa có tiếng ạ» just after the technician's «xong» on the endpoint's «mất tiếng»", () => {
  it("reopens that incident (it opened a second one); another fault, or long after, is a new report", async () => {
    const { desk, now, reporter } = await liveDesk();
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    await handleChatEvent(desk, ev(reporter.telegramId!, "ben e mat tieng r", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 đã cắm lại mic"), at(60));
    await handleChatEvent(desk, ev(reporter.telegramId!, "vẫn chưa có tiếng ạ", { messageId: "2" }), at(120));
    expect(await incidents(desk)).toMatchObject([{ code: "SC-2026-0001", status: "open", assignee: null }]);
    expect((await chatOut(desk.store)).at(-2)?.payload.text).toBe("Sự cố SC-2026-0001 được mở lại.");
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001"), at(180));
    await handleChatEvent(desk, ev(reporter.telegramId!, "vẫn bị mất hình ạ", { messageId: "3" }), at(200));
    await handleChatEvent(desk, ev(reporter.telegramId!, "van k co tieng", { messageId: "4" }), at(3 * 3600));
    expect((await incidents(desk)).map((i) => [i.code, i.category, i.status])).toEqual([
      ["SC-2026-0001", "audio", "resolved"],
      ["SC-2026-0002", "video", "open"],
      ["SC-2026-0003", "audio", "open"],
    ]);
  });
});

describe("a report edited into «mất điện và mất mạng luôn»", () => {
  it("tells the WAN duty of the link too, as the first report would have", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng", { messageId: "1" }), now);
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mất điện và mất mạng luôn", { messageId: "1", editedAfterSeconds: 30 }),
      now,
    );
    expect(await incidents(desk)).toMatchObject([{ category: "power", route: "mcu" }]);
    expect((await notices(desk)).filter((n) => n.to === "wan-duty").map((n) => n.text)).toEqual([
      expect.stringContaining("Để biết: sự cố SC-2026-0001 (nguồn điện) tại CX-00008"),
    ]);
  });
});
