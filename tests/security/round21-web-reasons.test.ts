/**
 * Round 21, the web desk: a cancellation's or a refusal's reason goes to the clerk's mail and to the group. Chat
 * cleans what a person types (bidi overrides, zero-width characters, control characters: src/bot/clean.ts); the web
 * forms did not. A reason of only «\u0000» or «\u200b» passed «Hãy ghi lý do …» and the clerk read «Lý do: .»; a
 * right-to-left override in a reason turned the rest of the group's line around.
 */
import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import type { Desk } from "../../src/app/desk.js";
import { at, request } from "../helpers.js";
import { login, pendingBooking, post, saveIncident, statusOf, webDesk } from "../web/support.js";

async function texts(desk: Desk, code: string): Promise<string[]> {
  return (await desk.store.read((r) => r.outbox.list({ booking: code }))).map((m) =>
    String((m.payload as { text?: string }).text ?? ""),
  );
}

describe("round 21: reasons typed on the web desk", () => {
  it("a cancellation whose reason is only invisible characters is refused, the booking kept", async () => {
    const { desk, app } = await webDesk({ now: () => at("2026-12-08", "10:00") });
    const res = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("duplicate");
    const tech = await login(app, "tech");
    for (const reason of ["\u0000", "\u200b", " \u202e \ufeff"]) {
      const refused = await post(
        app,
        `/dat-lich/${res.code}/huy`,
        { _csrf: tech.csrf, reason },
        { cookie: tech.cookie },
      );
      expect(refused.status, JSON.stringify(reason)).toBe(400);
      expect(await refused.text()).toContain("Hãy ghi lý do hủy: cơ quan đăng ký sẽ đọc lý do này.");
    }
    expect(await statusOf(desk, res.code)).toBe("confirmed");
    // A reason with an override inside goes out without it.
    const done = await post(
      app,
      `/dat-lich/${res.code}/huy`,
      { _csrf: tech.csrf, reason: "Lãnh đạo bận \u202eđột xuất" },
      { cookie: tech.cookie },
    );
    expect(done.status).toBe(303);
    const out = await texts(desk, res.code);
    expect(out.some((t) => t.includes("Lãnh đạo bận đột xuất"))).toBe(true);
    expect(out.join("\n")).not.toContain("\u202e");
  });

  it("a refusal in «Chờ xử lý» whose reason is only invisible characters is refused, the booking still in review", async () => {
    const NOW = at("2026-12-10", "08:00");
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await pendingBooking(desk);
    const tech = await login(app, "tech");
    for (const reason of ["\u0000\u0000", "\u2060\u200b"]) {
      const refused = await post(
        app,
        `/cho-xu-ly/${code}/tu-choi`,
        { _csrf: tech.csrf, reason },
        { cookie: tech.cookie },
      );
      expect(refused.status, JSON.stringify(reason)).toBe(400);
      expect(await refused.text()).toContain("Hãy ghi lý do từ chối.");
    }
    expect(await statusOf(desk, code)).toBe("needs-review");
    expect(await texts(desk, code)).not.toContainEqual(expect.stringContaining("TỪ CHỐI"));
  });

  it("an incident note of only invisible characters is refused as an empty note, nothing added", async () => {
    const NOW = at("2026-12-10", "08:00");
    const { desk, app } = await webDesk({ now: () => NOW });
    await saveIncident(desk, NOW);
    const tech = await login(app, "tech");
    const before = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    const res = await post(
      app,
      "/su-co/SC-2026-0001/ghichu",
      { _csrf: tech.csrf, note: "\u200b\u0000\u202e" },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Chưa có nội dung ghi chú cho sự cố SC-2026-0001");
    expect(await desk.store.read((r) => r.incidents.events("SC-2026-0001"))).toHaveLength(before.length);
  });
});
