import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { incidentJobHandlers } from "../src/app/chat/conversation.js";
import type { Desk } from "../src/app/desk.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { SessionRunner } from "../src/app/session-runner.js";
import { SimulatorMcu } from "../src/mcu/simulator.js";
import { at, makeDesk, request, tempDir } from "./helpers.js";

/**
 * The desk was off for hours over a session (a power cut in the server room, a host that did not come back after
 * an update). Its timers and the session's start come due all at once when it is started again. What is still of
 * use runs; what is too late is skipped; and the MCU technician is told, in Vietnamese, what was missed.
 * Session 09:00–11:00 on Thursday 10/12/2026 with recording; its technical check is due at 07:00, the follow-up
 * at 08:00, the recording handover two working days after the end.
 */

async function scene(): Promise<{ desk: Desk; code: string; mcu: SimulatorMcu; runner: SessionRunner }> {
  const desk = await makeDesk();
  const res = await registerBooking(desk, request({ recording: true }), { now: at("2026-12-07", "08:30") });
  expect(res.duplicate ? "dup" : res.decision.outcome).toBe("confirmed");
  const mcu = new SimulatorMcu({ recordingDir: tempDir() });
  return { desk, code: res.code!, mcu, runner: new SessionRunner(desk, mcu) };
}

/** What a restarted desk does at `now`: its due timers, then a session runner tick (as the service's loops do). */
async function restartAt(s: { desk: Desk; runner: SessionRunner }, now: Date): Promise<void> {
  await runDueJobs(s.desk, { ...sessionJobHandlers(s.desk), ...incidentJobHandlers() }, now);
  await s.runner.tick(now);
}

const outbox = (desk: Desk, code: string) => desk.store.read((r) => r.outbox.list({ booking: code }));

describe("the desk off for hours over a session", () => {
  it("off over the whole session: nothing is started or checked late, the technician hears once it was missed", async () => {
    const s = await scene();
    await restartAt(s, at("2026-12-10", "14:00"));
    await restartAt(s, at("2026-12-10", "14:01"));
    expect(s.mcu.calls).toEqual([]);
    const out = await outbox(s.desk, s.code);
    // Only the confirmation posted on 07/12: no check asked for, no start posted.
    expect(out.filter((m) => m.channel === "group").map((m) => m.kind)).toEqual(["booking-public"]);
    const missed = out.filter((m) => m.kind === "session-missed");
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatchObject({ channel: "desk", recipient: "mcu-technician" });
    const text = String(missed[0]!.payload.text);
    expect(text).toContain(`[${s.code}]`);
    expect(text).toContain("không được mở trên MCU");
    expect(text).toContain("không có bản ghi");
    // Its recording handover comes due two working days later: there is no recording to hand over, so no reminder.
    await restartAt(s, at("2026-12-14", "17:31"));
    await restartAt(s, at("2026-12-15", "17:31"));
    expect((await outbox(s.desk, s.code)).filter((m) => m.kind.startsWith("handover"))).toEqual([]);
    expect(await s.desk.store.read((r) => r.jobs.list(["pending"]))).toEqual([]);
  });

  it("off for three days over it: the first tick after the start still tells of it, and a session left live is ended", async () => {
    const s = await scene();
    await restartAt(s, at("2026-12-13", "10:00"));
    const missed = (await outbox(s.desk, s.code)).filter((m) => m.kind === "session-missed");
    expect(missed).toHaveLength(1);
    expect(s.mcu.calls).toEqual([]);
    // A session the desk started, then the desk was off for three days past its end: it is ended, not left live.
    const t = await scene();
    await restartAt(t, at("2026-12-10", "09:00"));
    expect((await t.desk.store.read((r) => r.bookings.get(t.code)))!.status).toBe("live");
    const later = new SessionRunner(t.desk, t.mcu);
    await later.tick(at("2026-12-13", "10:00"));
    expect((await t.desk.store.read((r) => r.bookings.get(t.code)))!.status).not.toBe("live");
    expect(t.mcu.calls.slice(-2)).toEqual(["record stop", "end"]);
  });

  it("off over the start: the session starts at once, no check is asked for after the start, the lateness is said", async () => {
    const s = await scene();
    await restartAt(s, at("2026-12-10", "09:40"));
    expect(s.mcu.calls[0]).toBe(`create ${s.code}`);
    const out = await outbox(s.desk, s.code);
    // The technical check (due 07:00) and its follow-up (08:00) are too late to ask the endpoints for.
    expect(out.filter((m) => m.kind === "technical-check" || m.kind === "check-ping")).toEqual([]);
    expect(out.filter((m) => m.kind === "check-missing")).toEqual([]);
    const skipped = out.filter((m) => m.kind === "technical-check-missed");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ channel: "desk", recipient: "mcu-technician" });
    expect(String(skipped[0]!.payload.text)).toContain("không được thực hiện");
    // The group's start post says the session began 40 minutes late.
    const start = out.filter((m) => m.kind === "session").map((m) => String(m.payload.text));
    expect(start).toHaveLength(1);
    expect(start[0]).toContain("bắt đầu muộn 40 phút");
  });

  it("off only before the check's time: the late check still runs (the session is ahead), started on time", async () => {
    const s = await scene();
    await restartAt(s, at("2026-12-10", "08:50"));
    await restartAt(s, at("2026-12-10", "09:00"));
    const out = await outbox(s.desk, s.code);
    expect(out.filter((m) => m.kind === "technical-check")).toHaveLength(1);
    expect(out.filter((m) => m.kind === "technical-check-missed")).toEqual([]);
    const start = out.filter((m) => m.kind === "session").map((m) => String(m.payload.text));
    expect(start).toHaveLength(1);
    expect(start[0]).not.toContain("muộn");
  });
});
