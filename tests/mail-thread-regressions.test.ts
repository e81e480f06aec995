import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/app/cli/commands.js";
import { loadConfig } from "../src/app/config.js";
import { at, dbTarget, makeDesk, tempDir } from "./helpers.js";
import { mailAnswers, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

// Defects found by trying the running desk as a clerk would (Dovecot, SMTP sink, Telegram emulator), each
// reproduced here against the mail desk.

const NOW = at("2026-12-07", "08:35");
const CODE = "HTT-2026-0001";

async function confirmed(opts: { subject?: string } = {}) {
  const desk = await makeDesk();
  const md = mailDeskOf(desk);
  const first = await md.handle(
    mail({ id: "goc@hanoi.gov.vn", body: template(1), ...(opts.subject ? { subject: opts.subject } : {}) }),
    NOW,
  );
  expect(first).toMatchObject({ kind: "registered", code: CODE });
  let n = 0;
  const reply = (body: string) =>
    md.handle(
      mail({
        id: `tra-loi-${n++}@hanoi.gov.vn`,
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body,
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
      }),
      NOW,
    );
  const outbox = () => desk.store.read((r) => r.outbox.list({ booking: CODE }));
  const booking = async () => (await desk.store.read((r) => r.bookings.get(CODE)))!;
  return { desk, md, reply, outbox, booking };
}

describe("a reply that asks for nothing changes nothing", () => {
  const quoted = (attribution: string) =>
    `Cảm ơn Trung tâm.\n\n${attribution}\n> Lịch họp ${CODE}: ĐÃ XÁC NHẬN.\n> Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.`;

  for (const [name, body] of [
    [
      "an attribution without «đã» («Vào 29/11/2026, Trung tâm viết:»)",
      quoted("Vào 29/11/2026, Trung tâm viết:"),
    ],
    [
      "Gmail's Vietnamese attribution wrapped over two lines",
      quoted(
        "Vào CN, 29 thg 11, 2026 vào lúc 20:19 Trung tâm Tin học - Công báo\n<kythuat@hanoi.gov.vn> đã viết:",
      ),
    ],
    ["a bare «Đã nhận, cảm ơn Trung tâm.»", "Đã nhận, cảm ơn Trung tâm."],
  ] as const) {
    it(`${name}: no change, no answer, no group post, the technician told`, async () => {
      const t = await confirmed();
      const before = await t.outbox();
      const seq = (await t.booking()).sequence;
      const o = await t.reply(body);
      expect(o.kind).toBe("ignored");
      const b = await t.booking();
      expect(b.status).toBe("confirmed");
      expect(b.sequence).toBe(seq);
      expect(b.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
      const added = (await t.outbox()).slice(before.length);
      expect(added).toEqual([]);
      const notices = await t.desk.store.read((r) => r.outbox.list());
      expect(notices.at(-1)).toMatchObject({ channel: "desk", kind: "mail-reply-no-change" });
      expect(String(notices.at(-1)!.payload.text)).toContain(CODE);
    });
  }
});

describe("changes read as clerks write them", () => {
  it("«thêm điểm cầu Sở Nông nghiệp và Môi trường» adds that one endpoint, not two unknown halves", async () => {
    const t = await confirmed();
    const o = await t.reply(
      "Kính gửi Trung tâm,\nđề nghị đổi giờ sang 14h00 - 16h00 cùng ngày, thêm điểm cầu Sở Nông nghiệp và Môi trường.",
    );
    expect(o.kind).toBe("changed");
    const b = await t.booking();
    expect(b.request.participants).toContain("SNNMT-01");
    expect(b.request.unresolved ?? []).toEqual([]);
    expect(b.status).toBe("confirmed");
    expect(b.request.start?.toISOString()).toBe("2026-12-10T07:00:00.000Z");
  });

  it("a refused change leaves the group's schedule alone: no «KHÔNG BỐ TRÍ ĐƯỢC» for a booking that stands", async () => {
    const t = await confirmed();
    const groupBefore = (await t.outbox()).filter((m) => m.channel === "group").length;
    const o = await t.reply("Kính gửi Trung tâm, đề nghị đổi sang 08h00 - 10h00 ngày 01/12/2026.");
    expect(o.kind).toBe("change-refused");
    expect((await t.booking()).status).toBe("confirmed");
    const group = (await t.outbox()).filter((m) => m.channel === "group");
    expect(group.length).toBe(groupBefore);
    expect(String((await mailAnswers(t.desk, CODE)).at(-1)?.payload.text)).toContain(
      "lịch cũ được giữ nguyên",
    );
  });
});

describe("what the desk writes names nothing it should not", () => {
  it("the answer to a secret session does not repeat the clerk's subject, which carries its title", async () => {
    const t = await confirmed({ subject: "(Mật) Họp bàn phương án nhân sự NHANSU-XYZ" });
    expect((await t.booking()).request.secret).toBe(true);
    await t.reply("Kính gửi Trung tâm, đề nghị đổi giờ sang 14h00 - 16h00 cùng ngày.");
    const answers = await mailAnswers(t.desk, CODE);
    expect(answers.length).toBeGreaterThanOrEqual(2);
    for (const a of answers) {
      const thread = a.payload.thread as { subject?: string } | null | undefined;
      expect(thread?.subject ?? "").not.toMatch(/NHANSU|nhân sự|Mật/i);
    }
  });

  it("a stranger's Message-ID, chosen by the sender, never reaches the desk's notice", async () => {
    const desk = await makeDesk();
    const o = await mailDeskOf(desk).handle(
      mail({
        id: "CHUYEN-KHOAN-GAP-STK-0123456789-VCB@hanoi.gov.vn",
        from: "nguoila@hanoi.gov.vn",
        body: template(1),
      }),
      NOW,
    );
    expect(o).toMatchObject({ kind: "refused", reason: "not-official-sender" });
    const notices = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "desk");
    expect(notices).toHaveLength(1);
    const text = String(notices[0]!.payload.text);
    expect(text).toMatch(/mã tham chiếu [0-9a-f]{16}/);
    expect(text).not.toContain("CHUYEN-KHOAN");
  });
});

describe("the audit trail reads in Vietnamese", () => {
  it("`booking show` names reasons and changed fields in Vietnamese, not as codes", async () => {
    const db = join(tempDir(), "desk.db");
    const desk = await makeDesk({}, db);
    await desk.store.tx(async (r) => r.directory.replaceAll((await import("./helpers.js")).sampleDirectory));
    const md = mailDeskOf(desk);
    await md.handle(
      mail({ id: "goc@hanoi.gov.vn", body: template(1, "UBND phường Ngọc Hà, Phường Không Có") }),
      NOW,
    );
    await md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body: "Kính gửi Trung tâm, đề nghị đổi giờ sang 14h00 - 16h00 cùng ngày.",
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>" },
      }),
      NOW,
    );
    const lines: string[] = [];
    await runCli(["booking", "show", CODE], loadConfig({ DESK_DB: dbTarget(db) }), {
      out: (t) => lines.push(t),
      now: () => NOW,
    });
    const out = lines.join("\n");
    expect(out).toContain("Điểm cầu không có trong danh bạ");
    expect(out).toContain("thay đổi: giờ bắt đầu, giờ kết thúc");
    expect(out).not.toMatch(/unknown-endpoint|thay đổi: start/);
  });
});

