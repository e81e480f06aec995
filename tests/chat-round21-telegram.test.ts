import { describe, expect, it } from "vitest";
import { FORWARD_NO_ENDPOINT_TEXT } from "../src/app/incident/messages.js";
import { at, sampleDirectory } from "./helpers.js";
import { type Replied, repliedTo, userMessageId, useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator (round 21): a message forwarded into the group from a
 * commune's own chat was filed at the forwarder's endpoint, a place with nothing wrong, and acknowledged there; so
 * was one message relaying two places' faults.
 */
const GROUP = -100921;
const person = (endpoint: string) =>
  sampleDirectory.people.find((p) => p.endpoint === endpoint && p.role === "technician")!;

describe("Telegram: a forwarded report", () => {
  const tg = useSpiedTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });

  it("naming no place is asked back in reply to it, and filed nowhere; naming one is filed there", async () => {
    const { desk } = tg;
    const store = desk.service.desk.store;
    const sent = () => tg.sent() as Replied[];
    const ha = tg.member(person("CX-00008").telegramId!, "Hà");
    const origin = {
      forward_origin: { type: "hidden_user", sender_user_name: "Lan (Phường Giảng Võ)", date: 1_765_000_000 },
    };
    await ha.sendMessage(ha.makeMessage("bên em mất mạng rồi", origin));
    const asked = await until(
      async () => sent().find((m) => m.text === FORWARD_NO_ENDPOINT_TEXT),
      "the question back",
    );
    expect(String(asked.chat_id)).toBe(String(GROUP));
    expect(repliedTo(asked)).toBe(userMessageId(tg, "bên em mất mạng rồi"));
    expect(await store.read((r) => r.incidents.list())).toEqual([]);
    await ha.sendMessage(ha.makeMessage("Phường Giảng Võ mất mạng rồi", origin));
    const filed = await until(
      async () => (await store.read((r) => r.incidents.list()))[0],
      "the incident at the named place",
    );
    expect([filed.category, filed.endpoint]).toEqual(["network", "CX-00025"]);
  }, 60_000);

  it("relaying two places' faults in one message: one incident at each, each place said back in reply to it", async () => {
    const store = tg.desk.service.desk.store;
    const sent = () => tg.sent() as Replied[];
    const before = (await store.read((r) => r.incidents.list())).length;
    const khanh = tg.member(person("CX-00004").telegramId!, "Khánh");
    const text = "Phường Ngọc Hà mất hình\nPhường Giảng Võ mất tiếng";
    await khanh.sendMessage(khanh.makeMessage(text));
    const filed = await until(async () => {
      const all = await store.read((r) => r.incidents.list());
      return all.length >= before + 2 ? all.slice(before) : undefined;
    }, "two incidents");
    expect(filed.map((i) => [i.category, i.endpoint])).toEqual([
      ["video", "CX-00008"],
      ["audio", "CX-00025"],
    ]);
    const answers = await until(async () => {
      const found = sent().filter((m) => repliedTo(m) === userMessageId(tg, text));
      return found.length === 2 ? found : undefined;
    }, "the two answers");
    expect(
      answers.map((m) => ["Phường Ngọc Hà", "Phường Giảng Võ"].filter((p) => m.text.includes(p))),
    ).toEqual([["Phường Ngọc Hà"], ["Phường Giảng Võ"]]);
  }, 60_000);
});
