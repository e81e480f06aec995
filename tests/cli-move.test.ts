import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { CliError, runCli } from "../src/app/cli/commands.js";
import { loadConfig } from "../src/app/config.js";
import { at, makeDesk, request, sampleDirectory, tempDir, testDb } from "./helpers.js";

const now = at("2026-12-08", "10:00");

/** Two confirmed sessions on 10/12 (Ngọc Hà busy 14:00–16:00 with the second), then the CLI over the same store. */
async function deskWithBookings() {
  const path = join(tempDir(), "desk.db");
  const desk = await makeDesk({}, path);
  await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  const codes: string[] = [];
  for (const over of [
    {},
    {
      host: "Sở Tư pháp",
      participants: ["CX-00008"],
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "16:00"),
    },
  ]) {
    const res = await registerBooking(desk, request(over), { now: at("2026-12-07", "08:30") });
    if (res.duplicate || res.decision.outcome !== "confirmed") throw new Error("expected confirmed");
    codes.push(res.code);
  }
  const config = loadConfig({ DESK_DB: await testDb(path) });
  const cli = async (...argv: string[]) => {
    const lines: string[] = [];
    await runCli(argv, config, { out: (t) => lines.push(t), now: () => now });
    return lines.join("\n");
  };
  const refusal = (...argv: string[]) =>
    cli(...argv).then(
      () => {
        throw new Error("expected a refusal");
      },
      (e: unknown) => e as CliError,
    );
  return { desk, codes, cli, refusal };
}

describe("booking move: a technician moves a session from the CLI", () => {
  it("moves it when the rules allow, and a refused slot changes and mails nothing", async () => {
    const { desk, codes, cli, refusal } = await deskWithBookings();
    const [code] = codes;
    expect(
      await cli("booking", "move", code!, "--ngay", "2026-12-11", "--tu", "08:00", "--den", "09:30"),
    ).toBe(
      `${code}: 08:00–09:30 Thứ Sáu, 11/12/2026 — đã xác nhận; thư trả lời cho cơ quan đăng ký và tin nhóm đang chờ gửi.`,
    );
    const outboxBefore = (await desk.store.read((r) => r.outbox.list({ booking: code }))).length;
    const busy = await refusal(
      "booking",
      "move",
      code!,
      "--ngay",
      "2026-12-10",
      "--tu",
      "14:30",
      "--den",
      "15:00",
    );
    expect(busy).toBeInstanceOf(CliError);
    expect(busy.message).toContain(`Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`);
    const after = await desk.store.read(async (r) => ({
      outbox: (await r.outbox.list({ booking: code })).length,
      start: (await r.bookings.get(code!))?.request.start?.toISOString(),
    }));
    expect(after).toEqual({ outbox: outboxBefore, start: at("2026-12-11", "08:00").toISOString() });
  });

  it("refuses bad options in Vietnamese with the usage's exit code", async () => {
    const { codes, refusal } = await deskWithBookings();
    const usage = await refusal("booking", "move", codes[0]!, "--ngay", "2026-12-10");
    expect([usage.exitCode, usage.message]).toEqual([
      2,
      "Cách dùng: npm run cli -- booking move MÃ --ngay 2026-12-10 --tu 14:00 --den 15:30",
    ]);
    const late = await refusal(
      "booking",
      "move",
      codes[0]!,
      "--ngay",
      "2026-12-10",
      "--tu",
      "16:00",
      "--den",
      "15:00",
    );
    expect([late.exitCode, late.message]).toEqual([2, "Giờ kết thúc 15:00 phải sau giờ bắt đầu 16:00."]);
    const unknown = await refusal(
      "booking",
      "move",
      "HTT-2026-9999",
      "--ngay",
      "2026-12-10",
      "--tu",
      "14:00",
      "--den",
      "15:00",
    );
    expect(unknown.message).toBe("Không tìm thấy lịch họp HTT-2026-9999.");
  });
});
