import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { SessionRunner } from "../src/app/session-runner.js";
import { JanusMcu } from "../src/mcu/janus.js";
import { McuRefusedError, McuUnavailableError } from "../src/mcu/port.js";
import { SimulatorMcu } from "../src/mcu/simulator.js";
import { at, makeDesk, request, tempDir } from "./helpers.js";
import { Janus } from "./support/janus.js";

/**
 * A real Janus killed and started again (same port, every room gone) while a session is live on it: the session
 * runner tells the MCU technician once that the MCU is unreachable, and once it is back re-creates the session's
 * room once, calls its endpoints again, and says so.
 */
describe("Janus restarted in the middle of a session", () => {
  const janus = new Janus();
  beforeAll(() => janus.start(), 30_000);
  afterAll(() => janus.stop());

  it("tells the technician once, re-creates the room once when Janus is back, and carries on", async () => {
    const desk = await makeDesk();
    const janusMcu = new JanusMcu({ url: janus.url, timeoutMs: 2_000 });
    const creates: string[] = [];
    const mcu = Object.assign(Object.create(janusMcu) as JanusMcu, {
      createConference: (opts: { code: string; name: string }) => {
        creates.push(opts.code);
        return janusMcu.createConference(opts);
      },
    });
    const runner = new SessionRunner(desk, mcu);
    try {
      const { code } = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
      await runner.tick(at("2026-12-10", "09:00"));
      expect((await desk.store.read((r) => r.bookings.get(code!)))!.status).toBe("live");
      expect(creates).toEqual([code]);
      const notices = async () =>
        (await desk.store.read((r) => r.outbox.list())).filter(
          (m) => m.channel === "desk" && m.recipient === "mcu-technician" && m.booking === code,
        );

      await janus.kill();
      // The next ticks fail to reach it: one notice, not one a tick.
      await runner.tick(at("2026-12-10", "09:01")).catch(() => undefined);
      await runner.tick(at("2026-12-10", "09:02")).catch(() => undefined);
      const down = await notices();
      expect(down).toHaveLength(1);
      expect(String(down[0]!.payload.text)).toContain("Không liên lạc được MCU");
      expect(creates).toHaveLength(1);

      await janus.start();
      await runner.tick(at("2026-12-10", "09:03"));
      await runner.tick(at("2026-12-10", "09:04"));
      await runner.tick(at("2026-12-10", "09:05"));
      // Re-created once, the same room id (a stable hash of the code), which Janus now has again.
      expect(creates).toEqual([code, code]);
      expect(await janusMcu.findConference(code!)).not.toBeNull();
      const all = await notices();
      expect(all).toHaveLength(2);
      expect(String(all[1]!.payload.text)).toContain("đã tạo lại phòng họp");
      expect((await desk.store.read((r) => r.bookings.get(code!)))!.status).toBe("live");
      // The endpoints are expected in the new room: the watcher sees them missing, not an empty room.
      expect(
        (
          await janusMcu.status(
            await desk.store.read((r) => r.meta.get(`mcu:conference:${code}`)).then(String),
          )
        )
          .map((l) => l.endpoint)
          .sort(),
      ).toEqual(["CX-00008", "CX-00025", "SCT-01"].sort());
    } finally {
      await janusMcu.close();
    }
  }, 60_000);
});

describe("an MCU unreachable for a while, its conference kept", () => {
  it("tells the technician once that it is unreachable, once that it is back, and creates nothing", async () => {
    const desk = await makeDesk();
    const sim = new SimulatorMcu({ recordingDir: tempDir() });
    let reachable = true;
    const mcu = Object.assign(Object.create(sim) as SimulatorMcu, {
      status: async (id: string) => {
        if (!reachable) throw new McuUnavailableError("simulator", "không kết nối được (ECONNREFUSED)");
        return sim.status(id);
      },
    });
    const runner = new SessionRunner(desk, mcu);
    const { code } = await registerBooking(desk, request({ secret: true }), {
      now: at("2026-12-07", "08:30"),
    });
    await runner.tick(at("2026-12-10", "09:00"));
    reachable = false;
    await expect(runner.tick(at("2026-12-10", "09:01"))).rejects.toBeInstanceOf(McuUnavailableError);
    await expect(runner.tick(at("2026-12-10", "09:02"))).rejects.toBeInstanceOf(McuUnavailableError);
    reachable = true;
    await runner.tick(at("2026-12-10", "09:03"));
    await runner.tick(at("2026-12-10", "09:04"));
    const texts = (await desk.store.read((r) => r.outbox.list()))
      .filter((m) => m.channel === "desk" && m.booking === code && m.kind === "mcu-incident")
      .map((m) => String(m.payload.text));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain("Không liên lạc được MCU");
    expect(texts[0]).toContain("phiên họp mật");
    expect(texts[1]).toContain("đã liên lạc lại được");
    // A secret session's notices name no endpoint (Điều 5.2).
    for (const t of texts) expect(t).not.toMatch(/CX-|SCT-/);
    expect(sim.calls.filter((c) => c.startsWith("create"))).toHaveLength(1);
  });
});

describe("an MCU refusing a status while it still has the conference", () => {
  it("re-makes nothing, re-dials nobody and tells nobody: the next tick asks again", async () => {
    const desk = await makeDesk();
    const sim = new SimulatorMcu({ recordingDir: tempDir() });
    let refuse = false;
    const mcu = Object.assign(Object.create(sim) as SimulatorMcu, {
      status: async (id: string) => {
        if (refuse) throw new McuRefusedError("simulator", 500, "lỗi nội bộ");
        return sim.status(id);
      },
    });
    const runner = new SessionRunner(desk, mcu);
    const { code } = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    await runner.tick(at("2026-12-10", "09:00"));
    const calls = sim.calls.length;
    refuse = true;
    await expect(runner.tick(at("2026-12-10", "09:01"))).rejects.toBeInstanceOf(McuRefusedError);
    expect(sim.calls.slice(calls)).toEqual([]);
    const notices = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.channel === "desk" && m.booking === code,
    );
    expect(notices).toEqual([]);
  });
});
