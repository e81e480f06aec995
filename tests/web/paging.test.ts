import { describe, expect, it } from "vitest";
import { PENDING_PAGE_SIZE } from "../../src/web/data.js";
import { CALENDAR_ROWS } from "../../src/web/routes/calendar.js";
import { at, q, sampleDirectory } from "../helpers.js";
import { login, post, webDesk } from "./support.js";

const NOW = at("2026-12-07", "08:00");

type Desk = Awaited<ReturnType<typeof webDesk>>["desk"];

/**
 * Bookings written straight into the tables (the fixture, not the behaviour under test): `n` of them, the i-th
 * received i minutes after 07:00, starting at `start(i)` on the given endpoints.
 */
async function seed(
  desk: Desk,
  n: number,
  o: { status: string; start: (i: number) => Date; endpoints: (i: number) => string[]; prefix: string },
) {
  await desk.store.tx(async (_r, c) => {
    for (let i = 0; i < n; i++) {
      const code = `${o.prefix}${String(i + 1).padStart(4, "0")}`;
      const start = o.start(i).getTime();
      const received = at("2026-12-07", "07:00").getTime() + i * 60_000;
      const eps = o.endpoints(i);
      await c.run(
        q(
          `INSERT INTO bookings (code, status, host, host_endpoint, title, start_at, end_at, contact_name, contact_phone,
             emergency, secret, recording, city_hall_room, unresolved, priority, ports, reasons, missing, channel,
             sender, received_at, sequence, created_at, updated_at)
           VALUES (?, ?, 'Sở Công Thương', NULL, ?, ?, ?, 'Nguyễn Văn A', '0912345678', 0, 0, 0, 0, '[]', 1, ?, '[]',
             '[]', 'mail', 'vanthu.sct@hanoi.gov.vn', ?, 1, ?, ?)`,
          code,
          o.status,
          `Phiên thứ ${i + 1}`,
          start,
          start + 3600_000,
          eps.length,
          received,
          received,
          received,
        ),
      );
      for (const e of eps) {
        await c.run(
          q(
            "INSERT INTO booking_endpoints (booking, endpoint, role, start_at, end_at) VALUES (?, ?, 'participant', ?, ?)",
            code,
            e,
            start,
            start + 3600_000,
          ),
        );
      }
    }
  });
}

const codesIn = (html: string, prefix: string) => [
  ...new Set(html.match(new RegExp(`${prefix}\\d{4}`, "g"))),
];

