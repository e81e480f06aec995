import type { Desk } from "../../src/app/desk.js";
import { MailDesk } from "../../src/app/mail-desk.js";
import type { OutboxMessage } from "../../src/store/queue-repos.js";

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
