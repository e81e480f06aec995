import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { type ChatEvent, handleChatEvent } from "../src/app/chat/conversation.js";
import type { Actor, Desk } from "../src/app/context.js";
import {
  DEFAULT_INCIDENT_OPTIONS,
  type IncidentOptions,
  recordOverLimitIn,
  reportIncident,
} from "../src/app/incident/report.js";
import { DirectoryMatcher } from "../src/core/directory/matcher.js";
import type { Directory } from "../src/core/directory/types.js";
import { namedPlace } from "../src/core/incident/place.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { dm, ev, GROUP, repliesTo } from "./security/chat-support.js";
import { openTelegramDesk, TEST_TOKEN } from "./support/chat-desk.js";

const people = sampleDirectory.people;
const tech = (endpoint: string) => people.find((p) => p.endpoint === endpoint && p.role === "technician")!;
const syt = tech("SYT-01");
const baDinh = tech("CX-00004");
const NOW = at("2026-12-10", "09:30");
const BA_DINH = "điểm cầu Phường Ba Đình (CX-00004)";

async function actorFor(desk: Desk, endpoint: string): Promise<Actor> {
  const p = tech(endpoint);
  const person = await desk.store.read((r) => r.incidents.personByChat("telegram", p.telegramId!));
  expect(person).not.toBeNull();
  return { id: `telegram:${p.telegramId}`, channel: "telegram", person };
}

const stranger: Actor = { id: "telegram:990001", channel: "telegram", person: null, name: "Anh Tuấn" };

async function report(desk: Desk, actor: Actor, text: string, now = NOW, opts?: IncidentOptions) {
  const out = await reportIncident(desk, actor, { text }, now, opts);
  if (!out.ok) throw new Error(`report refused: ${out.reason}`);
  return out;
}

const events = (desk: Desk, code: string) => desk.store.read((r) => r.incidents.events(code));
const deskNotices = async (desk: Desk) =>
  (await desk.store.read((r) => r.outbox.list()))
    .filter((m) => m.channel === "desk")
    .map((m) => String(m.payload.text));

describe("the endpoint a report's words name (pure)", () => {
  const matcher = new DirectoryMatcher(sampleDirectory);
  const place = (text: string) => namedPlace(text, matcher, sampleDirectory.endpoints);

  it("one name, with or without diacritics, by alias, abbreviation or code", () => {
    for (const text of [
      "Phòng họp UBND phường Ba Đình mất hình",
      "phong hop ubnd phuong ba dinh mat hinh",
      "P. Ba Đình mất tiếng",
      "CX-00004 mất hình",
      "cx-00004 mat hinh, Phường Ba Đình",
    ])
      expect(place(text), text).toEqual({ kind: "one", code: "CX-00004" });
    // One room of an agency with two, named by its own name.
    expect(place("Sở Y tế (điểm cầu 2) mất hình")).toEqual({ kind: "one", code: "SYT-02" });
  });

  it("two names, a group phrase or an agency with several rooms name no one endpoint; codes of other things are no names", () => {
    expect(place("Phường Ba Đình và phường Ngọc Hà mất hình")).toEqual({
      kind: "unclear",
      why: "several",
      codes: ["CX-00004", "CX-00008"],
    });
    expect(place("tất cả các xã mất hình")).toMatchObject({ kind: "unclear", why: "group" });
    expect(place("Sở Y tế mất hình")).toEqual({
      kind: "unclear",
      why: "ambiguous",
      codes: ["SYT-01", "SYT-02"],
    });
    expect(place("Thành ủy Hà Nội mất tiếng")).toMatchObject({ kind: "unclear", why: "ambiguous" });
    // What the reporter cannot hear or see may be their own fault: no place is read from it.
    expect(place("Điểm cầu mình không nghe được Sở Công Thương")).toMatchObject({
      kind: "unclear",
      why: "perceived",
    });
    expect(place("khong thay hinh cua phuong ba dinh")).toMatchObject({ kind: "unclear", why: "perceived" });
    expect(place("Sở Công Thương mất tiếng, các điểm cầu không nghe được")).toEqual({
      kind: "one",
      code: "SCT-01",
    });
    expect(place("SC-2026-0001 vẫn mất hình")).toEqual({ kind: "none" });
    expect(place("mất hình")).toEqual({ kind: "none" });
  });

  it("a name two endpoints share names neither", () => {
    const base = sampleDirectory.endpoints.find((e) => e.code === "CX-00004")!;
    const dir: Directory = {
      ...sampleDirectory,
      endpoints: [
        base,
        { ...base, code: "CX-90001", name: "Phường Hòa Bình", agency: "UBND phường Hòa Bình A", aliases: [] },
        { ...base, code: "CX-90002", name: "Phường Hòa Bình", agency: "UBND phường Hòa Bình B", aliases: [] },
      ],
    };
    const m = new DirectoryMatcher(dir);
    expect(namedPlace("Phường Hòa Bình mất hình", m, dir.endpoints).kind).not.toBe("one");
    // The same directory still finds an unshared name: the ambiguity is the name's, not the matcher's.
    expect(namedPlace("Phường Ba Đình mất hình", m, dir.endpoints)).toEqual({
      kind: "one",
      code: "CX-00004",
    });
  });
});

