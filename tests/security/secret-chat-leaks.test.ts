import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { type ChatEvent, handleChatEvent, incidentJobHandlers } from "../../src/app/chat/conversation.js";
import { ROOT } from "../../src/app/config.js";
import { runDueJobs, sessionJobHandlers } from "../../src/app/scheduler.js";
import { SessionRunner } from "../../src/app/session-runner.js";
import { SimulatorMcu } from "../../src/mcu/simulator.js";
import { at, makeDesk, request, sampleDirectory, tempDir } from "../helpers.js";

/**
 * Threat: the title, host or endpoints of a secret session (Điều 5.2, 14.4) reach the support group through one of
 * the desk's chat texts (roll call, readiness follow-up, MCU posts, incidents, handover reminders, /sansang,
 * /bangiao, /lich, /phien) or the MCU's conference name. The same life of a normal session must show them, so the
 * check can fail.
 */
const HOST = "Văn phòng UBND thành phố Hà Nội";
const TITLE = "Phương án bảo vệ mục tiêu trọng điểm dịp Tết Đinh Mùi";
const PARTICIPANTS = ["CATP-01", "BTLTD-01"];
const DAY = "2026-12-10";
const people = sampleDirectory.people;
const reporter = people.find((p) => p.endpoint === "CATP-01" && p.role === "technician")!;
const mcuTech = people.find((p) => p.role === "mcu-technician")!;

/** Everything that names the session: title, host (with its aliases and mailbox), endpoints (codes and names). */
function revealing(): string[] {
  const agency = sampleDirectory.agencies.find((a) => a.name === HOST)!;
  const endpoints = sampleDirectory.endpoints.filter(
    (e) => PARTICIPANTS.includes(e.code) || e.agency === HOST,
  );
  return [
    TITLE,
    HOST,
    ...agency.aliases,
    ...agency.mailboxes,
    ...endpoints.flatMap((e) => [e.code, e.name]),
    reporter.name,
  ];
}

let update = 0;
function ev(userId: string, userName: string, text: string): ChatEvent {
  return {
    platform: "telegram",
    chatId: "-100900",
    chatType: "group",
    userId,
    userName,
    text,
    button: null,
    updateId: `leak-${++update}`,
  };
}

/** A session's whole life at the desk; returns every chat-bound text and the MCU conference names. */
async function lifeOf(secret: boolean) {
  const desk = await makeDesk();
  const mcu = new SimulatorMcu({ recordingDir: tempDir() });
  const names: string[] = [];
  const create = mcu.createConference.bind(mcu);
  mcu.createConference = (opts) => {
    names.push(opts.name);
    return create(opts);
  };
  const runner = new SessionRunner(desk, mcu);
  const handlers = { ...sessionJobHandlers(desk), ...incidentJobHandlers() };
  const res = await registerBooking(
    desk,
    request({
      host: HOST,
      sender: "vanthu.vpub@hanoi.gov.vn",
      participants: PARTICIPANTS,
      title: TITLE,
      secret,
      recording: true,
      start: at(DAY, "14:00"),
      end: at(DAY, "15:30"),
    }),
    { now: at("2026-12-07", "08:30") },
  );
  if (res.duplicate) throw new Error("duplicate");
  expect(res.decision.outcome).toBe("confirmed");
  const code = res.code;
  const chat = (who: { telegramId: string | null; name: string }, text: string, now: Date) =>
    handleChatEvent(desk, ev(who.telegramId!, who.name, text), now);

  for (let t = at(DAY, "11:30").getTime(); t <= at(DAY, "16:00").getTime(); t += 5 * 60_000) {
    const now = new Date(t);
    const hhmm = (s: string) => t === at(DAY, s).getTime();
    if (hhmm("12:30")) await chat(reporter, `/sansang ${code}`, now);
    if (hhmm("13:30")) {
      await chat(reporter, "/lich", now);
      await chat(reporter, `/phien ${code}`, now);
    }
    if (hhmm("14:20")) mcu.drop(mcu.conferenceIds()[0]!, "BTLTD-01");
    if (hhmm("14:25")) await chat(reporter, "điểm cầu mất hình", now);
    if (hhmm("14:30")) await chat(mcuTech, `/tatmic ${code} BTLTD-01`, now);
    if (hhmm("14:40")) mcu.recover(mcu.conferenceIds()[0]!, "BTLTD-01");
    await runDueJobs(desk, handlers, now);
    await runner.tick(now);
  }
  // The recording handover: due at the end of the second working day, then a daily reminder, then /bangiao.
  await runDueJobs(desk, handlers, at("2026-12-14", "17:00"));
  await runDueJobs(desk, handlers, at("2026-12-15", "17:00"));
  await chat(mcuTech, `/bangiao ${code}`, at("2026-12-16", "09:00"));
  await chat(reporter, `/phien ${code}`, at("2026-12-16", "09:05"));

  const rows = (await desk.store.read((r) => r.outbox.list())).filter((m) =>
    ["group", "desk", "chat", "direct"].includes(m.channel),
  );
  const kinds = new Set(rows.map((m) => m.kind));
  return { code, rows, texts: rows.map((m) => JSON.stringify(m.payload)), names, kinds };
}

