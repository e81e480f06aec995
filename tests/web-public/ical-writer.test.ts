import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import {
  escapeText,
  type FeedEvent,
  foldLine,
  utcStamp,
  writeFeed,
} from "../../src/web/public/ical-writer.js";

const base: FeedEvent = {
  uid: "HTT-2026-0001@kythuat.hanoi.gov.vn",
  sequence: 3,
  stamp: new Date("2026-12-07T01:35:12.345Z"),
  start: new Date("2026-12-10T02:00:00Z"),
  end: new Date("2026-12-10T04:30:00Z"),
  summary: "Hội nghị; về, triển khai\\nhiệm vụ",
  status: "CONFIRMED",
  lastModified: new Date("2026-12-07T01:35:12.999Z"),
};

describe("the feed writer (RFC 5545)", () => {
  it("escapes TEXT so that a parser gives back the exact value, line breaks included", () => {
    expect(escapeText("a;b,c\\d\ne\r\nf")).toBe("a\\;b\\,c\\\\d\\ne\\nf");
    const description = "Cơ quan chủ trì: Sở Công Thương\nĐiểm cầu: A; B, C\\D";
    const ics = writeFeed({ prodId: "-//x//y//VI", name: "Lịch, họp; thử", refreshMinutes: 30 }, [
      { ...base, description, location: "Phòng họp số 1, tầng 2" },
    ]);
    const cal = new ICAL.Component(ICAL.parse(ics));
    expect(cal.getFirstPropertyValue("x-wr-calname")).toBe("Lịch, họp; thử");
    expect(ics).toContain("\r\nNAME:Lịch\\, họp\\; thử\r\n");
    const ev = new ICAL.Event(cal.getFirstSubcomponent("vevent")!);
    expect(ev.summary).toBe(base.summary);
    expect(ev.description).toBe(description);
    expect(ev.location).toBe("Phòng họp số 1, tầng 2");
    expect(ev.uid).toBe(base.uid);
    expect(ev.sequence).toBe(3);
    expect(ev.startDate.toJSDate().toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect(ev.endDate.toJSDate().toISOString()).toBe("2026-12-10T04:30:00.000Z");
    expect(ev.startDate.zone.tzid).toBe("UTC");
  });

  it("writes UTC times to the second", () => {
    expect(utcStamp(new Date("2026-01-02T03:04:05.678Z"))).toBe("20260102T030405Z");
  });

  it("folds at 75 octets without splitting a UTF-8 letter, and unfolds to the same line", () => {
    const line = `SUMMARY:${"Hội nghị trực tuyến toàn thành phố 😀 ".repeat(12)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(Buffer.byteLength(p, "utf8")).toBeLessThanOrEqual(75);
    for (const p of parts.slice(1)) expect(p.startsWith(" ")).toBe(true);
    // No replacement character: every piece is whole UTF-8 on its own.
    for (const p of parts) expect(Buffer.from(p, "utf8").toString("utf8")).toBe(p);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
    expect(foldLine("SUMMARY:ngắn")).toBe("SUMMARY:ngắn");
    // Exactly 75 octets stays on one line; 76 folds.
    const a75 = `X:${"a".repeat(73)}`;
    expect(foldLine(a75)).toBe(a75);
    expect(foldLine(`${a75}b`)).toBe(`${a75}\r\n b`);
  });

  it("ends every line with CRLF, the last included, and reads back every event", () => {
    const events = Array.from({ length: 50 }, (_, i) => ({
      ...base,
      uid: `HTT-2026-${String(i).padStart(4, "0")}@d`,
      status: (i % 3 === 0 ? "CANCELLED" : "CONFIRMED") as FeedEvent["status"],
    }));
    const ics = writeFeed({ prodId: "-//x//y//VI", name: "L", refreshMinutes: 30 }, events);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const cal = new ICAL.Component(ICAL.parse(ics));
    const vevents = cal.getAllSubcomponents("vevent");
    expect(vevents.map((v) => v.getFirstPropertyValue("uid"))).toEqual(events.map((e) => e.uid));
    expect(vevents.filter((v) => v.getFirstPropertyValue("status") === "CANCELLED")).toHaveLength(17);
    expect(cal.getFirstPropertyValue("method")).toBeNull();
  });
});