describe("a report from one endpoint about another", () => {
  it("is filed at the named endpoint; the reporter stays the actor; the note and the duty's notice say where from", async () => {
    const desk = await makeDesk();
    const from = await actorFor(desk, "SYT-01");
    const out = await report(desk, from, "Phòng họp UBND phường Ba Đình mất hình");
    expect(out).toMatchObject({ kind: "opened", unverified: false, inWords: true });
    expect(out.incident).toMatchObject({ endpoint: "CX-00004", reporter: from.id, booking: null });
    expect(out.notice).toContain(`tại ${BA_DINH}`);
    // Its code, how to follow it (in private) and how to correct the place (round 19: the reporter never saw the
    // code; no group post about an incident names its place or session, so the code ties it to nothing more).
    expect(out.notice).toContain(`sự cố ${out.incident.code} (hình ảnh) tại ${BA_DINH}`);
    expect(out.notice).toContain(`nhắn riêng /suco ${out.incident.code} cho bot`);
    expect(out.notice).toContain(`/ghichu ${out.incident.code} <tên điểm cầu đúng>`);
    expect(out.short).toBe(`${out.incident.code} (CX-00004)`);
    const [opened] = await events(desk, out.incident.code);
    expect(opened).toMatchObject({ action: "opened", actor: from.id });
    expect(opened!.note).toBe("Phòng họp UBND phường Ba Đình mất hình (báo từ điểm cầu SYT-01)");
    expect(await deskNotices(desk)).toEqual([
      `Sự cố mới ${out.incident.code} (hình ảnh) tại ${BA_DINH}, do ${syt.name} báo từ điểm cầu SYT-01.`,
    ]);
  });

  it("without diacritics too; only a single confident name moves it, the rest stays at the reporter's endpoint", async () => {
    const desk = await makeDesk();
    const from = await actorFor(desk, "SYT-01");
    const placed = async (text: string) => {
      const out = await report(desk, from, text);
      // Each class once: no report here joins an earlier one.
      return [out.incident.endpoint, out.inWords, (await events(desk, out.incident.code))[0]!.note];
    };
    expect(await placed("phong hop ubnd phuong ba dinh mat hinh")).toEqual([
      "CX-00004",
      true,
      "phong hop ubnd phuong ba dinh mat hinh (báo từ điểm cầu SYT-01)",
    ]);
    expect(await placed("Phường Ba Đình và phường Ngọc Hà mất tiếng")).toEqual([
      "SYT-01",
      false,
      "Phường Ba Đình và phường Ngọc Hà mất tiếng",
    ]);
    expect(await placed("tất cả các xã rớt mạng")).toEqual(["SYT-01", false, "tất cả các xã rớt mạng"]);
    expect(await placed("Sở Y tế mất điện")).toEqual(["SYT-01", false, "Sở Y tế mất điện"]);
    const notices = await deskNotices(desk);
    expect(notices.filter((t) => t.includes("báo từ điểm cầu"))).toHaveLength(1);
  });

  it("joins the named endpoint's open incident of the same class, not the reporter's", async () => {
    const desk = await makeDesk();
    const own = await report(desk, await actorFor(desk, "CX-00004"), "mất hình");
    const mine = await report(desk, await actorFor(desk, "SYT-01"), "mất hình");
    expect([own.incident.endpoint, mine.incident.endpoint]).toEqual(["CX-00004", "SYT-01"]);
    const from = await actorFor(desk, "SYT-01");
    const again = await report(
      desk,
      from,
      "UBND phường Ba Đình vẫn mất hình",
      new Date(NOW.getTime() + 60_000),
    );
    expect(again).toMatchObject({ kind: "joined", incident: { code: own.incident.code }, inWords: true });
    expect(again.notice).toContain(
      `(hình ảnh) tại ${BA_DINH} đã được bổ sung vào sự cố ${own.incident.code} đang xử lý`,
    );
    expect((await events(desk, own.incident.code)).at(-1)).toMatchObject({
      action: "reported-again",
      actor: from.id,
      note: "UBND phường Ba Đình vẫn mất hình (báo từ điểm cầu SYT-01)",
    });
    expect(await events(desk, mine.incident.code)).toHaveLength(1);
    expect(await desk.store.read((r) => r.incidents.list())).toHaveLength(2);
  });

  it("the named endpoint's live session: the incident is tied to it and its acknowledgement timers run", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request({ participants: ["CX-00004", "CX-00008"] }), {
      now: at("2026-12-07", "08:30"),
    });
    const out = await report(desk, await actorFor(desk, "SYT-01"), "Phường Ba Đình mất tiếng");
    expect(out.incident).toMatchObject({ endpoint: "CX-00004", booking: "HTT-2026-0001" });
    // The answer names the place, not the session (the same words as for a secret one); the duty hears of both.
    expect(out.notice).toContain(`tại ${BA_DINH};`);
    expect(out.notice).not.toContain("HTT-2026-0001");
    expect(await deskNotices(desk)).toEqual([
      `Sự cố mới ${out.incident.code} (âm thanh) tại ${BA_DINH}, phiên HTT-2026-0001, do ${syt.name} báo từ điểm cầu SYT-01.`,
    ]);
    const jobs = (await desk.store.read((r) => r.jobs.list())).filter((j) => j.key === out.incident.code);
    // In a session: reminded after 5 minutes, not after an off-session hour.
    expect(jobs.map((j) => [j.kind, j.runAt.getTime() - NOW.getTime()]).sort()).toEqual([
      ["incident-ack-reminder", 5 * 60_000],
      ["incident-escalate", 10 * 60_000],
    ]);
  });

  it("the named endpoint in a live SECRET session: nothing in chat ties it, its session or the reporter to the session", async () => {
    const desk = await makeDesk();
    await registerBooking(
      desk,
      request({ participants: ["CX-00004", "CX-00008"], secret: true, title: "Nội dung tuyệt mật" }),
      { now: at("2026-12-07", "08:30") },
    );
    const out = await report(desk, await actorFor(desk, "SYT-01"), "Phòng họp UBND phường Ba Đình mất hình");
    expect(out.incident).toMatchObject({ endpoint: "CX-00004", booking: "HTT-2026-0001" });
    // Answered in words like a report about an open session's endpoint (the group must not tell them apart):
    // the place the reporter wrote and the incident's code, never the session.
    expect(out).toMatchObject({ inWords: true, short: out.incident.code });
    const again = await report(desk, await actorFor(desk, "SYT-01"), "phường Ba Đình vẫn mất hình");
    expect(again).toMatchObject({ kind: "joined", incident: { code: out.incident.code }, inWords: true });
    const loose = await report(desk, stranger, "phường Ba Đình mất tiếng");
    expect(loose.incident).toMatchObject({
      endpoint: "CX-00004",
      booking: "HTT-2026-0001",
      unverified: true,
    });
    const chat = (await desk.store.read((r) => r.outbox.list()))
      .filter((m) => m.channel !== "mail")
      .map((m) => JSON.stringify(m.payload));
    const leaks = ["CX-00004", "Ba Đình", "Ba Dinh", "SYT-01", syt.name, "tuyệt mật"];
    for (const t of [out.notice, again.notice, loose.notice])
      for (const hidden of ["HTT-2026", "mật", "SYT-01", syt.name]) expect(t).not.toContain(hidden);
    for (const t of chat) for (const leak of leaks) expect(t).not.toContain(leak);
    for (const t of chat) expect(t).not.toContain("Anh Tuấn");
    expect(await deskNotices(desk)).toEqual([
      `Sự cố mới ${out.incident.code} (hình ảnh) tại một điểm cầu của phiên mật HTT-2026-0001.`,
      `Sự cố mới ${loose.incident.code} (âm thanh) tại một điểm cầu của phiên mật HTT-2026-0001 — CHƯA XÁC MINH: một tài khoản telegram chưa đăng ký đã báo; người báo và nội dung xem trên trang sự cố. Đề nghị liên hệ xác minh.`,
    ]);
    // The desk still has where it came from, in the audit trail.
    expect((await events(desk, out.incident.code))[0]!.note).toContain("báo từ điểm cầu SYT-01");
  });

  it("a stranger naming an endpoint: unverified there, no timers, never joined with or joining a verified incident", async () => {
    const desk = await makeDesk();
    const first = await report(desk, stranger, "Phường Ba Đình mất hình");
    expect(first).toMatchObject({ kind: "opened", unverified: true, inWords: true });
    expect(first.incident).toMatchObject({ endpoint: "CX-00004", unverified: true, reporter: stranger.id });
    expect(first.notice).toContain(`(hình ảnh, chưa xác minh) tại ${BA_DINH}`);
    expect((await events(desk, first.incident.code))[0]!.action).toBe("opened-unverified");
    expect(await deskNotices(desk)).toEqual([
      `Sự cố mới ${first.incident.code} (hình ảnh) tại ${BA_DINH} — CHƯA XÁC MINH: tài khoản telegram chưa đăng ký «Anh Tuấn» báo «Phường Ba Đình mất hình». Đề nghị liên hệ xác minh người báo.`,
    ]);
    // The endpoint's own technician reports the same fault: a verified incident of its own, with timers.
    const verified = await report(desk, await actorFor(desk, "CX-00004"), "mất hình");
    expect(verified).toMatchObject({ kind: "opened", unverified: false, incident: { endpoint: "CX-00004" } });
    expect(verified.incident.code).not.toBe(first.incident.code);
    // Another stranger naming the place opens their own, unverified: it does not steer the verified one.
    const other = await report(
      desk,
      { ...stranger, id: "telegram:990002", name: "Chị Lan" },
      "P. Ba Đình mất hình",
    );
    expect(other).toMatchObject({ kind: "opened", unverified: true, incident: { endpoint: "CX-00004" } });
    expect(await events(desk, verified.incident.code)).toHaveLength(1);
    const timed = new Set((await desk.store.read((r) => r.jobs.list())).map((j) => j.key));
    expect([
      timed.has(first.incident.code),
      timed.has(verified.incident.code),
      timed.has(other.incident.code),
    ]).toEqual([false, true, false]);
  });

  it("over the report limit: recorded on the named endpoint's storm member, not refused for the reporter's", async () => {
    const desk = await makeDesk();
    const opts: IncidentOptions = {
      ...DEFAULT_INCIDENT_OPTIONS,
      storm: { windowSeconds: 120, threshold: 2 },
    };
    const a = await report(desk, await actorFor(desk, "CX-00004"), "mất hình", NOW, opts);
    const b = await report(desk, await actorFor(desk, "CX-00008"), "mất hình", NOW, opts);
    expect(b.major).not.toBeNull();
    const from = await actorFor(desk, "SYT-01");
    const later = new Date(NOW.getTime() + 60_000);
    const absorbed = await desk.store.tx((r) =>
      recordOverLimitIn(r, from, { text: "Phường Ba Đình vẫn mất hình" }, later, opts),
    );
    expect(absorbed).toBe(true);
    expect((await events(desk, a.incident.code)).at(-1)).toMatchObject({
      action: "reported-over-limit",
      actor: from.id,
      note: "Phường Ba Đình vẫn mất hình (báo từ điểm cầu SYT-01)",
    });
  });

  it("in the group the answer is in words and names the place, instead of a reaction", async () => {
    const desk = await makeDesk();
    const ev = (userId: string, text: string, updateId: string): ChatEvent => ({
      platform: "telegram",
      chatId: "-100200",
      chatType: "group",
      userId,
      userName: "Cán bộ",
      text,
      button: null,
      updateId,
      messageId: updateId,
    });
    await handleChatEvent(desk, ev(syt.telegramId!, "Phòng họp UBND phường Ba Đình mất hình", "1"), NOW);
    await handleChatEvent(desk, ev(baDinh.telegramId!, "mất tiếng", "2"), NOW);
    const out = await desk.store.read((r) => r.outbox.list());
    const words = out.filter((m) => m.kind === "chat-reply").map((m) => String(m.payload.text));
    expect(words).toHaveLength(1);
    expect(words[0]).toContain(`(hình ảnh) tại ${BA_DINH}`);
    // The endpoint's own report is still acknowledged with a reaction.
    expect(out.filter((m) => m.kind === "ack-reaction").map((m) => m.payload.messageId)).toEqual(["2"]);
    // The way the answer offers to correct a wrong guess is open to the reporter.
    await handleChatEvent(
      desk,
      ev(syt.telegramId!, "/ghichu SC-2026-0001 nhầm, là phường Ngọc Hà", "3"),
      NOW,
    );
    expect((await events(desk, "SC-2026-0001")).at(-1)).toMatchObject({
      action: "ghichu",
      actor: `telegram:${syt.telegramId}`,
      note: "nhầm, là phường Ngọc Hà",
    });
  });
});

