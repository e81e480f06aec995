import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { runCli } from "../src/app/cli/commands.js";
import { loadConfig } from "../src/app/config.js";
import { at, makeDesk, request, sampleDirectory, tempDir, testDb } from "./helpers.js";

/** What an operator reads of an emergency session with a recording: `booking show` and `schedule` say so. */
describe("CLI booking show and schedule: what a session asks of the desk", () => {
  it("an emergency with a recording reads «khẩn» and «ghi hình»; an ordinary session «không có»", async () => {
    const path = join(tempDir(), "desk.db");
    const desk = await makeDesk({}, path);
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const plain = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const urgent = await registerBooking(
      desk,
      request({
        host: "Sở Y tế",
        participants: ["CX-00070"],
        emergency: true,
        recording: true,
        start: at("2026-12-10", "13:00"),
        end: at("2026-12-10", "14:00"),
        title: "Ứng phó dịch bệnh",
        receivedAt: at("2026-12-10", "06:00"),
      }),
      { now: at("2026-12-10", "06:00") },
    );
    if (plain.duplicate || urgent.duplicate) throw new Error("duplicate");
    const config = loadConfig({ DESK_DB: await testDb(path) });
    const cli = async (...argv: string[]) => {
      const lines: string[] = [];
      await runCli(argv, config, { out: (t) => lines.push(t), now: () => at("2026-12-10", "07:00") });
      return lines.join("\n");
    };
    expect(await cli("booking", "show", urgent.code)).toContain(
      "Yêu cầu: khẩn (Điều 11); ghi hình, bàn giao bản ghi trong 2 ngày làm việc (Điều 14.2)",
    );
    expect(await cli("booking", "show", plain.code)).toContain("Yêu cầu: không có");
    const schedule = (await cli("schedule", "--date", "2026-12-10")).split("\n");
    expect(schedule.find((l) => l.includes(urgent.code))).toContain("[KHẨN] Ứng phó dịch bệnh");
    expect(schedule.find((l) => l.includes(plain.code))).not.toContain("KHẨN");
  });
});
