import { expect, it } from "vitest";
import { pruneBatch } from "../src/app/ops/retention.js";
import { buildReport, periodOf } from "../src/app/report/report.js";
import { at, makeDesk } from "./helpers.js";
import { rawSql } from "./support/raw-sql.js";

/**
 * The yearly report judges Điều 12.2b's technical check by the check notice in the outbox. Retention deletes
 * delivered outbox rows after 90 days, so the H1 report made in July (or the yearly one in January) counted every
 * older session's check as missed. Check notices are now kept.
 */
it("a session's technical check still counts as done after retention pruned the outbox", async () => {
  const desk = await makeDesk();
  const s = rawSql(desk.store);
  const start = at("2026-02-10", "09:00").getTime();
  const end = start + 90 * 60_000;
  const received = start - 3 * 86_400_000;
  const host = (await s.get<{ agency: string; code: string }>(
    "SELECT agency, code FROM endpoints ORDER BY code LIMIT 1",
  ))!;
  s.prepare(
    `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at)
     VALUES ('HTT-2026-0001','ended',?,?,'Giao ban',?,?,'Thử','0900000000',0,0,0,0,'[]',1,1,'[]','[]','mail','x@hanoi.gov.vn',?,1,?,?)`,
  ).run(host.agency, host.code, start, end, received, received, received);
  s.prepare("INSERT INTO booking_endpoints (booking,endpoint,role) VALUES ('HTT-2026-0001',?,'host')").run(
    host.code,
  );
  const ev = s.prepare(
    "INSERT INTO booking_events (booking,at,from_status,to_status,actor,channel,reason) VALUES ('HTT-2026-0001',?,?,?,'system','system','x')",
  );
  ev.run(received, null, "received");
  ev.run(received + 60_000, "received", "confirmed");
  ev.run(start, "confirmed", "live");
  ev.run(end, "live", "ended");
  const out = s.prepare(
    "INSERT INTO outbox (channel,recipient,kind,payload,booking,status,available_at,created_at,sent_at) VALUES (?,?,?,'{}','HTT-2026-0001','sent',?,?,?)",
  );
  const check = start - 2 * 3_600_000;
  out.run("group", "support-group", "technical-check", check, check, check + 1000);
  out.run("mail", "x@hanoi.gov.vn", "booking-confirmed", received, received, received + 1000);

  await s.flush();
  const now = at("2026-10-01", "09:00");
  const keep = { mailDays: 365, outboxDays: 90, chatDays: 365, jobDays: 30, batch: 10 };
  while ((await desk.store.tx((_r, c) => pruneBatch(c, keep, now))).outbox > 0);
  const kinds = (await s.all<{ kind: string }>("SELECT kind FROM outbox")).map((r) => r.kind);
  expect(kinds).toEqual(["technical-check"]);

  const report = await buildReport(desk, periodOf({ year: "2026" }), {}, now);
  expect(report.sessions.held).toBe(1);
  expect(report.sla.check).toMatchObject({ met: 1, total: 1, misses: [] });
});
