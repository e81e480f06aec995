import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { HELP_TEXT } from "../src/bot/commands.js";
import { toChatEvent } from "../src/bot/telegram/adapter.js";
import { zaloToChatEvent, zaloWebhookServer } from "../src/bot/zalo/adapter.js";
import { at, makeDesk, request } from "./helpers.js";
import { chatOut, dm, ev, GROUP, mcu, repliesTo, tech, wan } from "./security/chat-support.js";
import { openChatDesk } from "./support/chat-desk.js";
import { zaloGroupText } from "./support/chat-events.js";
import { FakeZalo } from "./support/fake-zalo.js";
import { until } from "./support/until.js";

// Found by trial in the support group, on Telegram and Zalo (round 18).

type Desk = Awaited<ReturnType<typeof makeDesk>>;

const ZGROUP = "zalo-group-18";
let zid = 0;
/** A Zalo group text message as the Bot API delivers it. */
const zalo = (userId: string, text: string, names: string | string[] = "HoTroKyThuat") =>
  zaloToChatEvent(zaloGroupText(userId, text, `z18-${++zid}`, { chatId: ZGROUP }), names)!;

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026. */
async function liveDesk() {
  const desk = await makeDesk();
  await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
}

const notices = async (desk: Desk) =>
  (await chatOut(desk.store))
    .filter((m) => m.channel === "desk")
    .map((m) => ({ to: m.recipient, text: String(m.payload.text) }));

describe("a Zalo mention of the bot, however it is written", () => {
  const NAMES = ["HoTroKyThuat", "Hỗ trợ kỹ thuật", "bot.HoTroKyThuat"];

  it("is removed in any case, diacritics or spacing, or as the account name; a person's mention stays", () => {
    const said = (text: string) => zalo("u1", text, NAMES).text;
    expect(said("@HoTroKyThuat mất tiếng")).toBe("mất tiếng");
    expect(said("@hotrokythuat mất tiếng")).toBe("mất tiếng");
    expect(said("@Hỗ trợ kỹ thuật mất tiếng")).toBe("mất tiếng");
    expect(said("@hỗ trợ KỸ THUẬT: mất tiếng")).toBe("mất tiếng");
    expect(said("@Ho Tro Ky Thuat, mất tiếng")).toBe("mất tiếng");
    // Decomposed diacritics (a phone keyboard's) are the same name.
    expect(said("@Hỗ trợ kỹ thuật mất tiếng".normalize("NFD"))).toBe("mất tiếng");
    expect(said("@bot.HoTroKyThuat mất tiếng")).toBe("mất tiếng");
    // Only the bot's, only leading, only a whole name.
    expect(said("@Ngọc Hà mất mạng rồi")).toBe("@Ngọc Hà mất mạng rồi");
    expect(said("@HoTroKyThuatHN mất tiếng")).toBe("@HoTroKyThuatHN mất tiếng");
    expect(said("mất tiếng @HoTroKyThuat")).toBe("mất tiếng @HoTroKyThuat");
    expect(said("@HoTroKyThuat")).toBe("");
    // One configured name still strips every spelling of itself.
    expect(zalo("u1", "@hotrokythuat mất tiếng").text).toBe("mất tiếng");
  });

  it("the words after «@Hỗ trợ kỹ thuật» are classified as if the mention were not there", async () => {
    const { desk, now, reporter } = await liveDesk();
    // «hỗ trợ kỹ thuật» is also how a vague call for help reads: left in, it was asked back, or read as the fault.
    await handleChatEvent(desk, zalo(reporter.zaloId!, "@Hỗ trợ kỹ thuật mất mạng rồi", NAMES), now);
    const incs = await desk.store.read((r) => r.incidents.list());
    expect(incs.map((i) => [i.category, i.route, i.endpoint, i.text])).toEqual([
      ["network", "wan", "CX-00008", "mất mạng rồi"],
    ]);
    expect((await notices(desk)).map((n) => n.to)).toEqual(["wan-duty"]);
  });
});

