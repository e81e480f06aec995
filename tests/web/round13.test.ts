import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { publicRoutes } from "../../src/web/public/routes.js";
import { at, makeDesk, request, storedBooking } from "../helpers.js";
import { importToken, sampleCsvs, upload } from "./directory-upload.js";
import { login, PEOPLE, post, webDesk } from "./support.js";

/** The text of the page's <main>, tags dropped: what a person reads. */
function mainText(html: string): string {
  return (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

/** Round 13 of the web desk as its operators use it (the duty operator's and the admin's working day). */
describe("the web desk, round 13", () => {
  it("«Hôm nay» at 00:30 on New Year's Day shows the session live since 22:00 on 31/12, with both days", async () => {
    const NOW = at("2027-01-01", "00:30");
    const { desk, app } = await webDesk({ now: () => NOW });
    const night = request({
      emergency: true,
      start: at("2026-12-31", "22:00"),
      end: at("2027-01-01", "01:00"),
      receivedAt: at("2026-12-31", "15:00"),
    });
    const ended = request({
      start: at("2026-12-31", "20:00"),
      end: at("2026-12-31", "22:00"),
      receivedAt: at("2026-12-29", "08:00"),
    });
    await desk.store.tx(async (r) => {
      await r.bookings.save(storedBooking("HTT-2026-0042", "live", night, at("2026-12-31", "15:00")));
      await r.bookings.save(storedBooking("HTT-2026-0041", "live", ended, at("2026-12-29", "08:00")));
    });
    const tech = await login(app, "tech");
    const text = mainText(await (await app.request("/hom-nay", { headers: { cookie: tech.cookie } })).text());
    expect(text).toContain("Phiên họp đang diễn ra và sắp tới (1)");
    expect(text).toContain("22:00 31/12/2026 – 01:00 01/01/2027 · HTT-2026-0042");
    // Yesterday's session that is over stays off today's board.
    expect(text).not.toContain("HTT-2026-0041");
  });

  it("a refused move shows the day and hours the technician typed, not the booking's old time", async () => {
    const { desk, app } = await webDesk({ now: () => at("2026-12-08", "10:00") });
    const book = async (over: Parameters<typeof request>[0]) => {
      const res = await registerBooking(desk, request(over), { now: at("2026-12-07", "08:30") });
      if (res.duplicate || res.booking.status !== "confirmed") throw new Error("not confirmed");
      return res.code;
    };
    const code = await book({});
    // Ngọc Hà (CX-00008) is busy on the afternoon of the 11th.
    await book({
      host: "Sở Tư pháp",
      participants: ["CX-00008"],
      start: at("2026-12-11", "14:00"),
      end: at("2026-12-11", "16:00"),
    });
    const tech = await login(app, "tech");
    const res = await post(
      app,
      `/dat-lich/${code}/doi-gio`,
      { _csrf: tech.csrf, ngay: "2026-12-11", tu: "14:30", den: "15:30" },
      { cookie: tech.cookie },
    );
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain("lịch cũ được giữ nguyên");
    expect(page).toContain('name="ngay" type="date" required="" value="2026-12-11"');
    expect(page).toContain('name="tu" type="time" required="" value="14:30"');
    expect(page).toContain('name="den" type="time" required="" value="15:30"');
    // Bad input is given back as typed too, to be corrected in place.
    const bad = await post(
      app,
      `/dat-lich/${code}/doi-gio`,
      { _csrf: tech.csrf, ngay: "2026-12-11", tu: "16:00", den: "15:00" },
      { cookie: tech.cookie },
    );
    expect(bad.status).toBe(400);
    const again = await bad.text();
    expect(again).toContain('name="tu" type="time" required="" value="16:00"');
    expect(again).toContain('name="den" type="time" required="" value="15:00"');
  });

  it("the booking page says in Vietnamese what each message was and who acted, not «booking-public» or «web:…»", async () => {
    const { desk, app } = await webDesk({ now: () => at("2026-12-08", "10:00") });
    const res = await registerBooking(desk, request({}), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("duplicate");
    const code = res.code;
    const tech = await login(app, "tech");
    const as = { cookie: tech.cookie };
    await post(
      app,
      `/dat-lich/${code}/doi-gio`,
      { _csrf: tech.csrf, ngay: "2026-12-11", tu: "09:00", den: "10:00" },
      as,
    );
    await post(app, `/dat-lich/${code}/huy`, { _csrf: tech.csrf, reason: "Lãnh đạo Sở bận đột xuất" }, as);
    const html = await (await app.request(`/dat-lich/${code}`, { headers: as })).text();
    const sent = mainText(/<section aria-labelledby="da-gui">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "");
    for (const said of ["xác nhận lịch họp", "thay đổi lịch họp", "hủy lịch họp", "thông báo nhóm hỗ trợ"])
      expect(sent).toContain(said);
    expect(sent).not.toMatch(/booking-|-copy/);
    const trail = mainText(/<section aria-labelledby="nhat-ky">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "");
    expect(trail).toContain("hệ thống: đã tiếp nhận → đã xác nhận");
    expect(trail).toContain(`${PEOPLE.tech.name} (web): đã xác nhận → đã hủy — Lãnh đạo Sở bận đột xuất`);
    expect(trail).not.toMatch(/\bsystem\b|web:/);
  });

  it("a directory whose chat ids Excel turned into «5,42006E+18» is refused at the preview, naming line and column", async () => {
    const { app } = await webDesk({ now: () => at("2026-12-08", "10:00") });
    const admin = await login(app, "admin");
    const files = sampleCsvs();
    // Excel (Vietnamese locale) saved a 19-digit Zalo user id and a 12-digit Telegram id in its General format.
    files["people.csv"] = files["people.csv"]
      .replace("700000074,z50aa6765a16", '700000074,"5,42006E+18"')
      .replace("700000134,z50aa67d9a1a", '"7,00000134E+11",z50aa67d9a1a');
    const res = await app.request("/danh-ba/nhap", upload(files, admin));
    const text = mainText(await res.text());
    expect(text).toContain(
      "mã tài khoản «5,42006E+18» đã bị Excel đổi sang dạng số mũ, mất các chữ số cuối; hãy định dạng cột zalo_id là «Văn bản» (Text)",
    );
    expect(text).toContain("«7,00000134E+11» đã bị Excel đổi sang dạng số mũ");
    expect(text).toContain("people.csv 2 zalo_id mã tài khoản «5,42006E+18»");
    expect(text).toContain("people.csv 3 telegram_id mã tài khoản «7,00000134E+11»");
    expect(() => importToken(text)).toThrow();
  });

  it("«Chờ xử lý» says the approval note stays in the trail and the refusal's reason goes to the clerk, as it does", async () => {
    const { desk, app } = await webDesk({ now: () => at("2026-12-10", "08:00") });
    const res = await registerBooking(
      desk,
      request({
        start: at("2026-12-10", "14:00"),
        end: at("2026-12-10", "15:00"),
        receivedAt: at("2026-12-10", "07:30"),
      }),
      { now: at("2026-12-10", "07:30") },
    );
    if (res.duplicate || res.booking.status !== "needs-review") throw new Error("not in review");
    const tech = await login(app, "tech");
    const page = mainText(
      await (await app.request("/cho-xu-ly", { headers: { cookie: tech.cookie } })).text(),
    );
    expect(page).toContain("Ghi chú (chỉ ghi vào nhật ký, không gửi cho cơ quan đăng ký)");
    expect(page).toContain("Lý do từ chối (gửi cho cơ quan đăng ký và nhóm hỗ trợ)");
    const note = "đã gọi điện cho chị Ngọc, văn thư hẹn gửi lại công văn";
    await post(
      app,
      `/cho-xu-ly/${res.code}/duyet`,
      { _csrf: tech.csrf, reason: note },
      { cookie: tech.cookie },
    );
    const out = await desk.store.read((r) => r.outbox.list({ booking: res.code }));
    const answer = out.find((m) => m.kind === "booking-confirmed")!;
    expect(String(answer.payload.text)).not.toContain(note);
    const trail = await desk.store.read((r) => r.bookings.events(res.code));
    expect(trail.at(-1)?.reason).toContain(note);
  });

  it("the public «/lich» at 00:30 on a Monday lists under today the session live since 22:00 on Sunday", async () => {
    const desk = await makeDesk();
    const NOW = at("2026-12-28", "00:30");
    const night = request({
      start: at("2026-12-27", "22:00"),
      end: at("2026-12-28", "01:00"),
      receivedAt: at("2026-12-20", "08:00"),
    });
    const over = request({
      title: "Giao ban tối Chủ nhật",
      start: at("2026-12-27", "19:00"),
      end: at("2026-12-27", "21:00"),
      receivedAt: at("2026-12-20", "08:00"),
    });
    await desk.store.tx(async (r) => {
      await r.bookings.save(storedBooking("HTT-2026-0042", "live", night, at("2026-12-20", "08:00")));
      await r.bookings.save(storedBooking("HTT-2026-0041", "ended", over, at("2026-12-20", "08:00")));
    });
    const app = publicRoutes({ desk, config: { mail: { messageIdDomain: "desk.test" } }, now: () => NOW });
    const html = await (await app.request("/lich")).text();
    const today = /<section aria-labelledby="h-hom-nay">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(mainText(today)).toContain("22:00 – 01:00 Đang họp Triển khai kế hoạch bình ổn thị trường Tết");
    expect(today).not.toContain("Giao ban tối Chủ nhật");
  });
});
