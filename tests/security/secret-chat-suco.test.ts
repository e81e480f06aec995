import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { type ChatEvent, handleChatEvent } from "../../src/app/chat/conversation.js";
import { at, makeDesk, request, sampleDirectory } from "../helpers.js";

/**
 * Threat: desk staff ask the bot in private about an incident of a secret session (`/suco`, `/suco SC-…`), and the
 * answer names the endpoint where it happened next to the session's code: which endpoint takes part, over an
 * internet channel (Điều 5.2, 14.4). Every other chat text about such an incident says «một điểm cầu của phiên mật»;
 * a normal session's answer names the endpoint, so the check can fail.
 */
const HOST = "Văn phòng UBND thành phố Hà Nội";
const PARTICIPANTS = ["CATP-01", "BTLTD-01"];
const DAY = "2026-12-10";
const people = sampleDirectory.people;
const reporter = people.find((p) => p.endpoint === "CATP-01" && p.role === "technician")!;
const staff = ["mcu-technician", "wan-duty", "admin"].map((role) => people.find((p) => p.role === role)!);

function revealing(): string[] {
  const endpoints = sampleDirectory.endpoints.filter(
    (e) => PARTICIPANTS.includes(e.code) || e.agency === HOST,
  );
  // The reporter's name says where too: they are a person of CATP-01.
  return [HOST, ...endpoints.flatMap((e) => [e.code, e.name]), reporter.name];
}

let update = 0;
function ev(
  who: { telegramId: string | null; name: string },
  text: string,
  chat: "group" | "private",
): ChatEvent {
  return {
    platform: "telegram",
    chatId: chat === "group" ? "-100900" : who.telegramId!,
    chatType: chat,
    userId: who.telegramId!,
    userName: who.name,
    text,
    button: null,
    updateId: `suco-${++update}`,
    messageId: String(update),
  };
}

/** A session live at 14:25 with a fault reported from CATP-01; what each desk person reads of it in private. */
async function privateAnswers(secret: boolean) {
  const desk = await makeDesk();
  const res = await registerBooking(
    desk,
    request({
      host: HOST,
      sender: "vanthu.vpub@hanoi.gov.vn",
      participants: PARTICIPANTS,
      title: "Phương án bảo vệ mục tiêu trọng điểm",
      secret,
      start: at(DAY, "14:00"),
      end: at(DAY, "15:30"),
    }),
    { now: at("2026-12-07", "08:30") },
  );
  if (res.duplicate) throw new Error("duplicate");
  await handleChatEvent(desk, ev(reporter, "điểm cầu mất hình", "group"), at(DAY, "14:25"));
  const [incident] = await desk.store.read((r) => r.incidents.list());
  expect(incident?.booking).toBe(res.code);
  const answers: string[] = [];
  for (const person of staff) {
    const before = (await desk.store.read((r) => r.outbox.list())).length;
    await handleChatEvent(desk, ev(person, "/suco", "private"), at(DAY, "14:30"));
    await handleChatEvent(desk, ev(person, `/suco ${incident!.code}`, "private"), at(DAY, "14:31"));
    const rows = (await desk.store.read((r) => r.outbox.list())).slice(before);
    const mine = rows.filter((m) => m.channel === "chat" && m.recipient === `telegram:${person.telegramId}`);
    expect(mine.length, person.role).toBe(2);
    answers.push(...mine.map((m) => `${person.role}: ${String(m.payload.text)}`));
  }
  // The endpoint's own people know where they are: their answer names it, secret or not.
  const before = (await desk.store.read((r) => r.outbox.list())).length;
  await handleChatEvent(desk, ev(reporter, `/suco ${incident!.code}`, "private"), at(DAY, "14:32"));
  const own = (await desk.store.read((r) => r.outbox.list())).slice(before);
  expect(own.map((m) => String(m.payload.text)).join("\n")).toContain("CATP-01");
  return { code: incident!.code, answers };
}

describe("/suco in private names no endpoint of a secret session", () => {
  it("desk staff read the incident and its session, not where it is; a normal session's answer names the endpoint", async () => {
    const normal = await privateAnswers(false);
    expect(normal.answers.every((a) => a.includes(normal.code))).toBe(true);
    expect(normal.answers.some((a) => a.includes("CATP-01"))).toBe(true);
    const secret = await privateAnswers(true);
    for (const a of secret.answers) {
      expect(a).toContain(secret.code);
      for (const word of revealing()) expect(a, `leak of «${word}»`).not.toContain(word);
    }
    expect(secret.answers.some((a) => a.includes("một điểm cầu của phiên mật"))).toBe(true);
  });
});
