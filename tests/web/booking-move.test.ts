import { describe, expect, it } from "vitest";
import { registerBooking, slotFromInput } from "../../src/app/booking/index.js";
import { at, request } from "../helpers.js";
import { login, post, webDesk } from "./support.js";

const NOW = at("2026-12-08", "10:00");
type WebDesk = Awaited<ReturnType<typeof webDesk>>;

async function confirmed(desk: WebDesk["desk"], overrides: Parameters<typeof request>[0] = {}) {
  const res = await registerBooking(desk, request(overrides), { now: at("2026-12-07", "08:30") });
  if (res.duplicate || res.decision.outcome !== "confirmed") throw new Error("expected a confirmed booking");
  return res.code;
}

const move = (
  app: WebDesk["app"],
  code: string,
  who: { cookie: string; csrf: string },
  f: Record<string, string>,
) => post(app, `/dat-lich/${code}/doi-gio`, { _csrf: who.csrf, ...f }, { cookie: who.cookie });

describe("moving a session from the web desk", () => {
  it("an MCU technician moves a confirmed session: the rules run again, the clerk gets the changed invite in the thread", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await confirmed(desk);
    const tech = await login(app, "tech");
    const page = await (await app.request(`/dat-lich/${code}`, { headers: { cookie: tech.cookie } })).text();
    expect(page).toContain('name="ngay" type="date" required="" value="2026-12-10"');
    expect(page).toContain('name="tu" type="time" required="" value="09:00"');

    const res = await move(app, code, tech, { ngay: "2026-12-10", tu: "14:00", den: "15:30" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(
      new RegExp(`^/dat-lich/${code}\\?tb=da-doi-gio&ma=${code}&kt=[\\w-]{22}$`),
    );
    const b = await desk.store.read((r) => r.bookings.get(code));
    expect([b?.status, b?.request.start?.toISOString(), b?.request.end?.toISOString()]).toEqual([
      "confirmed",
      at("2026-12-10", "14:00").toISOString(),
      at("2026-12-10", "15:30").toISOString(),
    ]);
    const out = await desk.store.read((r) => r.outbox.list({ booking: code }));
    const first = out.find((m) => m.kind === "booking-confirmed" && m.channel === "mail")!;
    const changed = out.find((m) => m.kind === "booking-changed" && m.channel === "mail");
    expect(changed?.payload.text).toContain("14:00–15:30 Thứ Năm, 10/12/2026");
    // The clerk asked for nothing: the answer says the desk moved the session, and from when.
    expect(changed?.payload.text).toContain(
      "Đơn vị vận hành kỹ thuật đã đổi thời gian họp: từ 09:00–11:00 Thứ Năm, 10/12/2026 sang 14:00–15:30 Thứ Năm, 10/12/2026",
    );
    expect(changed?.payload.calendar).toMatchObject({ method: "REQUEST", uid: code });
    expect((changed!.payload.calendar as { sequence: number }).sequence).toBeGreaterThan(
      (first.payload.calendar as { sequence: number }).sequence,
    );
    const events = await desk.store.read((r) => r.bookings.events(code));
    // The person and the channel on the change; the rules' decision after it.
    expect(events.slice(-2)).toMatchObject([
      {
        actor: `web:${"mcu1.ttth@hanoi.gov.vn"}`,
        channel: "web",
        reason: "thay đổi: giờ bắt đầu, giờ kết thúc",
      },
      { actor: "system", to: "confirmed", reason: "đủ điều kiện theo Quy chế" },
    ]);
  });

  it("a slot the rules refuse leaves the booking as it was and mails nobody; the technician reads why", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await confirmed(desk);
    // Ngọc Hà is busy in the afternoon.
    await confirmed(desk, {
      host: "Sở Tư pháp",
      participants: ["CX-00008"],
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "16:00"),
    });
    const tech = await login(app, "tech");
    const before = await desk.store.read(async (r) => ({
      outbox: (await r.outbox.list({ booking: code })).length,
      events: (await r.bookings.events(code)).length,
    }));
    const res = await move(app, code, tech, { ngay: "2026-12-10", tu: "14:30", den: "15:30" });
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(text).toContain(`Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`);
    expect(text).toContain("Phường Ngọc Hà (CX-00008)");
    const after = await desk.store.read(async (r) => ({
      outbox: (await r.outbox.list({ booking: code })).length,
      events: (await r.bookings.events(code)).length,
      start: (await r.bookings.get(code))?.request.start?.toISOString(),
    }));
    expect(after).toEqual({ ...before, start: at("2026-12-10", "09:00").toISOString() });
  });

  it("refuses bad input in Vietnamese, and a role that may not move", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await confirmed(desk);
    const tech = await login(app, "tech");
    const cases: [Record<string, string>, string][] = [
      [
        { ngay: "2026-02-30", tu: "09:00", den: "10:00" },
        "Ngày «2026-02-30» không hợp lệ; hãy chọn ngày dạng 2026-12-10.",
      ],
      [{ ngay: "2026-12-10", tu: "25:00", den: "10:00" }, "Giờ «25:00» không hợp lệ; hãy ghi dạng 14:30."],
      [{ ngay: "2026-12-10", tu: "10:00", den: "9h" }, "Giờ «9h» không hợp lệ; hãy ghi dạng 14:30."],
      [{ ngay: "2026-12-10", tu: "11:00", den: "10:00" }, "Giờ kết thúc 10:00 phải sau giờ bắt đầu 11:00."],
    ];
    for (const [fields, said] of cases) {
      const res = await move(app, code, tech, fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(await res.text()).toContain(said);
    }
    // A slot already past (NOW is 08/12 10:00): said as a technician reads it, not as the clerk's lead-time rule.
    for (const fields of [
      { ngay: "2026-12-07", tu: "09:00", den: "10:00" },
      { ngay: "2026-12-08", tu: "09:00", den: "11:00" },
    ]) {
      const res = await move(app, code, tech, fields);
      expect(res.status, JSON.stringify(fields)).toBe(409);
      const text = await res.text();
      expect(text).toContain(`Không thể dời lịch họp ${code} sang thời gian đã qua`);
      expect(text).not.toContain("Điều 12.2a");
    }
    const wan = await login(app, "wan");
    expect((await move(app, code, wan, { ngay: "2026-12-10", tu: "14:00", den: "15:00" })).status).toBe(403);
    expect((await desk.store.read((r) => r.bookings.get(code)))?.request.start?.toISOString()).toBe(
      at("2026-12-10", "09:00").toISOString(),
    );
  });
});

