import { describe, expect, it } from "vitest";
import { JOB } from "../src/app/booking/index.js";
import type { MailOutcome } from "../src/app/mail-desk.js";
import type { Booking } from "../src/core/booking/types.js";
import { at, makeDesk } from "./helpers.js";
import { lastAnswer, mailAnswers, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

const NOW = at("2026-12-07", "08:35");
const CODE = "HTT-2026-0001";

/** A confirmed booking (09:00–11:00 Thu 10/12/2026, Sở Công Thương), then the clerk's reply in its thread. */
async function replyTo(body: string, previous: string[] = []) {
  const desk = await makeDesk();
  const md = mailDeskOf(desk);
  const first = await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), NOW);
  expect(first).toMatchObject({ kind: "registered", code: CODE, decision: { outcome: "confirmed" } });
  let n = 0;
  const send = (text: string) =>
    md.handle(
      mail({
        id: `tra-loi-${n++}@hanoi.gov.vn`,
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body: text,
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
      }),
      NOW,
    );
  for (const p of previous) await send(p);
  const outcome = await send(body);
  const booking = (await desk.store.read((r) => r.bookings.get(CODE)))!;
  const answer = await lastAnswer(desk, CODE);
  return { desk, outcome, booking, answer };
}

interface Case {
  name: string;
  body: string;
  kind: MailOutcome["kind"];
  check?: (b: Booking, answer: string) => void;
}

const CANCELLATIONS: Case[] = [
  {
    name: "opens with «Kính gửi», gives the reason, then «xin hủy»",
    body: "Kính gửi Trung tâm Tin học - Công báo,\n\nDo lãnh đạo Sở có lịch công tác thay đổi, Sở Công Thương xin hủy lịch họp nêu trên.\n\nTrân trọng.",
    kind: "cancelled",
  },
  {
    name: "«đề nghị hủy cuộc họp» on the second line",
    body: "Kính gửi: Trung tâm Tin học - Công báo\nSở Công Thương đề nghị hủy cuộc họp HTT-2026-0001 do thay đổi kế hoạch công tác.",
    kind: "cancelled",
  },
  {
    name: "«không tổ chức nữa»",
    body: "Kính gửi anh/chị,\nCuộc họp sẽ không tổ chức nữa. Mong Trung tâm thông cảm.",
    kind: "cancelled",
  },
  {
    name: "«xin rút lịch»",
    body: "Kính gửi Trung tâm,\nVăn phòng Sở xin rút lịch đã đăng ký ngày 10/12.",
    kind: "cancelled",
  },
  {
    name: "without diacritics",
    body: "Kinh gui Trung tam,\nSo Cong Thuong de nghi huy lich hop tren.\nTran trong.",
    kind: "cancelled",
  },
  {
    name: "«đề nghị Trung tâm hủy giúp phiên họp»",
    body: "Kính gửi Trung tâm,\nTheo chỉ đạo của lãnh đạo Sở, đề nghị Trung tâm hủy giúp phiên họp này.",
    kind: "cancelled",
  },
  {
    name: "«không tổ chức cuộc họp này nữa» after a greeting",
    body: "Dạ em chào anh chị ạ.\nBên em không tổ chức cuộc họp này nữa ạ.",
    kind: "cancelled",
  },
];

const NOT_CANCELLATIONS: Case[] = [
  {
    name: "«hủy» only in the quoted part (Gmail «đã viết:» and «>»)",
    body: "Kính gửi Trung tâm,\nĐề nghị đổi giờ sang 15h00 cùng ngày.\n\nVào 08:35 Kỹ thuật đã viết:\n> Nếu không tổ chức nữa, đề nghị trả lời «xin hủy lịch họp».",
    kind: "changed",
    check: (b) => {
      expect(b.status).toBe("confirmed");
      expect(b.request.start?.toISOString()).toBe(at("2026-12-10", "15:00").toISOString());
    },
  },
  {
    name: "«hủy» only in an Outlook quoted block (From:/Sent:)",
    body: "Đề nghị bổ sung ghi hình cho phiên họp.\n\nFrom: Văn thư Sở Công Thương\nSent: Monday, December 7, 2026 8:00 AM\nTo: kythuat@hanoi.gov.vn\nSubject: Đăng ký\n\nXin hủy lịch họp cũ của Sở.",
    kind: "changed",
    check: (b) => {
      expect(b.status).toBe("confirmed");
      expect(b.request.recording).toBe(true);
    },
  },
  {
    name: "«không hủy, chỉ đổi giờ»",
    body: "Kính gửi Trung tâm,\nĐơn vị không hủy lịch, chỉ đề nghị đổi giờ sang 14h00.",
    kind: "changed",
    check: (b) => expect(b.request.start?.toISOString()).toBe(at("2026-12-10", "14:00").toISOString()),
  },
  {
    name: "a contact named Huy is no «hủy»",
    body: "Kính gửi Trung tâm,\nĐề nghị liên hệ anh Huy, SĐT 0912 345 678 để phối hợp kiểm tra kỹ thuật.",
    // Nothing the desk reads as a change either: no answer, the technician is told to read it (not cancelled).
    kind: "ignored",
    check: (b) => expect(b.status).toBe("confirmed"),
  },
];

