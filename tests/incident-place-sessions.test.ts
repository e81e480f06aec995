import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { groupMessages } from "./support/chat-events.js";

/** Which endpoint and session a report is about, with two sessions at once, a named place, and none running. */
const people = sampleDirectory.people;
const tech = (endpoint: string) => people.find((p) => p.endpoint === endpoint && p.role === "technician")!;

const ev = groupMessages({ messageIds: true });

describe("the place and session of a report", () => {
  it("two sessions at once: each report is tied to its endpoint's own session, a named one to the named endpoint's", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") }); // CX-00008, CX-00025
    await registerBooking(
      desk,
      request({
        host: "Sở Tư pháp",
        participants: ["CX-00004", "CX-00376"],
        title: "Phiên thứ hai",
        receivedAt: at("2026-12-07", "08:40"),
      }),
      { now: at("2026-12-07", "08:40") },
    );
    const now = at("2026-12-10", "09:30");
    const codes = (await desk.store.read((r) => r.bookings.list({}))).map((b) => [
      b.code,
      b.request.participants,
    ]);
    const sessionOf = (e: string) => codes.find(([, p]) => (p as string[]).includes(e))![0];
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng"), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "rớt mạng liên tục"), now);
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "điểm cầu xã Sóc Sơn mất hình"), now);
    const list = await desk.store.read((r) => r.incidents.list());
    expect(list.map((i) => [i.endpoint, i.booking, i.route]).sort()).toEqual(
      [
        ["CX-00008", sessionOf("CX-00008"), "mcu"],
        ["CX-00004", sessionOf("CX-00004"), "wan"],
        ["CX-00376", sessionOf("CX-00376"), "mcu"],
      ].sort(),
    );
  });

  it("no session running: the fault is still taken, at the reporter's endpoint, with no session", async () => {
    const desk = await makeDesk();
    await handleChatEvent(
      desk,
      ev(tech("CX-00008").telegramId!, "mất điện tại điểm cầu"),
      at("2026-12-10", "15:00"),
    );
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { endpoint: "CX-00008", booking: null, category: "power", route: "mcu", status: "open" },
    ]);
  });
});
