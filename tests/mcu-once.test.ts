import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import type { Desk } from "../src/app/desk.js";
import { SessionRunner } from "../src/app/session-runner.js";
import { CmsMcu } from "../src/mcu/cms.js";
import { JanusMcu, janusRoomId } from "../src/mcu/janus.js";
import type { McuAdapter } from "../src/mcu/port.js";
import { SimulatorMcu } from "../src/mcu/simulator.js";
import { at, makeDesk, request, tempDir } from "./helpers.js";
import { FakeCms } from "./support/fake-cms.js";
import { Janus } from "./support/janus.js";

/**
 * Issue 12: no MCU conference is created twice. A desk killed after the MCU created a booking's conference and
 * before the desk committed its id is played by an adapter whose create succeeds on the MCU and then throws; the
 * next run (a fresh runner, and for the real servers a fresh adapter, as a restarted or taking-over desk has) must
 * find that conference and adopt it, leaving exactly one on the MCU.
 */

/** The adapter as a desk killed right after the MCU answered "created": the effect happened, the commit did not. */
function killedAfterCreate<T extends McuAdapter>(mcu: T): T {
  return Object.assign(Object.create(mcu) as T, {
    createConference: async (opts: { code: string; name: string }) => {
      await mcu.createConference(opts);
      throw new Error("desk killed before committing the conference id");
    },
  });
}

/** The adapter as a desk killed after dialling every endpoint, before the session was committed live. */
function killedBeforeLive<T extends McuAdapter>(mcu: T): T {
  return Object.assign(Object.create(mcu) as T, {
    setLayout: async () => {
      throw new Error("desk killed before committing the session live");
    },
  });
}

const START = at("2026-12-10", "09:00");

async function booking(): Promise<{ desk: Desk; code: string }> {
  const desk = await makeDesk();
  const res = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  expect(res.duplicate ? "dup" : res.decision.outcome).toBe("confirmed");
  return { desk, code: res.code! };
}

const statusOf = async (desk: Desk, code: string) =>
  (await desk.store.read((r) => r.bookings.get(code)))!.status;
const conferenceOf = (desk: Desk, code: string) =>
  desk.store.read((r) => r.meta.get(`mcu:conference:${code}`));

describe("simulator: a conference created before a crash is adopted, not created again", () => {
  it("creates once across a kill between create and commit", async () => {
    const { desk, code } = await booking();
    // One simulator shared by both runs: it stands for an MCU that outlives the desk process.
    const mcu = new SimulatorMcu({ recordingDir: tempDir() });
    await expect(new SessionRunner(desk, killedAfterCreate(mcu)).tick(START)).rejects.toThrow("desk killed");
    expect(await conferenceOf(desk, code)).toBeNull();
    await new SessionRunner(desk, mcu).tick(at("2026-12-10", "09:01"));
    expect(mcu.calls.filter((c) => c.startsWith("create"))).toEqual([`create ${code}`]);
    expect(mcu.conferenceIds()).toHaveLength(1);
    expect(await conferenceOf(desk, code)).toBe(mcu.conferenceIds()[0]);
    expect(await statusOf(desk, code)).toBe("live");
  });
});

