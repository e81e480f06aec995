import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { at, makeDesk, request } from "./helpers.js";
import { ev, GROUP, mcu, repliesTo, tech } from "./security/chat-support.js";

// Wrong commands are answered with what was meant (found by the chat round 13): a session's code where an
// incident's is asked for, and a command misspelt by a letter.

const NOW = at("2026-12-10", "09:30");

async function said(text: string): Promise<string> {
  const desk = await makeDesk();
  await handleChatEvent(desk, ev(mcu.telegramId!, text, { messageId: "1" }), NOW);
  return (await repliesTo(desk.store, GROUP)).at(-1) ?? "";
}

describe("a wrong command is answered with what was meant", () => {
  it("«/nhan HTT-2026-0001» says it is a session's code, and what an incident's looks like", async () => {
    expect(await said("/nhan HTT-2026-0001")).toBe(
      "«HTT-2026-0001» là mã lịch họp, không phải mã sự cố. Mã sự cố có dạng SC-2026-0123 (ghi trong tin báo sự cố; /suco để xem các sự cố đang mở). Ví dụ: /nhan SC-2026-0123.",
    );
  });

  it("an incident code that does not exist is still «Không tìm thấy»", async () => {
    expect(await said("/nhan SC-2026-0099")).toBe(
      "Không tìm thấy sự cố «SC-2026-0099». Ví dụ: /nhan SC-2026-0123.",
    );
  });

  for (const [typed, meant] of [
    ["/xongg SC-2026-0002", "xong"],
    ["/nhna SC-2026-0002", "nhan"],
    ["/chuyne SC-2026-0002 wan", "chuyen"],
    ["/trogiupp", "tro_giup"],
  ] as const)
    it(`«${typed}» asks «Có phải /${meant}?»`, async () => {
      const name = typed.split(" ")[0]!;
      expect(await said(typed)).toBe(
        `Lệnh ${name} không tồn tại. Có phải /${meant}? Gõ /tro_giup để xem các lệnh.`,
      );
    });

  it("a command like none of them gets no guess", async () => {
    expect(await said("/abcdefgh")).toBe("Lệnh /abcdefgh không tồn tại. Gõ /tro_giup để xem các lệnh.");
  });
});

describe("an incident code and a transfer typed as people type them", () => {
  async function withIncident() {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    await handleChatEvent(
      desk,
      ev(tech("CX-00008").telegramId!, "điểm cầu bên em mất tiếng", { messageId: "1" }),
      NOW,
    );
    const [inc] = await desk.store.read((r) => r.incidents.list());
    expect(inc).toMatchObject({ code: "SC-2026-0001", route: "mcu" });
    return desk;
  }

  for (const typed of ["/nhan SC 2026 0001", "/nhan SC2026-0001", "/nhan sc.2026.1"])
    it(`«${typed}» takes SC-2026-0001`, async () => {
      const desk = await withIncident();
      await handleChatEvent(desk, ev(mcu.telegramId!, typed, { messageId: "2" }), NOW);
      const inc = await desk.store.read((r) => r.incidents.get("SC-2026-0001"));
      expect(inc?.status).toBe("acknowledged");
    });

  for (const typed of [
    "/chuyen SC-2026-0001 mạng",
    "/chuyen SC-2026-0001 trực mạng",
    "/chuyen SC-2026-0001 WAN",
  ])
    it(`«${typed}» hands it to the WAN duty`, async () => {
      const desk = await withIncident();
      await handleChatEvent(desk, ev(mcu.telegramId!, typed, { messageId: "2" }), NOW);
      const inc = await desk.store.read((r) => r.incidents.get("SC-2026-0001"));
      expect(inc?.route).toBe("wan");
    });
});
