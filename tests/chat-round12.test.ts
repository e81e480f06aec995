import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { issuedButton } from "../src/bot/commands.js";
import { DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { zaloTransport } from "../src/bot/zalo/adapter.js";
import { ZaloClient } from "../src/bot/zalo/client.js";
import { classify } from "../src/core/incident/classify.js";
import { at, makeDesk, request } from "./helpers.js";
import { chatOut, ev, GROUP, mcu, repliesTo, tech, wan } from "./security/chat-support.js";
import { FakeZalo } from "./support/fake-zalo.js";
import { useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

// Found by playing endpoint staff, the MCU technician and the WAN duty in the support group (round 12).

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026. */
async function liveDesk() {
  const desk = await makeDesk();
  await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
}

const incidents = (desk: Awaited<ReturnType<typeof makeDesk>>) => desk.store.read((r) => r.incidents.list());

describe("an apology in the group is no equipment fault", () => {
  it("«xin lỗi» (sorry) opens no incident and pages nobody; a fault said with it still does", async () => {
    const { desk, now, reporter } = await liveDesk();
    for (const text of ["xin lỗi anh, em nhầm nhóm", "Xin lỗi cả nhà em gửi nhầm", "xin loi em nham"])
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([]);
    expect(await chatOut(desk.store)).toEqual([]);
    expect(classify("xin lỗi, bên em mất tiếng")).toBe("audio");
    expect(classify("xin lỗi em báo nhầm, codec báo lỗi")).toBe("equipment");
  });
});

describe("the news that a fault is over is no new fault", () => {
  it("«điện có lại rồi», «hết bị vọng rồi ạ»… open no incident; a fault still said does", async () => {
    const { desk, now, reporter } = await liveDesk();
    const news = [
      "điện có lại rồi",
      "mạng có lại rồi ạ",
      "hết bị vọng rồi ạ",
      "tiếng hết rè rồi",
      "không còn bị giật nữa",
      "bên em hết lag rồi anh ạ",
    ];
    for (const text of news)
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([]);
    expect(await chatOut(desk.store)).toEqual([]);
    // What is still wrong beside the news is read.
    expect(classify("hết bị vọng rồi nhưng vẫn mất hình")).toBe("video");
    expect(classify("điện có lại rồi nhưng máy chiếu chưa lên")).toBe("equipment");
    expect(classify("hết mất tiếng được 5 phút lại mất")).toBe("audio");
    expect(classify("remote hết pin rồi")).toBe("equipment");
    expect(classify("chưa hết rè")).toBe("audio");
  });
});

describe("the transfer button hands the incident to the other route", () => {
  it("the WAN duty's notice offers «Chuyển MCU», and its press reaches the MCU technician with «Chuyển WAN»", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mạng chập chờn", { messageId: "1" }), now);
    const buttonsTo = async (role: string) =>
      (await chatOut(desk.store))
        .filter((m) => m.channel === "desk" && m.recipient === role)
        .map((m) =>
          (m.payload.buttons as { label: string; data: string }[][])[0]!.map((b) => [b.label, b.data]),
        );
    expect(await buttonsTo("wan-duty")).toEqual([
      [
        ["Nhận SC-2026-0001", "nhan:SC-2026-0001"],
        ["Chuyển MCU", "chuyen:SC-2026-0001:mcu"],
        ["Đã xong", "xong:SC-2026-0001"],
      ],
    ]);
    // The press is one the desk issued (the Telegram adapter refuses any other).
    expect(issuedButton("chuyen:SC-2026-0001:mcu")).toBe(true);
    const verdict = await handleChatEvent(
      desk,
      ev(wan.telegramId!, "", { button: "chuyen:SC-2026-0001:mcu", userName: wan.name }),
      new Date(now.getTime() + 60_000),
    );
    expect(verdict.alert).toBeUndefined();
    expect(await incidents(desk)).toMatchObject([{ route: "mcu", status: "dispatched" }]);
    expect(await buttonsTo("mcu-technician")).toEqual([
      [
        ["Nhận SC-2026-0001", "nhan:SC-2026-0001"],
        ["Chuyển WAN", "chuyen:SC-2026-0001:wan"],
        ["Đã xong", "xong:SC-2026-0001"],
      ],
    ]);
  });
});

describe("the link by its other names", () => {
  it("«wifi yếu quá», «sóng 4G yếu» go to the WAN duty; «internet ổn định», «wifi có lại rồi» open nothing", async () => {
    const { desk, now, reporter } = await liveDesk();
    for (const text of [
      "bên em internet ổn định",
      "router ổn định",
      "wifi có lại rồi",
      "cho hỏi mật khẩu wifi",
    ])
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([]);
    expect(await chatOut(desk.store)).toEqual([]);
    await handleChatEvent(desk, ev(reporter.telegramId!, "wifi yếu quá", { messageId: "2" }), now);
    expect(await incidents(desk)).toMatchObject([
      { category: "network", route: "wan", endpoint: "CX-00008" },
    ]);
    for (const text of ["mất wifi", "sóng 4g yếu", "Wi-Fi chập chờn"]) expect(classify(text)).toBe("network");
    expect(classify("mật khẩu sai không vào được")).toBe("network");
  });
});

describe("a transfer pressed twice is one transfer", () => {
  it("the second «Chuyển WAN» is told to its presser alone: no second notice to the duty, nothing more in the group", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "bên em mất tiếng", { messageId: "1" }), now);
    const press = (who: { telegramId: string | null; name: string }, minutes: number, data: string) =>
      handleChatEvent(
        desk,
        ev(who.telegramId!, "", { button: data, userName: who.name }),
        new Date(now.getTime() + minutes * 60_000),
      );
    expect((await press(mcu, 1, "chuyen:SC-2026-0001:wan")).alert).toBeUndefined();
    const before = (await chatOut(desk.store)).length;
    expect((await press(mcu, 2, "chuyen:SC-2026-0001:wan")).alert).toBe(
      "Sự cố SC-2026-0001 đã được chuyển cho Trực ban mạng WAN (Sở Khoa học và Công nghệ) từ trước và đang chờ nhận xử lý.",
    );
    expect((await chatOut(desk.store)).length).toBe(before);
    // Typed by the WAN duty themselves: the same answer, in the chat.
    await handleChatEvent(
      desk,
      ev(wan.telegramId!, "/chuyen SC-2026-0001 wan", { userName: wan.name }),
      new Date(now.getTime() + 180_000),
    );
    expect((await chatOut(desk.store)).slice(before).map((m) => m.payload.text)).toEqual([
      "Sự cố SC-2026-0001 đã được chuyển cho Trực ban mạng WAN (Sở Khoa học và Công nghệ) từ trước và đang chờ nhận xử lý.",
    ]);
    // Once taken, handing it back to the WAN pool is a transfer again; and to the MCU technician, of course.
    await handleChatEvent(desk, ev(wan.telegramId!, "/nhan SC-2026-0001"), new Date(now.getTime() + 240_000));
    expect((await press(wan, 5, "chuyen:SC-2026-0001:wan")).alert).toBeUndefined();
    expect((await press(wan, 6, "chuyen:SC-2026-0001:mcu")).alert).toBeUndefined();
    expect(await incidents(desk)).toMatchObject([{ route: "mcu", status: "dispatched" }]);
  });
});