const POSTPONEMENTS: Case[] = [
  {
    name: "«xin hoãn», new time to follow",
    body: "Kính gửi Trung tâm,\nDo lãnh đạo bận, Sở xin hoãn cuộc họp; thời gian mới sẽ thông báo sau.",
    kind: "postponed",
  },
  {
    name: "«tạm hoãn» naming only the booked date",
    body: "Kính gửi Trung tâm,\nSở Công Thương xin tạm hoãn cuộc họp ngày 10/12/2026.",
    kind: "postponed",
  },
  {
    name: "«hoan» without diacritics",
    body: "Kinh gui Trung tam,\nxin hoan cuoc hop, se bao lai sau.",
    kind: "postponed",
  },
  {
    name: "«hoãn sang» a new time is a change",
    body: "Kính gửi Trung tâm,\nĐề nghị hoãn sang 15h00 ngày 11/12/2026.",
    kind: "changed",
    check: (b) => {
      expect(b.status).toBe("confirmed");
      expect(b.request.start?.toISOString()).toBe(at("2026-12-11", "15:00").toISOString());
    },
  },
  {
    name: "«hoàn thành» is no postponement",
    body: "Kính gửi Trung tâm,\nĐơn vị đã hoàn thành chuẩn bị; đề nghị bổ sung ghi hình.",
    kind: "changed",
    check: (b) => {
      expect(b.status).toBe("confirmed");
      expect(b.request.recording).toBe(true);
    },
  },
];

const EMERGENCIES: Case[] = [
  {
    name: "«bận đột xuất, xin đổi giờ» is no emergency",
    body: "Kính gửi Trung tâm,\nLãnh đạo Sở bận đột xuất, xin đổi giờ sang 15h00.",
    kind: "changed",
    check: (b, answer) => {
      expect(b.request.emergency).toBe(false);
      expect(b.priority).toBe(1);
      expect(answer).toContain("Họp đột xuất, khẩn cấp: không.");
      expect(answer).not.toContain("Mức ưu tiên");
    },
  },
  {
    name: "another body's urgent meeting as the reason is no emergency",
    body: "Kính gửi Trung tâm,\nDo có cuộc họp khẩn của Thành ủy, xin đổi giờ sang 15h00.",
    kind: "changed",
    check: (b) => expect(b.request.emergency).toBe(false),
  },
  {
    name: "an explicit request («đề nghị chuyển thành họp đột xuất, khẩn cấp») says the priority changed",
    body: "Kính gửi Trung tâm,\nTheo chỉ đạo của UBND Thành phố, Sở đề nghị chuyển thành họp đột xuất, khẩn cấp.",
    kind: "changed",
    check: (b, answer) => {
      expect(b.request.emergency).toBe(true);
      expect(b.priority).toBe(2);
      expect(answer).toContain(
        "Mức ưu tiên đã thay đổi: từ «thông thường» sang «họp đột xuất, khẩn cấp (Điều 11.3)».",
      );
      expect(answer).toContain("Họp đột xuất, khẩn cấp: có.");
    },
  },
  {
    name: "«de nghi xep hop khan» without diacritics",
    body: "Kinh gui Trung tam, de nghi xep hop khan cho phien nay.",
    kind: "changed",
    check: (b, answer) => {
      expect(b.priority).toBe(2);
      expect(answer).toContain("Mức ưu tiên đã thay đổi");
    },
  },
];

