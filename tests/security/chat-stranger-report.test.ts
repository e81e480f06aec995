import { describe, expect, it } from "vitest";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { at, makeDesk } from "../helpers.js";
import { deskNotices, dm, ev, GROUP, mcu, repliesTo, tech } from "./chat-support.js";

/**
 * Threat (to availability): a real fault reported by someone whose chat account is not linked yet — a new
 * technician, a borrowed phone — is turned away and lost. It must reach the desk, marked unverified, without
 * letting a stranger pose as an endpoint.
 */
describe("a stranger's fault report is recorded for the desk, unverified", () => {
  const now = at("2026-12-10", "09:30");

  it("in the group: an unverified incident, a notice to the duty, and the reporter asked to register", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, ev("4242", "xã mình mất tiếng", { userName: "Trần Văn Mới" }), now);
    const [inc] = await desk.store.read((r) => r.incidents.list());
    expect(inc).toMatchObject({
      code: "SC-2026-0001",
      endpoint: null,
      booking: null,
      category: "audio",
      route: "mcu",
      status: "open",
      reporter: "telegram:4242",
      unverified: true,
    });
    const [told] = await repliesTo(desk.store, GROUP);
    expect(told).toContain("SC-2026-0001");
    expect(told).toContain("chưa xác minh");
    expect(told).toContain("/dangky");
    const [notice] = await deskNotices(desk.store, "mcu-technician");
    expect(notice).toContain("SC-2026-0001");
    expect(notice).toContain("CHƯA XÁC MINH");
    expect(notice).toContain("Trần Văn Mới");
    // No session timers: nothing proves which session, if any, the stranger is in.
    expect(await desk.store.read((r) => r.jobs.list())).toEqual([]);
  });

  it("in private, a network fault goes to the WAN duty; a repeat joins the same incident", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("4343", "rớt mạng"), now);
    await handleChatEvent(desk, dm("4343", "vẫn rớt mạng"), new Date(now.getTime() + 60_000));
    const incidents = await desk.store.read((r) => r.incidents.list());
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ route: "wan", unverified: true });
    expect(await deskNotices(desk.store, "wan-duty")).toHaveLength(1);
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.map((e) => e.action)).toEqual(["opened-unverified", "reported-again"]);
  });

  it("the desk sees it marked unverified in /suco and can take it", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, ev("4242", "mất hình"), now);
    await handleChatEvent(desk, dm(mcu.telegramId!, "/suco"), now);
    expect((await repliesTo(desk.store, mcu.telegramId!)).at(-1)).toContain(
      "SC-2026-0001 — hình ảnh tại điểm cầu chưa rõ (chưa xác minh)",
    );
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      status: "acknowledged",
      unverified: true,
    });
  });

  it("a linked person's report stays verified", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất hình"), now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { endpoint: "CX-00008", unverified: false },
    ]);
  });
});
