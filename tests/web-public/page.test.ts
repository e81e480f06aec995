import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import type { Desk } from "../../src/app/desk.js";
import { publicRoutes } from "../../src/web/public/routes.js";
import { at, makeDesk, request } from "../helpers.js";

const NOW = at("2026-12-07", "08:35");
/** Thursday of the same week, the day of the sessions below. */
const THURSDAY = at("2026-12-10", "07:00");
const DOMAIN = "kythuat.hanoi.gov.vn";

function app(desk: Desk, now = THURSDAY) {
  return publicRoutes({ desk, config: { mail: { messageIdDomain: DOMAIN } }, now: () => now });
}

async function page(desk: Desk, query = "", now = THURSDAY): Promise<{ status: number; html: string }> {
  const res = await app(desk, now).request(`/lich${query}`);
  return { status: res.status, html: await res.text() };
}

/** The session list items of a page section, by its heading id. */
function items(html: string, section: string): string[] {
  const start = html.indexOf(`id="${section}"`);
  const end = html.indexOf("</section>", start);
  return [...html.slice(start, end).matchAll(/<li(?: class="secret")?>[\s\S]*?<\/li>/g)].map((m) => m[0]);
}

async function seed(desk: Desk) {
  // Thursday 09:00–11:00, hosted by Sở Công Thương with two commune endpoints.
  await registerBooking(desk, request(), { now: NOW });
  // Thursday 14:00–15:00, secret.
  await registerBooking(
    desk,
    request({
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "15:00"),
      title: "Phương án bảo vệ mục tiêu trọng yếu",
      secret: true,
    }),
    { now: NOW },
  );
  // Friday, a title that tries to run a script.
  await registerBooking(
    desk,
    request({
      start: at("2026-12-11", "09:00"),
      end: at("2026-12-11", "10:00"),
      title: `<script>alert("x")</script> Họp "giao ban" & tổng kết`,
    }),
    { now: NOW },
  );
}

