import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import { mcuCheck } from "../src/mcu/factory.js";
import { JanusMcu } from "../src/mcu/janus.js";
import { McuRefusedError, McuUnavailableError } from "../src/mcu/port.js";
import { SimulatorMcu } from "../src/mcu/simulator.js";
import { tempDir } from "./helpers.js";
import { Janus } from "./support/janus.js";

describe("MCU simulator", () => {
  it("is deterministic, injects faults and writes a fake recording", async () => {
    const dir = tempDir();
    const mcu = new SimulatorMcu({ recordingDir: dir });
    const { id } = await mcu.createConference({ code: "HTT-2026-0001", name: "Giao ban" });
    await mcu.connect(id, { code: "CX-00008", dial: "sip:cx-00008@mcu" });
    mcu.failDial("CX-00025");
    await expect(mcu.connect(id, { code: "CX-00025", dial: null })).rejects.toBeInstanceOf(McuRefusedError);
    await mcu.startRecording(id);
    mcu.drop(id, "CX-00008");
    expect((await mcu.status(id))[0]).toMatchObject({ endpoint: "CX-00008", connected: false });
    mcu.recover(id, "CX-00008");
    mcu.loss(id, "CX-00008", 12);
    expect((await mcu.status(id))[0]).toMatchObject({ connected: true, packetLoss: 12 });
    const file = await mcu.stopRecording(id);
    expect(file && existsSync(file) && readFileSync(file, "utf8")).toContain("HTT-2026-0001");
    await mcu.endConference(id);
    expect(mcu.calls).toEqual([
      "create HTT-2026-0001",
      "connect CX-00008",
      "connect CX-00025",
      "record start",
      "record stop",
      "end",
    ]);
    await expect(mcu.status(id)).rejects.toBeInstanceOf(McuRefusedError);
  });
});

describe("Janus VideoRoom adapter against a real Janus on loopback", () => {
  const janus = new Janus();
  beforeAll(() => janus.start(), 30_000);
  afterAll(() => janus.stop());

  it("creates a room, sees signalling-only participants join, kicks one, records and destroys", async () => {
    const mcu = new JanusMcu({ url: janus.url });
    try {
      const { id } = await mcu.createConference({ code: "HTT-2026-0042", name: "Giao ban trực tuyến" });
      await mcu.connect(id, { code: "CX-00008", dial: null });
      await mcu.connect(id, { code: "CX-00025", dial: null });
      expect((await mcu.status(id)).map((l) => [l.endpoint, l.connected])).toEqual([
        ["CX-00008", false],
        ["CX-00025", false],
      ]);
      const a = await janus.join(Number(id), "CX-00008");
      await janus.join(Number(id), "CX-00025");
      let status = await mcu.status(id);
      for (let i = 0; i < 20 && status.some((l) => !l.connected); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await mcu.status(id);
      }
      expect(status.every((l) => l.connected)).toBe(true);
      await mcu.disconnect(id, "CX-00025");
      status = await mcu.status(id);
      expect(status.map((l) => l.endpoint)).toEqual(["CX-00008"]);
      await mcu.startRecording(id);
      await mcu.stopRecording(id);
      await janus.leave(a.session);
      await mcu.endConference(id);
      await expect(mcu.status(id)).rejects.toBeInstanceOf(McuRefusedError);
    } finally {
      await mcu.close();
    }
  });

  it("mcu check passes against Janus and fails clearly when it is unreachable", async () => {
    const steps: string[] = [];
    expect(
      await mcuCheck(new JanusMcu({ url: janus.url }), (s) => steps.push(`${s.ok ? "✓" : "✗"} ${s.step}`)),
    ).toBe(true);
    expect(steps).toEqual(["✓ Tạo phòng họp thử", "✓ Đọc trạng thái phòng", "✓ Kết thúc phòng họp thử"]);
    await expect(
      new JanusMcu({ url: "http://127.0.0.1:1/janus" }).createConference({ code: "x", name: "x" }),
    ).rejects.toBeInstanceOf(McuUnavailableError);
    const cli = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "src/app/cli/main.ts"),
        "mcu",
        "check",
        "--kind",
        "janus",
        "--url",
        janus.url,
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain("Kiểm tra MCU đạt.");
  });
});

describe("Cisco Meeting Server adapter against a fake that follows the public API reference", () => {
  it("creates a coSpace and call, dials legs, pages their status with media statistics, mutes, records, ends", async () => {
    const { FakeCms } = await import("./support/fake-cms.js");
    const { CmsMcu } = await import("../src/mcu/cms.js");
    const cms = new FakeCms();
    await cms.start();
    try {
      const mcu = new CmsMcu({ url: cms.url, user: "api", password: "mat-khau-thu", pageSize: 2 });
      const { id } = await mcu.createConference({ code: "HTT-2026-0042", name: "Giao ban" });
      cms.unreachable.add("sip:cx-00025@mcu.hanoi.gov.vn");
      for (const code of ["CX-00008", "CX-00025", "CX-00004"])
        await mcu.connect(id, { code, dial: `sip:${code.toLowerCase()}@mcu.hanoi.gov.vn` });
      await expect(mcu.connect(id, { code: "X", dial: null })).rejects.toBeInstanceOf(McuRefusedError);
      [...cms.legs.values()].find((l) => l.name === "CX-00004")!.loss = 7.5;
      await mcu.mute(id, "CX-00008", true);
      await mcu.setLayout(id, "allEqual");
      await mcu.startRecording(id);
      expect(cms.calls.get(id)?.recording).toBe(true);
      // Three legs with a page size of 2: the adapter follows offset/limit until `total`.
      expect(await mcu.status(id)).toEqual([
        { endpoint: "CX-00008", connected: true, packetLoss: 0, jitterMs: 4, muted: true },
        { endpoint: "CX-00025", connected: false, packetLoss: 0, jitterMs: 4, muted: false },
        { endpoint: "CX-00004", connected: true, packetLoss: 7.5, jitterMs: 4, muted: false },
      ]);
      await mcu.stopRecording(id);
      await mcu.endConference(id);
      expect(cms.calls.size + cms.spaces.size + cms.legs.size).toBe(0);
      expect(cms.requests.filter((r) => r.includes("offset"))).toEqual([
        `GET /calls/${id}/callLegs?offset=0&limit=2`,
        `GET /calls/${id}/callLegs?offset=2&limit=2`,
      ]);
      // <failureDetails> becomes a refusal naming the reason; a wrong password is a refusal too.
      await expect(mcu.status(id)).rejects.toMatchObject({
        code: 400,
        message: expect.stringContaining("callDoesNotExist"),
      });
      await expect(
        new CmsMcu({ url: cms.url, user: "api", password: "sai" }).createConference({ code: "x", name: "x" }),
      ).rejects.toMatchObject({ code: 401 });
    } finally {
      await cms.stop();
    }
  });
});
