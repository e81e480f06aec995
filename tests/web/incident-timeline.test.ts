import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { at, makeDesk, request } from "../helpers.js";
import { ev, mcu, tech } from "../security/chat-support.js";
import { login, PEOPLE, post, webDesk } from "./support.js";

/** Issue 13: the web desk's incident page shows who did what and when, and reopens and comments like chat. */
describe("incident page: timeline, reopen and comment", () => {
  const now = at("2026-12-10", "09:30");
  const ngocHa = tech("CX-00008");

  async function resolvedIncident(secret = false) {
    const desk = await makeDesk();
    await registerBooking(desk, request({ secret }), { now: at("2026-12-07", "08:30") });
    await handleChatEvent(desk, ev(ngocHa.telegramId!, "mất tiếng"), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 đã thay micro"), now);
    const { app } = await webDesk({ desk, now: () => at("2026-12-10", "09:40") });
    return { desk, app };
  }

  it("reopens and comments through the same use cases, and lists every step by name", async () => {
    const { desk, app } = await resolvedIncident();
    const tech1 = await login(app, "tech");
    const headers = { cookie: tech1.cookie };
    const page0 = await (await app.request("/su-co/SC-2026-0001", { headers })).text();
    expect(page0).toContain('action="/su-co/SC-2026-0001/mo"');
    let res = await post(app, "/su-co/SC-2026-0001/mo", { _csrf: tech1.csrf, note: "lỗi lặp lại" }, headers);
    expect(res.status).toBe(303);
    res = await post(
      app,
      "/su-co/SC-2026-0001/ghichu",
      { _csrf: tech1.csrf, note: "đã gọi điểm cầu" },
      headers,
    );
    expect(res.status).toBe(303);
    // Refusals come back with chat's words but for its commands: an empty comment, a reopen of an open incident.
    res = await post(app, "/su-co/SC-2026-0001/ghichu", { _csrf: tech1.csrf, note: "  " }, headers);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(
      "Chưa có nội dung ghi chú cho sự cố SC-2026-0001: hãy ghi vào ô «Ghi chú»",
    );
    res = await post(app, "/su-co/SC-2026-0001/mo", { _csrf: tech1.csrf, note: "" }, headers);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("chỉ mở lại được sự cố đã khắc phục");
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("open");
    const html = await (await app.request("/su-co/SC-2026-0001", { headers })).text();
    const timeline = html.match(/<ol class="timeline">[\s\S]*?<\/ol>/)?.[0] ?? "";
    expect(timeline).toContain(`tiếp nhận phản ánh — ${ngocHa.name} qua telegram (mất tiếng)`);
    expect(timeline).toContain(`đã khắc phục — ${mcu.name} qua telegram (đã thay micro)`);
    expect(timeline).toContain(`mở lại — ${PEOPLE.tech.name} qua web (lỗi lặp lại)`);
    expect(timeline).toContain(`ghi chú — ${PEOPLE.tech.name} qua web (đã gọi điểm cầu)`);
  });

  it("a closing note is kept whole up to the limit, and one over it is refused with the limit, nothing closed", async () => {
    const { desk, app } = await resolvedIncident();
    const tech1 = await login(app, "tech");
    const headers = { cookie: tech1.cookie };
    expect((await post(app, "/su-co/SC-2026-0001/mo", { _csrf: tech1.csrf, note: "" }, headers)).status).toBe(
      303,
    );
    // Before: the page cut the note to 500 characters in silence (the rest of the technician's words were lost).
    let res = await post(
      app,
      "/su-co/SC-2026-0001/xong",
      { _csrf: tech1.csrf, note: "x".repeat(1001) },
      headers,
    );
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Ghi chú cho sự cố SC-2026-0001 dài quá 1000 ký tự");
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("open");
    const long = `đã thay cáp HDMI ${"và kiểm tra lại ".repeat(40)}`.trim();
    expect(long.length).toBeGreaterThan(500);
    res = await post(app, "/su-co/SC-2026-0001/xong", { _csrf: tech1.csrf, note: long }, headers);
    expect(res.status).toBe(303);
    expect((await desk.store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("resolved");
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.at(-1)?.note).toBe(long);
    // The page's field allows what the desk accepts.
    await post(app, "/su-co/SC-2026-0001/mo", { _csrf: tech1.csrf, note: "" }, headers);
    const page = await (await app.request("/su-co/SC-2026-0001", { headers })).text();
    expect(page).toMatch(/id="xong-[^"]+" name="note" type="text" maxlength="1000"/);
  });

  it("refusals that chat would answer with a command are said in the web desk's words", async () => {
    const { app } = await resolvedIncident();
    const tech1 = await login(app, "tech");
    const headers = { cookie: tech1.cookie };
    let res = await post(app, "/su-co/SC-2026-0099/nhan", { _csrf: tech1.csrf }, headers);
    expect(res.status).toBe(404);
    let text = await res.text();
    expect(text).toContain("Không tìm thấy sự cố «SC-2026-0099».");
    expect(text).not.toContain("/nhan");
    res = await post(app, "/su-co/SC-2026-0001/nhan", { _csrf: tech1.csrf }, headers);
    expect(res.status).toBe(409);
    text = await res.text();
    expect(text).toContain("Sự cố SC-2026-0001 đã khắc phục; nếu sự cố lặp lại, dùng nút «Mở lại»");
    expect(text).not.toContain("dùng /mo");
  });

  it("a secret session's incident: a technician's page names neither the endpoint's people nor the words", async () => {
    const { app, desk } = await resolvedIncident(true);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/ghichu SC-2026-0001 nội dung mật"), now);
    const tech1 = await login(app, "tech");
    const html = await (
      await app.request("/su-co/SC-2026-0001", { headers: { cookie: tech1.cookie } })
    ).text();
    const timeline = html.match(/<ol class="timeline">[\s\S]*?<\/ol>/)?.[0] ?? "";
    expect(timeline).toContain("ghi chú —");
    expect(timeline).not.toContain("nội dung mật");
    expect(timeline).not.toContain(ngocHa.name);
    // The admin sees everything (Điều 5.2: only admins see a secret session's where and what).
    const admin = await login(app, "admin");
    const full = await (
      await app.request("/su-co/SC-2026-0001", { headers: { cookie: admin.cookie } })
    ).text();
    expect(full).toContain("nội dung mật");
    expect(full).toContain(ngocHa.name);
  });
});