describe("a displaced booking's agency is told in its thread", () => {
  it("the Điều 11 notice continues the booking's mail thread", async () => {
    const t = await confirmed();
    const chair = `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: UBND thành phố Hà Nội
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà
- Thời gian đăng ký họp: từ 09h00 đến 11h00 ngày 10/12/2026
- Nội dung họp: Giao ban trực tuyến
- Thông tin đầu mối liên hệ: Trần Văn Bình, SĐT 0912 000 111
`;
    const o = await t.md.handle(
      mail({ id: "chu-tri@hanoi.gov.vn", from: "vanthu.ubnd@hanoi.gov.vn", body: chair }),
      NOW,
    );
    expect(o).toMatchObject({ kind: "registered", decision: { displaced: [CODE] } });
    const notice = (await mailAnswers(t.desk, CODE)).find((m) => m.kind === "booking-displaced");
    expect(notice).toBeDefined();
    const thread = notice!.payload.thread as { subject: string; references: string[] };
    expect(thread.references).toContain("<goc@hanoi.gov.vn>");
    expect(typeof notice!.payload.replyToOutbox).toBe("number");
  });
});

describe("References when the clerk's client sends only In-Reply-To", () => {
  it("the answer's References carries the parent's In-Reply-To before the parent (RFC 5322 3.6.4)", async () => {
    const { desk, md } = await confirmed();
    const ours = (await mailAnswers(desk, CODE))[0]!;
    const ourId = `<${CODE}.${ours.id}@kythuat.hanoi.gov.vn>`;
    await md.handle(
      mail({
        id: "chi-in-reply-to@hanoi.gov.vn",
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body: "Đề nghị thêm điểm cầu Phường Hoàn Kiếm.",
        headers: { "In-Reply-To": ourId },
      }),
      NOW,
    );
    const answer = (await mailAnswers(desk, CODE)).at(-1)!;
    expect(answer.payload.thread).toMatchObject({
      inReplyTo: "<chi-in-reply-to@hanoi.gov.vn>",
      references: [ourId, "<chi-in-reply-to@hanoi.gov.vn>"],
    });
  });
});
