import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { setPassword } from "../../src/web/auth/accounts.js";
import { kindVi } from "../../src/web/routes/booking.js";
import { webApp } from "../../src/web/server.js";
import { DEFAULT_WEB_SETTINGS } from "../../src/web/settings.js";
import { at, makeDesk, request } from "../helpers.js";
import { login, PASSWORD, PEOPLE, webDesk } from "./support.js";

const NOW = at("2026-12-08", "08:00");
const SCRIPT_TITLE = "Họp <script>alert('x')</script> giao ban";

/** An agency's mail as it arrived: plain text and an HTML part that must never be rendered. */
function eml(subject: string, body: string): Buffer {
  return Buffer.from(
    [
      "From: Văn thư Sở Công Thương <vanthu.sct@hanoi.gov.vn>",
      "To: kythuat@hanoi.gov.vn",
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString("base64")}?=`,
      "Date: Mon, 07 Dec 2026 08:30:00 +0700",
      "Message-ID: <dk-1@hanoi.gov.vn>",
      "MIME-Version: 1.0",
      'Content-Type: text/plain; charset="utf-8"',
      "Content-Transfer-Encoding: 8bit",
      "",
      body,
    ].join("\r\n"),
  );
}

async function booked(
  desk: Awaited<ReturnType<typeof makeDesk>>,
  opts: { secret?: boolean; title?: string; other?: boolean } = {},
) {
  const title = opts.title ?? SCRIPT_TITLE;
  const res = await registerBooking(
    desk,
    request({
      title,
      secret: opts.secret ?? false,
      // Another host and endpoints: the two sessions overlap without sharing an endpoint.
      ...(opts.other
        ? { host: "Sở Y tế", participants: ["CX-00070", "CX-00082"], sender: "vanthu.syt@hanoi.gov.vn" }
        : {}),
    }),
    {
      now: at("2026-12-07", "08:30"),
      inbound: {
        channel: "mail",
        key: `<dk-${Math.random()}@hanoi.gov.vn>`,
        raw: eml(`Đăng ký họp: ${title}`, `Kính gửi Trung tâm,\nNội dung: ${title}\n<b>in đậm</b>`),
      },
    },
  );
  if (res.duplicate) throw new Error("duplicate");
  return res;
}

const MAIL = { from: "kythuat@hanoi.gov.vn", fromName: "Bàn kỹ thuật", messageIdDomain: "desk.test" };

describe("booking page", () => {
  it("shows the request, the original mail as text, the decision, every message, the audit trail and the invite", async () => {
    const desk = await makeDesk();
    const { app } = await webDesk({ desk, now: () => NOW, settings: { mail: MAIL } });
    const { code, booking } = await booked(desk);
    const admin = await login(app, "admin");
    const res = await app.request(`/dat-lich/${code}`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Sở Công Thương");
    expect(html).toContain("Lâm Thị Ngọc, 0983210456");
    expect(html).toContain("CX-00008");
    expect(html).toContain("09:00 10/12/2026");
    // The title and the mail body, escaped everywhere; the mail's HTML tag shows as text.
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("Họp &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; giao ban");
    expect(html).toContain("&lt;b&gt;in đậm&lt;/b&gt;");
    expect(html).toContain("Kính gửi Trung tâm,");
    const outbox = await desk.store.read((r) => r.outbox.list({ booking: code }));
    expect(outbox.length).toBeGreaterThan(0);
    expect(html).toContain(`Tin đã gửi (${outbox.length})`);
    // Each row says what it is in Vietnamese (the page showed the code, «booking-confirmed»).
    for (const m of outbox) expect(html).toContain(`<td>${kindVi(m.kind)}</td>`);
    const events = await desk.store.read((r) => r.bookings.events(code));
    expect(events.length).toBeGreaterThan(0);
    expect(html.match(/<ol class="timeline">[\s\S]*?<\/ol>/)?.[0].match(/<li>/g)?.length).toBe(events.length);
    expect(html).toContain(`/dat-lich/${code}/thu-moi.ics`);

    const ics = await app.request(`/dat-lich/${code}/thu-moi.ics`, { headers: { cookie: admin.cookie } });
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    const text = await ics.text();
    expect(text).toContain(`UID:${code}@desk.test`);
    expect(text).toContain(`SEQUENCE:${booking.sequence}`);
    expect(text).toContain("DTSTART:20261210T020000Z");
  });

  it("a secret session: a technician sees the code, the time and «phiên họp mật»; an admin sees it all", async () => {
    const desk = await makeDesk();
    const { app } = await webDesk({ desk, now: () => NOW });
    const title = "Bàn phương án bảo vệ bí mật nhà nước";
    const { code } = await booked(desk, { secret: true, title });
    const tech = await login(app, "tech");
    const seen = await (await app.request(`/dat-lich/${code}`, { headers: { cookie: tech.cookie } })).text();
    expect(seen).toContain(code);
    expect(seen).toContain("09:00–11:00 10/12/2026");
    expect(seen).toContain("phiên họp mật");
    expect(seen).not.toContain(title);
    expect(seen).not.toContain("CX-00008");
    expect(seen).not.toContain("Lâm Thị Ngọc");
    expect(seen).not.toContain("Kính gửi Trung tâm");
    const admin = await login(app, "admin");
    const all = await (await app.request(`/dat-lich/${code}`, { headers: { cookie: admin.cookie } })).text();
    expect(all).toContain(title);
    expect(all).toContain("CX-00008");
    expect(all).toContain("Kính gửi Trung tâm");
  });

  it("an unknown code is 404 and a visitor without a session goes to the login", async () => {
    const { app } = await webDesk({ now: () => NOW });
    expect((await app.request("/dat-lich/HTT-2026-0001")).status).toBe(302);
    const tech = await login(app, "tech");
    expect((await app.request("/dat-lich/HTT-2026-9999", { headers: { cookie: tech.cookie } })).status).toBe(
      404,
    );
  });
});

describe("Lịch", () => {
  it("week view per endpoint with MCU load against capacity, filters, prev/next; day view by hour", async () => {
    const desk = await makeDesk({ mcu: { ports: 40, conferences: 3 } });
    const { app } = await webDesk({ desk, now: () => NOW });
    const { code, booking } = await booked(desk);
    const second = await booked(desk, { secret: true, title: "Nội dung mật", other: true });
    const secret = second.code;
    expect(second.booking.status).toBe("confirmed");
    const portsOf = (b: typeof booking) =>
      new Set([b.hostEndpoint, ...b.request.participants].filter(Boolean)).size;
    const total = portsOf(booking) + portsOf(second.booking);
    const tech = await login(app, "tech");
    const get = async (q: string) => {
      const res = await app.request(`/lich-noi-bo${q}`, { headers: { cookie: tech.cookie } });
      expect(res.status).toBe(200);
      return res.text();
    };
    const week = await get("?ngay=2026-12-10");
    expect(week).toContain("Lịch tuần từ 07/12/2026 đến 13/12/2026");
    expect(week).toContain(`<a href="/dat-lich/${code}">${code}</a>`);
    expect(week).toContain("CX-00008");
    // Both sessions overlap: twice the ports, two conferences, against the configured capacity.
    expect(week).toContain(`${total}/40 cổng · 2/3 phòng họp`);
    expect(week).toContain("0/40 cổng · 0/3 phòng họp");
    expect(week).toContain("Họp &lt;script&gt;");
    expect(week).not.toContain("<script>alert");
    expect(week).toContain(secret);
    expect(week).not.toContain("Nội dung mật");
    expect(week).toContain("phiên họp mật");
    expect(week).toContain("ngay=2026-11-30");
    expect(week).toContain("ngay=2026-12-14");
    // Filtered to an agency with no session, and to a level: the rows follow.
    const none = await get(`?ngay=2026-12-10&co-quan=${encodeURIComponent("Thành ủy Hà Nội")}`);
    expect(none).not.toContain(`>${code}</a>`);
    expect(none).toContain("Không có phiên họp nào");
    const host = desk.store.repos.directory;
    const dir = await host.load();
    const level = dir.endpoints.find((e) => e.code === "CX-00008")!.level;
    const other = level === "commune" ? "city" : "commune";
    expect(await get(`?ngay=2026-12-10&cap=${level}`)).toContain("CX-00008");
    expect(await get(`?ngay=2026-12-10&cap=${other}`)).not.toContain('<th scope="row">CX-00008');
    // Another week: nothing.
    expect(await get("?ngay=2026-12-17")).not.toContain(`>${code}</a>`);
    const day = await get("?xem=ngay&ngay=2026-12-10");
    expect(day).toContain("Lịch ngày 10/12/2026");
    expect(day).toContain('<th scope="col">09:00</th>');
    expect(day).toContain(`${total}/40 cổng`);
    expect(day).toContain("ngay=2026-12-09");
    const admin = await login(app, "admin");
    const seen = await (
      await app.request("/lich-noi-bo?ngay=2026-12-10", { headers: { cookie: admin.cookie } })
    ).text();
    expect(seen).toContain("Nội dung mật");
  });
});

describe("Cấu hình", () => {
  it("shows the regulation values in force, from the loaded configuration, with their articles", async () => {
    const desk = await makeDesk({ answerWithinMinutes: 90, mcu: { ports: 77, conferences: 5 } });
    await setPassword(desk, PEOPLE.wan.login, PASSWORD, new Date());
    const app = webApp({ desk, settings: DEFAULT_WEB_SETTINGS, clock: () => NOW });
    const wan = await login(app, "wan");
    const html = await (await app.request("/cau-hinh", { headers: { cookie: wan.cookie } })).text();
    const row = (label: string) => {
      const i = html.indexOf(`<td>${label}</td>`);
      expect(i, label).toBeGreaterThan(-1);
      return html.slice(i, html.indexOf("</tr>", i));
    };
    expect(row("Thời hạn đăng ký trước phiên họp thông thường")).toContain("1 ngày (24 giờ)");
    expect(row("Thời hạn đăng ký trước phiên họp thông thường")).toContain("Điều 12.2a");
    expect(row("Thời hạn đăng ký trước phiên họp khẩn")).toContain("6 giờ");
    expect(row("Thời hạn trả lời đăng ký")).toContain("90 phút");
    expect(row("Thời hạn trả lời đăng ký")).toContain("Điều 12.2b");
    expect(row("Bàn giao bản ghi hình trong")).toContain("Điều 14.2");
    expect(row("Năng lực MCU: số cổng (kết nối điểm cầu)")).toContain("<strong>77</strong>");
    expect(row("Năng lực MCU: số phòng họp đồng thời")).toContain("<strong>5</strong>");
    expect(row("Đăng ký xa hơn mức này chuyển cán bộ kỹ thuật xem xét")).toContain("12 tháng");
    expect(html).not.toContain('<form method="post"');
  });
});
