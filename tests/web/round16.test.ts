import { describe, expect, it } from "vitest";
import { INCIDENT_PAGE_SIZE } from "../../src/web/routes/incidents.js";
import { at } from "../helpers.js";
import { login, PEOPLE, post, saveIncident, webDesk } from "./support.js";

const PEOPLE_ADMIN = PEOPLE.admin.login;

// Round 16 of the web desk, as its operator and as an attacker at its doors (helper h-web16).

const NOW = at("2026-12-07", "08:00");

const html = async (res: Response) => {
  expect(res.headers.get("content-type")).toContain("text/html");
  return res.text();
};

describe("a page number that is no page number", () => {
  it("is answered 400 on every paged list, in the list's own page, saying why and showing the first page", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const { cookie } = await login(app, "admin");
    const lists = [
      { path: "/su-co?trang=", title: "<h1>Sự cố</h1>" },
      { path: "/cho-xu-ly?trang=", title: "<h1>Chờ xử lý</h1>" },
      { path: "/cho-xu-ly?trang-bo-sung=", title: "<h1>Chờ xử lý</h1>" },
      { path: "/lich-noi-bo?xem=tuan&ngay=2026-12-07&trang=", title: "<h1>Lịch</h1>" },
    ];
    for (const { path, title } of lists) {
      for (const bad of ["-1", "abc", "0", "2.5", "1e3"]) {
        const res = await app.request(`${path}${encodeURIComponent(bad)}`, { headers: { cookie } });
        expect(res.status, `${path}${bad}`).toBe(400);
        const page = await html(res);
        expect(page).toContain('<html lang="vi">');
        expect(page).toContain(title);
        expect(page).toContain(
          `Số trang «${bad}» không hợp lệ: số trang là số nguyên từ 1 trở lên (ví dụ ?trang=2). Đang hiển thị trang đầu.`,
        );
      }
      // What was typed comes back escaped, and cut.
      const res = await app.request(`${path}${encodeURIComponent(`<script>x</script>${"9".repeat(50)}`)}`, {
        headers: { cookie },
      });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).not.toContain("<script>x");
      expect(page).toContain("«&lt;script&gt;x&lt;/script&gt;99»");
      // A real number, or none, is no error.
      for (const good of ["", "1", "7"]) {
        const ok = await app.request(`${path}${good}`, { headers: { cookie } });
        expect(ok.status, `${path}${good}`).toBe(200);
        expect(await ok.text()).not.toContain("không hợp lệ");
      }
    }
  });

  it("Sự cố is paged, newest first, the filter kept in the page links and the live refresh", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const total = INCIDENT_PAGE_SIZE + 5;
    for (let i = 1; i <= total; i++)
      await saveIncident(desk, new Date(at("2026-12-07", "07:00").getTime() + i * 60_000), {
        code: `SC-2026-${String(i).padStart(4, "0")}`,
      });
    const { cookie } = await login(app, "tech");
    const codes = (page: string) => [...new Set(page.match(/SC-2026-\d{4}/g))];
    const first = await (await app.request("/su-co", { headers: { cookie } })).text();
    expect(first).toContain(`<p>${total} sự cố</p>`);
    expect(first).toContain("Trang 1/2 (25 sự cố mỗi trang)");
    expect(codes(first)).toHaveLength(INCIDENT_PAGE_SIZE);
    expect(codes(first)[0]).toBe(`SC-2026-00${total}`);
    const second = await (await app.request("/su-co?trang=2", { headers: { cookie } })).text();
    expect(codes(second)).toEqual([
      "SC-2026-0005",
      "SC-2026-0004",
      "SC-2026-0003",
      "SC-2026-0002",
      "SC-2026-0001",
    ]);
    // Past the last page: the last page (the list may have shrunk since the link was made).
    const far = await app.request("/su-co?trang=99", { headers: { cookie } });
    expect(far.status).toBe(200);
    expect(codes(await far.text())).toEqual(codes(second));
    // Filtered: the links and the live refresh keep the filter; an action on a card comes back to this page.
    const filtered = await (
      await app.request("/su-co?trang-thai=open&diem-cau=cx-00008&trang=2", { headers: { cookie } })
    ).text();
    expect(filtered).toContain('href="/su-co?trang-thai=open&amp;diem-cau=CX-00008" rel="prev"');
    expect(filtered).toContain('hx-get="/su-co?trang-thai=open&amp;diem-cau=CX-00008&amp;trang=2"');
    expect(filtered).toContain('name="ve" value="/su-co?trang-thai=open&amp;diem-cau=CX-00008&amp;trang=2"');
  });
});

