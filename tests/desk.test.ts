import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  cancelBooking,
  changeBooking,
  JOB,
  registerBooking,
  reviewBooking,
  workingDaysDeadline,
} from "../src/app/booking/index.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { at, emergencyOverSession, makeDesk, openTestStore, request, tempDir } from "./helpers.js";

const inbound = (key: string) => ({ channel: "mail", key });

describe("registerBooking: one transaction per registration", () => {
  it("records, decides, answers, posts and arms the timers together", async () => {
    const desk = await makeDesk();
    const res = await registerBooking(desk, request({ recording: true }), {
      now: at("2026-12-07", "08:30"),
      inbound: inbound("<a@x>"),
    });
    expect(res.duplicate).toBe(false);
    if (res.duplicate) return;
    expect(res.code).toBe("HTT-2026-0001");
    expect(res.booking.status).toBe("confirmed");
    const { events, outbox, jobs } = await desk.store.read(async (r) => ({
      events: await r.bookings.events(res.code),
      outbox: await r.outbox.list({ booking: res.code }),
      jobs: await r.jobs.list(),
    }));
    expect(events.map((e) => `${e.from ?? "-"}→${e.to} by ${e.actor} via ${e.channel}`)).toEqual([
      "-→received by vanthu.sct@hanoi.gov.vn via mail",
      "received→confirmed by system via system",
    ]);
    expect(outbox.map((m) => [m.channel, m.recipient, m.kind])).toEqual([
      ["mail", "vanthu.sct@hanoi.gov.vn", "booking-confirmed"],
      ["group", "support-group", "booking-public"],
    ]);
    expect(String(outbox[0]?.payload.text)).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
    // Technical check 2 h before (Điều 12.2b); handover 2 working days after Thu 10/12 → end of Mon 14/12 (Điều 14.2),
    // with a reminder as that day's office hours open.
    expect(jobs.map((j) => [j.kind, j.key, j.runAt.toISOString()])).toEqual([
      [JOB.technicalCheck, res.code, at("2026-12-10", "07:00").toISOString()],
      [JOB.checkFollowup, res.code, at("2026-12-10", "08:00").toISOString()],
      [JOB.handoverToday, res.code, at("2026-12-14", "07:30").toISOString()],
      [JOB.handoverDue, res.code, at("2026-12-14", "17:00").toISOString()],
    ]);
  });

  it("a confirmed session whose recording is dropped keeps no handover timers", async () => {
    const desk = await makeDesk();
    const res = await registerBooking(desk, request({ recording: true }), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("unexpected duplicate");
    await changeBooking(
      desk,
      res.code,
      { recording: false },
      { id: "mail:vanthu.sct@hanoi.gov.vn", channel: "mail" },
      { now: at("2026-12-07", "09:00") },
    );
    const pending = (await desk.store.read((r) => r.jobs.list()))
      .filter((j) => j.status === "pending")
      .map((j) => j.kind);
    expect(pending).toEqual([JOB.technicalCheck, JOB.checkFollowup]);
  });

  it("a redelivered message does nothing twice", async () => {
    const desk = await makeDesk();
    const first = await registerBooking(desk, request(), {
      now: at("2026-12-07", "08:30"),
      inbound: inbound("<dup@x>"),
    });
    const again = await registerBooking(desk, request(), {
      now: at("2026-12-07", "08:31"),
      inbound: inbound("<dup@x>"),
    });
    expect(again).toEqual({ duplicate: true, code: first.code });
    const counts = await desk.store.read(async (r) => ({
      bookings: (await r.bookings.list()).length,
      outbox: (await r.outbox.list()).length,
    }));
    expect(counts).toEqual({ bookings: 1, outbox: 2 });
  });

  it("nothing is half-written when a step fails mid-transaction", async () => {
    const desk = await makeDesk();
    const broken = {
      ...desk,
      holidays: {
        isWorkingDay: () => {
          throw new Error("boom");
        },
      },
    } as never;
    // A rejected request searches alternatives through the calendar, which throws here.
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:00") });
    await expect(
      registerBooking(broken, request({ sender: "vanthu.stp@hanoi.gov.vn", host: "Sở Tư pháp" }), {
        now: at("2026-12-07", "08:30"),
        inbound: inbound("<fail@x>"),
      }),
    ).rejects.toThrow("boom");
    const state = await desk.store.read(async (r) => ({
      bookings: (await r.bookings.list()).map((b) => b.code),
      inbound: await r.inbound.get("mail", "<fail@x>"),
      outbox: (await r.outbox.list()).length,
    }));
    expect(state).toEqual({ bookings: ["HTT-2026-0001"], inbound: null, outbox: 2 });
  });

  it("Điều 11.3: an emergency displaces a session, whose agency is told, and the audit says why", async () => {
    const desk = await makeDesk();
    const { normal, urgent } = await emergencyOverSession(desk);
    expect(urgent.decision.outcome).toBe("confirmed");
    expect(urgent.decision.displaced).toEqual([normal.code]);
    const displaced = await desk.store.read((r) => r.bookings.get(normal.code));
    expect(displaced?.status).toBe("needs-review");
    const events = await desk.store.read((r) => r.bookings.events(normal.code));
    expect(events.at(-1)?.reason).toBe(`nhường cho phiên ưu tiên ${urgent.code} (Điều 11)`);
    const notices = await desk.store.read((r) => r.outbox.list({ booking: normal.code }));
    expect(notices.filter((m) => m.kind === "booking-displaced").map((m) => m.recipient)).toEqual([
      "vanthu.sct@hanoi.gov.vn",
      "mcu-technician",
    ]);
    // The displaced booking cannot be confirmed back over the emergency.
    await expect(
      reviewBooking(
        desk,
        normal.code,
        "confirmed",
        { id: "cli:kt", channel: "cli" },
        "thử",
        at("2026-12-10", "01:10"),
      ),
    ).rejects.toThrow(`trùng điểm cầu, phòng họp hoặc năng lực MCU với lịch ${urgent.code}`);
  });

  it("a rejection carries the nearest free alternatives", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const res = await registerBooking(
      desk,
      request({ sender: "vanthu.stp@hanoi.gov.vn", host: "Sở Tư pháp" }),
      {
        now: at("2026-12-07", "08:40"),
      },
    );
    if (res.duplicate) throw new Error("unexpected duplicate");
    expect(res.decision.outcome).toBe("rejected");
    expect(res.decision.alternatives).toHaveLength(3);
    const mail = await desk.store.read((r) => r.outbox.list({ booking: res.code }));
    expect(String(mail[0]?.payload.text)).toContain("Các khung giờ còn trống gần nhất:");
  });
});