describe("the Zalo bot's names, through the service against the fake Zalo Bot API", () => {
  const TOKEN = "987654321:zalo-test-token-18";
  const SUPPORT = "g-hotro-18";
  const fake = new FakeZalo(TOKEN);
  let stop: () => Promise<void>;
  let store: Awaited<ReturnType<typeof openChatDesk>>["service"]["desk"]["store"];
  beforeAll(async () => {
    await fake.start();
    const opened = await openChatDesk({
      from: at("2026-12-10", "09:30"),
      frozen: true,
      env: {
        DESK_ZALO_TOKEN: TOKEN,
        DESK_ZALO_GROUP_ID: SUPPORT,
        DESK_ZALO_BASE_URL: fake.url,
        DESK_ZALO_BOT_NAME: "HoTroKyThuat, Hỗ trợ kỹ thuật",
      },
    });
    stop = opened.stop;
    store = opened.service.desk.store;
  });
  afterAll(async () => {
    await stop();
    await fake.stop();
  });

  it("every configured name, and the account name getMe gives, is the bot's mention", async () => {
    await until(async () => (fake.calls.includes("getUpdates") ? true : undefined), "polling");
    const say = (id: string, from: string, text: string) =>
      fake.push(zaloGroupText(from, text, id, { chatId: SUPPORT, date: Date.now() }));
    say("n1", tech("CX-00008").zaloId!, "@hỗ trợ kỹ thuật mất tiếng");
    say("n2", tech("CX-00025").zaloId!, "@bot.HoTroKyThuat mất hình");
    const incs = await until(async () => {
      const all = await store.read((r) => r.incidents.list());
      return all.length === 2 ? all : undefined;
    }, "both reports filed");
    expect(incs.map((i) => [i.endpoint, i.category, i.text]).sort()).toEqual([
      ["CX-00008", "audio", "mất tiếng"],
      ["CX-00025", "video", "mất hình"],
    ]);
    expect(fake.calls).toContain("getMe");
  }, 40_000);
});

