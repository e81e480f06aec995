import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { at, request } from "../helpers.js";
import { login, webDesk } from "./support.js";

const NOW = at("2026-12-10", "07:00");

/**
 * A technician's morning: from «Hôm nay» and «Chờ xử lý» the session's code leads to its page (move, cancel,
 * invite), and an emergency session says so on its card, except where the card hides a secret session.
 */
describe("today's and the review queue's cards", () => {
  async function morning() {
    const { desk, app } = await webDesk({ now: () => NOW });
    const reg = async (over: Parameters<typeof request>[0], now = at("2026-12-07", "08:30")) => {
      const res = await registerBooking(desk, request(over), { now });
      if (res.duplicate) throw new Error("duplicate");
      return res;
    };
    const normal = await reg({});
    const urgent = await reg(
      {
        host: "Sở Y tế",
        participants: ["CX-00070"],
        emergency: true,
        start: at("2026-12-10", "13:00"),
        end: at("2026-12-10", "14:00"),
        receivedAt: at("2026-12-10", "06:00"),
      },
      at("2026-12-10", "06:00"),
    );
    const secret = await reg({
      participants: ["CX-00082"],
      secret: true,
      emergency: true,
      start: at("2026-12-10", "15:00"),
      end: at("2026-12-10", "16:00"),
    });
    // Written from another agency's mailbox: it waits for a technician.
    const review = await reg({
      participants: ["CX-00091"],
      sender: "vanthu.stp@hanoi.gov.vn",
      start: at("2026-12-11", "09:00"),
      end: at("2026-12-11", "10:00"),
    });
    expect([normal, urgent, secret, review].map((r) => r.booking.status)).toEqual([
      "confirmed",
      "confirmed",
      "confirmed",
      "needs-review",
    ]);
    return { app, codes: [normal.code, urgent.code, secret.code, review.code] };
  }

  it("«Hôm nay» links every session's code to its page and marks the emergency one", async () => {
    const { app, codes } = await morning();
    const [normal, urgent, secret] = codes as [string, string, string];
    const tech = await login(app, "tech");
    const page = await (await app.request("/hom-nay", { headers: { cookie: tech.cookie } })).text();
    for (const code of [normal, urgent, secret])
      expect(page).toContain(`<a href="/dat-lich/${code}">${code}</a>`);
    const card = (code: string) =>
      page.slice(
        page.indexOf(`id="ph-${code}"`),
        page.indexOf("</article>", page.indexOf(`id="ph-${code}"`)),
      );
    expect(card(urgent)).toContain('<span class="tag bad">khẩn</span>');
    expect(card(normal)).not.toContain("khẩn");
    // A secret session's card tells a technician nothing more than that it is secret.
    expect(card(secret)).not.toContain("khẩn");
    const admin = await login(app, "admin");
    const adminPage = await (await app.request("/hom-nay", { headers: { cookie: admin.cookie } })).text();
    expect(adminPage.slice(adminPage.indexOf(`id="ph-${secret}"`))).toContain(
      '<span class="tag bad">khẩn</span>',
    );
  });

  it("«Chờ xử lý» links the waiting registration's code to its page", async () => {
    const { app, codes } = await morning();
    const review = codes[3]!;
    const tech = await login(app, "tech");
    const page = await (await app.request("/cho-xu-ly", { headers: { cookie: tech.cookie } })).text();
    expect(page).toContain(`<a href="/dat-lich/${review}">${review}</a>`);
    const text = page.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
    // Overdue since Monday: the deadline names its day, and the session reads as one slot on one day.
    expect(text).toContain("(trước 10:30 07/12/2026)");
    expect(text).toContain("Nhận lúc 08:30 07/12/2026 · họp 09:00–10:00 11/12/2026");
  });

  it("the booking page reads a slot as one day, or both days when it runs past midnight", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const day = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const night = await registerBooking(
      desk,
      request({
        participants: ["CX-00082"],
        start: at("2026-12-10", "22:00"),
        end: at("2026-12-11", "01:00"),
      }),
      { now: at("2026-12-07", "08:30") },
    );
    if (day.duplicate || night.duplicate) throw new Error("duplicate");
    const tech = await login(app, "tech");
    const text = async (code: string) =>
      (await (await app.request(`/dat-lich/${code}`, { headers: { cookie: tech.cookie } })).text())
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ");
    expect(await text(day.code)).toContain("· họp 09:00–11:00 10/12/2026");
    // It read «22:00 10/12/2026–01:00», as if the session ended before it began.
    expect(await text(night.code)).toContain("· họp 22:00 10/12/2026 – 01:00 11/12/2026");
  });
});
