import type { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { handleChatEvent, scopeChat } from "../../src/app/chat/conversation.js";
import type { DeskService } from "../../src/app/service.js";
import type { ZaloUpdate } from "../../src/bot/zalo/client.js";
import { at, makeDesk, request } from "../helpers.js";
import {
  openChatDesk,
  openTelegramDesk,
  type TelegramDesk,
  TEST_TOKEN as TOKEN,
} from "../support/chat-desk.js";
import { zaloGroupText } from "../support/chat-events.js";
import { FakeZalo } from "../support/fake-zalo.js";
import { until } from "../support/until.js";
import { dm, ev, GROUP, mcu, repliesTo, tech } from "./chat-support.js";

/**
 * Threat: the bot is added to a stranger's group, or a stranger talks to it privately, and gets group actions
 * (incidents opened, the day's sessions listed) that belong to the configured support group and its people.
 */
describe("group actions only from the configured group", () => {
  it("scopeChat marks any group but the configured one as another group", () => {
    const base = ev("1", "mất tiếng");
    expect(scopeChat(base, GROUP).chatType).toBe("group");
    expect(scopeChat({ ...base, chatId: "-100999" }, GROUP).chatType).toBe("other-group");
    expect(scopeChat(dm("1", "/lich"), GROUP).chatType).toBe("private");
  });

  it("in another group a known technician's fault and command open nothing and list nothing", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    const other = { chatId: "-100999" };
    for (const text of ["mất tiếng", "/lich", "/nhan SC-2026-0001"]) {
      const u = scopeChat(ev(tech("CX-00008").telegramId!, text, other), GROUP);
      await handleChatEvent(desk, u, now);
    }
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
    const said = await repliesTo(desk.store, "-100999");
    expect(said).toHaveLength(3);
    for (const t of said) expect(t).toContain("Bot chỉ làm việc trong nhóm Hỗ trợ kỹ thuật");
    expect(said.join("\n")).not.toContain("HTT-2026-0001");
    // Nothing was sent to the desk or the support group either.
    const all = await desk.store.read((r) => r.outbox.list());
    expect(
      all.filter((m) => (m.channel === "desk" || m.channel === "group") && m.kind !== "booking-public"),
    ).toEqual([]);
  });

  it("in private: a stranger's /lich and /phien show nothing; a person sees only their own endpoint's", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") }); // CX-00008, CX-00025
    const now = at("2026-12-10", "08:00");
    await handleChatEvent(desk, dm("555", "/lich"), now);
    await handleChatEvent(desk, dm("555", "/phien HTT-2026-0001"), now);
    const stranger = await repliesTo(desk.store, "555");
    expect(stranger).toHaveLength(2);
    expect(stranger.join("\n")).not.toContain("HTT-2026-0001 —");
    expect(stranger.join("\n")).not.toContain("Sở Công Thương");
    expect(stranger[0]).toContain("/dangky");

    const own = tech("CX-00008").telegramId!;
    await handleChatEvent(desk, dm(own, "/lich"), now);
    expect((await repliesTo(desk.store, own)).at(-1)).toContain("HTT-2026-0001 —");

    const elsewhere = tech("CX-00004").telegramId!; // not in the session
    await handleChatEvent(desk, dm(elsewhere, "/lich"), now);
    await handleChatEvent(desk, dm(elsewhere, "/phien HTT-2026-0001"), now);
    const [lich, phien] = await repliesTo(desk.store, elsewhere);
    expect(lich).toBe("Hôm nay không có phiên họp trực tuyến nào.");
    expect(phien).toContain("Không tìm thấy phiên họp");

    // Desk staff see everything privately.
    await handleChatEvent(desk, dm(mcu.telegramId!, "/lich"), now);
    expect((await repliesTo(desk.store, mcu.telegramId!)).at(-1)).toContain("HTT-2026-0001 —");
  });

  it("in private a person sees their own endpoint's incidents with /suco, not another endpoint's", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng"), now);
    await handleChatEvent(desk, ev(tech("CX-00025").telegramId!, "mất hình"), now);
    const own = tech("CX-00008").telegramId!;
    await handleChatEvent(desk, dm(own, "/suco"), now);
    const [list] = await repliesTo(desk.store, own);
    expect(list).toContain("SC-2026-0001");
    expect(list).not.toContain("SC-2026-0002");
    await handleChatEvent(desk, dm("555", "/suco"), now);
    expect((await repliesTo(desk.store, "555"))[0]).not.toContain("SC-2026");
  });
});