describe("Telegram: the WAN duty hands a fault back to the MCU technician", () => {
  const tg = useSpiedTelegramDesk({ group: -100712, from: at("2026-12-10", "09:30") });

  it("by the notice's «Chuyển MCU», pressed twice: one transfer, the second press told alone", async () => {
    const { desk, spy, sent } = tg;
    const staff = tg.member(tech("CX-00008").telegramId!, "Hà");
    const duty = tg.member(wan.telegramId!, "WAN");
    await staff.sendMessage(staff.makeMessage("rớt mạng liên tục, tiếng lúc có lúc không"));
    const notice = await until(async () => sent().find((m) => m.reply_markup), "the notice with buttons");
    const labels = notice.reply_markup!.inline_keyboard.flat().map((b) => [b.text, b.callback_data]);
    expect(labels).toContainEqual(["Chuyển MCU", expect.stringMatching(/^chuyen:SC-2026-\d{4}:mcu$/)]);
    const data = labels.find(([t]) => t === "Chuyển MCU")![1]!;
    const on = { message: { message_id: notice.messageId, chat: { id: -100712, type: "group" } } };
    await Promise.all([
      duty.sendCallback(duty.makeCallbackQuery(data, on)),
      duty.sendCallback(duty.makeCallbackQuery(data, on)),
    ]);
    await until(async () => (spy.answers.length >= 2 ? true : undefined), "both presses answered");
    await until(
      async () => (sent().some((m) => m.text.includes("được chuyển cho Kỹ thuật MCU")) ? true : undefined),
      "the transfer in the group",
    );
    expect(spy.answers.filter((a) => a.text === undefined)).toHaveLength(1);
    expect(spy.answers.find((a) => a.text)).toMatchObject({
      showAlert: true,
      text: expect.stringContaining("đã được chuyển cho Kỹ thuật MCU từ trước"),
    });
    expect(await desk.service.desk.store.read((r) => r.incidents.list())).toMatchObject([
      { category: "network", route: "mcu", status: "dispatched" },
    ]);
    const all = sent()
      .map((m) => m.text)
      .join("\n");
    expect(all.split("đã được chuyển cho Kỹ thuật MCU").length - 1).toBe(1);
  }, 40_000);
});

