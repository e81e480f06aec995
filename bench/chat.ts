/**
 * Chat desk figures under the burst of issue 4: 600 fault reports from 126 endpoints within a minute.
 * Processing runs in real time (one transaction per report); delivery runs against a strict fake platform in
 * virtual time, so the pacing limits (1/s per chat, 20/min per group, 30/s overall) shape the figures exactly.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { type ChatTransport, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { machine, ms, pct, writeSection } from "./sections.js";

const GROUP = "-100200";
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-chat-"));
const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
const communes = dir.endpoints.filter((e) => e.level === "commune").map((e) => e.code);
const tech = (ep: string) => dir.people.find((p) => p.endpoint === ep && p.role === "technician")!;
const faults = ["mất tiếng", "mất hình", "rớt mạng", "mất điện", "codec treo máy"];

const t0 = atLocal("2026-12-10", "09:00", DEFAULT_REGULATION.zone).getTime();

/** One burst: `n` reports over 60 s, delivered in virtual time; reactions on or off (merged replies only). */
async function burst(n: number, reactions: boolean) {
  const store = Store.open(join(tmp, `chat-${n}-${reactions}.db`));
  await store.tx((r) => r.directory.replaceAll(dir));
  const desk: Desk = {
    store,
    reg: DEFAULT_REGULATION,
    holidays: loadHolidayCalendar(join(ROOT, "data/calendar")),
  };
  const processing: number[] = [];
  const reportAt = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const at = t0 + Math.floor((i * 60_000) / n);
    const ep = communes[i % communes.length]!;
    const p0 = performance.now();
    await handleChatEvent(
      desk,
      {
        platform: "telegram",
        chatId: GROUP,
        chatType: "group",
        userId: tech(ep).telegramId!,
        userName: "x",
        text: faults[Math.floor(i / communes.length) % faults.length]!,
        button: null,
        updateId: String(i),
        messageId: String(i),
      },
      new Date(at),
    );
    processing.push(performance.now() - p0);
    reportAt.set(String(i), at);
  }
  const sent: { text: string; at: number }[] = [];
  const reacted = new Map<string, number>();
  let edits = 0;
  let vclock = t0;
  const transport: ChatTransport = {
    platform: "telegram",
    groupChatId: GROUP,
    maxLength: 3500,
    supportsButtons: true,
    async send(_chat, text) {
      sent.push({ text, at: vclock });
      return String(sent.length);
    },
    async edit() {
      edits++;
    },
    ...(reactions
      ? {
          async react(_chat: string, messageId: string) {
            reacted.set(messageId, vclock);
          },
        }
      : {}),
  };
  // Reports arrive during the first minute: deliver in rounds of a virtual second, interleaved with arrival
  // (reports were recorded up front, so rows dated later are not due yet).
  const pacer = new Pacer();
  for (let round = 0; round < 2000; round++) {
    await deliverChat(
      store,
      [transport],
      pacer,
      () => new Date(vclock),
      async (w) => {
        vclock += w;
      },
    );
    vclock += 1000;
    const left = (await store.read((r) => r.outbox.list({ excludeSent: true }))).filter(
      (m) => m.channel !== "mail",
    ).length;
    if (left === 0 && vclock > t0 + 60_000) break;
  }
  // Acknowledged: a reaction on the report, or its code in a group message (full or merged line).
  const incidents = (await store.read((r) => r.incidents.list())).filter((i) => i.reporter !== "storm");
  const majors = (await store.read((r) => r.incidents.list())).filter((i) => i.reporter === "storm").length;
  const inbound = await store.read((r) => r.inbound.list());
  const delay: number[] = [];
  const text = sent.map((x) => x.text);
  const idByAt = new Map([...reportAt].map(([id, at]) => [at, id]));
  for (const inc of incidents) {
    const opened = inc.openedAt.getTime();
    const r = reacted.get(idByAt.get(opened) ?? "");
    const idx = text.findIndex((t) => t.includes(`${inc.code} `) || t.includes(`${inc.code},`));
    const byText = idx >= 0 ? sent[idx]!.at : Number.POSITIVE_INFINITY;
    const ack = Math.min(r ?? Number.POSITIVE_INFINITY, byText);
    if (Number.isFinite(ack)) delay.push(ack - opened);
  }
  store.close();
  return {
    n,
    reactions,
    processing,
    delay,
    sent: sent.length,
    reacted: reacted.size,
    edits,
    majors,
    recorded: inbound.length,
    incidents: incidents.length,
  };
}

const rows = [
  await burst(600, true),
  await burst(600, false),
  await burst(3000, true),
  await burst(3000, false),
];
rmSync(tmp, { recursive: true, force: true });
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
writeSection(
  "## Chat desk burst (issue 4)",
  `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}. Reports from 126 endpoints within 60 s; delivery in virtual time
under Telegram's pacing (1/s per chat, 20/min per group, 30/s overall; reactions paced 1/s per chat on their own, as
Telegram documents no limit for setMessageReaction).

| burst | acknowledgement | ack p50 / p95 | acknowledged | group messages | reactions | storm edits | major incidents | processing p50 / p99 |
|---|---|---|---|---|---|---|---|---|
${rows
  .map(
    (r) =>
      `| ${r.n} | ${r.reactions ? "👌 reaction, merged line when late" : "merged replies only"} | ${s(pct(r.delay, 50))} / **${s(pct(r.delay, 95))}** | ${r.delay.length}/${r.incidents} incidents (${r.recorded}/${r.n} reports recorded) | ${r.sent} | ${r.reacted} | ${r.edits} | ${r.majors} | ${ms(pct(r.processing, 50))} / ${ms(pct(r.processing, 99))} |`,
  )
  .join("\n")}

Storms collapse the per-report desk notices into one message edited in place, so the group's 20 messages a minute
carry acknowledgements (merged, a short line per report) instead. A reaction costs no group message but one
reaction a second per chat cannot keep up with 10 or 50 reports a second: under a storm, merged lines carry most
acknowledgements and reactions the first of each second. Reactions use the quota best for ordinary traffic (every
report answered on itself, no group message); merged lines use it best under a storm.`,
);