describe("the group cannot tell a secret session from an open one by the answer (Điều 5.2)", () => {
  /**
   * A live session at Ba Đình (secret or not); in the group, the Sở Y tế technician reports Ba Đình's fault, then
   * again (joined). What the group receives, and what the duty is told privately.
   */
  async function scene(secret: boolean) {
    const desk = await makeDesk();
    await registerBooking(
      desk,
      request({ participants: ["CX-00004", "CX-00008"], secret, title: "Nội dung phiên" }),
      { now: at("2026-12-07", "08:30") },
    );
    await handleChatEvent(
      desk,
      ev(syt.telegramId!, "Phòng họp UBND phường Ba Đình mất hình", { messageId: "41", userName: "Khánh" }),
      NOW,
    );
    await handleChatEvent(
      desk,
      ev(syt.telegramId!, "phường Ba Đình vẫn mất hình", { messageId: "42", userName: "Khánh" }),
      new Date(NOW.getTime() + 60_000),
    );
    const out = await desk.store.read((r) => r.outbox.list());
    const group = out
      // The booking's own post (code, time, "phiên mật") is the group's by design: only the reports' answers.
      .filter((m) => m.recipient === `telegram:${GROUP}`)
      .map((m) => JSON.stringify({ channel: m.channel, kind: m.kind, payload: m.payload }));
    return { group, duty: await deskNotices(desk) };
  }

  it("a report naming another endpoint gets byte-identical group answers; the duty's private notices are unchanged", async () => {
    const open = await scene(false);
    const secret = await scene(true);
    expect(open.group).toHaveLength(2);
    expect(secret.group).toEqual(open.group);
    // The words still name the place the reporter wrote, to be checked, and nothing of the session.
    expect(open.group[0]).toContain(BA_DINH);
    // What the group reads (the payload's text; its `incident` is the desk's own link, for an edit to find it):
    // the code, never the session.
    expect(JSON.parse(open.group[0]!).payload.text).toContain("SC-2026-0001");
    for (const t of open.group)
      for (const hidden of ["HTT-2026", "mật"]) expect(JSON.parse(t).payload.text).not.toContain(hidden);
    expect(open.duty).toEqual([
      `Sự cố mới SC-2026-0001 (hình ảnh) tại ${BA_DINH}, phiên HTT-2026-0001, do Khánh báo từ điểm cầu SYT-01.`,
    ]);
    expect(secret.duty).toEqual([
      "Sự cố mới SC-2026-0001 (hình ảnh) tại một điểm cầu của phiên mật HTT-2026-0001.",
    ]);
  });
});

