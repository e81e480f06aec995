/**
 * What a technician needs to find a quarantined mail in the mailbox, read from its raw header without parsing the
 * mail (which is what failed, or was refused for its size): its Message-ID and the Date it was sent.
 */
export interface MailHead {
  /** The Message-ID's left part with the host elided (`<abc123@…>`): the host can name the sending agency. */
  messageId: string | null;
  sent: Date | null;
}

const HEAD_LIMIT = 256 * 1024;

/** The header fields of `raw` we show, unfolded; nothing when the header is not where a header should be. */
export function readHead(raw: Buffer): MailHead {
  const text = raw.subarray(0, HEAD_LIMIT).toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, " ");
  const field = (name: string) =>
    new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(head)?.[1]?.trim().slice(0, 998) ?? null;
  const id = /^<([\x21-\x3b\x3d\x3f-\x7e]{1,200})@[^<>\s]+>$/.exec(field("Message-ID") ?? "");
  const date = field("Date");
  const sent = date ? new Date(date) : null;
  return {
    messageId: id ? `<${id[1]}@…>` : null,
    sent: sent && !Number.isNaN(sent.getTime()) ? sent : null,
  };
}
