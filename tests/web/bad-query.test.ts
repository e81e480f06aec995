import { describe, expect, it } from "vitest";
import { at } from "../helpers.js";
import { login, webDesk } from "./support.js";

// Found by reading every page's address as a person who mistypes it: «/lich-noi-bo?ngay=2026-13-40» showed today's
// calendar with 200, and an unknown agency an empty calendar, as if each had been asked for.

const NOW = at("2026-12-03", "09:00");
const BACK = '<a href="/lich-noi-bo">Mở lại trang với giá trị mặc định</a>';

async function desk() {
  const { app } = await webDesk({ now: () => NOW });
  const { cookie } = await login(app, "tech");
  const get = (path: string) => app.request(path, { headers: { cookie } });
  return { app, get };
}

describe("the internal calendar's address", () => {
  it("a day that is no day is 400, naming the field, what came (escaped) and the form, with a way back", async () => {
    const { get } = await desk();
    for (const [bad, shown] of [
      ["2026-13-40", "2026-13-40"],
      ["2026-02-30", "2026-02-30"],
      ["abc", "abc"],
      ["<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"],
    ]) {
      const res = await get(`/lich-noi-bo?ngay=${encodeURIComponent(bad!)}`);
      expect(res.status, bad).toBe(400);
      const page = await res.text();
      expect(page).toContain(
        `Ngày (ngay): đã nhận «${shown}», cần ngày theo dạng 2026-12-03. Đang hiển thị hôm nay.`,
      );
      expect(page).toContain(BACK);
      expect(page).not.toContain("<script>x");
      // Today's week is shown under the notice.
      expect(page).toContain("Lịch tuần từ 30/11/2026 đến 06/12/2026");
    }
    const fine = await get("/lich-noi-bo?ngay=2026-12-10");
    expect(fine.status).toBe(200);
    expect(await fine.text()).not.toContain(BACK);
  });

  it("a day given twice with different values is 400, neither is read", async () => {
    const { get } = await desk();
    const res = await get("/lich-noi-bo?ngay=2026-12-10&ngay=2026-12-17");
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain("Tham số (ngay): đã nhận «2026-12-10», «2026-12-17», cần một giá trị duy nhất.");
    expect(page).toContain(BACK);
    expect((await get("/lich-noi-bo?ngay=2026-12-10&ngay=2026-12-10")).status).toBe(200);
  });

  it("an agency the directory has not is 404, named escaped, with links to the list", async () => {
    const { get } = await desk();
    const res = await get(`/lich-noi-bo?co-quan=${encodeURIComponent('<img src=x onerror="y">')}`);
    expect(res.status).toBe(404);
    const page = await res.text();
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain(
      "Cơ quan «&lt;img src=x onerror=&quot;y&quot;&gt;» (co-quan) không có trong danh bạ",
    );
    expect(page).not.toContain("<img src=x");
    expect(page).toContain('href="/danh-ba#co-quan"');
    expect(page).toContain('href="/lich-noi-bo"');
    const known = await get(`/lich-noi-bo?co-quan=${encodeURIComponent("Thành ủy Hà Nội")}`);
    expect(known.status).toBe(200);
  });
});

describe("every paged list's bad value", () => {
  it("links back to the list with its defaults", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const { cookie } = await login(app, "admin");
    for (const [path, back] of [
      ["/su-co?trang=abc", "/su-co"],
      ["/su-co?loai=khong-co", "/su-co"],
      ["/cho-xu-ly?trang=-1", "/cho-xu-ly"],
      ["/lich-noi-bo?trang=0", "/lich-noi-bo"],
    ] as const) {
      const res = await app.request(path, { headers: { cookie } });
      expect(res.status, path).toBe(400);
      expect(await res.text(), path).toContain(`<a href="${back}">Mở lại trang với giá trị mặc định</a>`);
    }
  });
});

describe("a parameter given twice with different values, on any page", () => {
  it("is 400 on the desk's page naming it (escaped), with a way back; programs get the line", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const { cookie } = await login(app, "admin");
    for (const [path, param, values] of [
      ["/su-co", "loai", ["mat-hinh", "mat-tieng"]],
      ["/su-co", "trang", ["1", "9"]],
      ["/cho-xu-ly", "trang-bo-sung", ["1", "2"]],
      ["/lich-noi-bo", "cap", ["city", "<b>x</b>"]],
      ["/bao-cao", "year", ["2026", "2025"]],
    ] as const) {
      const query = values.map((v) => `${param}=${encodeURIComponent(v)}`).join("&");
      const res = await app.request(`${path}?${query}`, { headers: { cookie } });
      expect(res.status, path).toBe(400);
      const page = await res.text();
      expect(page, path).toContain('<html lang="vi">');
      expect(page, path).toContain(
        `Tham số (${param}): đã nhận «${values.join("», «").replace("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;")}», cần một giá trị duy nhất.`,
      );
      expect(page, path).not.toContain("<b>x</b>");
      expect(page, path).toContain(`<a href="${path}">Mở lại trang với giá trị mặc định</a>`);
    }
    const swap = await app.request("/su-co?trang=1&trang=2", {
      headers: { cookie, "hx-request": "true" },
    });
    expect(swap.status).toBe(400);
    expect(await swap.text()).toContain("Tham số (trang): đã nhận «1», «2»");
    // The same value twice is one value.
    expect((await app.request("/su-co?trang=1&trang=1", { headers: { cookie } })).status).toBe(200);
  });
});

describe("the internal calendar's agency filter", () => {
  /** The caption's «busy/total điểm cầu theo bộ lọc»: what the filter kept. */
  const kept = (page: string) => /\((\d+\/\d+) điểm cầu theo bộ lọc/.exec(page)?.[1];

  it("takes the public page's slug and the full name alike, and its own links carry the slug", async () => {
    const { get } = await desk();
    const all = await get("/lich-noi-bo?ngay=2026-12-10");
    const byName = await get(`/lich-noi-bo?ngay=2026-12-10&co-quan=${encodeURIComponent("Sở Công Thương")}`);
    const bySlug = await get("/lich-noi-bo?ngay=2026-12-10&co-quan=so-cong-thuong");
    expect(byName.status).toBe(200);
    expect(bySlug.status).toBe(200);
    const [a, n, s] = [await all.text(), await byName.text(), await bySlug.text()];
    expect(kept(s)).toBe(kept(n));
    expect(kept(s)).not.toBe(kept(a));
    for (const page of [n, s]) {
      // The form's choice and every link the page renders (previous, next, the day view) name it one way.
      expect(page).toContain('<option value="so-cong-thuong" selected="">Sở Công Thương</option>');
      const links = [...page.matchAll(/href="(\/lich-noi-bo\?[^"]*)"/g)].map((m) => m[1]!);
      expect(links.length).toBeGreaterThanOrEqual(3);
      for (const l of links) expect(l).toContain("co-quan=so-cong-thuong");
      expect(page).not.toContain("co-quan=S%E1");
    }
    // Every option of the form is a slug: no full name left as a value.
    expect(a).not.toContain('<option value="Sở Công Thương"');
  });

  it("an unknown slug is 404 naming it", async () => {
    const { get } = await desk();
    const res = await get("/lich-noi-bo?co-quan=so-khong-co");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Cơ quan «so-khong-co» (co-quan) không có trong danh bạ");
  });
});