describe("the group cannot tell a secret session from an open one by a stranger's answer (Điều 5.2)", () => {
  async function strangerScene(secret: boolean) {
    const desk = await makeDesk();
    await registerBooking(
      desk,
      request({ participants: ["CX-00004", "CX-00008"], secret, title: "Nội dung phiên" }),
      { now: at("2026-12-07", "08:30") },
    );
    await handleChatEvent(
      desk,
      ev("990001", "Phòng họp UBND phường Ba Đình mất hình", { messageId: "51", userName: "Anh Tuấn" }),
      NOW,
    );
    const out = await desk.store.read((r) => r.outbox.list());
    return out
      .filter((m) => m.recipient === `telegram:${GROUP}`)
      .map((m) => JSON.stringify({ channel: m.channel, kind: m.kind, payload: m.payload }));
  }

  it("an unregistered account naming an endpoint gets byte-identical group answers", async () => {
    const open = await strangerScene(false);
    const secret = await strangerScene(true);
    expect(open).toHaveLength(1);
    expect(secret).toEqual(open);
    expect(open[0]).toContain(`(hình ảnh, chưa xác minh) tại ${BA_DINH}`);
    expect(JSON.parse(open[0]!).payload.text).toContain("SC-2026-0001");
    for (const hidden of ["HTT-2026", "mật"]) expect(JSON.parse(open[0]!).payload.text).not.toContain(hidden);
  });
});

