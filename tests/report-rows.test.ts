import { Info } from "luxon";
import { expect, it } from "vitest";
import { loadHolidayCalendar } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { buildReport, localInstant, periodOf, reportSettings } from "../src/app/report/report.js";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { at, CALENDAR_DIR, makeDesk, sampleDirectory } from "./helpers.js";
import { rawSql } from "./support/raw-sql.js";

/**
 * The store folds each booking's audit trail, endpoints and roll call in SQL (directory ids, status and channel
 * indexes, per-session counts of booked and ready endpoints). These rows are written by hand to hit every edge
 * of that folding, and the expected figures are worked out here from the rows, by the definitions:
 *  - readiness is READY_RE («điểm cầu CODE sẵn sàng» at the start of a reason) over the session's events, counted
 *    once per booked endpoint, whether or not the endpoint is in the directory;
 *  - "first" event means lowest id, even when a later id has an earlier time;
 *  - a host or host endpoint the directory lacks is still reported by its name;
 *  - a displacement is a change of status whose reason starts «nhường cho phiên ưu tiên».
 */
it("folds audit trails, roll calls and directory ids in SQL exactly as the definitions read", async () => {
  const desk = await makeDesk();
  const s = rawSql(desk.store);
  const dir = sampleDirectory;
  const host = dir.agencies.find((a) => dir.endpoints.some((e) => e.agency === a.name))!;
  const hostEp = dir.endpoints.find((e) => e.agency === host.name)!.code;
  const [ep2, ep3, ep4] = dir.endpoints.filter((e) => e.agency !== host.name).map((e) => e.code);
  const MIN = 60_000;

  const insB = s.prepare(
    `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at)
     VALUES (?,?,?,?,'Họp',?,?,'Thử','0900000000',0,0,0,0,'[]',1,?,'[]','[]',?,'x@hanoi.gov.vn',?,1,?,?)`,
  );
  const booking = (
    code: string,
    status: string,
    hostName: string | null,
    hostEndpoint: string | null,
    start: Date,
    minutes: number,
    channel: string,
    received: Date,
    endpoints: string[],
  ) => {
    const r = received.getTime();
    insB.run(
      code,
      status,
      hostName,
      hostEndpoint,
      start.getTime(),
      start.getTime() + minutes * MIN,
      endpoints.length,
      channel,
      r,
      r,
      r,
    );
    for (const e of endpoints)
      s.prepare("INSERT INTO booking_endpoints (booking,endpoint,role) VALUES (?,?,'participant')").run(
        code,
        e,
      );
  };
  const ev = (code: string, when: number, from: string | null, to: string, reason: string) =>
    s
      .prepare(
        "INSERT INTO booking_events (booking,at,from_status,to_status,actor,channel,reason) VALUES (?,?,?,?,'system','system',?)",
      )
      .run(code, when, from, to, reason);

  // B1: a directory host; endpoints in and out of the directory; a roll call with every kind of near miss; two
  // moves into `live`, the first by id being the later one in time.
  const s1 = at("2026-02-10", "09:00").getTime();
  booking("T-1", "ended", host.name, hostEp, new Date(s1), 90, "mail", at("2026-02-01", "08:00"), [
    hostEp,
    ep2!,
    "NGOAI-1",
  ]);
  ev("T-1", at("2026-02-01", "08:00").getTime(), null, "received", "tiếp nhận");
  ev("T-1", at("2026-02-01", "08:30").getTime(), "received", "confirmed", "đủ điều kiện");
  ev("T-1", s1 - 60 * MIN, "confirmed", "confirmed", `điểm cầu ${hostEp} sẵn sàng (Điều 12.2c)`);
  ev("T-1", s1 - 50 * MIN, "confirmed", "confirmed", `điểm cầu ${hostEp} sẵn sàng (Điều 12.2c)`);
  ev("T-1", s1 - 40 * MIN, "confirmed", "confirmed", "điểm cầu NGOAI-1 sẵn sàng");
  ev("T-1", s1 - 30 * MIN, "confirmed", "confirmed", `điểm cầu ${ep2}\tsẵn sàng`);
  ev("T-1", s1 - 30 * MIN, "confirmed", "confirmed", `điểm cầu ${ep3} sẵn sàng`);
  ev("T-1", s1 - 20 * MIN, "confirmed", "confirmed", `điểm cầu X chưa\nđiểm cầu ${ep2} sẵn sàng`);
  ev("T-1", s1 - 20 * MIN, "confirmed", "confirmed", `Điểm cầu ${ep2} sẵn sàng`);
  ev("T-1", s1 + 5 * MIN, "confirmed", "live", "bắt đầu");
  ev("T-1", s1, "confirmed", "live", "bắt đầu (ghi muộn)");
  ev("T-1", s1 + 90 * MIN, "live", "ended", "kết thúc");

  // B2: a host and host endpoint the directory lacks, an unknown channel, displaced once and put back.
  const s2 = at("2026-03-05", "14:00").getTime();
  const stranger = "Ban Quản lý dự án không có trong danh bạ";
  booking("T-2", "ended", stranger, "KHONG-CO", new Date(s2), 60, "sms", at("2026-03-01", "08:00"), [ep4!]);
  ev("T-2", at("2026-03-01", "08:00").getTime(), null, "received", "tiếp nhận");
  ev("T-2", at("2026-03-01", "08:10").getTime(), "received", "confirmed", "đủ điều kiện");
  ev("T-2", at("2026-03-02", "08:00").getTime(), "confirmed", "needs-review", "nhường cho phiên ưu tiên T-9");
  ev("T-2", at("2026-03-02", "09:00").getTime(), "needs-review", "confirmed", "bố trí lại");
  ev("T-2", s2, "confirmed", "live", "bắt đầu");
  ev("T-2", s2 + 60 * MIN, "live", "ended", "kết thúc");

  // B3: no host, cancelled straight from `received` (not a decision the report counts); a note that reads like a
  // displacement but changes no status.
  const s3 = at("2026-04-01", "09:00").getTime();
  booking("T-3", "cancelled", null, null, new Date(s3), 60, "mail", at("2026-03-20", "08:00"), [ep3!]);
  ev("T-3", at("2026-03-20", "08:00").getTime(), null, "received", "tiếp nhận");
  ev("T-3", at("2026-03-20", "08:05").getTime(), "received", "cancelled", "đơn vị hủy");
  ev("T-3", at("2026-03-20", "08:06").getTime(), "cancelled", "cancelled", "nhường cho phiên ưu tiên T-9");

  // B4: received in the period for a session in the next year, by Zalo; answered an hour late, asking for more.
  booking(
    "T-4",
    "needs-info",
    host.name,
    hostEp,
    at("2027-01-05", "09:00"),
    60,
    "zalo",
    at("2026-12-30", "08:00"),
    [hostEp],
  );
  ev("T-4", at("2026-12-30", "08:00").getTime(), null, "received", "tiếp nhận");
  ev("T-4", at("2026-12-30", "11:00").getTime(), "received", "needs-info", "missing-fields");

  // B5: confirmed for a day in the period, never opened on the MCU (the desk was off), received the year before:
  // neither held nor cancelled, so its host has no row of zeros in «Theo cơ quan».
  booking(
    "T-5",
    "confirmed",
    "Sở Chưa Họp",
    null,
    at("2026-06-01", "09:00"),
    60,
    "mail",
    at("2025-12-20", "08:00"),
    [],
  );

  await s.flush();
  const report = await buildReport(desk, periodOf({ year: "2026" }), {}, at("2027-01-15", "09:00"));
  expect(report.sessions.byAgency.map((a) => a.agency)).not.toContain("Sở Chưa Họp");

  // Readiness, by hand: T-1 books 3 endpoints, of which hostEp and NGOAI-1 confirmed (hostEp twice; ep2 only with a
  // tab, after a newline or capitalised; ep3 is not booked); T-2 books 1, unconfirmed.
  expect(report.endpoints).toMatchObject({ booked: 4, ready: 2, readiness: 0.5 });
  const never = report.endpoints.neverUsed.map((e) => e.code);
  expect(never).not.toContain(hostEp);
  expect(never).not.toContain(ep2);
  expect(never).not.toContain(ep4);
  expect(never).toContain(ep3); // booked only by the cancelled T-3
  expect(never).toEqual(
    dir.endpoints
      .map((e) => e.code)
      .filter((c) => ![hostEp, ep2, ep4].includes(c))
      .sort(),
  );
  expect(report.endpoints.neverUsed.find((e) => e.code === ep3)).toEqual({
    code: ep3,
    level: dir.endpoints.find((e) => e.code === ep3)!.level,
    agency: dir.endpoints.find((e) => e.code === ep3)!.agency,
  });

  // Sessions: T-1 went live (first by id) 5 min late, so 85 min; T-2 60 min.
  expect(report.sessions).toMatchObject({
    held: 2,
    cancelled: 1,
    displaced: 1,
    connections: 4,
    hoursOnline: Math.round(((85 + 60) / 60) * 100) / 100,
  });
  const byAgency = Object.fromEntries(report.sessions.byAgency.map((a) => [a.agency, a]));
  expect(byAgency[host.name]).toMatchObject({ held: 1, cancelled: 0, connections: 3 });
  expect(byAgency[stranger]).toMatchObject({ level: "city", held: 1, connections: 1, hours: 1 });
  expect(byAgency["(không rõ)"]).toMatchObject({ held: 0, cancelled: 1 });

  // Registrations: T-1 (mail), T-2 (sms: other), T-4 (Zalo: chat); T-3's first move is not a decision.
  expect(report.registrations.total).toBe(3);
  expect(report.registrations.byDecision).toEqual({
    confirmed: 2,
    "needs-info": 1,
    "needs-review": 0,
    rejected: 0,
  });
  expect(Object.fromEntries(report.registrations.byChannel.map((c) => [c.channel, c.total]))).toEqual({
    mail: 1,
    other: 1,
    chat: 1,
  });
  expect(report.registrations.reasons).toEqual([{ key: "missing-fields", count: 1 }]);
  expect(report.sla.answer.misses.map((m) => [m.booking, m.host, m.lateMinutes])).toEqual([
    ["T-4", host.name, 60],
  ]);
  expect(report.sla.answer).toMatchObject({ met: 2, total: 3 });
  // No check notices were written: both held sessions miss, named in insertion order.
  expect(report.sla.check.misses.map((m) => [m.booking, m.host])).toEqual([
    ["T-1", host.name],
    ["T-2", stranger],
  ]);
});

it("finds the handover deadline's instant as atLocal does, across years and time zones with daylight saving", () => {
  for (const zone of ["Asia/Ho_Chi_Minh", "Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe"]) {
    const tz = Info.normalizeZone(zone)!;
    for (let d = 0; d < 2 * 366; d++) {
      const day = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      for (const time of ["17:00", "08:30", "00:00"])
        expect(localInstant(day, time, tz).getTime(), `${zone} ${day} ${time}`).toBe(
          atLocal(day, time, zone).getTime(),
        );
    }
  }
  // And the whole deadline: the 2nd working day after the session's day (Tết and other holidays included), 17:00.
  const desk = { reg: DEFAULT_REGULATION, holidays: loadHolidayCalendar(CALENDAR_DIR) } as Desk;
  const settings = reportSettings(desk);
  for (let d = 0; d < 2 * 366; d++) {
    const day = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    expect(settings.handoverDeadline(day).getTime(), day).toBe(
      atLocal(
        desk.holidays.addWorkingDays(day, DEFAULT_REGULATION.recordingHandoverWorkingDays),
        DEFAULT_REGULATION.workday.end,
        DEFAULT_REGULATION.zone,
      ).getTime(),
    );
  }
});
