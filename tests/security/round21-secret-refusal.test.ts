/**
 * Round 21, a secret session refused in review. The technician's reason was filed as «endpoint-busy», and for a
 * secret session the clerk's mail replaces that code's message: whatever the technician wrote («Không bố trí được
 * cán bộ kỹ thuật trực»), the clerk read «Một số điểm cầu của phiên đã có lịch họp khác trùng thời gian», a false
 * reason. The reason now goes under a code of its own: the clerk of a secret session reads that it is given
 * through the secure channel (as for a cancellation); an ordinary session's clerk reads the technician's words.
 */
import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import type { Desk } from "../../src/app/desk.js";
import { at, request } from "../helpers.js";
import { login, post, webDesk } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");
const REASON = "Không bố trí được cán bộ kỹ thuật trực buổi chiều";

async function inReview(desk: Desk, secret: boolean): Promise<string> {
  const res = await registerBooking(
    desk,
    request({
      secret,
      title: "Bàn phương án nhân sự",
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "16:00"),
      receivedAt: at("2026-12-10", "07:30"),
    }),
    { now: at("2026-12-10", "07:30") },
  );
  if (res.duplicate || res.booking.status !== "needs-review") throw new Error("not in review");
  return res.code;
}

async function refusedMail(secret: boolean): Promise<string> {
  const { desk, app } = await webDesk({ now: () => NOW });
  const code = await inReview(desk, secret);
  const tech = await login(app, "tech");
  const res = await post(
    app,
    `/cho-xu-ly/${code}/tu-choi`,
    { _csrf: tech.csrf, reason: REASON },
    { cookie: tech.cookie },
  );
  expect(res.status).toBe(303);
  expect((await desk.store.read((r) => r.bookings.get(code)))?.status).toBe("rejected");
  const mails = (await desk.store.read((r) => r.outbox.list({ booking: code }))).filter(
    (m) => m.channel === "mail" && m.kind === "booking-rejected",
  );
  expect(mails).toHaveLength(1);
  return String((mails[0]!.payload as { text: string }).text);
}

describe("round 21: a technician's refusal of a session in review", () => {
  it("a secret session's clerk reads that the reason goes through the secure channel, not a false clash", async () => {
    const text = await refusedMail(true);
    expect(text).toContain("Lý do từ chối được trao đổi qua kênh bảo mật, không qua thư điện tử.");
    expect(text).not.toContain("trùng thời gian");
    expect(text).not.toContain(REASON);
  });

  it("an ordinary session's clerk reads the technician's words", async () => {
    const text = await refusedMail(false);
    expect(text).toContain(`- ${REASON}`);
  });
});