describe("a booking or incident that does not exist", () => {
  it("is the desk's HTML page in Vietnamese (404), with the navigation and the code shown escaped", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const { cookie } = await login(app, "tech");
    const cases = [
      { path: "/dat-lich/HTT-2026-9999", text: "Không có lịch họp «HTT-2026-9999». Mã lịch họp có dạng" },
      { path: "/dat-lich/khong-co", text: "Không có lịch họp «khong-co»." },
      {
        path: "/dat-lich/HTT-2026-9999/thu-moi.ics",
        text: "Lịch họp «HTT-2026-9999» chưa có thư mời nào để tải.",
      },
      { path: "/su-co/SC-2026-9999", text: "Không tìm thấy sự cố «SC-2026-9999». Mã sự cố có dạng" },
      { path: "/su-co/x", text: "Không tìm thấy sự cố «X»." },
      { path: "/khong-co-trang-nay", text: "Không có trang này (404). Hãy kiểm tra lại địa chỉ." },
    ];
    for (const { path, text } of cases) {
      const res = await app.request(path, { headers: { cookie } });
      expect(res.status, path).toBe(404);
      const page = await html(res);
      expect(page).toContain('<html lang="vi">');
      expect(page).toContain("<h1>Không tìm thấy</h1>");
      expect(page).toContain(text);
      // The desk's frame: the navigation and the way back.
      expect(page).toContain('aria-label="Chức năng chính"');
      expect(page).toContain('<a href="/hom-nay">trang Hôm nay</a>');
    }
    const evil = await app.request(
      `/dat-lich/${encodeURIComponent(`<img src=x onerror=alert(1)>${"A".repeat(200)}`)}`,
      {
        headers: { cookie },
      },
    );
    expect(evil.status).toBe(404);
    const page = await evil.text();
    expect(page).not.toContain("<img");
    expect(page).toContain("«&lt;img src=x onerror=alert(1)&gt;AAAA");
    expect(page).not.toContain("A".repeat(100));
  });

  it("without a session an unknown address is the same page, pointing to the public schedule and the login", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const res = await app.request("/khong-co-trang-nay");
    expect(res.status).toBe(404);
    const page = await html(res);
    expect(page).toContain("Không có trang này (404)");
    expect(page).toContain('<a href="/dang-nhap">đăng nhập</a>');
    expect(page).not.toContain("csrf-token");
  });
});