describe("a bare «xong» from a technician, without a code", () => {
  const DONE_ONE = (code: string) =>
    `Bot hiểu «xong» là sự cố ${code} (sự cố duy nhất anh/chị đang xử lý) và đã đánh dấu đã khắc phục. Nếu nhầm, gõ /mo ${code} để mở lại.`;
  const NONE =
    "Anh/chị không có sự cố nào đang nhận xử lý nên bot không đóng sự cố nào. Gõ /suco để xem các sự cố đang mở; đóng một sự cố: /xong SC-… ghi chú.";
  const status = (desk: Desk, code: string) =>
    desk.store.read(async (r) => (await r.incidents.get(code))?.status);
  const zaloReplies = async (desk: Desk) =>
    (await chatOut(desk.store))
      .filter((m) => m.channel === "chat" && m.recipient === `zalo:${ZGROUP}`)
      .map((m) => String(m.payload.text));
  const groupPosts = async (desk: Desk) =>
    (await chatOut(desk.store)).filter((m) => m.channel === "group").map((m) => String(m.payload.text));

  it("Telegram: closes the one incident they hold, and says which; a redelivery closes nothing twice", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất hình", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    const done = ev(mcu.telegramId!, "xong");
    await handleChatEvent(desk, done, now);
    expect(await status(desk, "SC-2026-0001")).toBe("resolved");
    // The one not taken stays open: only what they hold is theirs to close.
    expect(await status(desk, "SC-2026-0002")).toBe("open");
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(DONE_ONE("SC-2026-0001"));
    expect((await groupPosts(desk)).at(-1)).toBe("Sự cố SC-2026-0001 đã khắc phục.");
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.filter((e) => e.action === "xong")).toHaveLength(1);
    const before = (await chatOut(desk.store)).length;
    expect(await handleChatEvent(desk, done, now)).toMatchObject({ duplicate: true });
    expect((await chatOut(desk.store)).length).toBe(before);
    // Now they hold none: told so, nothing closed.
    await handleChatEvent(desk, ev(mcu.telegramId!, "xong rồi"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(NONE);
    expect(await status(desk, "SC-2026-0002")).toBe("open");
  });

  it("Telegram: with several, asks which one, listing their codes; closes none", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất hình", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001 SC-2026-0002"), now);
    for (const words of ["đã xong", "ok xong", "Xong rồi ạ."]) {
      await handleChatEvent(desk, ev(mcu.telegramId!, words), now);
      expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(
        "Anh/chị đang xử lý 2 sự cố: SC-2026-0001, SC-2026-0002. Sự cố nào đã xong? Gõ /xong kèm mã, ví dụ /xong SC-2026-0001.",
      );
    }
    expect(await status(desk, "SC-2026-0001")).toBe("acknowledged");
    expect(await status(desk, "SC-2026-0002")).toBe("acknowledged");
  });

  it("an incident handed to the WAN duty is theirs: «xong» closes it", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    await handleChatEvent(desk, ev(wan.telegramId!, "xong"), now);
    expect(await status(desk, "SC-2026-0001")).toBe("resolved");
  });

  it("someone who is not desk staff closes nothing: the endpoint is told who does (round 19), a stranger nothing", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    const before = (await chatOut(desk.store)).length;
    await handleChatEvent(desk, ev(reporter.telegramId!, "xong"), now);
    await handleChatEvent(desk, zalo(reporter.zaloId!, "@HoTroKyThuat xong rồi"), now);
    await handleChatEvent(desk, ev("999000111", "xong"), now);
    expect(await status(desk, "SC-2026-0001")).toBe("acknowledged");
    const said = (await chatOut(desk.store)).slice(before);
    expect(said.map((m) => m.recipient)).toEqual([`telegram:${GROUP}`, `zalo:${ZGROUP}`]);
    for (const m of said)
      expect(String(m.payload.text)).toMatch(
        /^Chỉ cán bộ kỹ thuật đang xử lý mới đóng được sự cố SC-2026-0001;/,
      );
  });

  it("Zalo behaves the same: the one is closed, several are asked about, none is said", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, zalo(reporter.zaloId!, "@HoTroKyThuat mất tiếng rồi"), now);
    await handleChatEvent(desk, zalo(tech("CX-00004").zaloId!, "@HoTroKyThuat mất hình"), now);
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@HoTroKyThuat nhận SC-2026-0001"), now);
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@HoTroKyThuat ok xong"), now);
    expect(await status(desk, "SC-2026-0001")).toBe("resolved");
    expect((await zaloReplies(desk)).at(-1)).toBe(DONE_ONE("SC-2026-0001"));
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@hotrokythuat xong"), now);
    expect((await zaloReplies(desk)).at(-1)).toBe(NONE);
    await handleChatEvent(desk, zalo(reporter.zaloId!, "@HoTroKyThuat lại mất hình rồi"), now);
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@HoTroKyThuat nhận SC-2026-0002"), now);
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@HoTroKyThuat nhận SC-2026-0003"), now);
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@HoTroKyThuat đã xong"), now);
    expect((await zaloReplies(desk)).at(-1)).toBe(
      "Anh/chị đang xử lý 2 sự cố: SC-2026-0002, SC-2026-0003. Sự cố nào đã xong? Gõ /xong kèm mã, ví dụ /xong SC-2026-0002.",
    );
    // «xong, đã cắm lại mic» names what was done: its code is still asked for, as before.
    await handleChatEvent(desk, zalo(mcu.zaloId!, "@HoTroKyThuat xong, đã cắm lại mic"), now);
    expect((await zaloReplies(desk)).at(-1)).toContain("hãy ghi mã sự cố ngay sau lệnh");
    expect(await status(desk, "SC-2026-0002")).toBe("acknowledged");
    expect(HELP_TEXT).toContain("Gõ «xong» (không kèm mã) khi đang xử lý đúng một sự cố");
  });
});

