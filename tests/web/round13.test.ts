import { describe, expect, it } from "vitest";
import { at, request, storedBooking } from "../helpers.js";
import { login, webDesk } from "./support.js";

/** The text of the page's <main>, tags dropped: what a person reads. */
function mainText(html: string): string {
  return (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

/** Round 13 of the web desk as its operators use it (the duty operator's and the admin's working day). */
describe("the web desk, round 13", () => {
  it("«Hôm nay» at 00:30 on New Year's Day shows the session live since 22:00 on 31/12, with both days", async () => {
    const NOW = at("2027-01-01", "00:30");
    const { desk, app } = await webDesk({ now: () => NOW });
    const night = request({
      emergency: true,
      start: at("2026-12-31", "22:00"),
      end: at("2027-01-01", "01:00"),
      receivedAt: at("2026-12-31", "15:00"),
    });
    const ended = request({
      start: at("2026-12-31", "20:00"),
      end: at("2026-12-31", "22:00"),
      receivedAt: at("2026-12-29", "08:00"),
    });
    await desk.store.tx(async (r) => {
      await r.bookings.save(storedBooking("HTT-2026-0042", "live", night, at("2026-12-31", "15:00")));
      await r.bookings.save(storedBooking("HTT-2026-0041", "live", ended, at("2026-12-29", "08:00")));
    });
    const tech = await login(app, "tech");
    const text = mainText(await (await app.request("/hom-nay", { headers: { cookie: tech.cookie } })).text());
    expect(text).toContain("Phiên họp đang diễn ra và sắp tới (1)");
    expect(text).toContain("22:00 31/12/2026 – 01:00 01/01/2027 · HTT-2026-0042");
    // Yesterday's session that is over stays off today's board.
    expect(text).not.toContain("HTT-2026-0041");
  });
});
