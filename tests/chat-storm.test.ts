import { describe, expect, it } from "vitest";
import { type ChatEvent, handleChatEvent } from "../src/app/chat/conversation.js";
import { ACK_DIGEST_PREFIX, type ChatTransport, DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { DEFAULT_STORM, decideStorm, type StormMember, stormText } from "../src/core/incident/storm.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";

const GROUP = "-100200";
const people = sampleDirectory.people;
const tech = (endpoint: string) => people.find((p) => p.endpoint === endpoint && p.role === "technician")!;
const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.code);
let update = 0;

function ev(endpoint: string, text: string): ChatEvent {
  const id = ++update;
  return {
    platform: "telegram",
    chatId: GROUP,
    chatType: "group",
    userId: tech(endpoint).telegramId!,
    userName: "Cán bộ",
    text,
    button: null,
    updateId: String(id),
    messageId: String(1000 + id),
  };
}

/** A platform that records everything, checks the per-chat and group limits, and can react and edit or not. */
function platform(clock: () => number, caps: { react: boolean; edit: boolean; name?: "telegram" | "zalo" }) {
  const sent: { id: string; text: string; at: number }[] = [];
  const reactions: { messageId: string; emoji: string; at: number }[] = [];
  const edits: { id: string; text: string; at: number }[] = [];
  const violations: string[] = [];
  // Reactions and edits count like messages (Telegram documents no separate limit for them).
  const messages = () =>
    [...sent.map((s) => s.at), ...edits.map((e) => e.at), ...reactions.map((r) => r.at)].sort(
      (a, b) => a - b,
    );
  const check = (now: number) => {
    const times = messages();
    if (times.length && now - times.at(-1)! < 1000) violations.push("2 calls within 1 s");
    if (times.filter((x) => x > now - 60_000).length >= 20) violations.push("over 20/min in the group");
  };
  const t: ChatTransport = {
    platform: caps.name ?? "telegram",
    groupChatId: GROUP,
    maxLength: 3500,
    supportsButtons: true,
    async send(_chat, text) {
      const now = clock();
      check(now);
      sent.push({ id: String(sent.length + 1), text, at: now });
      return String(sent.length);
    },
    ...(caps.react
      ? {
          async react(_chat: string, messageId: string, emoji: string) {
            const now = clock();
            check(now);
            reactions.push({ messageId, emoji, at: now });
          },
        }
      : {}),
    ...(caps.edit
      ? {
          async edit(_chat: string, id: string, text: string) {
            const now = clock();
            check(now);
            if (!sent.some((s) => s.id === id)) violations.push(`edit of unknown message ${id}`);
            edits.push({ id, text, at: now });
          },
        }
      : {}),
  };
  return { t, sent, reactions, edits, violations };
}

async function drain(store: Store, transports: ChatTransport[], clock: { now: number }, rounds = 120) {
  const pacer = new Pacer();
  for (let i = 0; i < rounds; i++) {
    await deliverChat(
      store,
      transports,
      pacer,
      () => new Date(clock.now),
      async (ms) => {
        clock.now += ms;
      },
    );
    clock.now += 1000;
    const left = (await store.read((r) => r.outbox.list({ excludeSent: true }))).filter(
      (m) => m.channel !== "mail",
    );
    if (left.length === 0) return;
  }
}

const member = (
  code: string,
  endpoint: string,
  atMs: number,
  extra: Partial<StormMember> = {},
): StormMember => ({
  code,
  endpoint,
  category: "audio",
  booking: null,
  openedAt: new Date(atMs),
  major: null,
  ...extra,
});

