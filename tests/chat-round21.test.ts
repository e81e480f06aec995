import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { FORWARD_NO_ENDPOINT_TEXT, VOICE_TEXT } from "../src/app/incident/messages.js";
import { toChatEvent } from "../src/bot/telegram/adapter.js";
import { zaloToChatEvent } from "../src/bot/zalo/adapter.js";
import { at, makeDesk, request } from "./helpers.js";
import { ev, GROUP, mcu, repliesTo, tech } from "./security/chat-support.js";
import { zaloGroupText } from "./support/chat-events.js";

// Round 21: the chat desk tried as its users would (forwards, …), on Telegram and Zalo.

type Desk = Awaited<ReturnType<typeof makeDesk>>;
const NOW = at("2026-12-10", "09:30");
const ZGROUP = "zalo-group-21";

/** A desk with HTT-2026-0001 live at CX-00004 (Phường Ba Đình) and CX-00025 (Phường Giảng Võ). */
async function liveDesk(): Promise<Desk> {
  const desk = await makeDesk();
  await registerBooking(desk, request({ participants: ["CX-00004", "CX-00025"] }), {
    now: at("2026-12-07", "08:30"),
  });
  return desk;
}

let update = 0;
/**
 * A Telegram group message from `userId` through the adapter; `forwarded`: relayed from another chat (Bot API 7's
 * `forward_origin`, here a person's message from a commune's own group).
 */
function tg(
  userId: string,
  body: Record<string, unknown>,
  opts: { forwarded?: boolean; edited?: number } = {},
) {
  const id = ++update;
  return toChatEvent({
    update_id: 21_000 + id,
    [opts.edited === undefined ? "message" : "edited_message"]: {
      message_id: 2100 + (typeof body.message_id === "number" ? body.message_id : id),
      date: 1_000,
      chat: { id: Number(GROUP), type: "supergroup", title: "Hỗ trợ kỹ thuật" },
      from: { id: Number(userId), is_bot: false, first_name: "Hà" },
      ...(opts.forwarded
        ? {
            forward_origin: {
              type: "user",
              date: 900,
              sender_user: { id: 555_000_111, is_bot: false, first_name: "Lan" },
            },
          }
        : {}),
      ...(opts.edited === undefined ? {} : { edit_date: 1_000 + opts.edited }),
      ...body,
    },
  } as never)!;
}

const incidents = (desk: Desk) => desk.store.read((r) => r.incidents.list());

