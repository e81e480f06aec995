import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { at, request } from "../helpers.js";
import { login, post, webDesk } from "../web/support.js";

/**
 * The web desk's newest doors, cancel (`POST /dat-lich/:code/huy`) and move (`/doi-gio`), attacked: a double
 * submit, a move onto the time the session already has, a secret session's code in the hands of a technician, a
 * move onto a secret session's endpoints, the roles and the CSRF token.
 */
const NOW = at("2026-12-08", "10:00");
type WebDesk = Awaited<ReturnType<typeof webDesk>>;

async function book(desk: WebDesk["desk"], o: Parameters<typeof request>[0] = {}) {
  const res = await registerBooking(desk, request(o), { now: at("2026-12-07", "08:30") });
  if (res.duplicate || res.decision.outcome !== "confirmed") throw new Error("expected a confirmed booking");
  return res.code;
}

const SECRET = {
  title: "Bàn phương án nhân sự",
  secret: true,
  host: "Sở Tư pháp",
  participants: ["CX-00008"],
  start: at("2026-12-10", "14:00"),
  end: at("2026-12-10", "16:00"),
};

const flashOf = (html: string) => /class="flash error"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? "";
const mailsOf = async (desk: WebDesk["desk"], code: string) =>
  (await desk.store.read((r) => r.outbox.list({ booking: code }))).map((m) => `${m.channel}:${m.kind}`);

describe("web move: a double submit or the same time again mails the clerk once", () => {
  it("two identical moves at once (a double click): one change, one mail, the other says nothing changed", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await book(desk);
    const tech = await login(app, "tech");
    const before = (await mailsOf(desk, code)).length;
    const move = () =>
      post(
        app,
        `/dat-lich/${code}/doi-gio`,
        { _csrf: tech.csrf, ngay: "2026-12-11", tu: "14:00", den: "15:00" },
        { cookie: tech.cookie },
      );
    const answers = await Promise.all([move(), move()]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409]);
    const second = answers.find((r) => r.status === 409)!;
    expect(flashOf(await second.text())).toContain(
      `Lịch họp ${code} đã ở đúng thời gian này (14:00–15:00 Thứ Sáu, 11/12/2026); không có gì thay đổi và không gửi thư nào.`,
    );
    expect((await mailsOf(desk, code)).slice(before)).toEqual([
      "mail:booking-changed",
      "group:booking-public",
    ]);
    const b = await desk.store.read((r) => r.bookings.get(code));
    expect(b?.request.start?.toISOString()).toBe(at("2026-12-11", "14:00").toISOString());
  });

  it("moving a session onto the time it already has changes, audits and mails nothing", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await book(desk);
    const tech = await login(app, "tech");
    const before = {
      mails: await mailsOf(desk, code),
      events: (await desk.store.read((r) => r.bookings.events(code))).length,
      sequence: (await desk.store.read((r) => r.bookings.get(code)))?.sequence,
    };
    const res = await post(
      app,
      `/dat-lich/${code}/doi-gio`,
      { _csrf: tech.csrf, ngay: "2026-12-10", tu: "09:00", den: "11:00" },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(409);
    expect(await mailsOf(desk, code)).toEqual(before.mails);
    expect((await desk.store.read((r) => r.bookings.events(code))).length).toBe(before.events);
    expect((await desk.store.read((r) => r.bookings.get(code)))?.sequence).toBe(before.sequence);
  });
});

describe("web move: a mistyped year", () => {
  it("a move past the booking horizon (2062 for 2026) is refused and mails nobody; the session keeps its slot", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await book(desk);
    const tech = await login(app, "tech");
    const before = await mailsOf(desk, code);
    const res = await post(
      app,
      `/dat-lich/${code}/doi-gio`,
      { _csrf: tech.csrf, ngay: "2062-12-10", tu: "09:00", den: "11:00" },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(409);
    const text = flashOf(await res.text());
    expect(text).toContain(`Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`);
    expect(text).toContain("xa hơn 12 tháng kể từ hôm nay");
    expect(await mailsOf(desk, code)).toEqual(before);
    const b = await desk.store.read((r) => r.bookings.get(code));
    expect([b?.status, b?.request.start?.toISOString()]).toEqual([
      "confirmed",
      at("2026-12-10", "09:00").toISOString(),
    ]);
  });
});

