import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { cancelBooking, changeBooking, registerBooking } from "../../src/app/booking/index.js";
import type { Desk } from "../../src/app/desk.js";
import { composeReply } from "../../src/mail/smtp-sender.js";
import { publicRoutes } from "../../src/web/public/routes.js";
import { agencySlug } from "../../src/web/public/schedule.js";
import { at, makeDesk, openTestStore, q, request, sampleDirectory } from "../helpers.js";

// vitest runs under TZ=America/Los_Angeles: a machine-local time anywhere in the feed lands 15 hours off.
const NOW = at("2026-12-07", "08:35");
const DOMAIN = "kythuat.hanoi.gov.vn";
const SMTP = {
  host: "127.0.0.1",
  port: 25,
  tls: "none" as const,
  from: "kythuat@hanoi.gov.vn",
  fromName: "Kỹ thuật",
  messageIdDomain: DOMAIN,
};

interface Ev {
  uid: string;
  sequence: number;
  start: string;
  end: string;
  status: string | null;
  summary: string;
  description: string | null;
  location: string | null;
  attendees: number;
  floating: boolean;
}

/** Every VEVENT of an .ics, read with ical.js as a calendar client would. */
function events(ics: string): Ev[] {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return cal.getAllSubcomponents("vevent").map((v) => {
    const ev = new ICAL.Event(v);
    const str = (name: string) => {
      const x = v.getFirstPropertyValue(name);
      return x === null || x === undefined ? null : String(x);
    };
    return {
      uid: ev.uid,
      sequence: ev.sequence,
      start: ev.startDate.toJSDate().toISOString(),
      end: ev.endDate.toJSDate().toISOString(),
      status: str("status"),
      summary: ev.summary,
      description: str("description"),
      location: str("location"),
      attendees: v.getAllProperties("attendee").length,
      floating: [ev.startDate, ev.endDate].some((t) => t.zone === ICAL.Timezone.localTimezone),
    };
  });
}

/** The invite the SMTP sender attaches to the newest mail about `code`, parsed. */
async function lastInvite(desk: Desk, code: string): Promise<Ev & { method: string }> {
  const rows = (await desk.store.read((r) => r.outbox.list({ booking: code }))).filter(
    (m) => m.channel === "mail" && m.payload.calendar,
  );
  const msg = composeReply(rows.at(-1)!, SMTP);
  const ics = msg.icalEvent!.content;
  const method = String(new ICAL.Component(ICAL.parse(ics)).getFirstPropertyValue("method"));
  return { ...events(ics)[0]!, method };
}

function app(desk: Desk, now = NOW) {
  return publicRoutes({ desk, config: { mail: { messageIdDomain: DOMAIN } }, now: () => now });
}

async function feed(desk: Desk, path = "/lich.ics", now = NOW): Promise<Ev[]> {
  const res = await app(desk, now).request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
  return events(await res.text());
}