describe("long lists are paged, every row on exactly one page", () => {
  it("Chờ xử lý: the oldest receipts first, 25 a page, the total in the heading, bad page numbers tamed", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const total = PENDING_PAGE_SIZE * 2 + 7;
    await seed(desk, total, {
      status: "needs-review",
      prefix: "HTT-2026-",
      start: (i) => at("2026-12-20", `${String(8 + (i % 9)).padStart(2, "0")}:00`),
      endpoints: () => ["CX-00008"],
    });
    const { cookie } = await login(app, "admin");
    const page = async (q: string, status = 200) => {
      const res = await app.request(`/cho-xu-ly${q}`, { headers: { cookie } });
      expect(res.status).toBe(status);
      return res.text();
    };
    const first = await page("");
    expect(first).toContain(`Chờ cán bộ kỹ thuật xem xét (${total})`);
    expect(first).toContain("Trang 1/3");
    const seen: string[] = [];
    for (const n of [1, 2, 3]) seen.push(...codesIn(await page(n > 1 ? `?trang=${n}` : ""), "HTT-2026-"));
    // Received in code order: the pages give every booking once, oldest first.
    expect(seen).toEqual(
      Array.from({ length: total }, (_, i) => `HTT-2026-${String(i + 1).padStart(4, "0")}`),
    );
    expect(codesIn(first, "HTT-2026-")).toHaveLength(PENDING_PAGE_SIZE);
    const last = await page("?trang=3");
    expect(last).toContain('rel="prev"');
    expect(last).not.toContain("Trang sau");
    // The live refresh asks for the same page.
    expect(last).toContain('hx-get="/cho-xu-ly?trang=3"');
    expect(codesIn(await page("?trang=999"), "HTT-2026-")).toEqual(codesIn(last, "HTT-2026-"));
    // A number that cannot be a page: the first page, with 400 and why (tests/web/round16.test.ts).
    expect(codesIn(await page("?trang=abc", 400), "HTT-2026-")).toEqual(codesIn(first, "HTT-2026-"));
    expect(codesIn(await page("?trang=-2", 400), "HTT-2026-")).toEqual(codesIn(first, "HTT-2026-"));
  });

  it("Chờ xử lý: a refusal on page 2 shows page 2 again with the note typed; a success returns to page 2", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    // HTT-2026-0030 and HTT-2026-0039 alone want CX-00008 at 10:00 on 21/12; the others each their own commune.
    const pair = (i: number) => i === 29 || i === 38;
    const others = sampleDirectory.endpoints
      .filter((e) => e.level === "commune" && e.code !== "CX-00008")
      .map((e) => e.code);
    await seed(desk, PENDING_PAGE_SIZE * 2 + 7, {
      status: "needs-review",
      prefix: "HTT-2026-",
      start: (i) =>
        pair(i) ? at("2026-12-21", "10:00") : at("2026-12-22", `${String(8 + (i % 9)).padStart(2, "0")}:00`),
      endpoints: (i) => [pair(i) ? "CX-00008" : others[i]!],
    });
    // HTT-2026-0039 confirmed meanwhile (from chat): the slot is taken.
    await desk.store.tx(async (_r, c) => {
      await c.run(q("UPDATE bookings SET status = 'confirmed' WHERE code = 'HTT-2026-0039'"));
    });
    const admin = await login(app, "admin");
    const onPage2 = await (
      await app.request("/cho-xu-ly?trang=2", { headers: { cookie: admin.cookie } })
    ).text();
    expect(onPage2).toContain('action="/cho-xu-ly/HTT-2026-0030/duyet?trang=2"');
    const approve = (code: string, reason: string) =>
      post(app, `/cho-xu-ly/${code}/duyet?trang=2`, { _csrf: admin.csrf, reason }, { cookie: admin.cookie });
    const ok = await approve("HTT-2026-0031", "");
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toMatch(/^\/cho-xu-ly\?trang=2&tb=da-duyet&ma=HTT-2026-0031/);
    // The slot is taken: the approval typed on page 2 is refused, the page and the note come back.
    const note = "đã gọi điện xác nhận với văn thư <Sở>";
    const refused = await approve("HTT-2026-0030", note);
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain("Không thể xác nhận HTT-2026-0030: trùng điểm cầu");
    expect(html).toContain("Trang 2/3");
    expect(html).toContain('hx-get="/cho-xu-ly?trang=2"');
    expect(html).toContain(
      'id="dl-htt-2026-0030" name="reason" type="text" maxlength="500" value="đã gọi điện xác nhận với văn thư &lt;Sở&gt;"',
    );
    // Only in the form it was typed into.
    expect(html.split("đã gọi điện xác nhận")).toHaveLength(2);
  });

  it("Lịch: 60 endpoint rows a page, each busy endpoint on one page; the MCU row counts every session", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const endpoints = sampleDirectory.endpoints.map((e) => e.code);
    expect(endpoints.length).toBeGreaterThan(CALENDAR_ROWS);
    // One one-hour session per endpoint, all on Tuesday at 09:00: the peak is every endpoint at once.
    await seed(desk, endpoints.length, {
      status: "confirmed",
      prefix: "HTT-2026-",
      start: () => at("2026-12-08", "09:00"),
      endpoints: (i) => [endpoints[i]!],
    });
    const { cookie } = await login(app, "admin");
    const pages = Math.ceil(endpoints.length / CALENDAR_ROWS);
    const rowsOf = (html: string) =>
      [...html.matchAll(/<th scope="row">([^<]+)<span/g)].map((m) => m[1]!.trim());
    const seen: string[] = [];
    for (let n = 1; n <= pages; n++) {
      const html = await (
        await app.request(`/lich-noi-bo?xem=tuan&ngay=2026-12-07${n > 1 ? `&trang=${n}` : ""}`, {
          headers: { cookie },
        })
      ).text();
      expect(html).toContain(`trang ${n}/${pages}`);
      // Tuesday's peak: every endpoint's port and every session's conference, whatever the page shows.
      expect(html).toMatch(
        new RegExp(`>${endpoints.length}/\\d+ cổng · ${endpoints.length}/\\d+ phòng họp<`),
      );
      const rows = rowsOf(html);
      expect(rows.length).toBe(n < pages ? CALENDAR_ROWS : endpoints.length - CALENDAR_ROWS * (pages - 1));
      seen.push(...rows);
    }
    expect([...seen].sort()).toEqual([...endpoints].sort());
  });
});
