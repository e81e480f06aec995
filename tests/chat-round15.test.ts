import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { at, makeDesk, request } from "./helpers.js";
import { chatOut, ev, mcu, tech, wan } from "./security/chat-support.js";

// Found by playing endpoint staff, the MCU technician and the WAN duty in the support group (round 15).

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026. */
async function liveDesk(secret = false) {
  const desk = await makeDesk();
  await registerBooking(desk, request(secret ? { secret: true } : {}), { now: at("2026-12-07", "08:30") });
  return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
}

const notices = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
  (await chatOut(desk.store))
    .filter((m) => m.channel === "desk")
    .map((m) => ({ to: m.recipient, text: String(m.payload.text), group: String(m.payload.groupText) }));

describe("/xong by another duty than the incident's owner", () => {
  it("the MCU technician closing an incident handed to the WAN duty tells the WAN duty", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    const before = (await notices(desk)).length;
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 đã cắm lại dây"), now);
    const group = (await chatOut(desk.store)).filter((m) => m.channel === "group");
    expect(String(group.at(-1)!.payload.text)).toBe("Sự cố SC-2026-0001 đã khắc phục.");
    const told = (await notices(desk)).slice(before);
    expect(told.map((n) => n.to)).toEqual(["wan-duty"]);
    expect(told[0]!.text).toBe(
      `Để biết: sự cố SC-2026-0001 (âm thanh) tại CX-00008, đang giao Trực ban mạng WAN (Sở Khoa học và Công nghệ), đã được ${mcu.name} (cán bộ kỹ thuật MCU) đánh dấu đã khắc phục: đã cắm lại dây. Nếu lỗi vẫn còn, gõ /mo SC-2026-0001 để mở lại.`,
    );
    expect(told[0]!.group).not.toContain("CX-00008");
    expect(told[0]!.group).not.toContain("cắm lại dây");
  });

  it("the owner closing it tells nobody else; in a secret session the notice names no endpoint nor note", async () => {
    const { desk, now, reporter } = await liveDesk(true);
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất hình", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0002"), now);
    const before = (await notices(desk)).length;
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0002"), now);
    expect((await notices(desk)).slice(before)).toEqual([]);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 thay mic tại phòng họp"), now);
    const told = (await notices(desk)).slice(before);
    expect(told.map((n) => n.to)).toEqual(["wan-duty"]);
    expect(told[0]!.text).toContain("một điểm cầu của phiên mật");
    expect(told[0]!.text).not.toContain("CX-00008");
    expect(told[0]!.text).not.toContain("thay mic");
    // The WAN duty closing its own incident tells the MCU technician nothing.
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất mạng", { messageId: "3" }), now);
    const n = (await notices(desk)).length;
    await handleChatEvent(desk, ev(wan.telegramId!, "/xong SC-2026-0003"), now);
    expect((await notices(desk)).slice(n)).toEqual([]);
    // The reverse: the WAN duty closing the MCU technician's incident tells the MCU technician.
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất tiếng", { messageId: "4" }), now);
    const m = (await notices(desk)).length;
    await handleChatEvent(desk, ev(wan.telegramId!, "/xong SC-2026-0004"), now);
    expect((await notices(desk)).slice(m).map((x) => x.to)).toEqual(["mcu-technician"]);
  });
});