describe("bookings.ofHostStarting: a host's bookings still in play in a window", () => {
  it("reads only that host's, in the window, not cancelled, with their participants in code order", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-07", "08:30");
    const reg = async (o: Parameters<typeof request>[0]) => {
      const res = await registerBooking(desk, request(o), { now });
      if (res.duplicate) throw new Error("unexpected duplicate");
      return res.code;
    };
    const early = await reg({ participants: ["CX-00025", "CX-00008"] });
    const late = await reg({
      participants: ["CX-00070"],
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "15:00"),
    });
    const other = await reg({ host: "Sở Tài chính", participants: ["CX-00082"] });
    const nextDay = await reg({
      participants: ["CX-00091"],
      start: at("2026-12-11", "09:00"),
      end: at("2026-12-11", "10:00"),
    });
    const gone = await reg({
      participants: ["CX-00097"],
      start: at("2026-12-10", "16:00"),
      end: at("2026-12-10", "17:00"),
    });
    await cancelBooking(desk, gone, { id: "mail:vanthu.sct@hanoi.gov.vn", channel: "mail" }, "hoãn", now);
    const found = await desk.store.read((r) =>
      r.bookings.ofHostStarting("Sở Công Thương", at("2026-12-10", "00:00"), at("2026-12-11", "00:00")),
    );
    expect(found.map((b) => [b.code, b.status, b.request.participants])).toEqual([
      [early, "confirmed", ["CX-00008", "CX-00025"]],
      [late, "confirmed", ["CX-00070"]],
    ]);
    // The rest of each booking reads as `get` reads it.
    const got = await desk.store.read((r) => r.bookings.get(early));
    expect(found[0]).toEqual({
      ...got,
      request: { ...got!.request, participants: ["CX-00008", "CX-00025"] },
    });
    expect([other, nextDay].every((c) => !found.some((b) => b.code === c))).toBe(true);
  });
});

