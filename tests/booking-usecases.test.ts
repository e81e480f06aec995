import { describe, expect, it } from "vitest";
import { approveBooking, registerBooking, rejectBooking } from "../src/app/booking/index.js";
import type { Actor, Desk } from "../src/app/context.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";

const people = sampleDirectory.people;

async function actorFor(desk: Desk, role: string, endpoint?: string): Promise<Actor> {
  const p = people.find((x) => x.role === role && (endpoint === undefined || x.endpoint === endpoint))!;
  const person = await desk.store.read((r) => r.incidents.personByChat("telegram", p.telegramId!));
  expect(person?.role).toBe(role);
  return { id: `web:${person!.id}`, channel: "web", person };
}

/** A late registration (under 24 h before its start) waits for a technician's review. */
async function inReview() {
  const desk = await makeDesk();
  const received = at("2026-12-09", "10:00");
  const res = await registerBooking(desk, request({ receivedAt: received }), { now: received });
  if (res.duplicate) throw new Error("unexpected duplicate");
  expect(res.booking.status).toBe("needs-review");
  return { desk, code: res.code, now: at("2026-12-09", "10:30") };
}

describe("booking review as values (the web's approve and reject)", () => {
  it("approves: confirmed, audited with the web channel, the clerk's mail carries the invite", async () => {
    const { desk, code, now } = await inReview();
    const staff = await actorFor(desk, "mcu-technician");
    const out = await approveBooking(desk, staff, code, "đồng ý", now);
    expect(out).toMatchObject({ ok: true, booking: { code, status: "confirmed" } });
    const events = await desk.store.read((r) => r.bookings.events(code));
    expect(events.at(-1)).toMatchObject({
      to: "confirmed",
      actor: staff.id,
      channel: "web",
      reason: "đồng ý",
    });
    const mail = (await desk.store.read((r) => r.outbox.list({ booking: code }))).filter(
      (m) => m.channel === "mail" && m.kind === "booking-confirmed",
    );
    expect(mail).toHaveLength(1);
    expect(mail[0]!.payload.calendar).toMatchObject({ method: "REQUEST", uid: code });
  });

  it("refusals are values: unknown code, not in review, and an endpoint person's attempt", async () => {
    const { desk, code, now } = await inReview();
    const staff = await actorFor(desk, "mcu-technician");
    const endpointTech = await actorFor(desk, "technician", "CX-00008");
    expect(await rejectBooking(desk, staff, "HTT-2026-9999", "trùng lịch", now)).toEqual({
      ok: false,
      reason: "not-found",
      message: "Không tìm thấy lịch họp HTT-2026-9999.",
    });
    expect(await approveBooking(desk, endpointTech, code, "đồng ý", now)).toMatchObject({
      ok: false,
      reason: "forbidden",
    });
    expect((await desk.store.read((r) => r.bookings.get(code)))?.status).toBe("needs-review");
    expect(await rejectBooking(desk, staff, code, "trùng lịch", now)).toMatchObject({
      ok: true,
      booking: { status: "rejected" },
    });
    expect(await approveBooking(desk, staff, code, "đồng ý", now)).toEqual({
      ok: false,
      reason: "wrong-status",
      message: `Lịch họp ${code} không ở trạng thái chờ xem xét (hiện: từ chối).`,
    });
  });
});
