import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { handleChatEvent, incidentJobHandlers } from "../src/app/chat/conversation.js";
import { ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { runDueJobs } from "../src/app/scheduler.js";
import { type ChatTransport, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import type { Shift } from "../src/core/duty/roster.js";
import { at, makeDesk, sampleDirectory, tempDir } from "./helpers.js";
import { groupMessages } from "./support/chat-events.js";
import { cliHere } from "./support/cli-here.js";

const GROUP = "-100200";
const people = sampleDirectory.people;
const byName = (name: string) => people.find((p) => p.name === name && p.endpoint === null)!;
const GIANG = byName("Bùi Ngọc Giang"); // mcu-technician
const NAM = byName("Đỗ Ngọc Nam"); // mcu-technician
const KHANH = byName("Đỗ Văn Khánh"); // wan-duty
const AN = byName("Phạm Thu An"); // wan-duty
const admin = people.find((p) => p.role === "admin")!;
const reporters = people.filter((p) => p.role === "technician" && p.endpoint && p.telegramId).slice(0, 40);

const ev = groupMessages({ chatId: GROUP, messageIds: true });
const privately = (userId: string, text: string) => ev(userId, text, { chatType: "private", chatId: userId });

/** A Telegram transport that records what it sends on the virtual clock. */
function recorder(clock: () => number) {
  const sent: { chat: string; text: string; at: number }[] = [];
  const transport: ChatTransport = {
    platform: "telegram",
    groupChatId: GROUP,
    maxLength: 4096,
    supportsButtons: true,
    async send(chat, text) {
      sent.push({ chat, text, at: clock() });
      return String(sent.length);
    },
  };
  return { sent, transport };
}

const H = 60;
// MCU: a day shift 07:00–19:00 and a night shift 19:00–07:00 (past midnight), alternating between two people;
// WAN: Khánh Monday to Wednesday, An Thursday to Sunday.
const roster: Shift[] = [];
for (let d = 1; d <= 7; d++) {
  const [day, night] = d % 2 === 1 ? [GIANG, NAM] : [NAM, GIANG];
  roster.push({ role: "mcu", weekday: d, fromMinute: 7 * H, toMinute: 19 * H, person: day.name });
  roster.push({ role: "mcu", weekday: d, fromMinute: 19 * H, toMinute: 7 * H, person: night.name });
  roster.push({
    role: "wan",
    weekday: d,
    fromMinute: 0,
    toMinute: 24 * H,
    person: (d <= 3 ? KHANH : AN).name,
  });
}

async function deskWithRoster(dbPath?: string): Promise<Desk> {
  const desk = await makeDesk({}, dbPath);
  if (dbPath) await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  await desk.store.tx((r) => r.duty.replaceShifts(roster));
  return desk;
}

describe("a working week of duty rotation, incidents outside sessions", () => {
  it("reminds the person on duty privately after the configured (working-hours) delays, then escalates to the group tag and the admin", async () => {
    const desk = await deskWithRoster();
    let clock = at("2026-12-28", "00:00").getTime(); // Monday; Friday 01/01/2027 is New Year's Day
    const { sent, transport } = recorder(() => clock);
    const pacer = new Pacer();
    const handlers = incidentJobHandlers();
    // The four duty people start a private chat with the bot; the admin does not.
    for (const p of [GIANG, NAM, KHANH, AN])
      await handleChatEvent(desk, privately(p.telegramId!, "/start"), new Date(clock));

    const days = [
      "2026-12-28",
      "2026-12-29",
      "2026-12-30",
      "2026-12-31",
      "2027-01-01",
      "2027-01-02",
      "2027-01-03",
    ];
    type Planned = { at: Date; who: string; text: string; ack?: Date; label: string };
    const planned: Planned[] = [];
    days.forEach((day, i) => {
      const [a, b] = [reporters[2 * i]!, reporters[2 * i + 1]!];
      // Audio (not urgent: working hours) at 10:00, network (urgent: wall clock) at 21:00.
      planned.push({
        at: at(day, "10:00"),
        who: a.telegramId!,
        text: "mất tiếng",
        label: `audio ${day}`,
        // Wednesday's is acknowledged (privately) before its reminder: no reminder, no escalation.
        ...(day === "2026-12-30" ? { ack: at(day, "10:30") } : {}),
      });
      planned.push({ at: at(day, "21:00"), who: b.telegramId!, text: "rớt mạng", label: `network ${day}` });
    });
    // Tuesday 23:00 a power failure (urgent, MCU): its reminder at midnight goes to Tuesday's night shift.
    planned.push({
      at: at("2026-12-29", "23:00"),
      who: reporters[20]!.telegramId!,
      text: "mất điện",
      label: "power night",
    });
    planned.sort((x, y) => x.at.getTime() - y.at.getTime());

    const codes = new Map<string, string>();
    const end = at("2027-01-04", "13:00").getTime();
    for (; clock <= end; clock += 15 * 60_000) {
      const now = new Date(clock);
      for (const p of planned.filter((x) => x.at.getTime() === clock)) {
        await handleChatEvent(desk, ev(p.who, p.text), now);
        const newest = (await desk.store.read((r) => r.incidents.list())).at(-1)!;
        codes.set(p.label, newest.code);
      }
      for (const p of planned.filter((x) => x.ack?.getTime() === clock))
        await handleChatEvent(desk, privately(GIANG.telegramId!, `/nhan ${codes.get(p.label)}`), now);
      // Thursday 08:00 the admin makes Khánh today's WAN duty (An is ill).
      if (clock === at("2026-12-31", "08:00").getTime())
        await handleChatEvent(desk, ev(admin.telegramId!, "/truc wan @Đỗ Văn Khánh"), now);
      await runDueJobs(desk, handlers, now);
      await deliverChat(
        desk.store,
        [transport],
        pacer,
        () => new Date(clock),
        async (w) => {
          clock += w;
        },
      );
    }

    const chatOf = (p: { telegramId: string | null }) => p.telegramId!;
    /** Where and when a reminder («Nhắc việc») or an escalation («Báo động») of an incident was delivered. */
    const delivered = (label: string, what: "Nhắc việc" | "Báo động") =>
      sent
        .filter((m) => m.text.includes(`${what}: sự cố ${codes.get(label)} `))
        .map((m) => ({ chat: m.chat, at: new Date(m.at - (m.at % (15 * 60_000))) }));
    const expectChain = (
      label: string,
      person: { telegramId: string | null },
      remind: Date,
      escalate: Date,
      tag: string,
    ) => {
      expect(delivered(label, "Nhắc việc"), label).toEqual([{ chat: chatOf(person), at: remind }]);
      expect(delivered(label, "Báo động"), label).toEqual([{ chat: GROUP, at: escalate }]);
      const line = sent.find((m) => m.text.includes(`Báo động: sự cố ${codes.get(label)} `))!;
      expect(line.text).toContain(`[Quản trị] ${tag} Báo động: sự cố ${codes.get(label)} `);
    };
    const MCU = "[Kỹ thuật MCU]";
    const WAN = "[Trực ban WAN]";
    // Audio, working hours (07:30–17:00 on working days): 60 min to remind, 240 to escalate.
    expectChain("audio 2026-12-28", GIANG, at("2026-12-28", "11:00"), at("2026-12-28", "14:00"), MCU);
    expectChain("audio 2026-12-29", NAM, at("2026-12-29", "11:00"), at("2026-12-29", "14:00"), MCU);
    expect(delivered("audio 2026-12-30", "Nhắc việc")).toEqual([]);
    expect(delivered("audio 2026-12-30", "Báo động")).toEqual([]);
    expectChain("audio 2026-12-31", NAM, at("2026-12-31", "11:00"), at("2026-12-31", "14:00"), MCU);
    // New Year's Day, Saturday and Sunday are not worked: Monday 04/01 from 07:30, Monday's day shift (Giang).
    for (const day of ["2027-01-01", "2027-01-02", "2027-01-03"])
      expectChain(`audio ${day}`, GIANG, at("2027-01-04", "08:30"), at("2027-01-04", "11:30"), MCU);
    // Network, urgent: 60 and 240 wall-clock minutes, whatever the day.
    const wanOf: Record<string, typeof KHANH> = {
      "2026-12-28": KHANH,
      "2026-12-29": KHANH,
      "2026-12-30": KHANH,
      "2026-12-31": KHANH, // today's change by the admin
      "2027-01-01": AN,
      "2027-01-02": AN,
      "2027-01-03": AN,
    };
    for (const [i, day] of days.entries())
      expectChain(
        `network ${day}`,
        wanOf[day]!,
        at(day, "22:00"),
        at(days[i + 1] ?? "2027-01-04", "01:00"),
        WAN,
      );
    // Tuesday's night shift is Giang's; the reminder at 00:00 Wednesday reaches Giang.
    expectChain("power night", GIANG, at("2026-12-30", "00:00"), at("2026-12-30", "03:00"), MCU);

    // New incidents reached the person on duty privately; the group never read a desk notice about them.
    const newNotice = (label: string) =>
      sent.filter((m) => m.text.includes(`Sự cố mới ${codes.get(label)} `));
    expect(newNotice("audio 2026-12-29").map((m) => m.chat)).toEqual([chatOf(NAM)]);
    expect(newNotice("network 2027-01-02").map((m) => m.chat)).toEqual([chatOf(AN)]);
    expect(sent.filter((m) => m.chat === GROUP && /Sự cố mới|Nhắc việc/.test(m.text))).toEqual([]);
  }, 120_000);
});

describe("/truc", () => {
  it("shows today's roster; a non-admin's change is refused; an admin's change is audited and takes effect", async () => {
    const path = join(tempDir(), "desk.db");
    const desk = await deskWithRoster(path);
    const now = at("2026-12-29", "09:00"); // Tuesday
    const replies = async () =>
      (await desk.store.read((r) => r.outbox.list()))
        .filter((m) => m.channel === "chat" && m.kind === "chat-reply")
        .map((m) => String(m.payload.text));

    await handleChatEvent(desk, ev(reporters[0]!.telegramId!, "/truc"), now);
    expect((await replies()).at(-1)).toBe(
      [
        "Lịch trực hôm nay (Thứ Ba, 29/12/2026):",
        "• Kỹ thuật MCU: Đỗ Ngọc Nam 00:00–07:00; Đỗ Ngọc Nam 07:00–19:00; Bùi Ngọc Giang 19:00–24:00. Đang trực: Đỗ Ngọc Nam.",
        "• Trực ban mạng WAN: Đỗ Văn Khánh 00:00–24:00. Đang trực: Đỗ Văn Khánh.",
        "Đổi người trực hôm nay: /truc mcu @Tên cán bộ hoặc /truc wan @Tên cán bộ (quản trị viên đổi người trực hôm nay).",
      ].join("\n"),
    );

    // A technician (even a desk one) may not change the duty.
    await handleChatEvent(desk, ev(NAM.telegramId!, "/truc mcu @Bùi Ngọc Giang"), now);
    expect((await replies()).at(-1)).toBe("Chỉ quản trị viên mới đổi được người trực.");
    await handleChatEvent(desk, ev(admin.telegramId!, "/truc mcu @Người Lạ"), now);
    expect((await replies()).at(-1)).toBe(
      "«Người Lạ» không phải Kỹ thuật MCU trong danh bạ (có: Bùi Ngọc Giang, Đỗ Ngọc Nam).",
    );
    expect(await desk.store.read((r) => r.duty.overrides("2026-12-29"))).toEqual([]);

    await handleChatEvent(desk, ev(admin.telegramId!, "/truc mcu @bui ngoc giang"), now);
    expect((await replies()).at(-1)).toBe(
      "Đã đổi người trực Kỹ thuật MCU hôm nay (29/12/2026) thành Bùi Ngọc Giang.",
    );
    expect(await desk.store.read((r) => r.duty.overrides("2026-12-29"))).toEqual([
      {
        id: expect.any(Number),
        date: "2026-12-29",
        role: "mcu",
        person: "Bùi Ngọc Giang",
        actor: `${admin.name} (telegram:${admin.telegramId})`,
        channel: "telegram",
        at: now,
      },
    ]);
    expect(await desk.store.read((r) => r.duty.onDuty("mcu", now, desk.reg.zone))).toBe("Bùi Ngọc Giang");

    // The CLI shows and changes the same roster, audited as the operator.
    const env = { DESK_DB: path };
    const shown = await cliHere(["truc"], env, now);
    expect(shown.error).toBeNull();
    expect(shown.out).toContain(
      `• Kỹ thuật MCU: cả ngày Bùi Ngọc Giang (đổi bởi ${admin.name} lúc 09:00). Đang trực: Bùi Ngọc Giang.`,
    );
    const changed = await cliHere(["truc", "doi", "wan", "Phạm", "Thu", "An"], env, now);
    expect(changed.error).toBeNull();
    expect(changed.out).toBe("Đã đổi người trực Trực ban mạng WAN hôm nay (29/12/2026) thành Phạm Thu An.\n");
    const refused = await cliHere(["truc", "doi", "wan", "Bùi Ngọc Giang"], env, now);
    expect(refused.error?.message).toBe(
      "«Bùi Ngọc Giang» không phải Trực ban mạng WAN trong danh bạ (có: Đỗ Văn Khánh, Phạm Thu An).",
    );
    // The sample roster imports (every name is a desk person of the directory); a bad file changes nothing.
    const bad = join(tempDir(), "duty.csv");
    writeFileSync(bad, "role,weekday,from,to,person\nmcu,1,07:00,19:00,Người Lạ\n");
    expect((await cliHere(["truc", "nhap", bad], env, now)).error?.message).toBe(
      "Lịch trực nêu người không có trong danh bạ với vai trò tương ứng: Người Lạ (Kỹ thuật MCU).",
    );
    expect(await desk.store.read((r) => r.duty.shifts())).toHaveLength(roster.length);
    const imported = await cliHere(["truc", "nhap", join(ROOT, "data/sample-duty.csv")], env, now);
    expect(imported.out).toBe("Đã nhập 19 ca trực.\n");
    expect(await desk.store.read((r) => r.duty.shifts())).toHaveLength(19);
    expect((await cliHere(["truc", "lich"], env, now)).out.split("\n")[0]).toBe(
      "Kỹ thuật MCU\tThứ Hai\t07:00–19:00\tBùi Ngọc Giang",
    );
    const log = await cliHere(["truc", "nhatky"], env, now);
    expect(
      log.out
        .trim()
        .split("\n")
        .map((l) => l.split("\t").slice(1, 3).concat(l.split("\t")[4]!)),
    ).toEqual([
      ["Kỹ thuật MCU", "Bùi Ngọc Giang", "telegram"],
      ["Trực ban mạng WAN", "Phạm Thu An", "cli"],
    ]);
  });
});
