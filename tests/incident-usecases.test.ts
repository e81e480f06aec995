import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import type { Actor, Desk } from "../src/app/context.js";
import {
  acknowledgeIncident,
  reopenIncident,
  resolveIncident,
  transferIncident,
} from "../src/app/incident/actions.js";
import { reportIncident } from "../src/app/incident/report.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";

const people = sampleDirectory.people;
const tech = people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const mcu = people.find((p) => p.role === "mcu-technician")!;

/** The actor a channel would build for a directory person (the web does it from its session). */
async function actorFor(desk: Desk, telegramId: string, channel: Actor["channel"]): Promise<Actor> {
  const person = await desk.store.read((r) => r.incidents.personByChat("telegram", telegramId));
  expect(person).not.toBeNull();
  return { id: `${channel}:${person!.id}`, channel, person };
}

/** A desk with one live session at CX-00008 and one incident reported there from the web. */
async function withIncident() {
  const desk = await makeDesk();
  await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  const now = at("2026-12-10", "09:30");
  const reporter = await actorFor(desk, tech.telegramId!, "web");
  const staff = await actorFor(desk, mcu.telegramId!, "web");
  const reported = await reportIncident(desk, reporter, { text: "điểm cầu mất tiếng" }, now);
  if (!reported.ok) throw new Error(`report refused: ${reported.reason}`);
  return { desk, now, reporter, staff, code: reported.incident.code };
}

const events = (desk: Desk, code: string) => desk.store.read((r) => r.incidents.events(code));
const jobsOf = (desk: Desk) => desk.store.read((r) => r.jobs.list());

