import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { changeBooking, JOB, registerBooking, reviewBooking } from "../src/app/booking/index.js";
import { infoReminderAt } from "../src/app/booking/timers.js";
import type { Desk } from "../src/app/desk.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { at, emergencyOverSession, makeDesk, request, TEST_DIALECT } from "./helpers.js";
import { rawSql } from "./support/raw-sql.js";

/** A registration sent late (under 24 h, Điều 12.2a) waits for a technician: needs-review. */
const late = () => request({ receivedAt: at("2026-12-09", "10:00") });

async function outboxOf(desk: Awaited<ReturnType<typeof makeDesk>>, code: string) {
  return desk.store.read((r) => r.outbox.list({ booking: code }));
}

/** Three bookings of three agencies, registered on 07/12 with `req` on top of the default request. */
async function threeBookings(desk: Desk, req: Parameters<typeof request>[0]): Promise<string[]> {
  const codes: string[] = [];
  for (const host of ["Sở Công Thương", "Sở Tư pháp", "Sở Y tế"]) {
    const res = await registerBooking(desk, request({ host, ...req }), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("unexpected duplicate");
    codes.push(res.code);
  }
  return codes;
}

/** Run a data migration's SQL file (per dialect) in one transaction, `times` times, as the migrator would. */
async function runMigration(desk: Desk, files: { sqlite: string; pg: string }, times = 1): Promise<void> {
  const file = TEST_DIALECT === "pg" ? files.pg : files.sqlite;
  const migration = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
  await desk.store.tx(async (_r, c) => {
    for (let i = 0; i < times; i++) await c.run(sql.raw(migration));
  });
}

describe("a booking still unsettled when its session starts lapses", () => {
  it("a booking nobody reviewed is rejected at its start, and the clerk, the group and the desk are told", async () => {
    const desk = await makeDesk();
    const res = await registerBooking(desk, late(), { now: at("2026-12-09", "10:00") });
    if (res.duplicate) throw new Error("unexpected duplicate");
    expect(res.decision.outcome).toBe("needs-review");
    const handlers = sessionJobHandlers(desk);
    // A minute before the start nothing lapses (the reminder and the breach have run by then).
    await runDueJobs(desk, handlers, at("2026-12-10", "08:59"));
    expect((await desk.store.read((r) => r.bookings.get(res.code)))?.status).toBe("needs-review");

    await runDueJobs(desk, handlers, at("2026-12-10", "09:00"));
    const b = await desk.store.read((r) => r.bookings.get(res.code));
    expect(b?.status).toBe("rejected");
    const events = await desk.store.read((r) => r.bookings.events(res.code));
    expect(events.at(-1)).toMatchObject({
      from: "needs-review",
      to: "rejected",
      actor: "system",
      reason: "hết hiệu lực: đến giờ họp lịch vẫn chờ cán bộ kỹ thuật xem xét",
    });
    const lapsed = (await outboxOf(desk, res.code)).filter((m) => m.kind === "booking-lapsed");
    expect(lapsed.map((m) => [m.channel, m.recipient])).toEqual([
      ["mail", "vanthu.sct@hanoi.gov.vn"],
      ["desk", "mcu-technician"],
    ]);
    const mail = lapsed[0]!;
    expect(mail.payload.text).toBe(
      [
        `Lịch họp ${res.code} (09:00–11:00 Thứ Năm, 10/12/2026): KHÔNG BỐ TRÍ ĐƯỢC.`,
        "Lý do: đến giờ họp, lịch vẫn chờ cán bộ kỹ thuật xem xét nên phiên họp không được tổ chức trên hệ thống.",
        "Nếu vẫn cần họp, đề nghị gửi đăng ký mới (Điều 12.2a).",
      ].join("\n"),
    );
    // No invite was ever sent: nothing to withdraw. The answer continues the booking's thread.
    expect(mail.payload.calendar).toBeUndefined();
    expect(mail.payload.thread).toBeDefined();
    const group = (await outboxOf(desk, res.code)).filter((m) => m.channel === "group").at(-1);
    expect(group?.payload.text).toBe(`[${res.code}] KHÔNG BỐ TRÍ ĐƯỢC — đến giờ họp lịch chưa được xác nhận`);

    // The technician who comes to it late is told it is no longer in review; the job does not run twice.
    await expect(
      reviewBooking(
        desk,
        res.code,
        "confirmed",
        { id: "cli:kt", channel: "cli" },
        "bố trí được",
        at("2026-12-10", "09:05"),
      ),
    ).rejects.toThrow(/không ở trạng thái chờ xem xét \(hiện: từ chối\)/);
    expect(await runDueJobs(desk, handlers, at("2026-12-10", "12:00"))).toMatchObject({ done: 0 });
    expect((await outboxOf(desk, res.code)).filter((m) => m.kind === "booking-lapsed")).toHaveLength(2);
  });

  it("a booking displaced by an emergency and never re-arranged lapses and its invite is withdrawn", async () => {
    const desk = await makeDesk();
    const { normal, urgent } = await emergencyOverSession(desk);
    expect(urgent.decision.displaced).toEqual([normal.code]);
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:00"));
    expect((await desk.store.read((r) => r.bookings.get(normal.code)))?.status).toBe("rejected");
    // The emergency itself, confirmed, is untouched.
    expect((await desk.store.read((r) => r.bookings.get(urgent.code)))?.status).not.toBe("rejected");
    const mail = (await outboxOf(desk, normal.code)).find(
      (m) => m.kind === "booking-lapsed" && m.channel === "mail",
    );
    expect(mail?.payload.text).toContain("Lời mời họp đã gửi trước đây được thu hồi.");
    // The same invite (UID) as the confirmation's, at a sequence no lower, so calendars drop it.
    const invite = (await outboxOf(desk, normal.code)).find((m) => m.kind === "booking-confirmed")?.payload
      .calendar as { uid: string; sequence: number };
    expect(mail?.payload.calendar).toMatchObject({ method: "CANCEL", uid: normal.code });
    expect((mail!.payload.calendar as { sequence: number }).sequence).toBeGreaterThanOrEqual(invite.sequence);
  });

  it("a booking waiting for the clerk's missing details is reminded a day before, then lapses naming what was missing", async () => {
    const desk = await makeDesk();
    const res = await registerBooking(desk, request({ contact: null }), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("unexpected duplicate");
    expect(res.decision.outcome).toBe("needs-info");
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-09", "08:59"));
    expect((await outboxOf(desk, res.code)).some((m) => m.kind === "info-reminder")).toBe(false);
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-09", "09:00"));
    const reminders = (await outboxOf(desk, res.code)).filter((m) => m.kind === "info-reminder");
    // To the clerk, in the booking's thread; nothing in the group.
    expect(reminders.map((m) => [m.channel, m.recipient])).toEqual([["mail", "vanthu.sct@hanoi.gov.vn"]]);
    expect(reminders[0]!.payload.thread).toBeDefined();
    expect(reminders[0]!.payload.text).toBe(
      [
        `Lịch họp ${res.code} (09:00–11:00 Thứ Năm, 10/12/2026): VẪN CẦN BỔ SUNG THÔNG TIN.`,
        "Đề nghị bổ sung: đầu mối liên hệ (họ tên, số điện thoại) (Điều 12.2a), bằng cách trả lời thư này.",
        "Nếu đến giờ họp vẫn chưa bổ sung, lịch họp sẽ không được bố trí.",
      ].join("\n"),
    );
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:00"));
    const mail = (await outboxOf(desk, res.code)).find(
      (m) => m.kind === "booking-lapsed" && m.channel === "mail",
    );
    expect(mail?.payload.text).toContain(
      "Lý do: đến giờ họp, lịch vẫn chờ bổ sung thông tin (đầu mối liên hệ (họ tên, số điện thoại)) nên",
    );
  });

  it("a booking waiting for details with no time at all lapses two weeks after it was received, unless the time comes", async () => {
    const desk = await makeDesk();
    const received = at("2026-12-07", "08:30");
    const timeless = await registerBooking(desk, request({ start: null, end: null }), { now: received });
    const answered = await registerBooking(desk, request({ start: null, end: null, title: "Họp thứ hai" }), {
      now: received,
    });
    if (timeless.duplicate || answered.duplicate) throw new Error("unexpected duplicate");
    expect(timeless.decision.outcome).toBe("needs-info");
    // The second clerk sends the time a week later: confirmed, nothing lapses.
    await changeBooking(
      desk,
      answered.code,
      { start: at("2026-12-21", "09:00"), end: at("2026-12-21", "10:00") },
      { id: "mail:vanthu.sct@hanoi.gov.vn", channel: "mail" },
      { now: at("2026-12-14", "08:30") },
    );
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-21", "08:29"));
    expect((await desk.store.read((r) => r.bookings.get(timeless.code)))?.status).toBe("needs-info");
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-21", "08:30"));
    expect((await desk.store.read((r) => r.bookings.get(timeless.code)))?.status).toBe("rejected");
    const mail = (await outboxOf(desk, timeless.code)).find(
      (m) => m.kind === "booking-lapsed" && m.channel === "mail",
    );
    expect(String(mail?.payload.text).split("\n")).toEqual([
      `Lịch họp ${timeless.code} (chưa rõ thời gian): KHÔNG BỐ TRÍ ĐƯỢC.`,
      "Lý do: sau 14 ngày vẫn chưa nhận được thông tin bổ sung (thời gian họp) nên đăng ký không còn hiệu lực.",
      "Nếu vẫn cần họp, đề nghị gửi đăng ký mới, ghi rõ ngày và giờ họp (Điều 12.2a).",
    ]);
    expect((await desk.store.read((r) => r.bookings.get(answered.code)))?.status).toBe("confirmed");
    expect((await outboxOf(desk, answered.code)).map((m) => m.kind)).not.toContain("booking-lapsed");
  });

  it("a clerk who completes the details in time is neither reminded nor lapsed", async () => {
    const desk = await makeDesk();
    const res = await registerBooking(desk, request({ contact: null }), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("unexpected duplicate");
    const done = await changeBooking(
      desk,
      res.code,
      { contact: { name: "Lâm Thị Ngọc", phone: "0983210456" } },
      { id: "mail:vanthu.sct@hanoi.gov.vn", channel: "mail" },
      { now: at("2026-12-07", "10:00") },
    );
    expect(done.duplicate ? "dup" : done.booking.status).toBe("confirmed");
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:00"));
    const kinds = (await outboxOf(desk, res.code)).map((m) => m.kind);
    expect(kinds).not.toContain("info-reminder");
    expect(kinds).not.toContain("booking-lapsed");
  });

  it.each([
    ["two days ahead", "2026-12-08", "10:00", "chậm nhất 02 giờ trước phiên họp (Điều 12.2b)."],
    [
      "50 minutes ahead",
      "2026-12-10",
      "08:10",
      "Phiên họp bắt đầu trong chưa đầy 02 giờ nữa: đơn vị vận hành kỹ thuật tổ chức kiểm tra kỹ thuật ngay",
    ],
  ])(
    "the confirmation of details completed %s promises the technical check it can keep",
    async (_, day, time, promise) => {
      const desk = await makeDesk();
      const res = await registerBooking(desk, request({ contact: null }), { now: at("2026-12-07", "08:30") });
      if (res.duplicate) throw new Error("unexpected duplicate");
      await changeBooking(
        desk,
        res.code,
        { contact: { name: "Lâm Thị Ngọc", phone: "0983210456" } },
        { id: "mail:vanthu.sct@hanoi.gov.vn", channel: "mail" },
        { now: at(day, time) },
      );
      const answer = (await outboxOf(desk, res.code))
        .filter((m) => m.channel === "mail")
        .map((m) => String(m.payload.text))
        .at(-1);
      expect(answer).toContain("ĐÃ XÁC NHẬN");
      expect(answer).toContain(promise);
    },
  );

  it.each([
    ["arrive together", true],
    ["arrive after the lapse", false],
  ])(
    "a clerk's completing reply and the lapse at the start (%s): one of them wins whole, the clerk is never told both",
    async (_, together) => {
      const desk = await makeDesk();
      const res = await registerBooking(desk, request({ contact: null }), { now: at("2026-12-07", "08:30") });
      if (res.duplicate) throw new Error("unexpected duplicate");
      // The reply was read at 08:59:59, the job runner woke at 09:00.
      const reply = () =>
        changeBooking(
          desk,
          res.code,
          { contact: { name: "Lâm Thị Ngọc", phone: "0983210456" } },
          { id: "mail:vanthu.sct@hanoi.gov.vn", channel: "mail" },
          { now: new Date(at("2026-12-10", "09:00").getTime() - 1000) },
        ).then(
          (r) => (r.duplicate ? "duplicate" : r.booking.status),
          (e: Error) => `refused: ${e.message}`,
        );
      const lapse = () => runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:00"));
      let answer: string;
      if (together) [answer] = await Promise.all([reply(), lapse()]);
      else {
        await lapse();
        answer = await reply();
      }
      const b = await desk.store.read((r) => r.bookings.get(res.code));
      const kinds = (await outboxOf(desk, res.code)).filter((m) => m.channel === "mail").map((m) => m.kind);
      if (answer === "confirmed") {
        expect(b?.status).toBe("confirmed");
        expect(kinds).not.toContain("booking-lapsed");
      } else {
        expect(answer).toMatch(/^refused: Lịch họp HTT-\d{4}-\d+ đã được trả lời «KHÔNG BỐ TRÍ ĐƯỢC»/);
        expect(b?.status).toBe("rejected");
        expect(kinds.filter((k) => k === "booking-lapsed")).toHaveLength(1);
        expect(kinds).not.toContain("booking-changed");
      }
    },
  );

  it("the reminder's hour: a day before, half-way when closer, none under two hours", () => {
    const now = at("2026-12-09", "08:00");
    expect(infoReminderAt(at("2026-12-10", "09:00"), now)).toEqual(at("2026-12-09", "09:00"));
    expect(infoReminderAt(at("2026-12-09", "18:00"), now)).toEqual(at("2026-12-09", "13:00"));
    expect(infoReminderAt(at("2026-12-09", "09:59"), now)).toBeNull();
  });

  it("a booking confirmed in time, or moved later, does not lapse at the old start", async () => {
    const desk = await makeDesk();
    const a = await registerBooking(desk, late(), { now: at("2026-12-09", "10:00") });
    const b = await registerBooking(
      desk,
      request({
        host: "Sở Tư pháp",
        participants: ["CX-09877"],
        receivedAt: at("2026-12-09", "10:00"),
      }),
      { now: at("2026-12-09", "10:00") },
    );
    if (a.duplicate || b.duplicate) throw new Error("unexpected duplicate");
    expect([a.decision.outcome, b.decision.outcome]).toEqual(["needs-review", "needs-review"]);
    await reviewBooking(
      desk,
      a.code,
      "confirmed",
      { id: "cli:kt", channel: "cli" },
      "bố trí được",
      at("2026-12-09", "10:30"),
    );
    // b moves half an hour later (still under 24 h after receipt: still in review): its lapse moves with it.
    await changeBooking(
      desk,
      b.code,
      { start: at("2026-12-10", "09:30"), end: at("2026-12-10", "11:00") },
      { id: "cli:kt", channel: "cli" },
      { now: at("2026-12-09", "10:40") },
    );
    const jobs = await desk.store.read((r) => r.jobs.list(["pending"]));
    const lapse = jobs.find((j) => j.kind === JOB.lapse && j.key === b.code);
    expect(lapse?.runAt.toISOString()).toBe(at("2026-12-10", "09:30").toISOString());

    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:15"));
    expect((await desk.store.read((r) => r.bookings.get(a.code)))?.status).toBe("confirmed");
    expect((await outboxOf(desk, a.code)).some((m) => m.kind === "booking-lapsed")).toBe(false);
    const moved = await desk.store.read((r) => r.bookings.get(b.code));
    expect(moved?.status).toBe("needs-review");
    expect((await outboxOf(desk, b.code)).some((m) => m.kind === "booking-lapsed")).toBe(false);
    // At its new start it lapses.
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:30"));
    expect((await desk.store.read((r) => r.bookings.get(b.code)))?.status).toBe("rejected");
  });
});

describe("a desk upgraded with bookings already unsettled", () => {
  it("arms their lapse timers once (migration lapse_timers), leaving sessions over two days ago alone", async () => {
    const desk = await makeDesk();
    const codes = await threeBookings(desk, { participants: [] });
    // As the previous version left them: unsettled, no lapse timer. The migration reads the real clock.
    const day = 86_400_000;
    const now = Date.now();
    const raw = rawSql(desk.store);
    raw.exec("DELETE FROM jobs WHERE kind = 'booking-lapse'");
    const starts = [now + day, now - day, now - 5 * day];
    for (const [i, code] of codes.entries()) {
      raw.exec(
        "UPDATE bookings SET status = ?, start_at = ? WHERE code = ?",
        i === 1 ? "needs-info" : "needs-review",
        starts[i],
        code,
      );
    }
    await raw.flush();
    await runMigration(desk, {
      sqlite: "drizzle/0013_lapse_timers.sql",
      pg: "drizzle-pg/0007_lapse_timers.sql",
    });
    const armed = await raw.all<{ key: string; run_at: number | string }>(
      "SELECT key, run_at FROM jobs WHERE kind = 'booking-lapse' AND status = 'pending' ORDER BY key",
    );
    expect(armed.map((j) => [j.key, Number(j.run_at)])).toEqual([
      [codes[0], starts[0]],
      [codes[1], starts[1]],
    ]);
    // The one due already lapses at the next run of the timers.
    await runDueJobs(desk, sessionJobHandlers(desk), new Date(now));
    expect((await desk.store.read((r) => r.bookings.get(codes[1]!)))?.status).toBe("rejected");
    expect((await desk.store.read((r) => r.bookings.get(codes[0]!)))?.status).toBe("needs-review");
  });

  it("arms the two-week lapse of bookings waiting with no time once (migration timeless_lapse), leaving old ones alone", async () => {
    const desk = await makeDesk();
    const codes = await threeBookings(desk, { start: null, end: null });
    // As the previous version left them: no lapse timer. Received a day ago, twenty days ago, forty days ago.
    const day = 86_400_000;
    const now = Date.now();
    const raw = rawSql(desk.store);
    raw.exec("DELETE FROM jobs WHERE kind = 'booking-lapse'");
    const received = [now - day, now - 20 * day, now - 40 * day];
    for (const [i, code] of codes.entries())
      raw.exec("UPDATE bookings SET received_at = ? WHERE code = ?", received[i], code);
    await raw.flush();
    // Applied twice (a rerun): still one timer each.
    await runMigration(
      desk,
      { sqlite: "drizzle/0014_timeless_lapse.sql", pg: "drizzle-pg/0009_timeless_lapse.sql" },
      2,
    );
    const armed = await raw.all<{ key: string; run_at: number | string }>(
      "SELECT key, run_at FROM jobs WHERE kind = 'booking-lapse' AND status = 'pending' ORDER BY key",
    );
    expect(armed.map((j) => j.key)).toEqual([codes[0], codes[1]]);
    expect(Number(armed[0]!.run_at)).toBe(received[0]! + 14 * day);
    // Twenty days ago: its two weeks are over, it lapses at the next run.
    expect(Number(armed[1]!.run_at)).toBeGreaterThanOrEqual(now - 60_000);
    expect(Number(armed[1]!.run_at)).toBeLessThanOrEqual(Date.now() + 60_000);
  });
});