describe("Zalo: the notice spells out the transfer its buttons would offer", () => {
  const fake = new FakeZalo("987654321:zalo-test-token");
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it("a network fault's notice says «/chuyen … mcu để chuyển MCU», an audio one «/chuyen … wan»", async () => {
    const { desk, now, reporter } = await liveDesk();
    const group = "g-round12";
    for (const [i, text] of ["rớt mạng rồi", "mất tiếng"].entries())
      await handleChatEvent(
        desk,
        ev(reporter.zaloId!, text, { platform: "zalo", chatId: group, updateId: `z12-${i}` }),
        now,
      );
    const client = new ZaloClient({ token: "987654321:zalo-test-token", baseUrl: fake.url, backoffMs: 10 });
    await deliverChat(
      desk.store,
      [zaloTransport(client, group)],
      new Pacer(),
      () => new Date(now.getTime() + DEFAULT_DELIVERY.noticeHoldMs),
      async () => undefined,
    );
    const texts = fake.sent.map((m) => m.text).join("\n");
    expect(texts).toContain(
      "(Gõ /nhan SC-2026-0001 để nhận, /chuyen SC-2026-0001 mcu để chuyển MCU, /xong SC-2026-0001 khi đã khắc phục.)",
    );
    expect(texts).toContain(
      "(Gõ /nhan SC-2026-0002 để nhận, /chuyen SC-2026-0002 wan để chuyển WAN, /xong SC-2026-0002 khi đã khắc phục.)",
    );
  });
});

describe("faults in the words staff borrow or leave out", () => {
  it("«bên em bị echo», «bị mute», «màn LED không sáng» reach the MCU technician; «điều khiển camera không được» is the device", async () => {
    const { desk, now, reporter } = await liveDesk();
    for (const [i, text] of ["bên em bị echo", "màn LED không sáng"].entries())
      await handleChatEvent(
        desk,
        ev(reporter.telegramId!, text, { messageId: String(i + 1) }),
        new Date(now.getTime() + i * 3600_000),
      );
    expect(await incidents(desk)).toMatchObject([
      { category: "audio", route: "mcu" },
      { category: "equipment", route: "mcu" },
    ]);
    expect(classify("bên em bị mute")).toBe("audio");
    expect(classify("điều khiển camera không được")).toBe("equipment");
  });
});

describe("/nhan with several incidents", () => {
  it("takes each one named; a note that names another incident is still a note", async () => {
    const { desk, now, reporter } = await liveDesk();
    const other = tech("CX-00025");
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(other.telegramId!, "máy chiếu không lên", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất điện", { messageId: "3" }), now);
    const later = new Date(now.getTime() + 60_000);
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "/nhan SC-2026-0001, SC-2026-0002", { userName: mcu.name }),
      later,
    );
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "/nhan SC-2026-0003 cùng lỗi SC-2026-0001", { userName: mcu.name }),
      later,
    );
    expect((await incidents(desk)).map((i) => [i.code, i.status])).toEqual([
      ["SC-2026-0001", "acknowledged"],
      ["SC-2026-0002", "acknowledged"],
      ["SC-2026-0003", "acknowledged"],
    ]);
    const group = (await chatOut(desk.store)).filter((m) => m.channel === "group").map((m) => m.payload.text);
    expect(group.filter((t) => String(t).includes("đã nhận xử lý sự cố"))).toHaveLength(3);
    // One already taken among them: the rest are taken, the refusal said once in the chat.
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "/nhan SC-2026-0001 SC-2026-0009", { userName: mcu.name }),
      later,
    );
    expect(await repliesTo(desk.store, GROUP)).toContain(
      "Anh/chị đã nhận xử lý sự cố SC-2026-0001 từ trước.\nKhông tìm thấy sự cố «SC-2026-0009». Ví dụ: /nhan SC-2026-0123.",
    );
  });
});