describe("a secret session's whole life never names its host, endpoints or title in chat (Điều 5.2)", () => {
  it("the normal session shows them (the check can fail), the secret one shows only code, time and secrecy", async () => {
    const normal = await lifeOf(false);
    const secret = await lifeOf(true);
    // Both lives went through every step that talks to the group.
    for (const kind of [
      "booking-public",
      "technical-check",
      "check-missing",
      "check-ping",
      "session",
      "incident-notice",
      "handover-due",
      "handover-late",
      "chat-reply",
    ]) {
      expect(normal.kinds, kind).toContain(kind);
      expect(secret.kinds, kind).toContain(kind);
    }
    const all = (x: { texts: string[] }) => x.texts.join("\n");
    // The normal session names what the secret one must not.
    for (const word of [TITLE, HOST, "CATP-01", "BTLTD-01", "VPUB-01"]) expect(all(normal)).toContain(word);
    expect(normal.names).toEqual([TITLE]);
    // The secret one: nothing revealing in any chat-bound row, and the MCU conference is named by the code.
    for (const text of secret.texts) {
      for (const word of revealing()) expect(text, `leak of «${word}»`).not.toContain(word);
    }
    expect(secret.names).toEqual([secret.code]);
    // What the group does see: the code, the time, that it is secret, and the secure channel for the roll call.
    const check = secret.rows.find((m) => m.kind === "technical-check")!;
    expect(check.payload.text).toContain(secret.code);
    expect(check.payload.text).toContain("14:00–15:30");
    expect(check.payload.text).toContain("qua kênh bảo mật");
    expect(secret.rows.find((m) => m.kind === "booking-public")!.payload.text).toContain("phiên mật");
    const lich = secret.rows.filter((m) => m.kind === "chat-reply").map((m) => String(m.payload.text));
    expect(lich.some((t) => t.includes(secret.code) && t.includes("phiên mật"))).toBe(true);
  }, 60_000);
});

describe("the demo runs a secret session and prints nothing of it", () => {
  it("shows its code and the secure channel, never its title or endpoints", () => {
    const res = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/app/demo.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DESK_DB: ":memory:" },
    });
    expect(res.status).toBe(0);
    const out = res.stdout;
    // The demo's secret session: VP UBND with CATP-01 and BTLTD-01.
    expect(out).toContain("Phiên họp mật bắt đầu");
    expect(out).toContain("qua kênh bảo mật");
    expect(out).toContain("một điểm cầu của phiên mật");
    for (const word of ["Phương án bảo vệ mục tiêu trọng điểm", "CATP-01", "BTLTD-01", "VPUB-01"]) {
      expect(out).not.toContain(word);
    }
    // What went to chat (lines after an arrow, except the mail answer to the host's own mailbox) never names the
    // host either.
    const delivered = out
      .split("\n  → ")
      .slice(1)
      .map((block) => block.split("\n\n")[0]!)
      .filter((block) => block.includes("HTT-2026-0005") && !block.startsWith("Thư trả lời"));
    expect(delivered.length).toBeGreaterThan(5);
    for (const block of delivered) expect(block).not.toMatch(/Văn phòng UBND|vanthu\.vpub/i);
  }, 60_000);
});

describe("the answer to a refused secret registration names no endpoint", () => {
  it("a busy endpoint is named for a normal session and not for a secret one", async () => {
    const answer = async (secret: boolean) => {
      const desk = await makeDesk();
      const now = at("2026-12-07", "08:30");
      await registerBooking(desk, request({ participants: ["BTLTD-01"] }), { now });
      const res = await registerBooking(
        desk,
        request({
          host: HOST,
          sender: "telegram:700002001",
          channel: "telegram",
          participants: PARTICIPANTS,
          title: TITLE,
          secret,
        }),
        { now },
      );
      if (res.duplicate) throw new Error("duplicate");
      expect(res.decision.outcome).toBe("rejected");
      const rows = await desk.store.read((r) => r.outbox.list({ booking: res.code }));
      return rows.map((m) => JSON.stringify(m.payload)).join("\n");
    };
    expect(await answer(false)).toContain("BTLTD-01");
    const secret = await answer(true);
    expect(secret).toContain("qua kênh bảo mật");
    for (const word of revealing()) expect(secret, `leak of «${word}»`).not.toContain(word);
  });
});