describe("one report naming two faults of two duties", () => {
  const SAID = "Điểm cầu phường Ngọc Hà mất mạng, máy chiếu cũng hỏng";
  const BOTH =
    "Đã tiếp nhận phản ánh 2 sự cố — SC-2026-0001 (đường truyền): đã chuyển Trực ban mạng WAN (Sở Khoa học và Công nghệ); SC-2026-0002 (thiết bị): đã chuyển Kỹ thuật MCU. Diễn biến: nhắn riêng /suco SC-2026-0001, /suco SC-2026-0002 cho bot.";
  const incidents = (desk: Desk) =>
    desk.store.read(async (r) =>
      (await r.incidents.list())
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((i) => [i.code, i.category, i.route, i.endpoint]),
    );

  it("Telegram: the link goes to the WAN duty, the projector to the MCU technician; the group reads both", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, SAID, { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([
      ["SC-2026-0001", "network", "wan", "CX-00008"],
      ["SC-2026-0002", "equipment", "mcu", "CX-00008"],
    ]);
    const told = await notices(desk);
    expect(told.map((n) => n.to)).toEqual(["wan-duty", "mcu-technician"]);
    expect(told[0]!.text).toMatch(
      /^Sự cố mới SC-2026-0001 \(đường truyền\) tại CX-00008.*\. Cùng tin báo có sự cố thiết bị: đã chuyển Kỹ thuật MCU thành sự cố riêng\.$/,
    );
    expect(told[1]!.text).toMatch(
      /^Sự cố mới SC-2026-0002 \(thiết bị\) tại CX-00008.*\. Cùng tin báo có sự cố đường truyền: đã chuyển Trực ban mạng WAN \(Sở Khoa học và Công nghệ\) thành sự cố riêng\.$/,
    );
    expect(told[0]!.text).not.toContain("Điểm cầu báo kèm");
    // Both have their reminders armed, as any new incident in a live session.
    const jobs = await desk.store.read((r) => r.jobs.list());
    expect(new Set(jobs.filter((j) => j.kind.startsWith("incident")).map((j) => j.key))).toEqual(
      new Set(["SC-2026-0001", "SC-2026-0002"]),
    );
    expect(await repliesTo(desk.store, GROUP)).toEqual([BOTH]);
    // No reaction besides: it would say nothing of the second fault.
    const reactions = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "reaction");
    expect(reactions).toEqual([]);
    // Said again: each joins its own, nothing new is opened, nobody is paged again.
    await handleChatEvent(desk, ev(reporter.telegramId!, SAID, { messageId: "2" }), now);
    expect(await incidents(desk)).toHaveLength(2);
    expect(await notices(desk)).toHaveLength(2);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(
      "Đã tiếp nhận phản ánh 2 sự cố — SC-2026-0001 (đường truyền): đã bổ sung vào sự cố đang xử lý; SC-2026-0002 (thiết bị): đã bổ sung vào sự cố đang xử lý. Diễn biến: nhắn riêng /suco SC-2026-0001, /suco SC-2026-0002 cho bot.",
    );
  });

  it("Zalo and a private chat: the same two incidents; in private each is named", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, zalo(reporter.zaloId!, `@HoTroKyThuat ${SAID}`), now);
    expect((await incidents(desk)).map((i) => i[2])).toEqual(["wan", "mcu"]);
    const zaloSaid = (await chatOut(desk.store)).filter((m) => m.recipient === `zalo:${ZGROUP}`);
    expect(zaloSaid.map((m) => String(m.payload.text))).toEqual([BOTH]);
    const other = await liveDesk();
    await handleChatEvent(
      other.desk,
      dm(tech("CX-00004").telegramId!, "mất mạng, máy chiếu cũng hỏng"),
      other.now,
    );
    const replies = await repliesTo(other.desk.store, tech("CX-00004").telegramId!);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain("SC-2026-0001 (đường truyền)");
    expect(replies[1]).toContain("SC-2026-0002 (thiết bị)");
  });

  it("a stranger's joined report: both recorded unverified, each named, the registration hint once", async () => {
    const { desk, now } = await liveDesk();
    await handleChatEvent(desk, ev("999000333", "mất mạng, máy chiếu cũng hỏng", { messageId: "1" }), now);
    const incs = await desk.store.read((r) => r.incidents.list());
    expect(incs.map((i) => [i.category, i.route, i.unverified])).toEqual([
      ["network", "wan", true],
      ["equipment", "mcu", true],
    ]);
    const replies = await repliesTo(desk.store, GROUP);
    expect(replies).toHaveLength(2);
    expect(replies.filter((t) => t.includes("/dangky"))).toHaveLength(1);
    expect((await notices(desk)).map((n) => n.to)).toEqual(["wan-duty", "mcu-technician"]);
  });

  it("one fault, or the sound lost with the link, is still one incident acknowledged by a reaction", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "mất mạng, mất tiếng luôn", { messageId: "1" }),
      now,
    );
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "máy chiếu hỏng", { messageId: "2" }), now);
    expect((await incidents(desk)).map((i) => i[1])).toEqual(["network", "equipment"]);
    expect(await repliesTo(desk.store, GROUP)).toEqual([]);
    const reactions = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "reaction");
    expect(reactions).toHaveLength(2);
  });
});

