/**
 * Threat: a link that makes the desk claim something was done. The page after an action reads its notice from the
 * address (`?tb=da-huy&ma=HTT-…`), so «/hom-nay?tb=da-huy&ma=HTT-2026-0005» sent to a technician showed «Đã hủy lịch
 * họp HTT-2026-0005…» in the desk's own green although nothing had happened; he could tell the agency so. A notice
 * now shows only with the seal of the session that acted.
 */
import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { at, request } from "../helpers.js";
import { login, post, webDesk } from "../web/support.js";

const NOW = at("2026-12-08", "10:00");
const CLAIM = "Đã hủy lịch họp";

describe("a notice of something done shows only to the session that did it", () => {
  it("a hand-made link, another session's link, a tampered code or seal: no notice; the real redirect: the notice", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const res = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("unexpected duplicate");
    const code = res.code;
    const tech = await login(app, "tech");
    const other = await login(app, "admin");
    const page = async (path: string, cookie: string) =>
      (await app.request(path, { headers: { cookie } })).text();

    // Hand-made, as an attacker would send it: nothing was cancelled and nothing says so.
    for (const path of [
      `/hom-nay?tb=da-huy&ma=${code}`,
      `/dat-lich/${code}?tb=da-huy&ma=${code}`,
      `/dat-lich/${code}?tb=da-huy&ma=${code}&kt=`,
      `/dat-lich/${code}?tb=da-huy&ma=${code}&kt=${"A".repeat(22)}`,
    ])
      expect(await page(path, tech.cookie), path).not.toContain(CLAIM);

    const done = await post(
      app,
      `/dat-lich/${code}/huy`,
      { _csrf: tech.csrf, reason: "Sở đề nghị lùi sang tuần sau" },
      { cookie: tech.cookie },
    );
    const location = done.headers.get("location")!;
    expect(await page(location, tech.cookie)).toContain(`${CLAIM} ${code}`);
    // The same link in another session, or with another code under the same seal, claims nothing.
    expect(await page(location, other.cookie)).not.toContain(CLAIM);
    expect(await page(location.replace(`ma=${code}`, "ma=HTT-2026-0099"), tech.cookie)).not.toContain(CLAIM);
    // Signing out claims nothing done to anyone, and needs no session.
    expect(await page("/dang-nhap?tb=da-dang-xuat", "")).toContain("Đã đăng xuất.");
  });
});
