import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent, incidentJobHandlers } from "../src/app/chat/conversation.js";
import { runDueJobs } from "../src/app/scheduler.js";
import type { ChatButton } from "../src/bot/conversation.js";
import { type ChatTransport, DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { dm, ev, GROUP } from "./security/chat-support.js";

/**
 * Điều 5.2: the group reads a report's words and then the bot's posts about it. If those posts read differently
 * for a secret session's endpoint and an open session's (a place for one, none for the other; a note, or «phiên
 * mật»), the group learns which endpoints sit in a secret session. So everything the bot says in the group about an
 * incident is compared byte for byte between the two, over an incident's whole life.
 */
const people = sampleDirectory.people;
const syt = people.find((p) => p.endpoint === "SYT-01" && p.role === "technician")!;
const baDinh = people.find((p) => p.endpoint === "CX-00004" && p.role === "technician")!;
const giang = people.find((p) => p.name === "Bùi Ngọc Giang" && p.role === "mcu-technician")!;
// Thursday, while the session (09:00–11:00) runs.
const NOW = at("2026-12-10", "09:30");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);

type Sent = { chat: string; text: string; buttons?: ChatButton[][] };

/** A transport that records what each chat receives (no reactions: reports are answered in words). */
function recorder(): ChatTransport & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    platform: "telegram",
    groupChatId: GROUP,
    maxLength: 4096,
    supportsButtons: true,
    sent,
    async send(chat, text, buttons) {
      sent.push({ chat, text, ...(buttons ? { buttons } : {}) });
      return String(sent.length);
    },
  };
}

type Roster = "on-duty-without-private-chat" | "nobody-on-duty";

/**
 * A live session at Ba Đình (CX-00004), secret or not. The Sở Y tế technician reports Ba Đình's fault in the
 * group; nobody takes it, so the desk is reminded and the admin alerted; then the MCU technician takes it in the
 * group, comments privately naming the place, resolves it in the group with a note, Ba Đình's own technician
 * reopens it in the group with a reason, and the MCU technician asks for it in the group. Everything the group
 * reads after the booking's post, and the desk notices' full texts.
 */
async function scene(secret: boolean, roster: Roster) {
  const desk = await makeDesk();
  if (roster === "on-duty-without-private-chat")
    await desk.store.tx((r) =>
      r.duty.replaceShifts([{ role: "mcu", weekday: 4, fromMinute: 0, toMinute: 1440, person: giang.name }]),
    );
  await registerBooking(
    desk,
    request({ participants: ["CX-00004", "CX-00008"], secret, title: "Nội dung phiên" }),
    { now: at("2026-12-07", "08:30") },
  );
  const t = recorder();
  const pacer = new Pacer();
  let clock = NOW;
  const deliver = async (when: Date) => {
    clock = when;
    for (const later of [0, DEFAULT_DELIVERY.noticeHoldMs, DEFAULT_DELIVERY.noticeHoldMs + 60_000])
      await deliverChat(
        desk.store,
        [t],
        pacer,
        () => new Date(clock.getTime() + later),
        async () => undefined,
      );
  };
  await deliver(at("2026-12-07", "08:30"));
  t.sent.length = 0;
  await handleChatEvent(
    desk,
    ev(syt.telegramId!, "Phòng họp UBND phường Ba Đình mất hình", { messageId: "41", userName: "Khánh" }),
    NOW,
  );
  await deliver(NOW);
  const code = (await desk.store.read((r) => r.incidents.list()))[0]!.code;
  const handlers = incidentJobHandlers();
  for (const m of [6, 16]) {
    await runDueJobs(desk, handlers, min(m));
    await deliver(min(m));
  }
  const steps: [number, Parameters<typeof handleChatEvent>[1]][] = [
    [20, ev(giang.telegramId!, `/nhan ${code}`, { userName: "Giang" })],
    [
      21,
      dm(
        giang.telegramId!,
        `/ghichu ${code} Đã gọi điện cho phòng họp UBND phường Ba Đình, đang kiểm tra camera`,
      ),
    ],
    [25, ev(giang.telegramId!, `/xong ${code} Thay cáp HDMI camera tại Ba Đình`, { userName: "Giang" })],
    [27, ev(baDinh.telegramId!, `/mo ${code} Lại mất hình ở phòng họp phường`, { userName: "Hà" })],
    [28, ev(giang.telegramId!, `/suco ${code}`, { userName: "Giang" })],
  ];
  for (const [m, e] of steps) {
    await handleChatEvent(desk, e, min(m));
    await deliver(min(m));
  }
  const full = (await desk.store.read((r) => r.outbox.list()))
    .filter((m) => m.channel === "desk")
    .map((m) => String(m.payload.text));
  return { code, group: t.sent.filter((s) => s.chat === GROUP), full };
}