describe("the web desk as its operator and as an attacker at its doors", () => {
  it("a filter value the list does not have is named (400), not answered with an empty list", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    await saveIncident(desk, at("2026-12-07", "07:30"));
    const { cookie } = await login(app, "tech");
    const res = await app.request("/su-co?trang-thai=dong&loai=%3Cb%3E", { headers: { cookie } });
    expect(res.status).toBe(400);
    const page = await html(res);
    expect(page).toContain(
      "Trạng thái «dong» không có trong bộ lọc (chọn một trong: mới tiếp nhận, đã có người nhận xử lý, đã chuyển xử lý, đã khắc phục); đang hiển thị tất cả.",
    );
    expect(page).toContain("Loại sự cố «&lt;b&gt;» không có trong bộ lọc (chọn một trong: âm thanh,");
    // The filter is dropped, so the open incident is listed rather than «0 sự cố».
    expect(page).toContain("<p>1 sự cố</p>");
    expect(page).toContain('hx-get="/su-co"');
    const known = await app.request("/su-co?trang-thai=open&loai=audio", { headers: { cookie } });
    expect(known.status).toBe(200);
    expect(await known.text()).toContain("<p>1 sự cố</p>");

    const cal = await app.request("/lich-noi-bo?xem=thang&cap=tinh&ngay=2026-12-07", { headers: { cookie } });
    expect(cal.status).toBe(400);
    const calPage = await html(cal);
    expect(calPage).toContain("Cách xem «thang» không có (xem=tuan hoặc xem=ngay); đang xem theo tuần.");
    expect(calPage).toContain("Cấp «tinh» không có (chọn một trong: cấp Thành phố,");
    const calOk = await app.request("/lich-noi-bo?xem=ngay&cap=&ngay=2026-12-07", { headers: { cookie } });
    expect(calOk.status).toBe(200);
  });

  it("an unknown account to unlock or file to export is said on the desk's page, not in plain text", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const unlock = await post(
      app,
      "/tai-khoan/mo-khoa",
      { _csrf: admin.csrf, login: "<i>khong-co@hanoi.gov.vn" },
      { cookie: admin.cookie },
    );
    expect(unlock.status).toBe(404);
    const page = await html(unlock);
    expect(page).toContain("<h1>Tài khoản</h1>");
    expect(page).toContain(
      "Không có tài khoản «&lt;i&gt;khong-co@hanoi.gov.vn» để mở khóa: danh sách dưới đây là các tài khoản hiện có.",
    );
    const file = await app.request("/danh-ba/xuat/passwd.csv", { headers: { cookie: admin.cookie } });
    expect(file.status).toBe(404);
    expect(await html(file)).toContain(
      "Không có tệp «passwd.csv» để tải: danh bạ xuất ra agencies.csv, endpoints.csv, people.csv hoặc danh-ba.xlsx.",
    );
  });

  it("an incident form sent empty or with a made-up target is refused on the incident's page, with no chat command", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    await saveIncident(desk, at("2026-12-07", "07:30"));
    const tech = await login(app, "tech");
    const send = (action: string, fields: Record<string, string>, ctype?: string) =>
      app.request(`/su-co/SC-2026-0001/${action}`, {
        method: "POST",
        body: ctype ? JSON.stringify(fields) : new URLSearchParams(fields),
        headers: {
          cookie: tech.cookie,
          origin: "http://localhost",
          "x-csrf-token": tech.csrf,
          ...(ctype ? { "content-type": ctype } : {}),
        },
      });
    for (const res of [
      await send("ghichu", { note: "   " }),
      // A script posting JSON: the form's fields are not read from it, and the refusal says what is missing.
      await send("ghichu", { note: "mất tiếng" }, "application/json"),
    ]) {
      expect(res.status).toBe(409);
      const page = await html(res);
      expect(page).toContain("<h1>Sự cố SC-2026-0001</h1>");
      expect(page).toContain(
        "Chưa có nội dung ghi chú cho sự cố SC-2026-0001: hãy ghi vào ô «Ghi chú» rồi bấm «Thêm ghi chú».",
      );
      expect(page).not.toContain("/ghichu SC-");
    }
    const transfer = await send("chuyen", { target: "ban-giam-doc" });
    expect(transfer.status).toBe(400);
    const page = await html(transfer);
    expect(page).toContain("<h1>Sự cố SC-2026-0001</h1>");
    expect(page).toContain("Chưa chọn nơi chuyển sự cố SC-2026-0001: trực ban mạng WAN hoặc kỹ thuật MCU.");
    const stored = await desk.store.read((r) => r.incidents.get("SC-2026-0001"));
    expect(stored?.status).toBe("open");
  });

  it("a page or form of another role is refused on the desk's page (403); an htmx request gets the line alone", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const wan = await login(app, "wan");
    for (const [path, who] of [
      ["/tai-khoan", tech],
      ["/danh-ba/xuat/people.csv", tech],
      ["/cho-xu-ly", wan],
    ] as const) {
      const res = await app.request(path, { headers: { cookie: who.cookie } });
      expect(res.status, path).toBe(403);
      const page = await html(res);
      expect(page).toContain("<h1>Không có quyền truy cập</h1>");
      expect(page).toContain(
        "Bạn không có quyền thực hiện thao tác này: trang hoặc thao tác này dành cho vai trò khác",
      );
      expect(page).toContain('aria-label="Chức năng chính"');
    }
    const form = await post(
      app,
      "/tai-khoan/mo-khoa",
      { _csrf: tech.csrf, login: PEOPLE_ADMIN },
      { cookie: tech.cookie },
    );
    expect(form.status).toBe(403);
    expect(await html(form)).toContain("<h1>Không có quyền truy cập</h1>");
    const swap = await app.request("/cho-xu-ly", { headers: { cookie: wan.cookie, "hx-request": "true" } });
    expect(swap.status).toBe(403);
    expect(await swap.text()).toBe("Bạn không có quyền thực hiện thao tác này.");
  });
});