describe("storm grouping (pure)", () => {
  const now = new Date(1_000_000);
  it("forms a major incident when the threshold of distinct endpoints is reached within the window", () => {
    const recent = ["A", "B", "C", "D"].map((e, i) => member(`SC-${i}`, e, 1_000_000 - 1000 * i));
    const d = decideStorm(member("SC-9", "E", 1_000_000), recent, null, now, DEFAULT_STORM);
    expect(d).toEqual({ kind: "form", members: ["SC-0", "SC-1", "SC-2", "SC-3", "SC-9"] });
  });
  it("does not count reports of the same endpoint twice, outside the window, of another class or session", () => {
    const recent = [
      member("SC-1", "A", 999_000),
      member("SC-2", "A", 999_500),
      member("SC-3", "B", 1_000_000 - 121_000),
      member("SC-4", "C", 999_000, { category: "video" }),
      member("SC-5", "D", 999_000, { booking: "HTT-2026-0001" }),
    ];
    expect(decideStorm(member("SC-9", "E", 1_000_000), recent, null, now, DEFAULT_STORM)).toEqual({
      kind: "none",
    });
  });
  it("groups a live session's reports across fault classes, and joins an open major incident", () => {
    const recent = ["A", "B", "C", "D"].map((e, i) =>
      member(`SC-${i}`, e, 999_000, { booking: "HTT-2026-0042", category: i % 2 ? "video" : "audio" }),
    );
    const report = member("SC-9", "E", 1_000_000, { booking: "HTT-2026-0042", category: "network" });
    expect(decideStorm(report, recent, null, now, DEFAULT_STORM).kind).toBe("form");
    expect(decideStorm(report, [], "SC-0100", now, DEFAULT_STORM)).toEqual({
      kind: "join",
      major: "SC-0100",
    });
  });
  it("words the storm message as the desk reads it", () => {
    expect(stormText("SC-2026-0100", 12, ["audio"], "HTT-2026-0042", "mcu")).toBe(
      "Sự cố diện rộng SC-2026-0100: 12 điểm cầu báo mất tiếng trong phiên HTT-2026-0042; kỹ thuật MCU đang xử lý.",
    );
  });
});