describe("ICS feeds carry the UID and SEQUENCE of the mailed invites", () => {
  it("register, change, cancel: the feed's event is always the invite's event, cancelled at the end", async () => {
    const desk = await makeDesk();
    const reg = await registerBooking(desk, request(), { now: NOW });
    expect(reg).toMatchObject({ duplicate: false, code: "HTT-2026-0001", booking: { status: "confirmed" } });
    const sent1 = await lastInvite(desk, "HTT-2026-0001");
    const [f1, ...rest1] = await feed(desk);
    expect(rest1).toEqual([]);
    expect(sent1.method).toBe("REQUEST");
    expect(f1!.uid).toBe(`HTT-2026-0001@${DOMAIN}`);
    expect([f1!.uid, f1!.sequence]).toEqual([sent1.uid, sent1.sequence]);
    expect(f1!.status).toBe("CONFIRMED");
    expect(f1!.floating).toBe(false);
    expect([f1!.start, f1!.end]).toEqual(["2026-12-10T02:00:00.000Z", "2026-12-10T04:00:00.000Z"]);
    expect(f1!.summary).toBe(sent1.summary);
    expect(f1!.description).toContain("Cơ quan chủ trì: Sở Công Thương");

    const later = new Date(NOW.getTime() + 3600_000);
    await changeBooking(
      desk,
      "HTT-2026-0001",
      { start: at("2026-12-10", "14:00"), end: at("2026-12-10", "16:30") },
      { id: "vanthu.sct@hanoi.gov.vn", channel: "mail" },
      { now: later },
    );
    const sent2 = await lastInvite(desk, "HTT-2026-0001");
    expect(sent2.sequence).toBeGreaterThan(sent1.sequence);
    const [f2] = await feed(desk, "/lich.ics", later);
    expect([f2!.uid, f2!.sequence, f2!.start]).toEqual([sent2.uid, sent2.sequence, sent2.start]);
    expect(f2!.start).toBe("2026-12-10T07:00:00.000Z");

    const cancelAt = new Date(later.getTime() + 3600_000);
    await cancelBooking(
      desk,
      "HTT-2026-0001",
      { id: "vanthu.sct@hanoi.gov.vn", channel: "mail" },
      "thay đổi kế hoạch",
      cancelAt,
    );
    const sent3 = await lastInvite(desk, "HTT-2026-0001");
    expect(sent3.method).toBe("CANCEL");
    const [f3, ...rest3] = await feed(desk, "/lich.ics", cancelAt);
    expect(rest3).toEqual([]);
    expect([f3!.uid, f3!.sequence]).toEqual([sent3.uid, sent3.sequence]);
    expect(f3!.status).toBe("CANCELLED");
    // The cancelled session is gone from the page, not from the subscriber's calendar.
    const page = await (await app(desk, cancelAt).request("/lich")).text();
    expect(page).not.toContain("HTT-2026-0001");
    expect(page).not.toContain("bình ổn thị trường");
  });

  it("a secret session: no title, host, endpoints or attendees; only the city feed lists it", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request({ title: "Kế hoạch phòng thủ khu vực", secret: true }), { now: NOW });
    await registerBooking(
      desk,
      request({ start: at("2026-12-11", "09:00"), end: at("2026-12-11", "10:00"), title: "Họp giao ban" }),
      { now: NOW },
    );
    const b = (await desk.store.read((r) => r.bookings.get("HTT-2026-0001")))!;
    expect(b).toMatchObject({ status: "confirmed", request: { secret: true } });
    const res = await app(desk).request("/lich.ics");
    const text = await res.text();
    const block = text.split("BEGIN:VEVENT").find((e) => e.includes("UID:HTT-2026-0001@"))!;
    expect(block).toContain("SUMMARY:Phiên họp có nội dung mật");
    // Unfolded (RFC 5545 folds long lines), the secret event names nothing but its time.
    const flat = block.replace(/\r?\n[ \t]/g, "");
    for (const leak of [
      "phòng thủ",
      "Sở Công Thương",
      "Công Thương",
      "CX-000",
      "Ngọc Hà",
      "vanthu",
      "Lâm Thị Ngọc",
      "0983",
    ])
      expect(flat).not.toContain(leak);
    expect(text).not.toContain("phòng thủ");
    const [secret, open] = events(text);
    expect(secret).toMatchObject({
      uid: `HTT-2026-0001@${DOMAIN}`,
      summary: "Phiên họp có nội dung mật",
      description: null,
      location: null,
      attendees: 0,
      start: "2026-12-10T02:00:00.000Z",
    });
    expect(open!.summary).toBe("Họp giao ban (HTT-2026-0002)");
    // Listed under its host or endpoint, a secret session would say who takes part.
    for (const path of [`/lich/co-quan/${agencySlug("Sở Công Thương")}.ics`, "/lich/diem-cau/CX-00008.ics"]) {
      const uids = (await feed(desk, path)).map((e) => e.uid);
      expect(uids).toEqual([`HTT-2026-0002@${DOMAIN}`]);
    }
  });

  it("per agency and per endpoint: only their sessions; unknown ones 404 in Vietnamese", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: NOW });
    const dir = await desk.store.read((r) => r.directory.snapshot());
    const other = dir.directory.agencies.find(
      (a) =>
        a.name !== "Sở Công Thương" &&
        !dir.directory.endpoints.some(
          (e) => e.agency === a.name && ["CX-00008", "CX-00025"].includes(e.code),
        ),
    )!;
    const participant = dir.endpoint("CX-00025")!;
    expect(agencySlug("Sở Công Thương")).toBe("so-cong-thuong");
    expect((await feed(desk, "/lich/co-quan/so-cong-thuong.ics")).length).toBe(1);
    // Taking part through one of its endpoints puts the session in that agency's feed too.
    expect((await feed(desk, `/lich/co-quan/${agencySlug(participant.agency)}.ics`)).length).toBe(1);
    expect(await feed(desk, `/lich/co-quan/${agencySlug(other.name)}.ics`)).toEqual([]);
    expect((await feed(desk, "/lich/diem-cau/CX-00008.ics")).length).toBe(1);
    expect((await feed(desk, "/lich/diem-cau/cx-00008.ics")).length).toBe(1);

    const unknown = await app(desk).request("/lich/co-quan/so-khong-co.ics");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Không có cơ quan nào với mã «so-khong-co»");
    const noEndpoint = await app(desk).request("/lich/diem-cau/XX-999.ics");
    expect(noEndpoint.status).toBe(404);
    expect(await noEndpoint.text()).toContain("Không có điểm cầu nào mang mã «XX-999»");
  });

  it("from/to narrow the feed; bad or too long ranges are refused with 400 in Vietnamese", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: NOW });
    await registerBooking(
      desk,
      request({ start: at("2026-12-15", "09:00"), end: at("2026-12-15", "10:00") }),
      { now: NOW },
    );
    expect((await feed(desk)).length).toBe(2);
    const narrowed = await feed(desk, "/lich.ics?from=2026-12-10&to=2026-12-10");
    expect(narrowed.map((e) => e.uid)).toEqual([`HTT-2026-0001@${DOMAIN}`]);
    expect((await feed(desk, "/lich.ics?from=2026-12-11")).map((e) => e.uid)).toEqual([
      `HTT-2026-0002@${DOMAIN}`,
    ]);
    for (const [q, says] of [
      ["from=10/12/2026", "Từ ngày (from): đã nhận «10/12/2026», cần ngày theo dạng 2026-12-07."],
      ["from=2026-02-30", "Từ ngày (from): đã nhận «2026-02-30»"],
      ["to=abc", "Đến ngày (to): đã nhận «abc», cần ngày theo dạng 2026-12-07."],
      ["from=2026-12-10&to=2026-12-01", "phải trước hoặc trùng ngày kết thúc"],
      ["from=2026-01-01&to=2027-12-31", "dài nhất là 400 ngày"],
    ] as const) {
      const res = await app(desk).request(`/lich.ics?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; charset=utf-8$/i);
      expect(await res.text(), q).toContain(says);
    }
  });

  it("ETag and Last-Modified: a matching If-None-Match gets 304, a change a new ETag", async () => {
    const desk = await makeDesk();
    const reg = await registerBooking(desk, request(), { now: NOW });
    const first = await app(desk).request("/lich.ics");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers.get("last-modified")).toBe(NOW.toUTCString());
    // The same content gives the same tag (nothing in the feed depends on the time of the request).
    const again = await app(desk, new Date(NOW.getTime() + 60_000)).request("/lich.ics");
    expect(again.headers.get("etag")).toBe(etag);
    const cached = await app(desk).request("/lich.ics", { headers: { "If-None-Match": `W/"x", ${etag}` } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe("");
    const stale = await app(desk).request("/lich.ics", { headers: { "If-None-Match": '"something-else"' } });
    expect(stale.status).toBe(200);

    const later = new Date(NOW.getTime() + 3600_000);
    if (reg.duplicate) throw new Error("unexpected duplicate");
    await changeBooking(
      desk,
      reg.code,
      { title: "Nội dung mới" },
      { id: "x", channel: "mail" },
      { now: later },
    );
    const changed = await app(desk, later).request("/lich.ics", { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(changed.headers.get("last-modified")).toBe(later.toUTCString());
  });

  it("one long-lived server: a kept feed is never stale after a write here, in another process, or to the directory", async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), "desk-feed-")), "desk.db");
    const desk = await makeDesk({}, dbFile);
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const server = app(desk);
    const read = async (path = "/lich.ics") => events(await (await server.request(path)).text());
    await registerBooking(desk, request(), { now: NOW });
    expect((await read()).map((e) => e.uid)).toEqual([`HTT-2026-0001@${DOMAIN}`]);
    expect((await read("/lich/diem-cau/CX-00025.ics")).length).toBe(1);

    // Written by this desk's use case.
    const second = await registerBooking(
      desk,
      request({
        start: at("2026-12-11", "09:00"),
        end: at("2026-12-11", "10:00"),
        participants: ["CX-00070"],
      }),
      { now: NOW },
    );
    expect(second).toMatchObject({ code: "HTT-2026-0002", booking: { status: "confirmed" } });
    expect((await read()).length).toBe(2);
    expect((await read("/lich/diem-cau/CX-00025.ics")).length).toBe(1);
    expect((await read("/lich/diem-cau/CX-00070.ics")).length).toBe(1);

    // Written by another desk process on the same database (its own connection).
    const other = await openTestStore(dbFile);
    try {
      await cancelBooking(
        { ...desk, store: other },
        "HTT-2026-0002",
        { id: "vanthu.sct@hanoi.gov.vn", channel: "mail" },
        "hoãn",
        NOW,
      );
      await other.tx((_r, c) =>
        c.run(q("UPDATE bookings SET title = 'Đổi tên ngoài tiến trình' WHERE code = 'HTT-2026-0001'")),
      );
    } finally {
      other.close();
    }
    const after = await read();
    expect(after.find((e) => e.uid.startsWith("HTT-2026-0002"))!.status).toBe("CANCELLED");
    expect(after.find((e) => e.uid.startsWith("HTT-2026-0001"))!.summary).toContain(
      "Đổi tên ngoài tiến trình",
    );

    // A directory change (an endpoint renamed) reaches the feed's descriptions.
    const renamed = {
      ...sampleDirectory,
      endpoints: sampleDirectory.endpoints.map((e) =>
        e.code === "CX-00025" ? { ...e, name: "Điểm cầu đã đổi tên" } : e,
      ),
    };
    await desk.store.tx((r) => r.directory.replaceAll(renamed));
    const first = (await read()).find((e) => e.uid.startsWith("HTT-2026-0001"))!;
    expect(first.description).toContain("Điểm cầu đã đổi tên");
  });
});

describe("a feed reads its address with the desk's one parser", () => {
  const BROWSER = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
  // What calendar clients send: Outlook and Google fetch with «*/*» or none, Apple with «text/calendar».
  const CLIENTS: Record<string, string>[] = [{}, { accept: "*/*" }, { accept: "text/calendar" }];

  it("a parameter given twice with different values is 400, neither read; the same value twice is fine", async () => {
    const desk = await makeDesk();
    for (const path of ["/lich.ics", "/lich/co-quan/so-cong-thuong.ics", "/lich/diem-cau/CX-00008.ics"]) {
      const res = await app(desk).request(`${path}?from=2026-12-01&from=2026-12-08`);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; charset=utf-8$/i);
      expect(await res.text()).toContain(
        "Tham số (from): đã nhận «2026-12-01», «2026-12-08», cần một giá trị duy nhất.",
      );
    }
    expect((await app(desk).request("/lich.ics?to=2026-12-31&to=2026-12-31")).status).toBe(200);
  });

  it("a value or a file name over the length cap is 400 and not echoed whole", async () => {
    const desk = await makeDesk();
    const long = "9".repeat(5000);
    for (const path of [`/lich.ics?to=${long}`, `/lich/co-quan/${long}.ics`, `/lich/diem-cau/${long}.ics`]) {
      const res = await app(desk).request(path);
      expect(res.status, path.slice(0, 30)).toBe(400);
      const text = await res.text();
      expect(text).toContain("cần một giá trị không quá 200 ký tự");
      expect(text.length).toBeLessThan(400);
    }
  });

  it("a refusal is a short Vietnamese line to a calendar client and the desk's page to a browser", async () => {
    const desk = await makeDesk();
    for (const [path, status, says] of [
      ["/lich.ics?from=abc", 400, "Từ ngày (from): đã nhận «abc»"],
      ["/lich.ics?from=2026-12-10&to=2026-12-01", 400, "phải trước hoặc trùng ngày kết thúc"],
      ["/lich/co-quan/so-khong-co.ics", 404, "Không có cơ quan nào với mã «so-khong-co»"],
      ["/lich/diem-cau/XX-999.ics", 404, "Không có điểm cầu nào mang mã «XX-999»"],
    ] as const) {
      for (const headers of CLIENTS) {
        const res = await app(desk).request(path, { headers });
        expect(res.status, path).toBe(status);
        expect(res.headers.get("content-type"), path).toMatch(/^text\/plain; charset=utf-8$/i);
        const line = await res.text();
        expect(line).toContain(says);
        expect(line).not.toContain("<");
      }
      const page = await app(desk).request(path, { headers: BROWSER });
      expect(page.status, path).toBe(status);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      // The desk's page loads the desk's stylesheet: the public page's policy (its one hashed style) would block it.
      expect(page.headers.get("content-security-policy")).toContain("style-src 'self'");
      const body = await page.text();
      expect(body).toContain('<html lang="vi">');
      expect(body).toContain('role="alert"');
      expect(body).toContain(says);
      expect(body).toContain('href="/lich"');
    }
  });

  it("success stays text/calendar for every client", async () => {
    const desk = await makeDesk();
    for (const headers of [...CLIENTS, BROWSER]) {
      const res = await app(desk).request("/lich/co-quan/so-cong-thuong.ics", { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    }
  });
});
