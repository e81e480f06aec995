import { describe, expect, it } from "vitest";
import { at } from "../helpers.js";
import { login, registerSecretSession, saveIncident, webDesk } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");

/**
 * Điều 5.2 and the web desk's promise: only admins see a secret session's host and endpoints. A page that puts
 * the session's code on the rows of its endpoints, or lists it under a filter by endpoint or agency, tells
 * a technician exactly that.
 */
async function secretSession(desk: Awaited<ReturnType<typeof webDesk>>["desk"]) {
  const res = await registerSecretSession(desk);
  const places = [...new Set([res.booking.hostEndpoint, ...res.booking.request.participants])].filter(
    (c): c is string => Boolean(c),
  );
  expect(places.length).toBeGreaterThan(1);
  return { code: res.code, places };
}

describe("web desk: a secret session's endpoints are shown to admins only", () => {
  it("the calendar shows a technician the secret session's code and time, on no endpoint's row", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const { code, places } = await secretSession(desk);
    for (const who of ["tech", "wan"] as const) {
      const s = await login(app, who);
      for (const q of ["?xem=ngay&ngay=2026-12-10", "?xem=tuan&ngay=2026-12-07"]) {
        const html = await (await app.request(`/lich-noi-bo${q}`, { headers: { cookie: s.cookie } })).text();
        expect(html, `${who} ${q}`).toContain(code);
        expect(html, `${who} ${q}`).toContain("phiên họp mật");
        for (const place of places) expect(html, `${who} ${q} ${place}`).not.toContain(place);
      }
    }
    const admin = await login(app, "admin");
    const html = await (
      await app.request("/lich-noi-bo?xem=ngay&ngay=2026-12-10", { headers: { cookie: admin.cookie } })
    ).text();
    for (const place of places) expect(html, place).toContain(place);
    expect(html).toContain("Bàn phương án nhân sự");
  });

  it("filtering the calendar by the host agency does not tell a technician the session is theirs", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const { code } = await secretSession(desk);
    const tech = await login(app, "tech");
    const url = `/lich-noi-bo?xem=ngay&ngay=2026-12-10&co-quan=${encodeURIComponent("Sở Công Thương")}`;
    const filtered = await (await app.request(url, { headers: { cookie: tech.cookie } })).text();
    const other = `/lich-noi-bo?xem=ngay&ngay=2026-12-10&co-quan=${encodeURIComponent("Sở Tư pháp")}`;
    const unrelated = await (await app.request(other, { headers: { cookie: tech.cookie } })).text();
    // The same answer whichever agency is picked: the secret session is listed apart, or in both.
    expect(filtered.includes(code)).toBe(unrelated.includes(code));
  });

  it("filtering incidents by endpoint does not tell a technician which endpoint a secret session's incident is at", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const { code, places } = await secretSession(desk);
    const [at0, other] = places as [string, string];
    await saveIncident(desk, NOW, { endpoint: at0, booking: code });
    const list = async (cookie: string, endpoint: string) =>
      (await app.request(`/su-co?diem-cau=${endpoint}`, { headers: { cookie } })).text();
    const tech = await login(app, "tech");
    // Unfiltered, the incident is listed (its place hidden); filtered by any endpoint, it answers alike.
    expect(await (await app.request("/su-co", { headers: { cookie: tech.cookie } })).text()).toContain(
      "SC-2026-0001",
    );
    expect((await list(tech.cookie, at0)).includes("SC-2026-0001")).toBe(
      (await list(tech.cookie, other)).includes("SC-2026-0001"),
    );
    const admin = await login(app, "admin");
    expect(await list(admin.cookie, at0)).toContain("SC-2026-0001");
    expect(await list(admin.cookie, other)).not.toContain("SC-2026-0001");
  });

  it("a secret session's own page names neither its host nor the mailbox that registered it to a technician", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const { code, places } = await secretSession(desk);
    // Its trail's first step was taken by the clerk's mailbox.
    const tech = await login(app, "tech");
    const html = await (await app.request(`/dat-lich/${code}`, { headers: { cookie: tech.cookie } })).text();
    expect(html).toContain(code);
    for (const word of ["Sở Công Thương", "vanthu.sct@hanoi.gov.vn", "Lâm Thị Ngọc", ...places])
      expect(html, word).not.toContain(word);
  });
});