describe("Cisco Meeting Server (fake from the API reference): once across crashes", () => {
  // A fresh CMS per test: every test's booking gets the same code from its fresh database.
  let cms: FakeCms;
  beforeEach(async () => {
    cms = new FakeCms("api", "mat-khau-thu");
    await cms.start();
  });
  afterEach(() => cms.stop());
  // A new adapter for every run: a restarted desk, or the desk taking over, knows nothing of the old one's maps.
  const adapter = () => new CmsMcu({ url: cms.url, user: "api", password: "mat-khau-thu", pageSize: 2 });
  const createdFor = (code: string) => cms.created.filter((c) => c.uri === code.toLowerCase());

  it("finds the coSpace and call by the booking code after a kill between create and commit", async () => {
    const { desk, code } = await booking();
    await expect(new SessionRunner(desk, killedAfterCreate(adapter())).tick(START)).rejects.toThrow(
      "desk killed",
    );
    await new SessionRunner(desk, adapter()).tick(at("2026-12-10", "09:01"));
    expect(createdFor(code).map((c) => c.kind)).toEqual(["coSpace", "call"]);
    const call = createdFor(code).find((c) => c.kind === "call")!.id;
    expect(await conferenceOf(desk, code)).toBe(call);
    expect(await statusOf(desk, code)).toBe("live");
    // The lookup went through the documented filters.
    expect(cms.requests).toContain(`GET /coSpaces?filter=${code.toLowerCase()}&offset=0&limit=2`);
    expect(cms.requests.some((r) => r.startsWith("GET /calls?coSpaceFilter="))).toBe(true);
  });

  it("finishes a half-made conference (coSpace made, call not) instead of making another", async () => {
    const { desk, code } = await booking();
    // The CMS fails the call's POST: the coSpace exists, the call does not, the desk saw an error.
    cms.failCalls = 1;
    await expect(new SessionRunner(desk, adapter()).tick(START)).rejects.toThrow("HTTP 503");
    expect(createdFor(code).map((c) => c.kind)).toEqual(["coSpace"]);
    await new SessionRunner(desk, adapter()).tick(at("2026-12-10", "09:01"));
    expect(createdFor(code).map((c) => c.kind)).toEqual(["coSpace", "call"]);
    expect(await statusOf(desk, code)).toBe("live");
  });

  it("does not dial an endpoint twice when the start is redone by another desk", async () => {
    const { desk, code } = await booking();
    await expect(new SessionRunner(desk, killedBeforeLive(adapter())).tick(START)).rejects.toThrow(
      "desk killed",
    );
    await new SessionRunner(desk, adapter()).tick(at("2026-12-10", "09:01"));
    expect(await statusOf(desk, code)).toBe("live");
    const call = (await conferenceOf(desk, code))!;
    const legs = [...cms.legs.values()].filter((l) => l.call === call).map((l) => l.name);
    expect(legs.sort()).toEqual(["CX-00008", "CX-00025", "SCT-01"]);
    // …and the adapter that adopted the call can still mute a leg it did not dial, and end the call and coSpace.
    const other = adapter();
    await other.mute(call, "CX-00008", true);
    expect([...cms.legs.values()].find((l) => l.call === call && l.name === "CX-00008")!.mute).toBe(true);
    await other.endConference(call);
    expect(cms.calls.has(call)).toBe(false);
    expect([...cms.spaces.values()].some((s) => s.uri === code.toLowerCase())).toBe(false);
    // An end retried after a crash finds it gone and counts it as ended.
    await expect(adapter().endConference(call)).resolves.toBeUndefined();
  });
  it("removes the coSpace left by a desk killed between ending the call and removing the coSpace", async () => {
    const { desk, code } = await booking();
    await new SessionRunner(desk, adapter()).tick(START);
    expect(await statusOf(desk, code)).toBe("live");
    const call = (await conferenceOf(desk, code))!;
    // The first desk's DELETE /calls went through; it died before DELETE /coSpaces and before committing the end.
    cms.calls.delete(call);
    expect([...cms.spaces.values()].filter((s) => s.uri === code.toLowerCase())).toHaveLength(1);
    // The desk that takes over ends the session at its end time (the booking is 09:00–11:00).
    await new SessionRunner(desk, adapter()).tick(at("2026-12-10", "11:01"));
    expect(await statusOf(desk, code)).toBe("ended");
    expect([...cms.spaces.values()].some((s) => s.uri === code.toLowerCase())).toBe(false);
    // Ending it once more finds nothing left and counts it as ended.
    await expect(adapter().endConference(call, code)).resolves.toBeUndefined();
  });
});

describe("Janus VideoRoom (real Janus): once across a crash", () => {
  const adminKey = randomBytes(12).toString("hex");
  const janus = new Janus({ adminKey });
  beforeAll(() => janus.start(), 30_000);
  afterAll(() => janus.stop());

  it("the room id is a stable hash of the code; `exists` finds it after a kill; `list` shows one room", async () => {
    const { desk, code } = await booking();
    const first = new JanusMcu({ url: janus.url, adminKey });
    const second = new JanusMcu({ url: janus.url, adminKey });
    try {
      expect(await second.findConference(code)).toBeNull();
      await expect(new SessionRunner(desk, killedAfterCreate(first)).tick(START)).rejects.toThrow(
        "desk killed",
      );
      expect(await second.findConference(code)).toEqual({ id: String(janusRoomId(code)) });
      await new SessionRunner(desk, second).tick(at("2026-12-10", "09:01"));
      const rooms = (await janus.rooms()).filter((r) => r.description.startsWith(code));
      expect(rooms.map((r) => r.room)).toEqual([janusRoomId(code)]);
      expect(await conferenceOf(desk, code)).toBe(String(janusRoomId(code)));
      expect(await statusOf(desk, code)).toBe("live");
      // A create asked again for the same booking is that room (Janus refuses the id twice), not a second room.
      expect(await first.createConference({ code, name: "lần hai" })).toEqual({
        id: String(janusRoomId(code)),
      });
      expect((await janus.rooms()).filter((r) => r.description.startsWith(code))).toHaveLength(1);
      await second.endConference(String(janusRoomId(code)));
      await second.endConference(String(janusRoomId(code)));
      expect(await second.findConference(code)).toBeNull();
    } finally {
      await first.close();
      await second.close();
    }
  });
});
