import { describe, expect, it } from "vitest";
import { at } from "../helpers.js";
import { login, PASSWORD, PEOPLE, post, saveIncident, webDesk } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");
const BASE = "http://ban-ky-thuat.hanoi.gov.vn";

/**
 * Where a browser goes with this Location: the WHATWG URL parser (Node's URL, Chromium's) drops tabs and
 * newlines anywhere in the input before it reads it, so «/\t/evil.example» is «//evil.example».
 */
function hostOf(location: string | null): string {
  return new URL(location ?? "", `${BASE}/dang-nhap`).host;
}

/** `tiep` values an attacker puts in a link to the login page; each must land on this site. */
const TRICKS = [
  "//evil.example/",
  "/\\evil.example/",
  "/\t/evil.example/",
  "/\n/evil.example/",
  "/\r/evil.example/",
  "\t//evil.example/",
  "/\t\\evil.example/",
  "https://evil.example/",
  "/%09/evil.example/",
];

describe("web desk: no open redirect after login", () => {
  it("the login form's «tiep» never sends the person to another host", async () => {
    const { app } = await webDesk({ now: () => NOW });
    for (const tiep of TRICKS) {
      const res = await post(app, "/dang-nhap", { login: PEOPLE.tech.login, password: PASSWORD, tiep });
      expect(res.status, JSON.stringify(tiep)).toBe(303);
      expect(hostOf(res.headers.get("location")), JSON.stringify(tiep)).toBe(new URL(BASE).host);
    }
  });

  it("a signed-in person opening /dang-nhap?tiep=… stays on this site", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const s = await login(app, "tech");
    for (const tiep of TRICKS) {
      const res = await app.request(`/dang-nhap?tiep=${encodeURIComponent(tiep)}`, {
        headers: { cookie: s.cookie },
      });
      expect(res.status, JSON.stringify(tiep)).toBe(302);
      expect(hostOf(res.headers.get("location")), JSON.stringify(tiep)).toBe(new URL(BASE).host);
    }
  });

  it("an incident action's «ve» never sends the person to another host", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    await saveIncident(desk, NOW);
    const s = await login(app, "tech");
    for (const ve of TRICKS) {
      const fields = { _csrf: s.csrf, ve, note: "đã gọi điểm cầu" };
      const res = await post(app, "/su-co/SC-2026-0001/ghichu", fields, { cookie: s.cookie });
      expect(res.status, JSON.stringify(ve)).toBe(303);
      expect(hostOf(res.headers.get("location")), JSON.stringify(ve)).toBe(new URL(BASE).host);
    }
  });

  it("a plain path on this site is still where the login goes", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const res = await post(app, "/dang-nhap", {
      login: PEOPLE.tech.login,
      password: PASSWORD,
      tiep: "/su-co?trang-thai=open",
    });
    expect(res.headers.get("location")).toBe("/su-co?trang-thai=open");
  });
});
