import { describe, expect, it } from "vitest";
import { LIVE_STREAMS_PER_PERSON, listen } from "../../src/web/server.js";
import { at } from "../helpers.js";
import { login, webDesk } from "../web/support.js";

/**
 * Threat: a signed-in person (or a script with their cookie) opens live-update streams until the desk runs out of
 * connections or memory: each `/su-kien` holds its connection for as long as it is open.
 */
describe("live-update streams per person", () => {
  it("a person holds at most LIVE_STREAMS_PER_PERSON; the next is refused in Vietnamese; a closed one frees its place", async () => {
    const { app } = await webDesk({ now: () => at("2026-12-10", "08:00") });
    const tech = await login(app, "tech");
    const admin = await login(app, "admin");
    // As a browser's EventSource asks (a tab that opens the address itself gets the desk's page: refusal-pages-more).
    const open = async (cookie: string) =>
      app.request("/su-kien", { headers: { cookie, accept: "text/event-stream" } });
    const streams: Response[] = [];
    for (let i = 0; i < LIVE_STREAMS_PER_PERSON; i++) {
      const res = await open(tech.cookie);
      expect(res.status).toBe(200);
      streams.push(res);
    }
    const refused = await open(tech.cookie);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe(
      `Tài khoản này đang mở quá nhiều trang tự cập nhật (tối đa ${LIVE_STREAMS_PER_PERSON}); hãy đóng bớt thẻ trình duyệt của bàn kỹ thuật.`,
    );
    // Another person is not held back by it.
    const other = await open(admin.cookie);
    expect(other.status).toBe(200);
    // A tab closed: its place is free again (the stream's end runs when the reader goes away).
    await streams.pop()!.body!.cancel();
    let again: Response | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      if (again) await again.body?.cancel();
      await new Promise((r) => setTimeout(r, 20));
      again = await open(tech.cookie);
    }
    expect(again?.status).toBe(200);
    for (const s of [...streams, other, again!]) await s.body?.cancel();
  });

  it("a HEAD (a link checker, a prefetch, curl -I) takes no place: it holds no stream open", async () => {
    const { app } = await webDesk({ now: () => at("2026-12-10", "08:00") });
    const web = await listen(app, "127.0.0.1", 0);
    try {
      const tech = await login(app, "tech");
      // Over a real connection: a HEAD's answer has no body, so nothing ever read the stream to its end and each one
      // kept its place until the next ping; the person's own tabs were then refused live updates (429).
      for (let i = 0; i < LIVE_STREAMS_PER_PERSON + 2; i++) {
        const head = await fetch(`${web.url}/su-kien`, { method: "HEAD", headers: { cookie: tech.cookie } });
        expect(head.status, `HEAD ${i}`).toBe(200);
        expect(head.headers.get("content-type")).toMatch(/^text\/event-stream/);
      }
      const tab = new AbortController();
      const live = await fetch(`${web.url}/su-kien`, {
        headers: { cookie: tech.cookie, accept: "text/event-stream" },
        signal: tab.signal,
      });
      expect(live.status).toBe(200);
      tab.abort();
    } finally {
      await web.close();
    }
  });
});
