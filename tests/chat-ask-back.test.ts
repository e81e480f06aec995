import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { ASK_BACK_TEXT } from "../src/app/incident/messages.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { groupMessages } from "./support/chat-events.js";

const GROUP = "-100200";
const people = sampleDirectory.people;
const tech = (endpoint: string) => people.find((p) => p.endpoint === endpoint && p.role === "technician")!;
const mcu = people.find((p) => p.role === "mcu-technician")!;

const ev = groupMessages({ chatId: GROUP, messageIds: true });

async function said(store: Store) {
  return (await store.read((r) => r.outbox.list()))
    .filter((m) => ["chat", "desk", "group", "reaction"].includes(m.channel) && m.kind !== "booking-public")
    .map((m) => [m.channel, m.recipient, (m.payload as { text?: string }).text ?? m.kind]);
}

describe("what the group reads when a message is no fault, or a fault without its kind", () => {
  it("«đã có hình rồi ạ» and the answers to a technical check open nothing and are not answered", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30"); // HTT-2026-0001 is live at CX-00008
    const staff = tech("CX-00008").telegramId!;
    for (const text of ["âm thanh hình ảnh tốt", "bên em đã kết nối", "đã có hình rồi ạ", "có điện lại rồi"])
      await handleChatEvent(desk, ev(staff, text), now);
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
    expect(await said(desk.store)).toEqual([]);
  });

  it("a fault without its kind is asked back, in the group and in private, and opens nothing", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    const staff = tech("CX-00008").telegramId!;
    await handleChatEvent(desk, ev(staff, "điểm cầu em có vấn đề, ad ơi giúp em với"), now);
    await handleChatEvent(desk, ev(staff, "ko hop dc", { chatType: "private", chatId: staff }), now);
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
    expect(await said(desk.store)).toEqual([
      ["chat", `telegram:${GROUP}`, ASK_BACK_TEXT],
      ["chat", `telegram:${staff}`, ASK_BACK_TEXT],
    ]);
    // The answer given, it is a fault like any other.
    await handleChatEvent(desk, ev(staff, "mất tiếng"), now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { category: "audio", route: "mcu" },
    ]);
  });

  it("desk staff asking an endpoint («Sóc Sơn có vấn đề gì không») are not asked back", async () => {
    const desk = await makeDesk();
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "Sóc Sơn có vấn đề gì không em"),
      at("2026-12-10", "09:30"),
    );
    expect(await said(desk.store)).toEqual([]);
  });
});

describe("desk staff talking an endpoint through a fault", () => {
  it("advice in the group opens nothing and is not answered; a report naming the endpoint still files", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    for (const text of [
      "CX-00008 kiểm tra lại đường truyền giúp anh",
      "em khởi động lại codec xem",
      "WAN đang xử lý đường truyền, các điểm cầu chờ chút",
    ])
      await handleChatEvent(desk, ev(mcu.telegramId!, text), now);
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
    expect(await said(desk.store)).toEqual([]);
    await handleChatEvent(desk, ev(mcu.telegramId!, "CX-00008 mất tiếng"), now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { endpoint: "CX-00008", category: "audio" },
    ]);
  });

  it("a host's instruction to every endpoint is no fault («mọi người tắt mic khi không phát biểu»)", async () => {
    const desk = await makeDesk();
    await handleChatEvent(
      desk,
      ev(tech("CX-00008").telegramId!, "mọi người tắt mic khi không phát biểu"),
      at("2026-12-10", "09:30"),
    );
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
  });
});
