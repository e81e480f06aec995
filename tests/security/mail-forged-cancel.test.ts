/**
 * Threat: someone cancels or changes an agency's confirmed booking by forging its mailbox, or by quoting the
 * booking code (public in the group) from another mailbox. A forged one is not acted on, not answered, and the
 * group hears of it without a word of its content; the raw mail is kept. A genuine change or cancellation is
 * also sent to the agency's official mailboxes, so one that slipped through is seen by its owner.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Desk } from "../../src/app/desk.js";
import type { MailDesk } from "../../src/app/mail-desk.js";
import { makeDesk, sampleDirectory } from "../helpers.js";
import { template } from "../support/service.js";
import { AUTHSERV, authDesk, NOW, rawMail, StubDns } from "./mail-auth-support.js";

const CLERK = "vanthu.sct@hanoi.gov.vn";
const DIRECTOR = "lanhdao.sct@hanoi.gov.vn"; // a second official mailbox of the same agency
const OTHER = "vanthu.sdl@hanoi.gov.vn"; // Sở Du lịch: official, authenticated, not the booking's agency
const CODE = "HTT-2026-0001";
const pass = (domain = "hanoi.gov.vn") =>
  `Authentication-Results: ${AUTHSERV}; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=pass header.from=${domain}`;
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let desk: Desk;
let mailDesk: MailDesk;

async function outbox() {
  return desk.store.read((r) => r.outbox.list());
}

beforeEach(async () => {
  desk = await makeDesk();
  const directory = structuredClone(sampleDirectory);
  directory.agencies.find((a) => a.name === "Sở Công Thương")!.mailboxes.push(DIRECTOR);
  await desk.store.tx((r) => r.directory.replaceAll(directory));
  const dns = new StubDns();
  dns.dmarc("hanoi.gov.vn", "v=DMARC1; p=reject");
  mailDesk = authDesk(desk, dns.resolve);
  const registered = await mailDesk.handle(
    rawMail({ id: "dang-ky@hanoi.gov.vn", from: CLERK, body: template(1), top: [pass()] }),
    NOW,
  );
  expect(registered).toMatchObject({ kind: "registered", code: CODE });
  expect((await desk.store.read((r) => r.bookings.get(CODE)))?.status).toBe("confirmed");
});

describe("forged cancellation of a confirmed booking", () => {
  it("is not acted on, not answered; the group is told without content; the raw mail is kept", async () => {
    const before = await outbox();
    const forged = rawMail({
      id: "huy-gia-mao-0912000111@evil.example",
      from: CLERK,
      subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
      body: "Hủy lịch họp này. Liên hệ anh Tuấn 0912 000 111.",
      top: [
        // The boundary: SPF passed for the forger's envelope sender, DMARC failed for the From domain.
        `Authentication-Results: ${AUTHSERV}; spf=pass smtp.mailfrom=bounce@evil.example; dkim=none; dmarc=fail header.from=hanoi.gov.vn`,
        // The forger's own, below.
        pass(),
      ],
      extra: [`In-Reply-To: <${CODE}.1@kythuat.hanoi.gov.vn>`],
    });
    const outcome = await mailDesk.handle(forged, later(5));
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated", replied: false });
    expect((await desk.store.read((r) => r.bookings.get(CODE)))?.status).toBe("confirmed");

    const added = (await outbox()).slice(before.length);
    expect(added.filter((m) => m.channel === "mail")).toEqual([]);
    expect(added.map((m) => [m.channel, m.kind])).toEqual([["desk", "mail-not-authenticated"]]);
    const notice = String(added[0]!.payload.text);
    expect(notice).toContain("không qua được kiểm tra xác thực");
    for (const content of ["vanthu.sct", "evil.example", CODE, "Hủy", "0912", "Tuấn", "huy-gia-mao"])
      expect(notice).not.toContain(content);

    const kept = await desk.store.read((r) => r.inbound.get("mail", "<huy-gia-mao-0912000111@evil.example>"));
    expect(kept?.status).toBe("refused");
    expect(kept?.raw && Buffer.from(kept.raw).equals(forged)).toBe(true);
    // Delivered again, it is the same mail: nothing new is posted.
    expect(await mailDesk.handle(forged, later(6))).toMatchObject({ kind: "duplicate" });
    expect(await outbox()).toHaveLength(before.length + 1);
  });

  it("a booking code in the subject from another agency's authenticated mailbox grants nothing", async () => {
    const outcome = await mailDesk.handle(
      rawMail({
        id: "huy-tu-so-khac@hanoi.gov.vn",
        from: OTHER,
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body: "Hủy lịch họp này.",
        top: [pass()],
      }),
      later(5),
    );
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-booking-agency" });
    expect((await desk.store.read((r) => r.bookings.get(CODE)))?.status).toBe("confirmed");
    expect((await outbox()).filter((m) => m.kind === "booking-cancelled")).toEqual([]);
  });
});

describe("genuine change and cancellation reach the agency's official mailboxes", () => {
  it("copies a change, then a cancellation (with the withdrawn invite), to the other official mailbox", async () => {
    const before = (await outbox()).length;
    const changed = await mailDesk.handle(
      rawMail({
        id: "doi-gio@hanoi.gov.vn",
        from: CLERK,
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body: "Đề nghị đổi giờ sang 15h00.",
        top: [pass()],
      }),
      later(5),
    );
    expect(changed).toMatchObject({ kind: "changed", code: CODE });
    const afterChange = (await outbox()).slice(before);
    expect(afterChange.filter((m) => m.channel === "mail").map((m) => [m.recipient, m.kind])).toEqual([
      [CLERK, "booking-changed"],
      [DIRECTOR, "booking-changed-copy"],
    ]);
    const changeCopy = afterChange.find((m) => m.recipient === DIRECTOR)!;
    expect(String(changeCopy.payload.text)).toMatch(/^Bản sao gửi hòm thư công vụ của cơ quan/);
    expect(String(changeCopy.payload.text)).toContain("15:00");

    const cancelled = await mailDesk.handle(
      rawMail({
        id: "huy@hanoi.gov.vn",
        from: CLERK,
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body: "Hủy lịch họp này.",
        top: [pass()],
      }),
      later(10),
    );
    expect(cancelled).toMatchObject({ kind: "cancelled", code: CODE });
    const afterCancel = (await outbox()).slice(before + afterChange.length);
    const mails = afterCancel.filter((m) => m.channel === "mail");
    expect(mails.map((m) => [m.recipient, m.kind])).toEqual([
      [CLERK, "booking-cancelled"],
      [DIRECTOR, "booking-cancelled-copy"],
    ]);
    expect(String(mails[1]!.payload.text)).toContain("ĐÃ HỦY");
    expect(mails[1]!.payload.calendar).toMatchObject({ method: "CANCEL", uid: CODE });
  });
});