describe("a message forwarded into the group relays someone else's report (Telegram's forward_origin)", () => {
  const ngocHa = tech("CX-00008").telegramId!;

  it("«mất mạng» forwarded without a place is asked back, in reply to it, and filed nowhere (it was filed at the forwarder's endpoint)", async () => {
    const desk = await liveDesk();
    const fwd = tg(ngocHa, { text: "mất mạng rồi anh ơi" }, { forwarded: true });
    expect(fwd.forwarded).toBe(true);
    await handleChatEvent(desk, fwd, NOW);
    expect(await incidents(desk)).toEqual([]);
    const out = (await desk.store.read((r) => r.outbox.list())).filter((m) =>
      ["chat", "reaction", "desk"].includes(m.channel),
    );
    expect(out.map((m) => [m.channel, m.payload.text, m.payload.replyTo])).toEqual([
      ["chat", FORWARD_NO_ENDPOINT_TEXT, fwd.messageId],
    ]);
    // Typed by the same person, the same words are their own endpoint's fault, as before.
    await handleChatEvent(desk, tg(ngocHa, { text: "mất mạng rồi anh ơi" }), NOW);
    expect((await incidents(desk)).map((i) => [i.category, i.endpoint])).toEqual([["network", "CX-00008"]]);
  });

  it("a forward that names its place is filed there and answered in words; the audit says who relayed it from where", async () => {
    const desk = await liveDesk();
    await handleChatEvent(
      desk,
      tg(ngocHa, { text: "P. Ba Đình mất tiếng từ đầu phiên" }, { forwarded: true }),
      NOW,
    );
    const [inc] = await incidents(desk);
    expect([inc?.category, inc?.endpoint, inc?.booking]).toEqual(["audio", "CX-00004", "HTT-2026-0001"]);
    const answers = await repliesTo(desk.store, GROUP);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("Phường Ba Đình");
    const events = await desk.store.read((r) => r.incidents.events(inc!.code));
    expect(events[0]?.note).toBe("P. Ba Đình mất tiếng từ đầu phiên (báo từ điểm cầu CX-00008)");
    // A forward naming the forwarder's own endpoint is that endpoint's report, acknowledged as one.
    await handleChatEvent(desk, tg(ngocHa, { text: "Phường Ngọc Hà mất hình" }, { forwarded: true }), NOW);
    expect((await incidents(desk)).map((i) => [i.category, i.endpoint])).toEqual([
      ["audio", "CX-00004"],
      ["video", "CX-00008"],
    ]);
  });

  it("a forwarded «/xong SC-…» (shown to say what was done) is not run again in the forwarder's name", async () => {
    const desk = await liveDesk();
    await handleChatEvent(desk, tg(ngocHa, { text: "mất tiếng" }), NOW);
    await handleChatEvent(desk, tg(mcu.telegramId!, { text: "/nhan SC-2026-0001" }), NOW);
    await handleChatEvent(
      desk,
      tg(mcu.telegramId!, { text: "/xong SC-2026-0001 đã thay mic" }, { forwarded: true }),
      NOW,
    );
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("acknowledged");
  });

  it("a forwarded «vẫn chưa có tiếng» does not reopen the forwarder's own incident; a forwarded voice note is asked in words", async () => {
    const desk = await liveDesk();
    await handleChatEvent(desk, tg(ngocHa, { text: "mất tiếng" }), NOW);
    await handleChatEvent(desk, tg(mcu.telegramId!, { text: "/nhan SC-2026-0001" }), NOW);
    await handleChatEvent(desk, tg(mcu.telegramId!, { text: "/xong SC-2026-0001 đã thay mic" }), NOW);
    const later = new Date(NOW.getTime() + 60_000);
    await handleChatEvent(desk, tg(ngocHa, { text: "vẫn chưa có tiếng ạ" }, { forwarded: true }), later);
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("resolved");
    expect(await incidents(desk)).toHaveLength(1);
    const voice = tg(
      tech("CX-00025").telegramId!,
      { voice: { file_id: "v", file_unique_id: "v", duration: 4 } },
      { forwarded: true },
    );
    await handleChatEvent(desk, voice, later);
    const answers = await repliesTo(desk.store, GROUP);
    expect(answers.slice(-2)).toEqual([FORWARD_NO_ENDPOINT_TEXT, VOICE_TEXT]);
  });
});

describe("one message about faults at two endpoints, each in a clause of its own", () => {
  const ngocHa = tech("CX-00008").telegramId!;

  it("«Phường Ba Đình mất mạng, Phường Giảng Võ mất tiếng» files one incident at each, none at the sender's (it filed the link at Ngọc Hà)", async () => {
    const desk = await liveDesk();
    const msg = tg(ngocHa, {
      text: "Phường Ba Đình mất mạng, còn Phường Giảng Võ thì mất tiếng từ đầu phiên",
    });
    await handleChatEvent(desk, msg, NOW);
    expect((await incidents(desk)).map((i) => [i.category, i.endpoint])).toEqual([
      ["network", "CX-00004"],
      ["audio", "CX-00025"],
    ]);
    // Each place is said back in words, answering the message, for the sender to see where each went.
    const answers = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.channel === "chat" && m.recipient === `telegram:${GROUP}`,
    );
    expect(
      answers.map((m) => [String(m.payload.text).includes("Phường Ba Đình"), m.payload.replyTo]),
    ).toEqual([
      [true, msg.messageId],
      [false, msg.messageId],
    ]);
    expect(String(answers[1]!.payload.text)).toContain("Phường Giảng Võ");
  });

  it("a clause about the sender's own endpoint is acknowledged as its own report; words that are not so stay one report", async () => {
    const desk = await liveDesk();
    await handleChatEvent(
      desk,
      tg(ngocHa, { text: "Phường Ngọc Hà mất hình; Phường Ba Đình mất tiếng" }),
      NOW,
    );
    expect((await incidents(desk)).map((i) => [i.category, i.endpoint])).toEqual([
      ["video", "CX-00008"],
      ["audio", "CX-00004"],
    ]);
    // The sender cannot hear another room, or a place said to work: the sender's own fault, as before.
    for (const text of [
      "không nghe được Phường Ba Đình, mất tiếng",
      "Phường Ba Đình vẫn bình thường, Phường Ngọc Hà mất mạng",
    ]) {
      const other = await liveDesk();
      await handleChatEvent(other, tg(ngocHa, { text }), NOW);
      expect([text, (await incidents(other)).map((i) => i.endpoint)]).toEqual([text, ["CX-00008"]]);
    }
  });
});

