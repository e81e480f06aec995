import { describe, expect, it } from "vitest";
import { actionDecision, notify } from "../src/app/booking/notify.js";
import { registerBooking } from "../src/app/booking/register.js";
import type { Desk } from "../src/app/desk.js";
import { request } from "./helpers.js";
import { bookedInThread, CLERK_NOW, lastAnswer, mailAnswers } from "./support/mail-desk.js";

// Clerk mails from the e2e15 round: each `it` a defect found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

/** A registration hosted at UBND phường Ngọc Hà, UBND phường Láng its only participant. */
const FORM =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến:\n- Điểm cầu chủ trì: Hội trường UBND phường Ngọc Hà\n- Điểm cầu tham dự: UBND phường Láng\n- Thời gian: 9h00 ngày 10/12/2026\n- Nội dung: kiểm tra thực địa\n- Liên hệ: Lâm Thị Ngọc 0983210456";

/** The clerk's reply with the desk's last answer quoted below, as Outlook does. */
const outlook = (said: string, quoted: string) =>
  `${said}\n\nFrom: Bàn kỹ thuật <kythuat@hanoi.gov.vn>\nSent: Monday, November 30, 2026 9:05 AM\nTo: vanthu.sct@hanoi.gov.vn\nSubject: RE: Đăng ký họp trực tuyến\n\n${quoted}`;

/** Every answer to the clerk saying «ĐÃ XÁC NHẬN» carries the invite: the invariant each case below checks. */
async function everyConfirmationInvited(desk: Desk, code: string) {
  for (const m of await mailAnswers(desk, code))
    if (/^Lịch họp \S+: ĐÃ XÁC NHẬN\./.test(String(m.payload.text)) && !m.kind.endsWith("-copy"))
      expect(m.payload.calendar, `${m.kind}: ${m.payload.text}`).toMatchObject({ method: "REQUEST" });
}

describe("a confirmation is never answered without its invite", () => {
  it("an answer built «ĐÃ XÁC NHẬN» with no calendar asked for gets the invite all the same", async () => {
    const { desk, code, booking } = await bookedInThread(LETTER);
    const b = await booking();
    await desk.store.tx((r) =>
      notify(desk, r, b, actionDecision("confirmed", b.priority), undefined, CLERK_NOW, { calendar: null }),
    );
    const last = (await mailAnswers(desk, code)).at(-1)!;
    expect(String(last.payload.text)).toMatch(/^Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN\./);
    expect(last.payload.calendar).toMatchObject({ method: "REQUEST", uid: code, sequence: b.sequence });
  });

  it("«ĐÃ XÁC NHẬN» for a booking that is not confirmed is a defect: nothing is sent", async () => {
    const { desk, code, booking } = await bookedInThread(LETTER);
    const b = { ...(await booking()), status: "needs-info" as const };
    const before = (await mailAnswers(desk, code)).length;
    await expect(
      desk.store.tx((r) =>
        notify(desk, r, b, actionDecision("confirmed", b.priority), undefined, CLERK_NOW, { calendar: null }),
      ),
    ).rejects.toThrow(/says «ĐÃ XÁC NHẬN» but the booking is needs-info/);
    expect(await mailAnswers(desk, code)).toHaveLength(before);
  });

  it("a host at Ngọc Hà moved onto Láng, Giảng Võ still attending, by an Outlook reply: confirmed with the invite", async () => {
    const { desk, reply, code, booking } = await bookedInThread(
      FORM.replace("UBND phường Láng", "UBND phường Láng, UBND phường Giảng Võ"),
    );
    const first = String((await mailAnswers(desk, code))[0]!.payload.text);
    await reply(
      outlook(
        "Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng do hội trường phường Ngọc Hà đang sửa chữa.",
        first,
      ),
    );
    const after = await booking();
    expect(after).toMatchObject({ status: "confirmed", hostEndpoint: "CX-00199" });
    expect(after.request.participants).toEqual(["CX-00025"]);
    const last = (await mailAnswers(desk, code)).at(-1)!;
    expect(String(last.payload.text)).toContain("ĐÃ XÁC NHẬN");
    expect(last.payload.calendar).toMatchObject({
      method: "REQUEST",
      sequence: after.sequence,
      location: "Phường Láng",
    });
    await everyConfirmationInvited(desk, code);
  });
});

