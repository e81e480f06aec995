import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { at, request } from "../helpers.js";
import { login, post, webDesk } from "./support.js";

const NOW = at("2026-12-08", "10:00");

async function confirmed(desk: Awaited<ReturnType<typeof webDesk>>["desk"]) {
  const res = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  if (res.duplicate || res.decision.outcome !== "confirmed") throw new Error("expected a confirmed booking");
  return res.code;
}

const statusOf = async (desk: Awaited<ReturnType<typeof webDesk>>["desk"], code: string) =>
  (await desk.store.read((r) => r.bookings.get(code)))?.status;

describe("cancelling a booking from the web desk", () => {
  it("an MCU technician cancels with a reason: the clerk gets the cancellation with the invite withdrawn, the trail names the person", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await confirmed(desk);
    const tech = await login(app, "tech");
    const page = await (await app.request(`/dat-lich/${code}`, { headers: { cookie: tech.cookie } })).text();
    expect(page).toContain(`action="/dat-lich/${code}/huy"`);

    const res = await post(
      app,
      `/dat-lich/${code}/huy`,
      { _csrf: tech.csrf, reason: "Sở đề nghị lùi sang tuần sau" },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(
      new RegExp(`^/dat-lich/${code}\\?tb=da-huy&ma=${code}&kt=[\\w-]{22}$`),
    );
    expect(await statusOf(desk, code)).toBe("cancelled");
    const after = await (
      await app.request(res.headers.get("location")!, { headers: { cookie: tech.cookie } })
    ).text();
    expect(after).toContain(
      `Đã hủy lịch họp ${code}; thư báo hủy (kèm thu hồi thư mời) và tin nhóm đang được gửi.`,
    );
    expect(after).not.toContain(`action="/dat-lich/${code}/huy"`);

    const out = await desk.store.read((r) => r.outbox.list({ booking: code }));
    const mail = out.find((m) => m.kind === "booking-cancelled" && m.channel === "mail");
    expect(mail?.payload.text).toContain(`Lịch họp ${code} (09:00–11:00 Thứ Năm, 10/12/2026) ĐÃ HỦY.`);
    expect(mail?.payload.text).toContain("Lý do: Sở đề nghị lùi sang tuần sau.");
    // The clerk asked for nothing: the mail says the technical desk cancelled it.
    expect(String(mail?.payload.text).split("\n")[1]).toBe(
      "Đơn vị vận hành kỹ thuật đã hủy lịch họp này; đề nghị thông báo cho các điểm cầu.",
    );
    expect(mail?.payload.calendar).toMatchObject({ method: "CANCEL", uid: code });
    const events = await desk.store.read((r) => r.bookings.events(code));
    expect(events.at(-1)).toMatchObject({
      to: "cancelled",
      channel: "web",
      reason: "Sở đề nghị lùi sang tuần sau",
    });
  });

  it("refuses in Vietnamese: no reason, a role that may not, no CSRF token, a second cancellation, an unknown code", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await confirmed(desk);
    const tech = await login(app, "tech");
    const wan = await login(app, "wan");

    const blank = await post(
      app,
      `/dat-lich/${code}/huy`,
      { _csrf: tech.csrf, reason: "  " },
      { cookie: tech.cookie },
    );
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain("Hãy ghi lý do hủy: cơ quan đăng ký sẽ đọc lý do này.");

    // The WAN duty reads the booking but does not settle it; no form is offered.
    const wanPage = await (
      await app.request(`/dat-lich/${code}`, { headers: { cookie: wan.cookie } })
    ).text();
    expect(wanPage).not.toContain(`action="/dat-lich/${code}/huy"`);
    const byWan = await post(
      app,
      `/dat-lich/${code}/huy`,
      { _csrf: wan.csrf, reason: "x" },
      { cookie: wan.cookie },
    );
    expect(byWan.status).toBe(403);

    const noToken = await post(app, `/dat-lich/${code}/huy`, { reason: "x" }, { cookie: tech.cookie });
    expect(noToken.status).toBe(403);
    expect(await statusOf(desk, code)).toBe("confirmed");

    const first = await post(
      app,
      `/dat-lich/${code}/huy`,
      { _csrf: tech.csrf, reason: "hủy" },
      { cookie: tech.cookie },
    );
    expect(first.status).toBe(303);
    const second = await post(
      app,
      `/dat-lich/${code}/huy`,
      { _csrf: tech.csrf, reason: "hủy" },
      { cookie: tech.cookie },
    );
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("Lịch họp đã ở trạng thái «đã hủy» từ trước.");
    const cancels = (await desk.store.read((r) => r.outbox.list({ booking: code }))).filter(
      (m) => m.kind === "booking-cancelled" && m.channel === "mail",
    );
    expect(cancels).toHaveLength(1);

    const unknown = await post(
      app,
      "/dat-lich/HTT-2026-9999/huy",
      { _csrf: tech.csrf, reason: "x" },
      { cookie: tech.cookie },
    );
    expect(unknown.status).toBe(404);
    // The desk's 404 page (tests/web/round16.test.ts), not a line of plain text.
    expect(await unknown.text()).toContain(
      "Không có lịch họp «HTT-2026-9999». Mã lịch họp có dạng HTT-2026-0001: hãy kiểm tra lại địa chỉ.",
    );
  });
});
