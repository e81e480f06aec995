import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { MEDIA_TEXT, UNREADABLE_TEXT, VOICE_TEXT } from "../src/app/incident/messages.js";
import type { ChatEvent } from "../src/bot/conversation.js";
import { DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { pollZalo, zaloToChatEvent, zaloTransport, zaloWebhookServer } from "../src/bot/zalo/adapter.js";
import { ZaloClient, type ZaloUpdate } from "../src/bot/zalo/client.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";
import { FakeZalo } from "./support/fake-zalo.js";
import { freePort } from "./support/servers.js";

/**
 * What a Zalo group sends beside text, through the Zalo fake. The published Zalo Bot API has four message events
 * (message.text.received, message.image.received, message.sticker.received, message.unsupported.received): a voice
 * message, an audio file or anything else the bot cannot read comes as «unsupported», without text. Such a report
 * was passed over in silence (only text and a photo's caption were read). Zalo delivers no edits: a person who got
 * a report wrong sends it again, corrected.
 */
const TOKEN = "987654321:zalo-test-token";
const GROUP = "g-hotro-kythuat";
const BOT = "HoTroKyThuat";
const people = sampleDirectory.people;
const staff = people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const mcu = people.find((p) => p.role === "mcu-technician" && p.zaloId)!;
const now = at("2026-12-10", "09:30");

let id = 0;
function update(
  event_name: string,
  from: string,
  extra: Record<string, unknown> = {},
  chat: { id: string; chat_type: "GROUP" | "PRIVATE" } = { id: GROUP, chat_type: "GROUP" },
): ZaloUpdate {
  return {
    event_name,
    message: {
      message_id: `zm${++id}`,
      from: { id: from, display_name: "Cán bộ" },
      chat,
      date: now.getTime(),
      ...extra,
    },
  };
}

/** Pushed after a test's updates: the polling loop stops when it arrives (an update read as nothing never comes). */
const END: ZaloUpdate = {
  event_name: "message.text.received",
  message: {
    message_id: "end",
    from: { id: "u-end", display_name: "Ai đó" },
    chat: { id: GROUP, chat_type: "GROUP" },
    date: now.getTime(),
    text: "hết",
  },
};

describe("Zalo: a message the bot cannot read", () => {
  const fake = new FakeZalo(TOKEN);
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const client = () => new ZaloClient({ token: TOKEN, baseUrl: fake.url, backoffMs: 10 });

  /** Feed `updates` through the fake and the polling loop, one minute apart, then deliver what the desk said. */
  async function run(updates: ZaloUpdate[], gapMs = 60_000) {
    const desk = await makeDesk();
    for (const u of updates) fake.push(u);
    fake.push(END);
    const abort = new AbortController();
    let handled = 0;
    const seen: ChatEvent[] = [];
    const logged: string[] = [];
    await pollZalo(
      client(),
      async (ev) => {
        if (ev.messageId === END.message!.message_id) return abort.abort();
        seen.push(ev);
        await handleChatEvent(desk, ev, new Date(now.getTime() + handled++ * gapMs));
      },
      abort.signal,
      (event) => logged.push(event),
      BOT,
      10,
    );
    fake.sent.length = 0;
    await deliverChat(
      desk.store,
      [zaloTransport(client(), GROUP)],
      new Pacer(),
      () => new Date(now.getTime() + updates.length * gapMs + DEFAULT_DELIVERY.noticeHoldMs),
      async () => undefined,
    );
    const incidents = await desk.store.read((r) => r.incidents.list());
    return { seen, logged, incidents, sent: fake.sent.map((m) => [m.chat_id, m.text]) };
  }

  it("a voice message (Zalo: «unsupported») in the group is asked, once, to be typed in words; no incident", async () => {
    const voice = update("message.unsupported.received", staff.zaloId!);
    const out = await run([voice]);
    expect(out.seen).toMatchObject([{ chatType: "group", media: "other", text: "" }]);
    expect(out.incidents).toEqual([]);
    expect(out.sent).toEqual([[GROUP, UNREADABLE_TEXT]]);
    expect(out.logged).not.toContain("zalo-update-failed");
  });

  it("in private too; desk staff's voice in the group is their own talk", async () => {
    const own = { id: `p-${staff.zaloId}`, chat_type: "PRIVATE" as const };
    const out = await run([
      update("message.unsupported.received", staff.zaloId!, {}, own),
      update("message.unsupported.received", mcu.zaloId!),
    ]);
    expect(out.incidents).toEqual([]);
    expect(out.sent).toEqual([[own.id, UNREADABLE_TEXT]]);
  });

  it("a voice event, should Zalo send one by that name, gets the voice answer", async () => {
    const out = await run([
      update("message.voice.received", staff.zaloId!, { voice: "https://example.invalid/v.aac" }),
    ]);
    expect(out.seen).toMatchObject([{ media: "voice" }]);
    expect(out.sent).toEqual([[GROUP, VOICE_TEXT]]);
  });

  it("a sticker or a photo without words: nothing in the group, the request in private", async () => {
    const own = { id: `p-${staff.zaloId}`, chat_type: "PRIVATE" as const };
    const out = await run([
      update("message.sticker.received", staff.zaloId!, { sticker: "s1" }),
      update("message.image.received", staff.zaloId!, { photo: "https://example.invalid/a.jpg" }),
      update("message.sticker.received", staff.zaloId!, { sticker: "s1" }, own),
    ]);
    expect(out.incidents).toEqual([]);
    expect(out.sent).toEqual([[own.id, MEDIA_TEXT]]);
  });

  it("an update without a message, or with a broken one, is nothing: neither a crash nor a reply", () => {
    expect(zaloToChatEvent({ event_name: "message.unsupported.received" })).toBeNull();
    expect(
      zaloToChatEvent({ event_name: "message.unsupported.received", message: { private: "x" } } as never),
    ).toBeNull();
    expect(
      zaloToChatEvent({
        event_name: "message.text.received",
        message: { message_id: "x", text: "mất tiếng", chat: { id: GROUP, chat_type: "GROUP" } },
      } as never),
    ).toBeNull();
    // An event the API may add later (a reaction…) is not taken for a voice report.
    expect(zaloToChatEvent(update("message.reaction.received", staff.zaloId!))).toBeNull();
  });

  it("the webhook answers 200 to an unsupported update with or without its message, and passes the message on", async () => {
    const port = await freePort();
    const secret = "bi-mat-zalo-0123";
    const seen: ChatEvent[] = [];
    const server = zaloWebhookServer(
      secret,
      "/zalo",
      async (ev) => seen.push(ev),
      () => undefined,
      BOT,
    );
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      const post = (body: unknown) =>
        fetch(`http://127.0.0.1:${port}/zalo`, {
          method: "POST",
          headers: { "x-bot-api-secret-token": secret },
          body: JSON.stringify(body),
        }).then((r) => r.status);
      expect(await post({ event_name: "message.unsupported.received" })).toBe(200);
      expect(await post({ event_name: "message.unsupported.received", message: { private: "x" } })).toBe(200);
      expect(await post({ ok: true, result: null })).toBe(200);
      expect(await post(update("message.unsupported.received", staff.zaloId!))).toBe(200);
      // Not an update at all: refused, not failed (a 500 has Zalo send it again).
      for (const body of ["null", "42", '"x"', "{"])
        expect(
          await fetch(`http://127.0.0.1:${port}/zalo`, {
            method: "POST",
            headers: { "x-bot-api-secret-token": secret },
            body,
          }).then((r) => r.status),
        ).toBe(400);
      expect(seen).toMatchObject([{ media: "other", chatType: "group" }]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("Zalo: a report sent again, corrected (Zalo delivers no edits)", () => {
  const fake = new FakeZalo(TOKEN);
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  async function sendAll(texts: string[], gapMs: number) {
    const desk = await makeDesk();
    const client = new ZaloClient({ token: TOKEN, baseUrl: fake.url, backoffMs: 10 });
    for (const text of texts)
      fake.push(update("message.text.received", staff.zaloId!, { text: `@${BOT} ${text}` }));
    const abort = new AbortController();
    let handled = 0;
    await pollZalo(
      client,
      async (ev) => {
        await handleChatEvent(desk, ev, new Date(now.getTime() + handled * gapMs));
        if (++handled === texts.length) abort.abort();
      },
      abort.signal,
      () => undefined,
      BOT,
      10,
    );
    return desk.store.read((r) => r.incidents.list());
  }

  it("a typo corrected a minute later joins the incident the first report opened", async () => {
    const list = await sendAll(["mất tiếg", "mất tiếng ạ"], 60_000);
    expect(list.map((i) => [i.category, i.route])).toEqual([["audio", "mcu"]]);
  });

  it("the same fault said again in other words: one incident", async () => {
    const list = await sendAll(
      ["bên em mất tiếng", "đính chính: điểm cầu bên em không nghe được tiếng"],
      60_000,
    );
    expect(list).toHaveLength(1);
  });

  it("corrected to another fault: filed where it belongs, as an edit on Telegram is", async () => {
    const list = await sendAll(["mất tiếng", "nhầm ạ, mất mạng"], 40_000);
    expect(list.map((i) => [i.category, i.route])).toEqual([
      ["audio", "mcu"],
      ["network", "wan"],
    ]);
  });
});