describe("moving the host onto the session's only participant", () => {
  for (const [what, body, hostBefore] of [
    ["the Sở's own endpoint hosting", LETTER, "SCT-01"],
    ["a host endpoint named in the form", FORM, "CX-00008"],
  ] as const)
    it(`${what}: the booking stays confirmed with its slot, and the clerk is asked which endpoints attend (it went «CẦN BỔ SUNG THÔNG TIN»)`, async () => {
      const { desk, reply, code, booking } = await bookedInThread(body);
      const before = await booking();
      expect(before.status).toBe("confirmed");
      const first = String((await mailAnswers(desk, code))[0]!.payload.text);
      const out = await reply(
        outlook(
          "Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng do hội trường phường Ngọc Hà đang sửa chữa.",
          first,
        ),
      );
      expect(out).toMatchObject({ kind: "change-refused" });
      const after = await booking();
      expect(after.status).toBe("confirmed");
      expect(after.hostEndpoint).toBe(hostBefore);
      expect(after.request.participants).toEqual(["CX-00199"]);
      expect(after.sequence).toBe(before.sequence);
      const answer = await lastAnswer(desk, code);
      expect(answer).toContain(`Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`);
      expect(answer).toContain(
        "Thư đề nghị đổi điểm cầu chủ trì sang Phường Láng (CX-00199), là điểm cầu tham dự duy nhất của phiên họp: nếu đổi, phiên họp không còn điểm cầu tham dự nào.",
      );
      expect(answer).toContain("ghi rõ điểm cầu chủ trì và các điểm cầu tham dự");
      expect(answer).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
      expect(answer).not.toContain("CẦN BỔ SUNG");
      expect(answer).not.toContain("ĐÃ XÁC NHẬN");
      // The invite sent stands: nothing new to put in the calendar.
      expect((await mailAnswers(desk, code)).at(-1)!.payload.calendar).toBeUndefined();
      // The slot is still held: another session at that hour cannot have Láng.
      const other = await registerBooking(
        desk,
        request({
          host: "Sở Tư pháp",
          participants: ["CX-00199"],
          title: "Phổ biến pháp luật",
          receivedAt: CLERK_NOW,
        }),
        { now: CLERK_NOW },
      );
      expect(other.duplicate ? null : other.decision.outcome).toBe("rejected");
      await everyConfirmationInvited(desk, code);
    });

  it("a secret session is answered without naming the endpoint (Điều 5.2)", async () => {
    const { desk, reply, code, booking } = await bookedInThread(`Độ mật: Mật\n${LETTER}`);
    await reply("Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng.");
    expect((await booking()).hostEndpoint).toBe("SCT-01");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain(`Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`);
    expect(answer).not.toMatch(/Láng|CX-00199|SCT-01|Công Thương/);
  });

  for (const said of [
    "Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng, điểm cầu tham dự: UBND phường Giảng Võ.",
    "Đề nghị đổi điểm cầu chủ trì sang Phường Láng, điểm cầu tham dự: UBND phường Giảng Võ",
    "Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng và bổ sung điểm cầu UBND phường Giảng Võ.",
  ])
    it(`«${said}» (as the refusal asks) moves the host and keeps a participant`, async () => {
      const { desk, reply, code, booking } = await bookedInThread(LETTER);
      await reply("Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng.");
      expect(await lastAnswer(desk, code)).toContain(
        "(ví dụ: «Đổi điểm cầu chủ trì sang Phường Láng, điểm cầu tham dự: UBND phường …»)",
      );
      await reply(said);
      const after = await booking();
      expect(after.status).toBe("confirmed");
      expect(after.hostEndpoint).toBe("CX-00199");
      expect(after.request.participants).toEqual(["CX-00025"]);
      expect((await mailAnswers(desk, code)).at(-1)!.payload.calendar).toBeDefined();
    });
});

describe("host and participant swapped by a reply", () => {
  for (const [what, body, oldHost, oldName] of [
    ["the Sở's own endpoint", LETTER, "SCT-01", "Sở Công Thương"],
    ["a host endpoint named in the form", FORM, "CX-00008", "UBND phường Ngọc Hà"],
  ] as const)
    it(`${what} listed as attending after the move becomes the participant (the swap was refused as leaving none)`, async () => {
      const { desk, reply, code, booking } = await bookedInThread(body);
      expect(
        await reply(`Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng, điểm cầu tham dự: ${oldName}.`),
      ).toMatchObject({ kind: "changed" });
      const after = await booking();
      expect(after).toMatchObject({ status: "confirmed", hostEndpoint: "CX-00199" });
      expect(after.request.participants).toEqual([oldHost]);
      const last = (await mailAnswers(desk, code)).at(-1)!;
      expect(String(last.payload.text)).toContain(`Lịch họp ${code}: ĐÃ XÁC NHẬN.`);
      expect(String(last.payload.text)).toContain("điểm cầu chủ trì từ");
      expect(last.payload.calendar).toMatchObject({ method: "REQUEST", location: "Phường Láng" });
      await everyConfirmationInvited(desk, code);
    });
});
