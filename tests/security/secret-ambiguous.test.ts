import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { changeBooking, registerBooking, reviewBooking } from "../../src/app/booking/index.js";
import { runCli } from "../../src/app/cli/commands.js";
import { loadConfig } from "../../src/app/config.js";
import { runDueJobs, sessionJobHandlers } from "../../src/app/scheduler.js";
import { DirectoryMatcher } from "../../src/core/directory/matcher.js";
import { toBookingRequest, understand } from "../../src/mail/understand.js";
import { at, dbTarget, makeDesk, request, sampleDirectory, tempDir, ZONE } from "../helpers.js";

/**
 * Threat: a registration whose secrecy mark is ambiguous («hop mat» is «họp mặt» or «họp mật») is confirmed as an
 * ordinary session and its title and endpoints go to the group. It must go to needs-review, be treated as secret
 * until a technician decides (confirm keeps it secret; `booking declassify` lifts it, with an audit row).
 */
const TITLE = "Hop mat tong ket cong tac bao ve an ninh nam 2026";
const BODY = [
  "Kinh gui Trung tam,",
  "- Co quan chu tri: So Cong Thuong",
  `- Noi dung: ${TITLE}`,
  "- Thoi gian: 09h00 ngay 10/12/2026",
  "- Diem cau: UBND phuong Ngoc Ha, UBND phuong Giang Vo",
  "- Lien he: Lam Thi Ngoc, 0983 210 456",
].join("\n");

async function setup() {
  const db = join(tempDir(), "desk.db");
  const desk = await makeDesk({}, db);
  await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  const matcher = new DirectoryMatcher(sampleDirectory);
  const parsed = understand(
    { subject: "Dang ky hop truc tuyen", text: BODY, date: at("2026-12-07", "08:30") },
    { matcher, zone: ZONE, defaultDurationMinutes: 120, senderAgency: "Sở Công Thương" },
  );
  const now = at("2026-12-07", "08:30");
  const res = await registerBooking(desk, toBookingRequest(parsed, "vanthu.sct@hanoi.gov.vn", now), { now });
  if (res.duplicate) throw new Error("duplicate");
  const config = loadConfig({ DESK_DB: dbTarget(db) });
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    await runCli(argv, config, { out: (t) => out.push(t), now: () => at("2026-12-07", "09:00") });
    return out.join("\n");
  };
  return { desk, res, cli };
}

const outbox = (desk: Awaited<ReturnType<typeof setup>>["desk"]) => desk.store.read((r) => r.outbox.list());

