import type { Desk } from "../../src/app/desk.js";
import { MailDesk } from "../../src/app/mail-desk.js";
import type { OutboxMessage } from "../../src/store/queue-repos.js";
import { at, makeDesk } from "../helpers.js";
import { mail } from "./service.js";

export const MESSAGE_ID_DOMAIN = "kythuat.hanoi.gov.vn";

/** The mail channel's entry over a test desk, with the service's defaults. */
export function mailDeskOf(desk: Desk): MailDesk {
  return new MailDesk(desk, {
    own: { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: MESSAGE_ID_DOMAIN },
    officialDomains: ["hanoi.gov.vn"],
    requireAuth: false,
    maxBytes: 1 << 20,
    replyCapPerSender: 500,
    replyCapPerBooking: 200,
  });
}

/** The mail answers written so far (to clerks), oldest first. */
export async function mailAnswers(desk: Desk, booking?: string): Promise<OutboxMessage[]> {
  const rows = await desk.store.read((r) => r.outbox.list(booking ? { booking } : {}));
  return rows.filter((m) => m.channel === "mail");
}

export async function lastAnswer(desk: Desk, booking?: string): Promise<string> {
  return String((await mailAnswers(desk, booking)).at(-1)?.payload.text ?? "");
}

/** Monday 30/11/2026 09:10, and the Date header of a mail written ten minutes before: the clerk suites' clock. */
export const CLERK_NOW = at("2026-11-30", "09:10");
export const CLERK_DATE = "Mon, 30 Nov 2026 09:00:00 +0700";

/** A clerk's mail (Sở Công Thương's mailbox) to a fresh desk: what the desk did, and what it answered. */
export async function sendAsClerk(body: string, subject?: string) {
  const desk = await makeDesk();
  const outcome = await mailDeskOf(desk).handle(
    mail({ id: "m@hanoi.gov.vn", body, date: CLERK_DATE, ...(subject ? { subject } : {}) }),
    CLERK_NOW,
  );
  const outbox = await desk.store.read((r) => r.outbox.list());
  const bookings = await desk.store.read((r) => r.bookings.list({}));
  return { desk, outcome, outbox, bookings, booking: bookings[0], answer: await lastAnswer(desk) };
}

/**
 * A fresh desk holding the booking the clerk's first mail (`body`, Message-ID «dk@hanoi.gov.vn») made, and a way to
 * reply in its thread as that clerk: the shape of every «reply in the thread» case.
 */
export async function bookedInThread(body: string) {
  const desk = await makeDesk();
  const md = mailDeskOf(desk);
  await md.handle(mail({ id: "dk@hanoi.gov.vn", body, date: CLERK_DATE }), CLERK_NOW);
  const [first] = await desk.store.read((r) => r.bookings.list({}));
  let n = 0;
  const reply = (text: string) =>
    md.handle(
      mail({
        id: `tl${++n}@hanoi.gov.vn`,
        body: text,
        date: CLERK_DATE,
        headers: { "In-Reply-To": "<dk@hanoi.gov.vn>", References: "<dk@hanoi.gov.vn>" },
      }),
      CLERK_NOW,
    );
  const booking = async () => (await desk.store.read((r) => r.bookings.get(first!.code)))!;
  return { desk, md, code: first!.code, first: first!, reply, booking };
}
