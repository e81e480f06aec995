import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { LIVE_STREAMS_PER_PERSON } from "../../src/web/server.js";
import { at, makeDesk, request } from "../helpers.js";
import { deskPage, HTML_ACCEPT, login, webDesk } from "./support.js";

// After h-web18's refusal pages: the 500 of a bug, the 429 of too many live pages and the 503 of an invite asked
// for without a mailbox were still a line of plain text in a browser, without the desk's frame or a way on.

const NOW = at("2026-12-07", "09:00");
const HTML = HTML_ACCEPT;

describe("500: a fault of the desk's own", () => {
  it("is the desk's page for a browser, saying nothing of the fault; JSON and text when asked", async () => {
    const { app, desk } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const bug = new TypeError("secretHelper is not a function at /srv/desk/src/web/x.ts:12");
    const fail = async () => {
      throw bug;
    };
    Object.assign(desk.store, { read: fail, tx: fail });
    const log = console.error;
    const logged: unknown[] = [];
    console.error = (e: unknown) => logged.push(e);
    try {
      const page = await deskPage(
        await app.request("/hom-nay", { headers: { ...HTML, cookie: tech.cookie } }),
        500,
        "Lỗi máy chủ",
      );
      expect(page).toContain("báo quản trị viên kèm giờ xảy ra");
      expect(page).toContain('<a href="/hom-nay">trang Hôm nay</a>');
      for (const secret of ["secretHelper", "/srv/desk", "TypeError", "Internal Server Error"])
        expect(page, secret).not.toContain(secret);
      const json = await app.request("/hom-nay", {
        headers: { accept: "application/json", cookie: tech.cookie },
      });
      expect(json.status).toBe(500);
      expect((await json.json()).error).toMatch(/^Lỗi máy chủ \(500\)/);
      const text = await app.request("/hom-nay", { headers: { accept: "text/plain", cookie: tech.cookie } });
      expect(await text.text()).toMatch(/^Lỗi máy chủ \(500\)/);
    } finally {
      console.error = log;
    }
    // The log keeps the fault for whoever looks.
    expect(logged).toContain(bug);
  });
});

describe("429: too many live pages", () => {
  it("a browser tab gets the page; the EventSource itself the short line", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const streams: Response[] = [];
    for (let i = 0; i < LIVE_STREAMS_PER_PERSON; i++)
      streams.push(await app.request("/su-kien", { headers: { cookie: tech.cookie } }));
    expect(streams.map((s) => s.status)).toEqual(streams.map(() => 200));
    const page = await deskPage(
      await app.request("/su-kien", { headers: { ...HTML, cookie: tech.cookie } }),
      429,
      "Quá nhiều trang đang mở",
    );
    expect(page).toContain(`tối đa ${LIVE_STREAMS_PER_PERSON}`);
    expect(page).toContain('<a href="/hom-nay">trang Hôm nay</a>');
    const source = await app.request("/su-kien", {
      headers: { accept: "text/event-stream", cookie: tech.cookie },
    });
    expect(source.status).toBe(429);
    expect(await source.text()).toMatch(/^Tài khoản này đang mở quá nhiều trang tự cập nhật/);
    for (const s of streams) await s.body?.cancel();
  });
});

describe("503: an invite asked for while no mailbox is configured", () => {
  it("is a page naming what is missing and linking back to the booking", async () => {
    const desk = await makeDesk();
    const res = await registerBooking(desk, request({}), {
      now: at("2026-12-07", "08:30"),
      inbound: { channel: "mail", key: "<dk-503@hanoi.gov.vn>", raw: Buffer.from("Subject: x\r\n\r\nx\r\n") },
    });
    if (res.duplicate) throw new Error("duplicate");
    const { app } = await webDesk({ desk, now: () => NOW });
    const admin = await login(app, "admin");
    const page = await deskPage(
      await app.request(`/dat-lich/${res.code}/thu-moi.ics`, { headers: { ...HTML, cookie: admin.cookie } }),
      503,
      "Chưa cấu hình hộp thư",
    );
    expect(page).toContain(`<a href="/dat-lich/${res.code}">lịch họp ${res.code}</a>`);
  });
});