describe("an ambiguous secrecy mark goes to review and is treated as secret until a technician decides", () => {
  it("goes to needs-review with a Vietnamese reason, stays secret, and names nothing in the group", async () => {
    const { desk, res } = await setup();
    expect(res.decision.outcome).toBe("needs-review");
    expect(res.decision.reasons.map((r) => r.code)).toContain("secret-unsure");
    const stored = await desk.store.read((r) => r.bookings.get(res.code));
    expect(stored!.request).toMatchObject({ secret: true, secretUnsure: true });
    const rows = await outbox(desk);
    const group = rows.find((m) => m.channel === "group")!;
    expect(group.payload.text).toContain("phiên mật");
    const mail = rows.find((m) => m.channel === "mail")!;
    expect(mail.payload.text).toContain("dấu hiệu nội dung mật nhưng chưa rõ");
    for (const m of rows) expect(JSON.stringify(m.payload)).not.toMatch(/Hop mat tong ket|Sở Công Thương/);
    // A change in the thread does not slip it past the technician: the rules run again and it stays in review.
    const changed = await changeBooking(
      desk,
      res.code,
      { start: at("2026-12-10", "14:00") },
      { id: "vanthu.sct@hanoi.gov.vn", channel: "mail" },
      { now: at("2026-12-07", "08:40") },
    );
    expect(!changed.duplicate && changed.booking.status).toBe("needs-review");
    expect(!changed.duplicate && changed.booking.request.secretUnsure).toBe(true);
  });

  it("a technician's confirmation keeps it secret: the roll call names no endpoint", async () => {
    const { desk, res, cli } = await setup();
    expect(await cli("booking", "show", res.code)).toContain("có dấu hiệu mật chưa rõ");
    const b = await reviewBooking(
      desk,
      res.code,
      "confirmed",
      { id: "cli:kythuat", channel: "cli" },
      "đã xác minh với văn thư: họp mật",
      at("2026-12-07", "09:00"),
    );
    expect(b.request).toMatchObject({ secret: true, secretUnsure: false });
    expect(b.reasons).not.toContain("secret-unsure");
    const events = await desk.store.read((r) => r.bookings.events(res.code));
    expect(events.at(-1)!.reason).toContain("giữ đánh dấu mật");
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "07:00"));
    const check = (await outbox(desk)).find((m) => m.kind === "technical-check")!;
    expect(check.payload.text).toContain("qua kênh bảo mật");
    expect(check.payload.text).not.toMatch(/CX-\d+|SCT-01/);
    // The technician still sees the list, and who has not confirmed readiness, on the desk's own tool.
    await desk.store.tx((r) =>
      r.bookings.addEvent(res.code, {
        at: at("2026-12-10", "07:30"),
        from: "confirmed",
        to: "confirmed",
        actor: "telegram:1",
        channel: "telegram",
        reason: "điểm cầu SCT-01 sẵn sàng (Điều 12.2c)",
      }),
    );
    const show = await cli("booking", "show", res.code);
    expect(show).toMatch(/Điểm cầu: SCT-01, CX-\d+, CX-\d+/);
    expect(show).toMatch(/Chưa xác nhận sẵn sàng: CX-\d+, CX-\d+\n/);
  });

  it("`booking declassify` lifts it, with who and why in the audit; the session is then an ordinary one", async () => {
    const { desk, res, cli } = await setup();
    const out = await cli("booking", "declassify", res.code, "--reason", "họp mặt tổng kết, không mật");
    expect(out).toContain("đã bỏ đánh dấu mật");
    const b = await desk.store.read((r) => r.bookings.get(res.code));
    expect(b!.request).toMatchObject({ secret: false, secretUnsure: false });
    expect(b!.status).toBe("needs-review");
    const events = await desk.store.read((r) => r.bookings.events(res.code));
    expect(events.at(-1)).toMatchObject({
      actor: "cli:kythuat",
      channel: "cli",
      reason: "bỏ đánh dấu mật (dấu hiệu mật chưa rõ): họp mặt tổng kết, không mật",
    });
    await reviewBooking(
      desk,
      res.code,
      "confirmed",
      { id: "cli:kythuat", channel: "cli" },
      "bố trí được",
      at("2026-12-07", "09:05"),
    );
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "07:00"));
    const check = (await outbox(desk)).find((m) => m.kind === "technical-check")!;
    expect(check.payload.text).toMatch(/SCT-01, CX-\d+, CX-\d+/);
    // An ordinary booking cannot be declassified: the CLI says so.
    await expect(cli("booking", "declassify", res.code, "--reason", "x")).rejects.toThrow(
      "không được đánh dấu mật",
    );
  });
});

describe("a reply in the thread that marks secrecy", () => {
  it("makes an ordinary booking secret from then on, and a clear mark settles an ambiguous one", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-07", "08:30");
    const open = await registerBooking(desk, request({ title: "Rà soát phương án diễn tập" }), { now });
    if (open.duplicate) throw new Error("duplicate");
    expect(open.booking.request.secret).toBe(false);
    const clerk = { id: "vanthu.sct@hanoi.gov.vn", channel: "mail" as const };
    const later = at("2026-12-07", "09:00");
    const marked = await changeBooking(desk, open.code, { secret: true, secretUnsure: true }, clerk, {
      now: later,
    });
    expect(!marked.duplicate && marked.booking.status).toBe("needs-review");
    expect(!marked.duplicate && marked.booking.request).toMatchObject({ secret: true, secretUnsure: true });
    const settled = await changeBooking(desk, open.code, { secret: true, secretUnsure: false }, clerk, {
      now: at("2026-12-07", "09:10"),
    });
    expect(!settled.duplicate && settled.booking.status).toBe("confirmed");
    expect(!settled.duplicate && settled.booking.request).toMatchObject({
      secret: true,
      secretUnsure: false,
    });
    // Nothing after the mark names the title in the group.
    const after = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.channel === "group" && m.createdAt.getTime() >= later.getTime(),
    );
    expect(after.length).toBeGreaterThan(0);
    for (const m of after) expect(String(m.payload.text)).not.toContain("Rà soát phương án diễn tập");
    // A reply cannot lift secrecy: an ordinary patch keeps it.
    const again = await changeBooking(desk, open.code, { recording: true }, clerk, {
      now: at("2026-12-07", "09:20"),
    });
    expect(!again.duplicate && again.booking.request.secret).toBe(true);
  });
});