describe("/lich, the public schedule page", () => {
  it("today and this week, in Hanoi time, in Vietnamese, readable on a phone", async () => {
    const desk = await makeDesk();
    await seed(desk);
    const { status, html } = await page(desk);
    expect(status).toBe(200);
    expect(html).toMatch(/^<!doctype html>\s*<html lang="vi">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain("Hôm nay, Thứ Năm, 10/12/2026");
    expect(html).toContain("Trong tuần (07/12 – 13/12/2026)");
    // Every control has a label; the form is a plain GET.
    expect(html).toContain('<label for="co-quan">');
    expect(html).toContain('<label for="diem-cau">');
    expect(html).toContain('<form method="get" action="/lich"');
    const today = items(html, "h-hom-nay");
    expect(today).toHaveLength(2);
    // 09:00 in Hanoi, although the machine runs in Los Angeles.
    expect(today[0]).toContain('<time datetime="2026-12-10T09:00:00+07:00">09:00</time>');
    expect(today[0]).toContain("Triển khai kế hoạch bình ổn thị trường Tết");
    expect(today[0]).toContain("<dt>Chủ trì</dt><dd>Sở Công Thương</dd>");
    expect(today[0]).toMatch(/<dt>Điểm cầu<\/dt><dd>Sở Công Thương; [^<]+<\/dd>/);
    expect(items(html, "h-tuan")).toHaveLength(1);
  });

  it("a secret session shows only «Phiên họp có nội dung mật» and its time", async () => {
    const desk = await makeDesk();
    await seed(desk);
    const { html } = await page(desk);
    const secret = items(html, "h-hom-nay")[1]!;
    expect(secret).toBe(
      '<li class="secret"><p class="time"><time datetime="2026-12-10T14:00:00+07:00">14:00</time>–' +
        '<time datetime="2026-12-10T15:00:00+07:00">15:00</time></p><p class="title">Phiên họp có nội dung mật</p></li>',
    );
    expect(html).not.toContain("bảo vệ mục tiêu");
    // Filtered by its host or one of its endpoints, it is not listed at all (that would say who takes part).
    for (const q of ["?co-quan=so-cong-thuong", "?diem-cau=CX-00008"]) {
      const filtered = await page(desk, q);
      expect(filtered.html).not.toContain("nội dung mật</p>");
      expect(items(filtered.html, "h-hom-nay")).toHaveLength(1);
    }
  });

  it("escapes a title holding <script>, and shows no internal data", async () => {
    const desk = await makeDesk();
    await seed(desk);
    const { html } = await page(desk);
    expect(html).not.toContain("<script");
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Họp &quot;giao ban&quot; &amp; tổng kết",
    );
    // Contacts, the sender's mailbox, reasons, codes: none of it is public.
    for (const leak of [
      "Lâm Thị Ngọc",
      "0983210456",
      "vanthu.sct@hanoi.gov.vn",
      "@hanoi.gov.vn",
      "HTT-2026-",
    ])
      expect(html).not.toContain(leak);
  });

  it("filters by agency and endpoint with a GET form; an unknown one is a 404 that says so", async () => {
    const desk = await makeDesk();
    await seed(desk);
    const byAgency = await page(desk, "?co-quan=so-cong-thuong");
    expect(byAgency.html).toContain('<option value="so-cong-thuong" selected>Sở Công Thương</option>');
    expect(byAgency.html).toContain('href="/lich/co-quan/so-cong-thuong.ics"');
    expect(items(byAgency.html, "h-hom-nay")).toHaveLength(1);
    const elsewhere = await page(desk, "?co-quan=thanh-uy-ha-noi");
    expect(elsewhere.status).toBe(200);
    expect(items(elsewhere.html, "h-hom-nay")).toHaveLength(0);
    expect(elsewhere.html).toContain("Không có phiên họp nào.");
    const byEndpoint = await page(desk, "?diem-cau=CX-00025");
    expect(items(byEndpoint.html, "h-hom-nay")).toHaveLength(1);
    expect(byEndpoint.html).toContain('href="/lich/diem-cau/CX-00025.ics"');
    const unknown = await page(desk, "?co-quan=%3Cb%3Ekhong-co");
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain("Không có cơ quan nào ứng với «&lt;b&gt;khong-co»");
  });

  it("an agency or endpoint over the desk's length cap is 400 saying so, as on the desk's pages and feeds", async () => {
    const desk = await makeDesk();
    await seed(desk);
    for (const param of ["co-quan", "diem-cau"]) {
      const long = await page(desk, `?${param}=${"x".repeat(5000)}`);
      expect(long.status, param).toBe(400);
      expect(long.html).toContain(
        `(${param}): đã nhận «${"x".repeat(60)}…», cần một giá trị không quá 200 ký tự.`,
      );
      expect(long.html).not.toContain("x".repeat(100));
    }
    // At the cap it is read (and is no agency: 404).
    expect((await page(desk, `?co-quan=${"x".repeat(200)}`)).status).toBe(404);
  });

  it("an agency or endpoint given twice with different values is 400 saying so, neither read", async () => {
    const desk = await makeDesk();
    await seed(desk);
    const twice = await page(desk, "?co-quan=so-cong-thuong&co-quan=%3Cb%3Ex");
    expect(twice.status).toBe(400);
    expect(twice.html).toContain(
      "Cơ quan (co-quan): đã nhận «so-cong-thuong», «&lt;b&gt;x», cần một giá trị duy nhất.",
    );
    expect(twice.html).not.toContain("<b>x");
    expect(twice.html).not.toContain("selected>Sở Công Thương");
    expect((await page(desk, "?diem-cau=CX-00025&diem-cau=CX-00026")).status).toBe(400);
    expect((await page(desk, "?co-quan=so-cong-thuong&co-quan=so-cong-thuong")).status).toBe(200);
  });

  it("serves the page and the feed over a real listener", async () => {
    const desk = await makeDesk();
    await seed(desk);
    const server = serve({ fetch: app(desk).fetch, hostname: "127.0.0.1", port: 0 });
    try {
      await new Promise<void>((resolve) =>
        server.listening ? resolve() : server.once("listening", resolve),
      );
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const html = await fetch(`${base}/lich`);
      expect(html.headers.get("content-type")).toBe("text/html; charset=UTF-8");
      expect(await html.text()).toContain("Lịch họp trực tuyến thành phố Hà Nội");
      const ics = await fetch(`${base}/lich.ics`);
      const etag = ics.headers.get("etag")!;
      const cal = new ICAL.Component(ICAL.parse(await ics.text()));
      expect(cal.getAllSubcomponents("vevent")).toHaveLength(3);
      expect((await fetch(`${base}/lich.ics`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