describe("desk staff, who have no endpoint of their own", () => {
  it("file a report at the endpoint their words name, and are told how when they name none", async () => {
    const desk = await makeDesk();
    const mcu = people.find((p) => p.role === "mcu-technician")!;
    const person = await desk.store.read((r) => r.incidents.personByChat("telegram", mcu.telegramId!));
    expect(person).toMatchObject({ role: "mcu-technician", endpoint: null });
    const staff: Actor = { id: `telegram:${mcu.telegramId}`, channel: "telegram", person };
    const out = await report(desk, staff, "CX-00004 mất hình");
    expect(out).toMatchObject({ kind: "opened", unverified: false, inWords: true });
    expect(out.incident).toMatchObject({ endpoint: "CX-00004", reporter: staff.id });
    expect(out.notice).toContain(`tại ${BA_DINH}`);
    const none = await reportIncident(desk, staff, { text: "mất tiếng" }, NOW);
    expect(none).toMatchObject({ ok: false, reason: "no-endpoint" });
    if (none.ok || none.reason !== "no-endpoint") throw new Error("unreachable");
    expect(none.message).toContain("đề nghị ghi rõ tên hoặc mã điểm cầu gặp sự cố");
    expect(await desk.store.read((r) => r.incidents.list())).toHaveLength(1);
  });
});

