import { describe, expect, it } from "vitest";
import { toChatEvent } from "../src/bot/telegram/adapter.js";

/**
 * «@HoTroKyThuatBot mất mạng rồi» in the group: the report is the words after the bot's mention. The mention was
 * kept in the incident's text, quoted back to the duty and the group (h-chat18 left Telegram's mention as it was).
 */

let update = 0;
function textOf(text: string, botUsername?: string): string | undefined {
  return toChatEvent(
    {
      update_id: ++update,
      message: {
        message_id: update,
        date: 1,
        chat: { id: -100, type: "supergroup", title: "Hỗ trợ" },
        from: { id: 7, is_bot: false, first_name: "Cán bộ" },
        text,
      },
    } as never,
    botUsername,
  )?.text;
}

describe("a Telegram mention of the bot", () => {
  it.each([
    ["@HoTroKyThuatBot mất mạng rồi", "mất mạng rồi"],
    ["@hotrokythuatbot: phường Ngọc Hà mất tiếng", "phường Ngọc Hà mất tiếng"],
    ["@HoTroKyThuatBot /xong SC-2026-0001", "/xong SC-2026-0001"],
  ])("«%s» is read as «%s»", (text, read) => {
    expect(textOf(text, "HoTroKyThuatBot")).toBe(read);
  });

  it.each([
    // Another account, or a name that only begins like the bot's: part of what was said.
    ["@NgocHa mất mạng rồi"],
    ["@HoTroKyThuatBotCu mất mạng rồi"],
    // A mention later in the message is kept where it is.
    ["mất mạng rồi @HoTroKyThuatBot"],
  ])("«%s» is kept whole", (text) => {
    expect(textOf(text, "HoTroKyThuatBot")).toBe(text);
  });

  it("before getMe has answered (no username known), nothing is removed", () => {
    expect(textOf("@HoTroKyThuatBot mất mạng rồi")).toBe("@HoTroKyThuatBot mất mạng rồi");
  });
});
