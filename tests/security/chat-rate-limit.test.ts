import { describe, expect, it } from "vitest";
import {
  DEFAULT_CHAT_OPTIONS,
  handleChatEvent,
  incidentJobHandlers,
} from "../../src/app/chat/conversation.js";
import { runDueJobs } from "../../src/app/scheduler.js";
import { takeToken } from "../../src/bot/rate-limit.js";
import { at, makeDesk } from "../helpers.js";
import { deskNotices, dm, ev, mcu, repliesTo, tech } from "./chat-support.js";

/**
 * Threat: one account (or many) floods the bot — registrations, fault reports, commands — so that the desk's
 * group and the outbox drown and real faults are missed.
 */
describe("the token bucket", () => {
  const limit = { limit: 3, windowMinutes: 60 };
  it("allows a burst of `limit`, refuses the next with one notice, then silence, then refills evenly", () => {
    let state = null;
    const t0 = 1_000_000;
    const seen: [boolean, boolean][] = [];
    for (let i = 0; i < 6; i++) {
      const d = takeToken(state, limit, t0 + i);
      seen.push([d.allowed, d.notify]);
      state = d.state;
    }
    expect(seen).toEqual([
      [true, false],
      [true, false],
      [true, false],
      [false, true],
      [false, false],
      [false, false],
    ]);
    // One token comes back after window/limit = 20 minutes, and the next refusal is told again.
    const later = takeToken(state, limit, t0 + 20 * 60_000 + 10);
    expect(later.allowed).toBe(true);
    const again = takeToken(later.state, limit, t0 + 20 * 60_000 + 20);
    expect([again.allowed, again.notify]).toEqual([false, true]);
  });
});

describe("per-user limits in the chat desk", () => {
  it("a flood of /dangky from one private chat is served up to the limit, told once, then ignored", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    for (let i = 0; i < 50; i++) {
      await handleChatEvent(desk, dm("666", "/dangky CX-00008"), new Date(now.getTime() + i * 1000));
    }
    const told = await repliesTo(desk.store, "666");
    const { limit } = DEFAULT_CHAT_OPTIONS.limits.registrations;
    expect(told.filter((t) => t.startsWith("Đã gửi yêu cầu đăng ký"))).toHaveLength(limit);
    expect(told.filter((t) => t.includes("quá nhiều yêu cầu đăng ký"))).toHaveLength(1);
    expect(told).toHaveLength(limit + 1);
    // Every update is still recorded (deduplication), marked as refused by the limit.
    const inbound = await desk.store.read((r) => r.inbound.list());
    expect(inbound.filter((m) => m.status === "rate-limited")).toHaveLength(50 - limit);
    // An hour later the same person may register again.
    await handleChatEvent(desk, dm("666", "/dangky CX-00008"), new Date(now.getTime() + 61 * 60_000));
    expect((await repliesTo(desk.store, "666")).at(-1)).toMatch(/^Đã gửi yêu cầu đăng ký/);
  });

  it("registrations from many private chats reach the group as one notice and one digest with a count", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    for (let i = 0; i < 40; i++) {
      await handleChatEvent(
        desk,
        dm(`77${i}`, "/dangky CX-00008", { userName: `Người ${i}` }),
        new Date(now.getTime() + i * 1000),
      );
    }
    // Every requester is answered in their own chat.
    for (let i = 0; i < 40; i++) expect(await repliesTo(desk.store, `77${i}`)).toHaveLength(1);
    const first = await deskNotices(desk.store, "admin");
    expect(first).toHaveLength(1);
    expect(first[0]).toContain("Yêu cầu đăng ký số 1: Người 0");
    await runDueJobs(desk, incidentJobHandlers(), new Date(now.getTime() + 10 * 60_000));
    const notices = await deskNotices(desk.store, "admin");
    expect(notices).toHaveLength(2);
    expect(notices[1]).toContain("Có thêm 39 yêu cầu đăng ký đang chờ duyệt");
    expect(notices[1]).toContain("số 2: Người 1 (telegram) xin gắn với điểm cầu CX-00008");
    expect(notices[1]).toContain("và 34 yêu cầu đăng ký khác");
    // The next window starts afresh: its first request is posted at once.
    await handleChatEvent(desk, dm("8888", "/dangky CX-00025"), new Date(now.getTime() + 11 * 60_000));
    expect((await deskNotices(desk.store, "admin")).at(-1)).toContain("CX-00025");
  });

  it("fault reports are limited per user: the flood stops at the limit, other users are unaffected", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    const flooder = tech("CX-00008").telegramId!;
    const faults = ["mất tiếng", "mất hình", "rớt mạng", "mất điện", "codec treo máy"];
    for (let i = 0; i < 30; i++) {
      // Repeats join the open incidents, but every report still costs a token.
      await handleChatEvent(desk, ev(flooder, faults[i % 5]!), new Date(now.getTime() + i * 1000));
    }
    const { limit } = DEFAULT_CHAT_OPTIONS.limits.reports;
    const inbound = await desk.store.read((r) => r.inbound.list());
    expect(inbound.filter((m) => m.status === "rate-limited")).toHaveLength(30 - limit);
    const notices = (await repliesTo(desk.store, "-100200")).filter((t) =>
      t.includes("quá nhiều báo cáo sự cố"),
    );
    expect(notices).toHaveLength(1);
    // Another endpoint's report still goes through at once.
    await handleChatEvent(
      desk,
      ev(tech("CX-00025").telegramId!, "mất tiếng"),
      new Date(now.getTime() + 31_000),
    );
    const incidents = await desk.store.read((r) => r.incidents.list());
    expect(incidents.filter((i) => i.endpoint === "CX-00025")).toHaveLength(1);
  });

  it("commands are limited for strangers and endpoint people, not for the desk staff at work", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    for (let i = 0; i < 100; i++)
      await handleChatEvent(desk, dm("999", "/lich"), new Date(now.getTime() + i * 100));
    const { limit } = DEFAULT_CHAT_OPTIONS.limits.commands;
    const told = await repliesTo(desk.store, "999");
    expect(told).toHaveLength(limit + 1);
    expect(told.at(-1)).toContain("quá nhiều lệnh");
    // Unknown free text in private also costs a command token (each one would be answered with the help).
    await handleChatEvent(desk, dm("999", "xin chào"), new Date(now.getTime() + 10_500));
    expect(await repliesTo(desk.store, "999")).toHaveLength(limit + 1);
    const staff = mcu.telegramId!;
    for (let i = 0; i < 60; i++)
      await handleChatEvent(desk, dm(staff, "/suco"), new Date(now.getTime() + i * 100));
    expect(await repliesTo(desk.store, staff)).toHaveLength(60);
  });

  it("a corrupt bucket row does not crash the desk: it counts as a fresh bucket", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    await desk.store.tx((r) => r.meta.set("chat-rate:commands:telegram:999", "{not json"));
    await handleChatEvent(desk, dm("999", "/lich"), now);
    expect(await repliesTo(desk.store, "999")).toHaveLength(1);
  });
});