describe("web cancel and move: what held", () => {
  it("a double cancel cancels once and mails the clerk once", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await book(desk);
    const tech = await login(app, "tech");
    const cancel = () =>
      post(app, `/dat-lich/${code}/huy`, { _csrf: tech.csrf, reason: "trùng lịch" }, { cookie: tech.cookie });
    const statuses = (await Promise.all([cancel(), cancel()])).map((r) => r.status).sort();
    expect(statuses).toEqual([303, 409]);
    expect((await mailsOf(desk, code)).filter((k) => k === "mail:booking-cancelled")).toHaveLength(1);
  });

  it("WAN duty may neither cancel nor move; without the CSRF token nobody may", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await book(desk);
    const wan = await login(app, "wan");
    const tech = await login(app, "tech");
    const slot = { ngay: "2026-12-11", tu: "14:00", den: "15:00" };
    expect(
      (await post(app, `/dat-lich/${code}/huy`, { _csrf: wan.csrf, reason: "x" }, { cookie: wan.cookie }))
        .status,
    ).toBe(403);
    expect(
      (await post(app, `/dat-lich/${code}/doi-gio`, { _csrf: wan.csrf, ...slot }, { cookie: wan.cookie }))
        .status,
    ).toBe(403);
    expect((await post(app, `/dat-lich/${code}/huy`, { reason: "x" }, { cookie: tech.cookie })).status).toBe(
      403,
    );
    expect((await post(app, `/dat-lich/${code}/doi-gio`, slot, { cookie: tech.cookie })).status).toBe(403);
    expect((await desk.store.read((r) => r.bookings.get(code)))?.status).toBe("confirmed");
  });

  it("a technician's refused move of a secret session, and its invite, name nothing of it", async () => {
    const { desk, app } = await webDesk({
      now: () => NOW,
      settings: {
        mail: { from: "desk@hanoi.gov.vn", fromName: "Bàn kỹ thuật", messageIdDomain: "hanoi.gov.vn" },
      },
    });
    const secret = await book(desk, SECRET);
    await book(desk, { start: at("2026-12-10", "09:00"), end: at("2026-12-10", "11:00") });
    const tech = await login(app, "tech");
    const res = await post(
      app,
      `/dat-lich/${secret}/doi-gio`,
      { _csrf: tech.csrf, ngay: "2026-12-10", tu: "09:30", den: "10:30" },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(409);
    const text = flashOf(await res.text());
    expect(text).toContain("chi tiết được trao đổi qua kênh bảo mật");
    for (const leak of [SECRET.title, SECRET.host, "CX-00008", "Ngọc Hà"]) expect(text).not.toContain(leak);
    const ics = await (
      await app.request(`/dat-lich/${secret}/thu-moi.ics`, { headers: { cookie: tech.cookie } })
    ).text();
    expect(ics).toContain(`SUMMARY:Phiên họp trực tuyến ${secret}`);
    for (const leak of [SECRET.title, SECRET.host, "CX-00008", "ATTENDEE"]) expect(ics).not.toContain(leak);
  });

  it("a move onto a secret session's endpoints is refused without naming the secret session", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const secret = await book(desk, SECRET);
    const code = await book(desk);
    const tech = await login(app, "tech");
    const res = await post(
      app,
      `/dat-lich/${code}/doi-gio`,
      { _csrf: tech.csrf, ngay: "2026-12-10", tu: "14:30", den: "15:30" },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(409);
    const text = flashOf(await res.text());
    expect(text).toContain("đã có lịch họp khác trùng thời gian");
    for (const leak of [secret, SECRET.title, SECRET.host, "mật"]) expect(text).not.toContain(leak);
  });

  it("a technician's cancel reason for a secret session stays in the audit trail: neither the group nor the mail carries it (CLI alike)", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const secret = await book(desk, SECRET);
    const tech = await login(app, "tech");
    const page = await (
      await app.request(`/dat-lich/${secret}`, { headers: { cookie: tech.cookie } })
    ).text();
    expect(page).toContain(
      "Lý do hủy (ghi vào nhật ký; phiên họp mật: thư cho cơ quan đăng ký và nhóm hỗ trợ không nêu lý do)",
    );
    const before = (await desk.store.read((r) => r.outbox.list({ booking: secret }))).length;
    const reason = "đồng chí Giám đốc Sở Tư pháp bận đột xuất";
    const res = await post(
      app,
      `/dat-lich/${secret}/huy`,
      { _csrf: tech.csrf, reason },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(303);
    const out = (await desk.store.read((r) => r.outbox.list({ booking: secret }))).slice(before);
    expect(out.filter((m) => m.channel === "group").map((m) => m.payload.text)).toEqual([
      `[${secret}] ĐÃ HỦY — phiên mật`,
    ]);
    const mail = String(out.find((m) => m.channel === "mail")?.payload.text);
    expect(mail).toContain(`Lịch họp ${secret} (14:00–16:00 Thứ Năm, 10/12/2026) ĐÃ HỦY.`);
    expect(mail).toContain("Lý do: được trao đổi qua kênh bảo mật, không qua thư điện tử.");
    expect(mail).not.toContain("Giám đốc");
    const events = await desk.store.read((r) => r.bookings.events(secret));
    expect(events.at(-1)).toMatchObject({ to: "cancelled", reason });
  });
});