describe("the reporter follows a report filed at another endpoint", () => {
  /** A live session at Ba Đình (secret or not), SYT-01's report about it, a note by Ba Đình: what /suco shows. */
  async function follow(secret: boolean) {
    const desk = await makeDesk();
    await registerBooking(
      desk,
      request({ participants: ["CX-00004", "CX-00008"], secret, title: "Nội dung phiên" }),
      { now: at("2026-12-07", "08:30") },
    );
    const out = await report(desk, await actorFor(desk, "SYT-01"), "Phòng họp UBND phường Ba Đình mất hình");
    expect(out.incident).toMatchObject({ endpoint: "CX-00004", booking: "HTT-2026-0001" });
    const code = out.incident.code;
    const later = new Date(NOW.getTime() + 60_000);
    await handleChatEvent(
      desk,
      dm(baDinh.telegramId!, `/ghichu ${code} đã khởi động lại thiết bị codec`),
      later,
    );
    const ask = async (who: string, text: string, group = false) => {
      await handleChatEvent(desk, group ? ev(who, text) : dm(who, text), later);
      return (await repliesTo(desk.store, group ? GROUP : who)).at(-1) ?? "";
    };
    return {
      code,
      list: await ask(syt.telegramId!, "/suco"),
      view: await ask(syt.telegramId!, `/suco ${code}`),
      inGroup: await ask(syt.telegramId!, `/suco ${code}`, true),
      own: await ask(baDinh.telegramId!, `/suco ${code}`),
      other: await ask(tech("CX-00008").telegramId!, `/suco ${code}`),
    };
  }

  it("in /suco and /suco SC-…, without the session or the notes, the same whether the session is secret or not", async () => {
    const open = await follow(false);
    const secret = await follow(true);
    for (const seen of [open, secret]) {
      expect(seen.list).toContain(`• ${seen.code} — `);
      expect(seen.list).toContain("tại CX-00004");
      expect(seen.view).toContain(`Sự cố ${seen.code} — `);
      expect(seen.view).toContain("anh/chị là người báo sự cố");
      for (const hidden of ["HTT-2026", "mật", "codec"]) expect(seen.view).not.toContain(hidden);
      // In the group, only the hint to ask in private.
      expect(seen.inGroup).toBe(`Xem diễn biến sự cố ${seen.code}: nhắn riêng /suco ${seen.code} cho bot.`);
      // A third endpoint learns nothing, not even that it exists.
      expect(seen.other).toContain("Không tìm thấy sự cố");
    }
    // Nothing in the reporter's answers tells a secret session from an open one.
    expect([secret.list, secret.view]).toEqual([open.list, open.view]);
    // The endpoint's own people still see the session and the note.
    expect(open.own).toContain("phiên HTT-2026-0001");
    expect(open.own).toContain("đã khởi động lại thiết bị codec");
    expect(secret.own).toContain("phiên HTT-2026-0001 (phiên mật)");
  });
});

