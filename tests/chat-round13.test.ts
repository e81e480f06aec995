import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { VOICE_TEXT } from "../src/app/incident/messages.js";
import { classify } from "../src/core/incident/classify.js";
import { at, makeDesk, request } from "./helpers.js";
import { chatOut, ev, GROUP, repliesTo, tech } from "./security/chat-support.js";

// Found by playing endpoint staff, the MCU technician and the WAN duty in the support group (round 13).

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026. */
async function liveDesk() {
  const desk = await makeDesk();
  await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
}

const incidents = (desk: Awaited<ReturnType<typeof makeDesk>>) => desk.store.read((r) => r.incidents.list());
const later = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

describe("an endpoint's lamp that does not light is a fault for the MCU technician", () => {
  it("«đèn không sáng», «đèn camera không sáng», «den codec ko sang» open an equipment incident", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "đèn không sáng", { messageId: "1" }), now);
    expect(await incidents(desk)).toMatchObject([{ category: "equipment", route: "mcu" }]);
    for (const text of ["đèn camera không sáng ạ", "den codec ko sang", "đèn báo đỏ không lên được"])
      expect(classify(text)).toBe("equipment");
    // «đến» (arrive) and «đen» (black) are no lamp.
    expect(classify("em đến không kịp")).toBe("other");
    expect(classify("hình bị đen xì")).toBe("video");
    expect(classify("hình đen không lên")).toBe("video");
  });
});

describe("the news of a workaround is no fault", () => {
  it("«dùng 4g thay thế nhé» opens no WAN incident; a fault said with it still does", async () => {
    const { desk, now, reporter } = await liveDesk();
    for (const text of [
      "dùng 4g thay thế nhé",
      "bên em tạm dùng 4G thay thế",
      "em chuyển sang phát wifi từ điện thoại rồi ạ",
      "dung 4g thay the nhe",
    ])
      await handleChatEvent(desk, ev(reporter.telegramId!, text, { messageId: "1" }), now);
    expect(await incidents(desk)).toEqual([]);
    expect(await chatOut(desk.store)).toEqual([]);
    expect(classify("mất mạng rồi, bên em dùng 4g thay thế")).toBe("network");
    expect(classify("dùng 4g thay thế nhưng vẫn giật")).toBe("network");
  });
});

describe("several voice messages in a row", () => {
  it("are answered once per person in a short window; another person, or later, is answered again", async () => {
    const { desk, now, reporter } = await liveDesk();
    const other = tech("CX-00004");
    const voice = (who: string, at: Date, id: string) =>
      handleChatEvent(desk, ev(who, "", { media: "voice", messageId: id }), at);
    await voice(reporter.telegramId!, now, "1");
    await voice(reporter.telegramId!, later(now, 20), "2");
    await voice(reporter.telegramId!, later(now, 60), "3");
    await voice(other.telegramId!, later(now, 70), "4");
    expect(await repliesTo(desk.store, GROUP)).toEqual([VOICE_TEXT, VOICE_TEXT]);
    await voice(reporter.telegramId!, later(now, 15 * 60), "5");
    expect(await repliesTo(desk.store, GROUP)).toHaveLength(3);
  });
});
