import { describe, expect, it } from "vitest";
import { at } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";
import { login, post, webDesk } from "./web/support.js";

// Found by trying the desk as a technician (fifth round): the web desk, the chat and the CLI share these use cases.

const RECEIVED = at("2026-11-30", "09:10");
const CODE = "HTT-2026-0001";

/** A clerk's late registration (15:00–17:00 today), in review, and a technician on the web desk at `now`. */
async function lateBooking() {
  let now = RECEIVED;
  const { desk, app } = await webDesk({ now: () => now });
  const outcome = await mailDeskOf(desk).handle(
    mail({
      id: "muon@hanoi.gov.vn",
      body: template(1, "UBND phường Ngọc Hà", "15h00 ngày 30/11/2026"),
      date: "Mon, 30 Nov 2026 09:00:00 +0700",
    }),
    RECEIVED,
  );
  expect(outcome).toMatchObject({ code: CODE, decision: { outcome: "needs-review" } });
  const tech = await login(app, "tech");
  const review = async (path: "duyet" | "tu-choi", at: Date, reason = "") => {
    now = at;
    return post(app, `/cho-xu-ly/${CODE}/${path}`, { _csrf: tech.csrf, reason }, { cookie: tech.cookie });
  };
  const status = async () => (await desk.store.read((r) => r.bookings.get(CODE)))?.status;
  return { desk, review, status };
}

describe("a review that comes after the session", () => {
  it("cannot confirm a session already over: the page says so and nothing is sent", async () => {
    const { desk, review, status } = await lateBooking();
    const before = (await desk.store.read((r) => r.outbox.list())).length;
    const res = await review("duyet", at("2026-11-30", "17:30"));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(
      "Không thể xác nhận HTT-2026-0001: phiên họp 15:00–17:00 Thứ Hai, 30/11/2026 đã qua; hãy từ chối và ghi lý do",
    );
    expect(await status()).toBe("needs-review");
    expect((await desk.store.read((r) => r.outbox.list())).length).toBe(before);
  });

  it("may still reject it, and the clerk reads the reason", async () => {
    const { desk, review, status } = await lateBooking();
    const res = await review("tu-choi", at("2026-11-30", "17:30"), "không kịp bố trí trước giờ họp");
    expect(res.status).toBe(303);
    expect(await status()).toBe("rejected");
    expect(await lastAnswer(desk, CODE)).toContain("không kịp bố trí trước giờ họp");
  });

  it("may confirm a session that has begun but not ended (an emergency joined late)", async () => {
    const { review, status } = await lateBooking();
    expect((await review("duyet", at("2026-11-30", "15:20"))).status).toBe(303);
    expect(await status()).toBe("confirmed");
  });
});