describe("end to end through the Telegram emulator", () => {
  it("a Sở Y tế technician reports Ba Đình's fault in the group: the answer names Ba Đình, the duty is told who from", async () => {
    const { server, service, stop } = await openTelegramDesk({ group: -100778, from: NOW });
    try {
      const client = server.getClient(TEST_TOKEN, {
        chatId: -100778,
        type: "group",
        chatTitle: "Hỗ trợ kỹ thuật họp trực tuyến Thành phố",
        userId: Number(syt.telegramId),
        firstName: "Khánh",
      });
      await client.sendMessage(client.makeMessage("Phòng họp UBND phường Ba Đình mất hình"));
      const texts = () =>
        server.storage.botMessages.map((u) => String((u.message as unknown as { text?: string }).text));
      const end = Date.now() + 20_000;
      while (!(texts().some((t) => t.includes(BA_DINH)) && texts().some((t) => t.includes("Sự cố mới:")))) {
        if (Date.now() > end) throw new Error(`no answer naming Ba Đình: ${JSON.stringify(texts())}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const all = texts().join("\n");
      expect(all).toMatch(
        /Đã tiếp nhận phản ánh sự cố SC-2026-0001 \(hình ảnh\) tại điểm cầu Phường Ba Đình \(CX-00004\)/,
      );
      // Nobody is on duty: the group reads the notice's neutral words (Điều 5.2), and the notice itself, for a
      // private chat and the web desk, names the reporter by their chat display name and where they wrote from.
      expect(all).toContain("[Kỹ thuật MCU] Sự cố mới: sự cố SC-2026-0001 (hình ảnh)");
      expect(all).not.toContain("SYT-01");
      const notice = (await service.desk.store.read((r) => r.outbox.list())).find(
        (m) => m.channel === "desk",
      );
      expect(String(notice?.payload.text)).toContain("do Khánh báo từ điểm cầu SYT-01.");
      const inc = await service.desk.store.read((r) => r.incidents.get("SC-2026-0001"));
      expect(inc).toMatchObject({ endpoint: "CX-00004", reporter: `telegram:${syt.telegramId}` });
    } finally {
      await stop();
    }
  }, 40_000);
});