describe("replies in the thread", () => {
  for (const [group, cases] of [
    ["cancellation phrasings", CANCELLATIONS],
    ["what is not a cancellation", NOT_CANCELLATIONS],
    ["postponement («hoãn»)", POSTPONEMENTS],
    ["emergency only when asked explicitly", EMERGENCIES],
  ] as const) {
    describe(group, () => {
      for (const c of cases) {
        it(c.name, async () => {
          const { outcome, booking, answer } = await replyTo(c.body);
          expect(outcome.kind).toBe(c.kind);
          if (c.kind === "cancelled") {
            expect(booking.status).toBe("cancelled");
            expect(answer).toContain("ĐÃ HỦY");
            // The clerk's own cancel is not said to be the technical desk's.
            expect(answer).not.toContain("Đơn vị vận hành kỹ thuật đã hủy");
          } else expect(booking.status).not.toBe("cancelled");
          c.check?.(booking, answer);
        });
      }
    });
  }

  it("a postponement goes to a technician, keeps the invite and tells the clerk it is not cancelled", async () => {
    const { desk, booking, answer } = await replyTo(
      "Kính gửi Trung tâm,\nSở xin hoãn cuộc họp, sẽ báo lại sau.",
    );
    expect(booking.status).toBe("needs-review");
    expect(answer).toContain(`Lịch họp ${CODE} (09:00–11:00 Thứ Năm, 10/12/2026): ĐÃ GHI NHẬN ĐỀ NGHỊ HOÃN`);
    expect(answer).toContain("Lịch họp chưa bị hủy.");
    const answers = await mailAnswers(desk, CODE);
    expect(answers.at(-1)?.payload.calendar).toBeUndefined();
    const [jobs, outbox, events] = await desk.store.read(
      async (r) =>
        [await r.jobs.list(), await r.outbox.list({ booking: CODE }), await r.bookings.events(CODE)] as const,
    );
    expect(jobs.filter((j) => j.key === CODE).map((j) => j.kind)).toEqual(
      expect.arrayContaining([JOB.answerReminder, JOB.answerBreach]),
    );
    expect(jobs.some((j) => j.key === CODE && j.kind === JOB.technicalCheck)).toBe(false);
    expect(outbox.some((m) => m.channel === "desk" && m.kind === "booking-postponed")).toBe(true);
    expect(events.at(-1)?.reason).toBe("cơ quan đăng ký đề nghị hoãn, chưa có thời gian mới");
  });

  it("withdrawing the emergency is a priority change the answer names", async () => {
    const { booking, answer } = await replyTo(
      "Cuộc họp không còn là họp khẩn, đề nghị chuyển về họp thường.",
      ["Kính gửi Trung tâm,\nSở đề nghị họp khẩn."],
    );
    expect(booking.request.emergency).toBe(false);
    expect(answer).toContain(
      "Mức ưu tiên đã thay đổi: từ «họp đột xuất, khẩn cấp (Điều 11.3)» sang «thông thường».",
    );
  });
});

describe("the group sees a change as a change", () => {
  it("a new time posts the new line marked as changed, naming what changed, not a second plain confirmation", async () => {
    const { desk, booking } = await replyTo("Kính gửi Trung tâm,\nĐề nghị đổi giờ sang 15h00.");
    expect(booking.request.start).toEqual(at("2026-12-10", "15:00"));
    const group = (await desk.store.read((r) => r.outbox.list({ booking: CODE })))
      .filter((m) => m.channel === "group")
      .map((m) => String(m.payload.text));
    expect(group).toHaveLength(2);
    expect(group[0]).toMatch(/^\[HTT-2026-0001\] ĐÃ XÁC NHẬN — 09:00–11:00/);
    expect(group[1]).toMatch(/^\[HTT-2026-0001\] ĐÃ THAY ĐỔI \(giờ bắt đầu\), ĐÃ XÁC NHẬN — 15:00–17:00/);
  });
});

describe("a reply found by the clerk's own first mail", () => {
  /** A reply whose subject carries no code: only its References tie it to the booking (or not). */
  async function replyWithReferences(references: string) {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), NOW);
    const outcome = await md.handle(
      mail({
        id: "tra-loi@hanoi.gov.vn",
        subject: "Re: Đăng ký lịch họp",
        body: "Kính gửi Trung tâm,\nSở Công Thương đề nghị hủy lịch họp nêu trên.\nTrân trọng.",
        headers: { References: references },
      }),
      NOW,
    );
    const booking = (await desk.store.read((r) => r.bookings.get(CODE)))!;
    return { outcome, booking };
  }

  it("any of several References may be the clerk's first mail", async () => {
    const { outcome, booking } = await replyWithReferences(
      "<khac-1@hanoi.gov.vn> <goc@hanoi.gov.vn> <khac-2@hanoi.gov.vn>",
    );
    expect(outcome).toMatchObject({ kind: "cancelled", code: CODE });
    expect(booking.status).toBe("cancelled");
  });

  it("References to mails the desk never read tie it to nothing", async () => {
    const { outcome, booking } = await replyWithReferences("<khac-1@hanoi.gov.vn> <khac-2@hanoi.gov.vn>");
    expect(outcome.kind).not.toBe("cancelled");
    expect(booking.status).toBe("confirmed");
  });
});