describe("SLA clock and the job table", () => {
  it("Điều 12.2b: a registration in review reminds at 90 min and is logged as a breach at 2 h", async () => {
    const desk = await makeDesk();
    const received = at("2026-12-09", "10:00");
    const res = await registerBooking(desk, request({ receivedAt: received }), { now: received });
    if (res.duplicate) throw new Error("unexpected duplicate");
    expect(res.booking.status).toBe("needs-review");
    const handlers = sessionJobHandlers(desk);
    expect(await runDueJobs(desk, handlers, at("2026-12-09", "11:29"))).toEqual({
      done: 0,
      failed: 0,
      parked: 0,
    });
    expect(await runDueJobs(desk, handlers, at("2026-12-09", "11:30"))).toEqual({
      done: 1,
      failed: 0,
      parked: 0,
    });
    expect(await runDueJobs(desk, handlers, at("2026-12-09", "12:00"))).toEqual({
      done: 1,
      failed: 0,
      parked: 0,
    });
    const kinds = (await desk.store.read((r) => r.outbox.list({ booking: res.code }))).map((m) => m.kind);
    expect(kinds).toEqual(["booking-needs-review", "booking-public", "answer-reminder", "answer-breach"]);
    const events = await desk.store.read((r) => r.bookings.events(res.code));
    expect(events.at(-1)?.reason).toBe("quá hạn trả lời 2 giờ (Điều 12.2b)");
  });

  it("a decision in time stops the reminders", async () => {
    const desk = await makeDesk();
    const received = at("2026-12-09", "10:00");
    const res = await registerBooking(desk, request({ receivedAt: received }), { now: received });
    await reviewBooking(
      desk,
      res.code!,
      "confirmed",
      { id: "cli:kt", channel: "cli" },
      "bố trí được",
      at("2026-12-09", "10:30"),
    );
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-09", "12:30"));
    const kinds = (await desk.store.read((r) => r.outbox.list({ booking: res.code! }))).map((m) => m.kind);
    expect(kinds).not.toContain("answer-reminder");
    expect(kinds).not.toContain("answer-breach");
  });

  it("a due job runs once, even across a restart", async () => {
    const path = join(tempDir(), "desk.db");
    const desk = await makeDesk({}, path);
    await desk.store.tx(async (r) => {
      const { sampleDirectory } = await import("./helpers.js");
      await r.directory.replaceAll(sampleDirectory);
    });
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const handlers = sessionJobHandlers(desk);
    await runDueJobs(desk, handlers, at("2026-12-10", "07:00"));
    await desk.store.close();
    const reopened = { ...desk, store: await openTestStore(path) };
    expect(await runDueJobs(reopened, handlers, at("2026-12-10", "07:05"))).toEqual({
      done: 0,
      failed: 0,
      parked: 0,
    });
    const checks = (await reopened.store.read((r) => r.outbox.list())).filter(
      (m) => m.kind === "technical-check",
    );
    expect(checks).toHaveLength(1);
    await reopened.store.close();
  });

  it("a throwing job is retried with backoff, then parked with its error, and its effects roll back", async () => {
    const desk = await makeDesk();
    await desk.store.tx((r) =>
      r.jobs.schedule(
        { kind: "flaky", key: "k", runAt: at("2026-12-07", "08:00") },
        at("2026-12-07", "08:00"),
      ),
    );
    const handlers = {
      flaky: async (_job: unknown, r: import("../src/store/store.js").Repos, now: Date) => {
        await r.outbox.enqueue({ channel: "desk", recipient: "admin", kind: "half", payload: {} }, now);
        throw new Error("MCU không phản hồi");
      },
    };
    const retry = { baseMs: 1_000, capMs: 4_000, maxAttempts: 3 };
    let t = at("2026-12-07", "08:00").getTime();
    const reports = [];
    for (let i = 0; i < 4; i++) {
      reports.push(await runDueJobs(desk, handlers, new Date(t), { retry }));
      t += 10_000;
    }
    expect(reports.map((r) => [r.failed, r.parked])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    const [job] = await desk.store.read((r) => r.jobs.list(["parked"]));
    expect(job).toMatchObject({ status: "parked", attempts: 3, lastError: "MCU không phản hồi" });
    expect(await desk.store.read((r) => r.outbox.list())).toEqual([]);
  });

  it("Điều 14.2: handover deadline counts working days across a weekend and holidays", async () => {
    const desk = await makeDesk();
    // A session ending Wednesday 29/4/2026: 30/4 and 1/5 are holidays, then a weekend.
    expect(workingDaysDeadline(desk, at("2026-04-29", "16:00"), 2).toISOString()).toBe(
      at("2026-05-05", "17:00").toISOString(),
    );
  });
});