describe("Zalo: two places' faults in one message (no reactions, no forwards in its Bot API)", () => {
  it("each place is filed and said back in words; the bot's mention is no part of either clause", async () => {
    const desk = await liveDesk();
    const said = zaloToChatEvent(
      zaloGroupText(
        tech("CX-00008").zaloId!,
        "@HoTroKyThuat Phường Ba Đình mất điện; Phường Giảng Võ rớt mạng",
        "z21",
        {
          chatId: ZGROUP,
        },
      ),
      "HoTroKyThuat",
    )!;
    await handleChatEvent(desk, said, NOW);
    expect((await incidents(desk)).map((i) => [i.category, i.endpoint])).toEqual([
      ["power", "CX-00004"],
      ["network", "CX-00025"],
    ]);
    const answers = (await desk.store.read((r) => r.outbox.list()))
      .filter((m) => m.channel === "chat" && m.recipient === `zalo:${ZGROUP}`)
      .map((m) => String(m.payload.text));
    expect(answers).toHaveLength(2);
    expect(answers[0]).toContain("Phường Ba Đình");
    expect(answers[1]).toContain("Phường Giảng Võ");
  });
});

describe("a one-fault report edited into two duties' faults (the split correction given what was read)", () => {
  it("«mất tiếng» edited into «mất mạng, máy chiếu cũng hỏng»: its incident now says the link, the projector is filed beside it", async () => {
    const desk = await liveDesk();
    const ngocHa = tech("CX-00008").telegramId!;
    await handleChatEvent(desk, tg(ngocHa, { text: "mất tiếng", message_id: 77 }), NOW);
    await handleChatEvent(
      desk,
      tg(ngocHa, { text: "mất mạng, máy chiếu cũng hỏng", message_id: 77 }, { edited: 40 }),
      NOW,
    );
    expect((await incidents(desk)).map((i) => [i.code, i.category, i.route, i.endpoint])).toEqual([
      ["SC-2026-0001", "network", "wan", "CX-00008"],
      ["SC-2026-0002", "equipment", "mcu", "CX-00008"],
    ]);
  });
});

describe("buttons and replies from those who may not act", () => {
  const press = (userId: string, data: string) => ev(userId, "", { button: data });

  it("an endpoint's technician answering the notice with «/nhan» or pressing «Xong» is refused; a late «Nhận» on a closed incident says so", async () => {
    const desk = await liveDesk();
    const ngocHa = tech("CX-00008").telegramId!;
    const baDinh = tech("CX-00004").telegramId!;
    await handleChatEvent(desk, tg(ngocHa, { text: "mất tiếng" }), NOW);
    await handleChatEvent(desk, { ...tg(baDinh, { text: "/nhan" }), repliedIncident: "SC-2026-0001" }, NOW);
    expect((await handleChatEvent(desk, press(ngocHa, "xong:SC-2026-0001"), NOW)).alert).toMatch(
      /^Chỉ cán bộ kỹ thuật MCU/,
    );
    expect((await incidents(desk))[0]).toMatchObject({ status: "open", assignee: null });
    await handleChatEvent(desk, tg(mcu.telegramId!, { text: "/nhan SC-2026-0001" }), NOW);
    await handleChatEvent(desk, tg(mcu.telegramId!, { text: "/xong SC-2026-0001 đã thay mic" }), NOW);
    expect((await handleChatEvent(desk, press(mcu.telegramId!, "nhan:SC-2026-0001"), NOW)).alert).toBe(
      "Sự cố SC-2026-0001 đã khắc phục; dùng /mo SC-2026-0001 để mở lại.",
    );
    expect((await incidents(desk))[0]?.status).toBe("resolved");
  });
});