describe("incident use cases return outcomes as values", () => {
  it("reportIncident opens an incident at the reporter's endpoint, tied to the live session, with timers", async () => {
    const { desk, code } = await withIncident();
    const inc = await desk.store.read((r) => r.incidents.get(code));
    expect(inc).toMatchObject({
      endpoint: "CX-00008",
      booking: "HTT-2026-0001",
      category: "audio",
      route: "mcu",
    });
    const ev = await events(desk, code);
    expect(ev.map((e) => [e.action, e.channel])).toEqual([["opened", "web"]]);
    const kinds = (await jobsOf(desk)).filter((j) => j.key === code).map((j) => j.kind);
    expect(kinds.sort()).toEqual(["incident-ack-reminder", "incident-escalate"]);
  });

  it("reportIncident: a repeat joins, chatter is no fault, desk staff report from no endpoint", async () => {
    const { desk, now, reporter, staff, code } = await withIncident();
    const again = await reportIncident(desk, reporter, { text: "vẫn mất tiếng" }, now);
    expect(again).toMatchObject({ ok: true, kind: "joined", incident: { code } });
    expect(await reportIncident(desk, reporter, { text: "cho hỏi lịch họp chiều nay" }, now)).toEqual({
      ok: false,
      reason: "not-a-fault",
    });
    expect(await reportIncident(desk, staff, { text: "mất tiếng" }, now)).toMatchObject({
      ok: false,
      reason: "no-endpoint",
    });
    expect(await desk.store.read((r) => r.incidents.list())).toHaveLength(1);
  });

  it("acknowledge: wrong role and unknown code are refusals that change nothing", async () => {
    const { desk, now, reporter, staff, code } = await withIncident();
    const forbidden = {
      ok: false,
      reason: "forbidden",
      message: "Chỉ cán bộ kỹ thuật MCU, trực ban mạng WAN hoặc quản trị viên mới thao tác được với sự cố.",
    };
    expect(await acknowledgeIncident(desk, reporter, code, now)).toEqual(forbidden);
    expect(await acknowledgeIncident(desk, { id: "system", channel: "system" }, code, now)).toEqual(
      forbidden,
    );
    expect(await acknowledgeIncident(desk, staff, "SC-2026-9999", now)).toEqual({
      ok: false,
      reason: "not-found",
      code: "SC-2026-9999",
      message: "Không tìm thấy sự cố «SC-2026-9999». Ví dụ: /nhan SC-2026-0123.",
    });
    expect(await acknowledgeIncident(desk, staff, "", now)).toEqual({
      ok: false,
      reason: "not-found",
      code: "",
      message: "Thiếu mã sự cố. Cách dùng: /nhan SC-2026-0123.",
    });
    expect(await desk.store.read((r) => r.incidents.get(code))).toMatchObject({
      status: "open",
      assignee: null,
    });
    expect(await events(desk, code)).toHaveLength(1);
    expect(await desk.store.read((r) => r.outbox.list())).not.toContainEqual(
      expect.objectContaining({ kind: "incident-update" }),
    );
  });

  it("acknowledge: the incident is the actor's, audited with the web channel, and its timers stop", async () => {
    const { desk, now, staff, code } = await withIncident();
    const out = await acknowledgeIncident(desk, staff, code, now);
    expect(out).toMatchObject({ ok: true, incident: { code, status: "acknowledged", assignee: staff.id } });
    if (out.ok) expect(out.notice).toBe(`${mcu.name} đã nhận xử lý sự cố ${code}.`);
    expect((await events(desk, code)).at(-1)).toMatchObject({
      action: "nhan",
      actor: staff.id,
      channel: "web",
    });
    expect((await jobsOf(desk)).filter((j) => j.key === code)).toEqual([]);
    const group = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.kind === "incident-update");
    expect(group.map((m) => m.payload.text)).toEqual([`${mcu.name} đã nhận xử lý sự cố ${code}.`]);
  });

  it("resolve, then acknowledge or resolve again: already resolved; reopen only a resolved one", async () => {
    const { desk, now, staff, code } = await withIncident();
    expect(await reopenIncident(desk, staff, code, now)).toMatchObject({ ok: false, reason: "not-resolved" });
    const done = await resolveIncident(desk, staff, code, "thay micro", now);
    expect(done).toMatchObject({
      ok: true,
      incident: { status: "resolved" },
      notice: `Sự cố ${code} đã khắc phục: thay micro.`,
    });
    expect(await resolveIncident(desk, staff, code, "", now)).toMatchObject({
      ok: false,
      reason: "already-resolved",
      incident: { code },
    });
    expect(await acknowledgeIncident(desk, staff, code, now)).toMatchObject({
      ok: false,
      reason: "already-resolved",
      message: `Sự cố ${code} đã khắc phục; dùng /mo ${code} để mở lại.`,
    });
    expect(await reopenIncident(desk, staff, code, now)).toMatchObject({
      ok: true,
      incident: { status: "open", assignee: null },
    });
    expect((await events(desk, code)).map((e) => e.action)).toEqual(["opened", "xong", "mo"]);
  });

  it("transfer: no target and an unknown name are refused; a desk role takes it", async () => {
    const { desk, now, staff, code } = await withIncident();
    expect(await transferIncident(desk, staff, code, "  ", now)).toMatchObject({
      ok: false,
      reason: "no-target",
    });
    const refused = await transferIncident(desk, staff, code, "@ai_do", now);
    expect(refused).toMatchObject({ ok: false, reason: "target-refused", incident: { code } });
    if (!refused.ok && refused.reason === "target-refused")
      expect(refused.why).toBe("«@ai_do» không phải bộ phận hay cán bộ trực trong danh bạ.");
    expect(await desk.store.read((r) => r.incidents.get(code))).toMatchObject({
      status: "open",
      route: "mcu",
    });
    const moved = await transferIncident(desk, staff, code, "wan", now);
    expect(moved).toMatchObject({
      ok: true,
      incident: { status: "dispatched", route: "wan", assignee: "wan-duty" },
    });
    expect((await events(desk, code)).at(-1)).toMatchObject({
      action: "chuyen",
      note: "wan",
      channel: "web",
    });
  });

  it("transfer of a resolved incident is refused: it would come back as dispatched without a reopening", async () => {
    const { desk, now, staff, code } = await withIncident();
    await resolveIncident(desk, staff, code, "thay micro", now);
    expect(await transferIncident(desk, staff, code, "wan", now)).toMatchObject({
      ok: false,
      reason: "already-resolved",
      message: `Sự cố ${code} đã khắc phục; dùng /mo ${code} để mở lại.`,
    });
    expect(await desk.store.read((r) => r.incidents.get(code))).toMatchObject({ status: "resolved" });
    expect((await events(desk, code)).map((e) => e.action)).toEqual(["opened", "xong"]);
    const told = (await desk.store.read((r) => r.outbox.list())).map((m) => String(m.payload.text));
    expect(told.filter((t) => t.includes("được chuyển cho"))).toEqual([]);
  });
});