describe("malformed or odd updates through both adapters", () => {
  const LONG = `mất tiếng ${"a".repeat(4990)}`;
  const ODD = [
    "",
    "   ",
    "\u200b\u200e",
    "@HoTroKyThuat",
    "@Hỗ trợ kỹ thuật  ",
    "😀😀👍",
    "🙏",
    LONG,
    "x".repeat(5000),
  ];
  let n = 0;
  const tgUpdate = (from: number, chat: { id: number; type: string }, text: string) =>
    ({
      update_id: 18_000 + ++n,
      message: {
        message_id: n,
        date: 1,
        chat,
        from: { id: from, is_bot: false, first_name: "Cán bộ" },
        text,
      },
    }) as unknown as Parameters<typeof toChatEvent>[0];

  it("nothing throws, nothing is done twice, and a lone mention or emoji opens nothing", async () => {
    const { desk, now, reporter } = await liveDesk();
    const people = [reporter, mcu, { telegramId: "999000222", zaloId: "z-la-18" }];
    const events = [];
    for (const p of people)
      for (const text of ODD) {
        for (const chat of [
          { id: Number(GROUP), type: "supergroup" },
          { id: Number(p.telegramId), type: "private" },
        ])
          events.push(toChatEvent(tgUpdate(Number(p.telegramId), chat, text), "HoTroKyThuatBot"));
        for (const type of ["GROUP", "PRIVATE"] as const)
          events.push(
            zaloToChatEvent(
              {
                event_name: "message.text.received",
                message: {
                  message_id: `odd-${++n}`,
                  from: { id: p.zaloId!, display_name: "Cán bộ" },
                  chat: { id: type === "GROUP" ? ZGROUP : p.zaloId!, chat_type: type },
                  date: 1,
                  text,
                },
              },
              ["HoTroKyThuat", "Hỗ trợ kỹ thuật"],
            ),
          );
      }
    // Updates without a message, or with one missing its parts, are nothing (not a crash).
    expect(zaloToChatEvent({ event_name: "message.text.received" } as never)).toBeNull();
    expect(
      zaloToChatEvent({ event_name: "message.text.received", message: { text: "mất tiếng" } } as never),
    ).toBeNull();
    expect(toChatEvent({ update_id: 1 } as never)).toBeNull();
    for (const e of events) {
      if (!e) continue;
      await handleChatEvent(desk, e, now);
      const size = (await desk.store.read((r) => r.outbox.list())).length;
      expect(await handleChatEvent(desk, e, now)).toMatchObject({ duplicate: true });
      expect((await desk.store.read((r) => r.outbox.list())).length).toBe(size);
    }
    // Only the long «mất tiếng …» is a fault: one incident for the endpoint (joined after), one for the stranger.
    const incs = await desk.store.read((r) => r.incidents.list());
    expect(incs.map((i) => [i.category, i.endpoint, i.unverified ?? false])).toEqual([
      ["audio", "CX-00008", false],
      ["audio", null, true],
      ["audio", null, true],
    ]);
    // Whatever the bot said back, no message it posts is longer than a platform takes in one piece is split.
    for (const m of await chatOut(desk.store)) expect(String(m.payload.text)).not.toContain("a".repeat(200));
  });
});

describe("a Zalo update whose sender's name is not a string", () => {
  it("is read (the sender named by id) on the webhook, not answered 500 for ever", async () => {
    const { desk, now, reporter } = await liveDesk();
    const logged: string[] = [];
    const server = zaloWebhookServer(
      "bi-mat-webhook-18-abcdef",
      "/zalo",
      (e) => handleChatEvent(desk, e, now),
      (event) => logged.push(event),
      ["HoTroKyThuat"],
    );
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const { port } = server.address() as AddressInfo;
      const post = (body: unknown) =>
        fetch(`http://127.0.0.1:${port}/zalo`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-bot-api-secret-token": "bi-mat-webhook-18-abcdef",
          },
          body: JSON.stringify(body),
        });
      // A display name Zalo sent as a number (an account named «2026»), and one as an object.
      for (const [id, name] of [
        ["w1", 2026],
        ["w2", { vi: "Hà" }],
      ] as const) {
        const res = await post({
          event_name: "message.text.received",
          message: {
            message_id: id,
            from: { id: reporter.zaloId!, display_name: name },
            chat: { id: ZGROUP, chat_type: "GROUP" },
            date: 1,
            text: "@HoTroKyThuat mất tiếng",
          },
        });
        expect(res.status).toBe(200);
      }
      expect(logged).toEqual([]);
      const incs = await desk.store.read((r) => r.incidents.list());
      expect(incs.map((i) => [i.category, i.endpoint])).toEqual([["audio", "CX-00008"]]);
      const ev = zaloToChatEvent({
        event_name: "message.text.received",
        message: {
          message_id: "w3",
          from: { id: "u-18", display_name: 7 as unknown as string },
          chat: { id: ZGROUP, chat_type: "GROUP" },
          date: 1,
          text: 42 as unknown as string,
        },
      });
      // A text that is no string is no text: nothing to read.
      expect(ev).toBeNull();
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