describe("a storm in the group", () => {
  it("records every report, links it to one major incident, acknowledges joiners by the storm message, and edits it in place", async () => {
    const desk = await makeDesk();
    const t0 = at("2026-12-10", "09:00").getTime();
    const eps = communes.slice(0, 40);
    for (const [i, ep] of eps.entries())
      await handleChatEvent(desk, ev(ep, "mất tiếng"), new Date(t0 + i * 500));
    const all = await desk.store.read((r) => r.incidents.list());
    const majors = all.filter((i) => i.reporter === "storm");
    const reports = all.filter((i) => i.reporter !== "storm");
    expect(majors).toHaveLength(1);
    expect(reports).toHaveLength(40);
    expect(reports.every((i) => i.major === majors[0]!.code)).toBe(true);
    expect(majors[0]!.text).toContain("40 điểm cầu báo mất tiếng");
    // Reactions are queued only for the reports before the storm formed; none for a joiner.
    const queued = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "reaction");
    expect(queued.map((m) => m.payload.incident)).toEqual(
      reports.slice(0, DEFAULT_STORM.threshold - 1).map((i) => i.code),
    );

    const clock = { now: t0 + 20_000 };
    const p = platform(() => clock.now, { react: true, edit: true });
    await drain(desk.store, [p.t], clock);
    expect(p.violations).toEqual([]);
    // By delivery time every report had joined the storm: no reaction, no message of its own, no desk notice.
    expect(p.reactions).toEqual([]);
    expect(p.sent.map((s) => s.text)).toEqual([majors[0]!.text]);
    // Each report's acknowledgement is recorded: the storm row that lists it is settled when delivered.
    const rows = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.channel === "storm" && m.recipient === `telegram:${majors[0]!.code}`,
    );
    for (const inc of reports) {
      const row = rows.find((m) => (m.payload.joined as string[]).includes(inc.code))!;
      expect(row.status).toBe("sent");
      expect(p.sent.some((s) => s.at === row.sentAt!.getTime())).toBe(true);
    }

    // More reports later: the same message is edited with the new count, not re-sent.
    const before = p.edits.length;
    for (const [i, ep] of communes.slice(40, 45).entries())
      await handleChatEvent(desk, ev(ep, "mất tiếng"), new Date(clock.now + i * 100));
    clock.now += 15_000;
    await drain(desk.store, [p.t], clock);
    expect(p.sent).toHaveLength(1);
    expect(p.edits.length).toBeGreaterThan(before);
    expect(p.edits.at(-1)!.text).toContain("45 điểm cầu báo mất tiếng");
    expect(p.edits.at(-1)!.id).toBe(p.sent[0]!.id);
    expect(p.reactions).toEqual([]);
    expect(p.violations).toEqual([]);
  });

  it("edits the storm message at most once per DESK_STORM_EDIT_SECONDS", async () => {
    const desk = await makeDesk();
    const t0 = at("2026-12-10", "09:00").getTime();
    const clock = { now: t0 };
    const p = platform(() => clock.now, { react: true, edit: true });
    const pacer = new Pacer();
    for (const [i, ep] of communes.slice(0, 60).entries()) {
      await handleChatEvent(desk, ev(ep, "mất tiếng"), new Date(clock.now));
      if (i % 2)
        await deliverChat(
          desk.store,
          [p.t],
          pacer,
          () => new Date(clock.now),
          async (ms) => {
            clock.now += ms;
          },
        );
      clock.now += 1000;
    }
    const stormTimes = [
      ...p.sent.filter((s) => s.text.startsWith("Sự cố diện rộng")).map((s) => s.at),
      ...p.edits.map((e) => e.at),
    ].sort((a, b) => a - b);
    expect(stormTimes.length).toBeGreaterThan(2);
    for (let i = 1; i < stormTimes.length; i++)
      expect(stormTimes[i]! - stormTimes[i - 1]!).toBeGreaterThanOrEqual(DEFAULT_DELIVERY.stormEditMs);
  });

  it("on Zalo (no reactions, no edits) the storm message acknowledges the joiners and repeats at most once per window", async () => {
    const desk = await makeDesk();
    const t0 = at("2026-12-10", "09:00").getTime();
    for (const [i, ep] of communes.slice(0, 30).entries())
      await handleChatEvent(desk, ev(ep, "mất tiếng"), new Date(t0 + i * 200));
    const clock = { now: t0 + 10_000 };
    const p = platform(() => clock.now, { react: false, edit: false });
    await drain(desk.store, [p.t], clock);
    expect(p.violations).toEqual([]);
    expect(p.reactions).toEqual([]);
    const reports = (await desk.store.read((r) => r.incidents.list())).filter((i) => i.reporter !== "storm");
    // Nothing per joiner: the one storm message counts all 30.
    expect(p.sent.map((s) => s.text)).toHaveLength(1);
    expect(p.sent[0]!.text).toContain("30 điểm cầu");
    for (const inc of reports) expect(p.sent[0]!.text).not.toContain(inc.code);
    // A later report within the window does not bring a second storm message; after the window it does.
    await handleChatEvent(desk, ev(communes[30]!, "mất tiếng"), new Date(clock.now));
    await drain(desk.store, [p.t], clock, 30);
    expect(p.sent.filter((s) => s.text.startsWith("Sự cố diện rộng"))).toHaveLength(1);
    clock.now += DEFAULT_STORM.windowSeconds * 1000;
    await drain(desk.store, [p.t], clock, 5);
    const storms = p.sent.filter((s) => s.text.startsWith("Sự cố diện rộng"));
    expect(storms).toHaveLength(2);
    expect(storms[1]!.text).toContain("31 điểm cầu");
  });

  it("a reaction that cannot go within the grace becomes one merged line, never a message per report", async () => {
    const desk = await makeDesk();
    const t0 = at("2026-12-10", "09:00").getTime();
    for (const [i, ep] of communes.slice(0, 3).entries())
      await handleChatEvent(desk, ev(ep, "mất hình"), new Date(t0 + i));
    const clock = { now: t0 + 5_000 };
    const p = platform(() => clock.now, { react: true, edit: true });
    await drain(desk.store, [p.t], clock);
    expect(p.reactions).toHaveLength(1);
    const digest = p.sent.filter((s) => s.text.includes(ACK_DIGEST_PREFIX));
    expect(digest).toHaveLength(1);
    const line = digest[0]!.text.split("\n").find((l) => l.startsWith(ACK_DIGEST_PREFIX))!;
    expect(line.slice(ACK_DIGEST_PREFIX.length).split(", ")).toHaveLength(2);
  });
});

describe("desk-critical first", () => {
  it("the MCU monitor's drop notice goes ahead of a backlog of acknowledgements in the group", async () => {
    const desk = await makeDesk();
    const t0 = at("2026-12-10", "09:00").getTime();
    for (const [i, ep] of communes.slice(0, 4).entries())
      await handleChatEvent(desk, { ...ev(ep, "mất hình"), messageId: undefined }, new Date(t0 + i));
    await desk.store.tx((r) =>
      r.outbox.enqueue(
        {
          channel: "group",
          recipient: "support-group",
          kind: "mcu-incident",
          payload: { text: "Hệ thống phát hiện sự cố SC-2026-9999: điểm cầu CX-00008 mất kết nối" },
        },
        new Date(t0 + 10),
      ),
    );
    const clock = { now: t0 + 1000 };
    const p = platform(() => clock.now, { react: false, edit: false });
    // A tiny message size: each message carries one row, so order is visible.
    await drain(desk.store, [{ ...p.t, maxLength: 120 }], clock);
    expect(p.sent[0]!.text).toContain("SC-2026-9999");
    expect(p.sent.length).toBeGreaterThan(2);
  });
});