describe("what the group reads about an incident (Điều 5.2)", () => {
  for (const roster of ["on-duty-without-private-chat", "nobody-on-duty"] as const)
    it(`is the same byte for byte for a secret and an open session over the incident's life (${roster})`, async () => {
      const open = await scene(false, roster);
      const secret = await scene(true, roster);
      expect(secret.group).toEqual(open.group);
      const texts = open.group.map((s) => s.text);
      // Everything happened and was told: the named report's answer, the new incident's notice, the reminder,
      // the alert, the acknowledgement, the comment, the resolution, the reopening (and its notice), the pointer.
      for (const said of [
        `Đã tiếp nhận phản ánh sự cố ${open.code} (hình ảnh) tại điểm cầu`,
        `Sự cố mới: sự cố ${open.code} (hình ảnh)`,
        `Nhắc việc: sự cố ${open.code}`,
        `[Quản trị] [Kỹ thuật MCU] Báo động: sự cố ${open.code}`,
        `đã nhận xử lý sự cố ${open.code}`,
        `Sự cố ${open.code} có ghi chú mới.`,
        `Sự cố ${open.code} đã khắc phục.`,
        `Sự cố ${open.code} được mở lại.`,
        // The person on duty wrote to the bot privately (the comment): the reopening's notice went there.
        ...(roster === "nobody-on-duty" ? [`Mở lại: sự cố ${open.code}`] : []),
        `Xem diễn biến sự cố ${open.code}: nhắn riêng /suco ${open.code} cho bot.`,
      ])
        expect(
          texts.some((x) => x.includes(said)),
          said,
        ).toBe(true);
      // The person on duty is named and can act from the group.
      const notice = open.group.find((s) => s.text.includes("Sự cố mới:"))!;
      if (roster === "on-duty-without-private-chat") expect(notice.text).toContain(`@${giang.name}: `);
      else expect(notice.text).not.toContain("@");
      expect(notice.buttons?.[0]?.[0]?.label).toBe(`Nhận ${open.code}`);
      // Neither a session, nor secrecy, nor the other endpoint, nor the desk's notes reach the group.
      for (const x of texts)
        for (const hidden of ["HTT-2026", "mật", "CX-00008", "HDMI", "camera", "Lại mất hình"])
          expect(x).not.toContain(hidden);
    });

  it("answers a report at the reporter's own endpoint that nothing can react to in the same words", async () => {
    const said = async (secret: boolean) => {
      const desk = await makeDesk();
      await registerBooking(
        desk,
        request({ participants: ["CX-00004", "CX-00008"], secret, title: "Nội dung phiên" }),
        { now: at("2026-12-07", "08:30") },
      );
      // No message id: a platform update the bot cannot react to.
      await handleChatEvent(desk, ev(baDinh.telegramId!, "mất hình", { userName: "Hà" }), NOW);
      return (await desk.store.read((r) => r.outbox.list()))
        .filter((m) => m.channel === "chat" && m.recipient === `telegram:${GROUP}`)
        .map((m) => String(m.payload.text));
    };
    const open = await said(false);
    expect(open).toEqual([
      "Đã tiếp nhận phản ánh sự cố SC-2026-0001 (hình ảnh); đã chuyển Kỹ thuật MCU. Diễn biến: nhắn riêng /suco SC-2026-0001 cho bot.",
    ]);
    expect(await said(true)).toEqual(open);
  });

  it("keeps the full notice for the private chat and the web desk", async () => {
    const secret = await scene(true, "nobody-on-duty");
    expect(secret.full[0]).toBe(
      `Sự cố mới ${secret.code} (hình ảnh) tại một điểm cầu của phiên mật HTT-2026-0001.`,
    );
    const open = await scene(false, "nobody-on-duty");
    expect(open.full[0]).toContain("tại điểm cầu Phường Ba Đình (CX-00004), phiên HTT-2026-0001");
  });
});
