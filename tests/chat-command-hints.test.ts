import { describe, expect, it } from "vitest";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { at, makeDesk } from "./helpers.js";
import { ev, GROUP, mcu, repliesTo } from "./security/chat-support.js";

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
