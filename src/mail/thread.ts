/** Threading of a mail answer: the subject and the Message-IDs it replies to. */
export interface MailThread {
  subject: string;
  inReplyTo: string | null;
  references: string[];
}

/** The Message-ID our SMTP sender gives an outbox row: the booking code is in it, so replies find the booking. */
export function ourMessageId(outboxId: number, code: string | null, domain: string): string {
  return `<${code ?? "desk"}.${outboxId}@${domain}>`;
}