describe("«vẫn chưa được» under a fault the endpoint reported", () => {
  it("joins the endpoint's open incident (it went unanswered and unrecorded), whatever the fault", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "bên em mất tiếng", { messageId: "1" }), now);
    const [opened] = await incidents(desk);
    expect(opened).toMatchObject({ code: "SC-2026-0001", category: "audio" });
    const later = new Date(now.getTime() + 40 * 60_000);
    const said = ["vẫn chưa được anh ạ", "vẫn chưa khắc phục được", "van bi nhu cu", "chưa được ạ"];
    for (const [i, text] of said.entries())
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: String(i + 2) }), later);
    // One incident, each follow-up recorded on it.
    expect((await incidents(desk)).map((i) => i.code)).toEqual(["SC-2026-0001"]);
    const again = (await desk.store.read((r) => r.incidents.events("SC-2026-0001"))).filter(
      (e) => e.action === "reported-again",
    );
    expect(again.map((e) => e.note)).toEqual(said);
  });

  it("with nothing open at the endpoint it is asked about; chatter that only looks like it is left alone", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "vẫn chưa được anh ạ", { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([]);
    const replies = await repliesTo(desk.store, GROUP);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("chưa rõ sự cố anh/chị gặp");
    // Not «still failing»: a question, a check's answer, a request.
    await handleChatEvent(desk, ev(reporter.telegramId!, "bên em mất tiếng", { messageId: "2" }), now);
    for (const text of [
      "em chưa được cấp link họp",
      "vẫn không có vấn đề gì ạ",
      "cho em hỏi vẫn chưa có lịch họp ạ",
    ])
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: "3" }), now);
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.filter((e) => e.action === "reported-again")).toEqual([]);
  });
});

describe("an incident code typed short", () => {
  it("«/nhan sc-2026-1» takes SC-2026-0001 (it was «Không tìm thấy sự cố «sc-2026-1»»), «/suco SC-2026-1» shows it", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "bên em mất tiếng", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan sc-2026-1"), now);
    const [inc] = await incidents(desk);
    expect(inc).toMatchObject({ code: "SC-2026-0001", status: "acknowledged" });
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "/suco SC-2026-1", { chatId: mcu.telegramId!, chatType: "private" }),
      now,
    );
    const shown = await repliesTo(desk.store, mcu.telegramId!);
    expect(shown.at(-1)).toContain("SC-2026-0001");
    expect(shown.join("\n")).not.toContain("Không tìm thấy");
  });
});

describe("a login that fails is the MCU technician's", () => {
  it("«không đăng nhập được», «đăng nhập phần mềm họp không được» are equipment faults (they went unanswered)", () => {
    expect(classify("không đăng nhập được")).toBe("equipment");
    expect(classify("bên em đăng nhập phần mềm họp không được ạ")).toBe("equipment");
    expect(classify("khong dang nhap duoc tai khoan")).toBe("equipment");
    // Not a fault: a question about how to log in.
    expect(classify("cho em hỏi cách đăng nhập")).toBe("other");
  });
});

describe("an incident command typed without its slash", () => {
  it("desk staff's «nhận SC-2026-0001» takes it (it was passed over in silence); an endpoint's words stay words", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "bên em mất tiếng", { messageId: "1" }), now);
    // The reporter typing it is no technician: nothing is taken.
    await handleChatEvent(desk, ev(reporter.telegramId!, "nhận SC-2026-0001", { messageId: "2" }), now);
    expect((await incidents(desk))[0]).toMatchObject({ status: "open" });
    await handleChatEvent(desk, ev(mcu.telegramId!, "Nhận SC-2026-0001", { messageId: "3" }), now);
    expect((await incidents(desk))[0]).toMatchObject({ status: "acknowledged" });
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "xong SC-2026-0001 đã cắm lại micro", { messageId: "4" }),
      now,
    );
    expect((await incidents(desk))[0]).toMatchObject({ status: "resolved" });
    // A sentence that only starts with the word is no command.
    const { parseBareIncidentCommand } = await import("../src/bot/commands.js");
    expect(parseBareIncidentCommand("nhận được rồi, cảm ơn anh")).toBeNull();
    expect(parseBareIncidentCommand("mở lại SC-2026-0001 vẫn mất tiếng")).toMatchObject({ name: "mo" });
  });
});