describe("group-only rule through telegraf and telegram-test-api", () => {
  const SUPPORT = -100777;
  const STRANGERS = -100888;
  let desk: TelegramDesk;
  let server: TelegramServer;
  let service: DeskService;
  beforeAll(async () => {
    desk = await openTelegramDesk({ group: SUPPORT, from: at("2026-12-10", "09:30"), frozen: true });
    ({ server, service } = desk);
  });
  afterAll(async () => {
    await desk.stop();
  });

  it("a known technician in a stranger's group is refused there; the support group still works", async () => {
    const t = tech("CX-00008");
    const inStrangers = server.getClient(TOKEN, {
      chatId: STRANGERS,
      type: "group",
      chatTitle: "Nhóm lạ",
      userId: Number(t.telegramId),
      firstName: "Hà",
    });
    const inSupport = server.getClient(TOKEN, {
      chatId: SUPPORT,
      type: "group",
      chatTitle: "Hỗ trợ kỹ thuật họp trực tuyến Thành phố",
      userId: Number(tech("CX-00025").telegramId),
      firstName: "Nam",
    });
    await inStrangers.sendMessage(inStrangers.makeMessage("mất tiếng"));
    await inStrangers.sendMessage(inStrangers.makeMessage("/lich"));
    await inSupport.sendMessage(inSupport.makeMessage("mất hình"));
    type Sent = { text: string; chat_id: string | number };
    const sent = () => server.storage.botMessages.map((u) => u.message as unknown as Sent);
    await until(async () => {
      // Delivery merges messages due for one chat, so the two refusals may arrive as one message.
      const refusals =
        sent()
          .filter((m) => String(m.chat_id) === String(STRANGERS))
          .map((m) => m.text)
          .join("\n")
          .split("Bot chỉ làm việc trong nhóm").length - 1;
      const acked = sent().some(
        (m) =>
          String(m.chat_id) === String(SUPPORT) &&
          /Đã tiếp nhận phản ánh sự cố SC-\d{4}-\d{4} \(hình ảnh\)/.test(m.text),
      );
      return refusals === 2 && acked ? true : undefined;
    }, "two refusals in the stranger group and the acknowledgement in the support group").catch((err) => {
      console.log(JSON.stringify(sent()));
      throw err;
    });
    const incidents = await service.desk.store.read((r) => r.incidents.list());
    expect(incidents.map((i) => i.endpoint)).toEqual(["CX-00025"]);
    const toStrangers = sent().filter((m) => String(m.chat_id) === String(STRANGERS));
    expect(toStrangers.every((m) => m.text.includes("Bot chỉ làm việc trong nhóm"))).toBe(true);
  }, 40_000);
});

describe("group-only rule through the Zalo client against the fake Zalo Bot API", () => {
  const TOKEN = "987654321:zalo-test-token";
  const SUPPORT = "g-hotro-kythuat";
  const STRANGERS = "g-nhom-la";
  const fake = new FakeZalo(TOKEN);
  let service: DeskService;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    await fake.start();
    ({ service, stop } = await openChatDesk({
      from: at("2026-12-10", "09:30"),
      frozen: true,
      env: { DESK_ZALO_TOKEN: TOKEN, DESK_ZALO_GROUP_ID: SUPPORT, DESK_ZALO_BASE_URL: fake.url },
    }));
  });
  afterAll(async () => {
    await stop();
    await fake.stop();
  });

  it("a technician's report in a stranger's Zalo group is refused; in the support group it is taken", async () => {
    const message = (id: string, chat: string, from: string, text: string): ZaloUpdate =>
      zaloGroupText(from, text, id, { chatId: chat, date: Date.now() });
    fake.push(message("z1", STRANGERS, tech("CX-00008").zaloId!, "@HoTroKyThuat mất tiếng"));
    fake.push(message("z2", SUPPORT, tech("CX-00025").zaloId!, "@HoTroKyThuat mất hình"));
    await until(async () => {
      const refused = fake.sent.some(
        (m) => m.chat_id === STRANGERS && m.text.includes("Bot chỉ làm việc trong nhóm"),
      );
      const taken = fake.sent.some(
        (m) =>
          m.chat_id === SUPPORT && /Đã tiếp nhận phản ánh sự cố SC-\d{4}-\d{4} \(hình ảnh\)/.test(m.text),
      );
      return refused && taken ? true : undefined;
    }, "the refusal and the acknowledgement");
    const incidents = await service.desk.store.read((r) => r.incidents.list());
    expect(incidents.map((i) => i.endpoint)).toEqual(["CX-00025"]);
    expect(fake.sent.filter((m) => m.chat_id === STRANGERS).every((m) => !m.text.includes("SC-2026"))).toBe(
      true,
    );
  }, 40_000);
});
