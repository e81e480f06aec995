import { describe, expect, it } from "vitest";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { at, makeDesk } from "../helpers.js";
import { ev, GROUP, repliesTo, tech } from "./chat-support.js";

describe("an unknown command in the group", () => {
  it("is named back when short, never repeated when long (the bot does not echo what anyone types)", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    const who = tech("CX-00008").telegramId!;
    await handleChatEvent(desk, ev(who, "/lichhop"), now);
    const long = `/thong_bao_${"huy_toan_bo_cac_phien_hop_hom_nay_".repeat(20)}`;
    await handleChatEvent(desk, ev(who, long), now);
    const out = await repliesTo(desk.store, GROUP);
    expect(out).toEqual([
      "Lệnh /lichhop không tồn tại. Gõ /tro_giup để xem các lệnh.",
      "Lệnh không tồn tại. Gõ /tro_giup để xem các lệnh.",
    ]);
  });
});
