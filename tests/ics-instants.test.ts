import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailDesk } from "../src/app/mail-desk.js";
import { deliverDue } from "../src/app/outbox-worker.js";
import { smtpSender } from "../src/mail/smtp-sender.js";
import { at, makeDesk } from "./helpers.js";
import { SmtpSink } from "./support/servers.js";
import { mail, template } from "./support/service.js";

// vitest runs under TZ=America/Los_Angeles: a floating or machine-local time in an invite lands 15 hours off.
const NOW = at("2026-12-07", "08:35");
const DOMAIN = "kythuat.hanoi.gov.vn";

interface Invite {
  method: string;
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  stamp: Date;
  floating: boolean;
  status: string | null;
}

/** Read an .ics with a real iCalendar parser (ical.js), as a calendar client would. */
function readInvite(ics: string): Invite {
  const cal = new ICAL.Component(ICAL.parse(ics));
  const vevent = cal.getFirstSubcomponent("vevent")!;
  const ev = new ICAL.Event(vevent);
  const stamp = vevent.getFirstPropertyValue("dtstamp") as ICAL.Time;
  const status = vevent.getFirstPropertyValue("status");
  return {
    method: String(cal.getFirstPropertyValue("method")),
    uid: ev.uid,
    sequence: ev.sequence,
    start: ev.startDate.toJSDate(),
    end: ev.endDate.toJSDate(),
    stamp: stamp.toJSDate(),
    // A time with neither `Z` nor a TZID with its VTIMEZONE is floating: each reader's own clock.
    floating: [ev.startDate, ev.endDate, stamp].some((t) => t.zone === ICAL.Timezone.localTimezone),
    status: status ? String(status) : null,
  };
}

describe("every invite the desk sends carries the right instants (parsed with ical.js)", () => {
  const sink = new SmtpSink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());

  it("REQUEST, REQUEST after a change with a higher SEQUENCE, CANCEL with the same UID and a higher SEQUENCE", async () => {
    const desk = await makeDesk();
    const mailDesk = new MailDesk(desk, {
      own: { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: DOMAIN },
      officialDomains: ["hanoi.gov.vn"],
      requireAuth: false,
      maxBytes: 1 << 20,
      replyCapPerSender: 50,
      replyCapPerBooking: 20,
    });
    const smtp = smtpSender({
      host: "127.0.0.1",
      port: sink.port,
      tls: "none",
      from: "kythuat@hanoi.gov.vn",
      fromName: "Kỹ thuật",
      messageIdDomain: DOMAIN,
    });
    const invites: Invite[] = [];
    const deliver = async (when: Date) => {
      const before = sink.messages.length;
      const report = await deliverDue(desk.store, { mail: smtp.send }, when);
      expect(report.parked + report.retried).toBe(0);
      for (const m of sink.messages.slice(before)) {
        const ics = m.parsed.attachments.find((a) => a.contentType.startsWith("text/calendar"));
        if (ics) invites.push(readInvite(ics.content.toString("utf8")));
      }
    };
    try {
      const first = await mailDesk.handle(mail({ id: "dk@hanoi.gov.vn", body: template(1) }), NOW);
      expect(first).toMatchObject({ kind: "registered", code: "HTT-2026-0001" });
      await deliver(NOW);
      const later = new Date(NOW.getTime() + 3600_000);
      const changed = await mailDesk.handle(
        mail({
          id: "doi@hanoi.gov.vn",
          subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
          body: "Kính gửi Trung tâm,\nĐề nghị đổi giờ sang 14h00 đến 16h30 cùng ngày.",
        }),
        later,
      );
      expect(changed.kind).toBe("changed");
      await deliver(later);
      const cancelAt = new Date(later.getTime() + 3600_000);
      const cancelled = await mailDesk.handle(
        mail({
          id: "huy@hanoi.gov.vn",
          subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
          body: "Xin hủy lịch họp này.",
        }),
        cancelAt,
      );
      expect(cancelled.kind).toBe("cancelled");
      await deliver(cancelAt);
    } finally {
      smtp.close();
    }

    expect(invites.map((i) => i.method)).toEqual(["REQUEST", "REQUEST", "CANCEL"]);
    const [request, change, cancel] = invites as [Invite, Invite, Invite];
    for (const i of invites) {
      expect(i.floating).toBe(false);
      expect(i.uid).toBe(`HTT-2026-0001@${DOMAIN}`);
    }
    // 09:00–11:00 Hanoi is 02:00–04:00 UTC, wherever the reader (or the desk's machine) is.
    expect([request.start.toISOString(), request.end.toISOString()]).toEqual([
      at("2026-12-10", "09:00").toISOString(),
      at("2026-12-10", "11:00").toISOString(),
    ]);
    expect(request.start.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect([change.start.toISOString(), change.end.toISOString()]).toEqual([
      at("2026-12-10", "14:00").toISOString(),
      at("2026-12-10", "16:30").toISOString(),
    ]);
    expect(change.sequence).toBeGreaterThan(request.sequence);
    // The CANCEL names the instant it withdraws, under the same UID, with a SEQUENCE above every REQUEST.
    expect([cancel.start.getTime(), cancel.end.getTime()]).toEqual([
      change.start.getTime(),
      change.end.getTime(),
    ]);
    expect(cancel.sequence).toBeGreaterThan(change.sequence);
    expect(cancel.status).toBe("CANCELLED");
    // DTSTAMP is a UTC instant: when that version of the booking was decided.
    expect(request.stamp.toISOString()).toBe(NOW.toISOString());
    expect(cancel.stamp.getTime()).toBeGreaterThan(change.stamp.getTime());
  });
});