describe("a session across midnight", () => {
  it("is moved with the form as it shows it: an end before the start is the next day's, up to 8 hours", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await confirmed(desk, { start: at("2026-12-10", "22:00"), end: at("2026-12-11", "01:00") });
    const tech = await login(app, "tech");
    const page = await (await app.request(`/dat-lich/${code}`, { headers: { cookie: tech.cookie } })).text();
    expect(page).toContain('name="den" type="time" required="" value="01:00"');
    // One hour longer, as typed into the form it shows (it was «Giờ kết thúc 02:00 phải sau giờ bắt đầu 22:00»).
    const res = await move(app, code, tech, { ngay: "2026-12-10", tu: "22:00", den: "02:00" });
    expect(res.status).toBe(303);
    const b = await desk.store.read((r) => r.bookings.get(code));
    expect([b?.request.start?.toISOString(), b?.request.end?.toISOString()]).toEqual([
      at("2026-12-10", "22:00").toISOString(),
      at("2026-12-11", "02:00").toISOString(),
    ]);
  });

  it("a slip of the hour («14:00 → 13:00», 23 hours) is still refused", () => {
    expect(slotFromInput("2026-12-10", "14:00", "13:00", "Asia/Ho_Chi_Minh")).toEqual({
      error: "Giờ kết thúc 13:00 phải sau giờ bắt đầu 14:00.",
    });
    expect(slotFromInput("2026-12-10", "20:00", "04:00", "Asia/Ho_Chi_Minh")).toEqual({
      start: at("2026-12-10", "20:00"),
      end: at("2026-12-11", "04:00"),
    });
    expect("error" in slotFromInput("2026-12-10", "20:00", "04:01", "Asia/Ho_Chi_Minh")).toBe(true);
  });
});
