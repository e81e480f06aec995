import SMTPConnection from "nodemailer/lib/smtp-connection";
import { inviteUid } from "../core/booking/invite.js";
import { PermanentSendError, type Sender } from "../store/delivery.js";
import type { OutboxMessage } from "../store/queue-repos.js";
import { type TransportSecurity, tlsOptions } from "./intake.js";
import { buildReply } from "./mime.js";
import { type MailThread, ourMessageId } from "./thread.js";

export interface SmtpSettings {
  host: string;
  port: number;
  tls: TransportSecurity;
  /** PEM certificate(s) to trust instead of the system's roots. */
  ca?: string;
  user?: string;
  pass?: string;
  /** Our technical mailbox, e.g. kythuat@hanoi.gov.vn. */
  from: string;
  fromName: string;
  messageIdDomain: string;
}

/** The invite an outbox mail carries (`payload.calendar`), as `calendarOf` in core/booking/invite.ts makes it. */
export interface CalendarData {
  method: "REQUEST" | "CANCEL";
  uid: string;
  sequence: number;
  start: string;
  end: string;
  summary: string;
  /** Where the session is hosted (the host endpoint's name); never for a secret session (Điều 5.2). */
  location?: string;
  /** When this version of the booking was decided (DTSTAMP); now when absent. */
  stamp?: string;
}

/** An instant as iCalendar's UTC form, `20270104T070000Z`. */
function icsUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/** TEXT escaping (RFC 5545 3.3.11); inside a quoted parameter only `\` and `"` (as ical-generator does). */
function icsEscape(s: string, inQuotes: boolean): string {
  return s.replace(inQuotes ? /[\\"]/g : /[\\;,]/g, (m) => `\\${m}`).replace(/\r\n|\r|\n/g, "\\n");
}

/** Lines folded after 74 octets of UTF-8, a code point never split (RFC 5545 3.1, ical-generator's rule). */
function icsFold(line: string): string {
  if (line.length <= 24) return line;
  let out = "";
  let octets = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    octets += size;
    if (octets > 74) {
      out += "\r\n ";
      octets = size;
    }
    out += ch;
  }
  return out;
}

/**
 * The iCalendar invite: a stable UID per booking, SEQUENCE rising with every change. Every time is a UTC instant
 * (`…Z`): without a TZID and VTIMEZONE a local time is "floating", and Outlook, Thunderbird and phones show it in
 * the reader's own zone (a 14:00 meeting in Hanoi at 07:00 elsewhere). UTC needs no VTIMEZONE and every client
 * shows it in the reader's zone correctly. Written here line by line, the same bytes ical-generator wrote
 * (tests/mail-mime.test.ts holds them equal): its folding encoded every character with a new TextEncoder, a
 * tenth of a reply's CPU.
 */
export function invite(
  cal: CalendarData,
  settings: Pick<SmtpSettings, "from" | "fromName" | "messageIdDomain">,
): string {
  const cancel = cal.method === "CANCEL";
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//hanoi.gov.vn//ban-ky-thuat-hop-truc-tuyen//VI",
    `METHOD:${cancel ? "CANCEL" : "REQUEST"}`,
    "BEGIN:VEVENT",
    `UID:${icsEscape(inviteUid(cal.uid, settings.messageIdDomain), false)}`,
    `SEQUENCE:${cal.sequence}`,
    `DTSTAMP:${icsUtc(cal.stamp ? new Date(cal.stamp) : new Date())}`,
    `DTSTART:${icsUtc(new Date(cal.start))}`,
    `DTEND:${icsUtc(new Date(cal.end))}`,
    `SUMMARY:${icsEscape(cal.summary, false)}`,
    ...(cal.location ? [`LOCATION:${icsEscape(cal.location, false)}`] : []),
    `ORGANIZER;CN="${icsEscape(settings.fromName, true)}":mailto:${icsEscape(settings.from, false)}`,
    `STATUS:${cancel ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ]
    .map(icsFold)
    .join("\r\n");
}

/** The nodemailer message for one outbox row: threaded, marked automatic, with the code in the subject. */
export function composeReply(msg: OutboxMessage, settings: SmtpSettings) {
  const thread = (msg.payload.thread as MailThread | null | undefined) ?? null;
  const code = msg.booking;
  const base = (thread?.subject || "Đăng ký lịch họp trực tuyến").replace(
    /^(?:(?:re|tl|trả lời|fw|fwd)\s*:\s*)+/i,
    "",
  );
  const subject = `Re: ${base}${code && !base.includes(code) ? ` [${code}]` : ""}`;
  const references = [...(thread?.references ?? [])];
  let inReplyTo = thread?.inReplyTo ?? null;
  const previous =
    typeof msg.payload.replyToOutbox === "number"
      ? ourMessageId(msg.payload.replyToOutbox, code, settings.messageIdDomain)
      : null;
  if (!inReplyTo && previous) inReplyTo = previous;
  if (previous && !references.includes(previous)) references.push(previous);
  if (inReplyTo && !references.includes(inReplyTo)) references.push(inReplyTo);
  const cal = msg.payload.calendar as CalendarData | undefined;
  return {
    from: { name: settings.fromName, address: settings.from },
    to: msg.recipient,
    subject,
    text: String(msg.payload.text ?? ""),
    messageId: ourMessageId(msg.id, code, settings.messageIdDomain),
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references.length ? { references } : {}),
    headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
    ...(cal
      ? { icalEvent: { method: cal.method, filename: `${cal.uid}.ics`, content: invite(cal, settings) } }
      : {}),
  };
}

/**
 * The outbox sender for the `mail` channel. The Message-ID is derived from the outbox row, so a resend after a
 * crash carries the same id and mail clients show it once. A 5xx answer is permanent; everything else retries.
 */
/** How we connect and log in to SMTP, for the sender and for `doctor` alike. */
export function smtpConnectOptions(settings: SmtpSettings) {
  return {
    host: settings.host,
    port: settings.port,
    // `starttls`: requireTLS makes nodemailer fail before AUTH (and before any mail) when the server does not
    // offer STARTTLS or the upgrade fails. `none` (loopback only) never tries to upgrade.
    secure: settings.tls === "tls",
    requireTLS: settings.tls === "starttls",
    ignoreTLS: settings.tls === "none",
    ...(settings.user ? { auth: { user: settings.user, pass: settings.pass ?? "" } } : {}),
    tls: tlsOptions(settings.ca),
    connectionTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

/** Connections the sender keeps open: the outbox worker's mail lanes (MAIL_LANES) send over them side by side. */
export const SMTP_CONNECTIONS = 4;

type SmtpError = Error & { code?: string; responseCode?: number; command?: string };

/**
 * One SMTP connection, opened (and logged in) on first use and again after it dropped: nodemailer's
 * SMTPConnection, which speaks STARTTLS, AUTH and PIPELINING (the envelope and DATA in one write), without the
 * Mailer's plugin pipeline, MIME node and pool around it (a reply is already one buffer, src/mail/mime.ts).
 */
class SmtpLane {
  /** The open (or opening) connection; null after it closed or failed. */
  private conn: Promise<SMTPConnection> | null = null;
  /** Messages sent over the current connection. */
  private used = 0;

  constructor(
    private readonly options: SMTPConnection.Options,
    private readonly auth: { user: string; pass: string } | null,
  ) {}

  private open(): Promise<SMTPConnection> {
    const c = new SMTPConnection(this.options);
    let settled = false;
    const opening: Promise<SMTPConnection> = new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        if (this.conn === opening) this.conn = null;
        // Settled before closing: close() emits `end` at once, which must not replace the real error.
        if (!settled) {
          settled = true;
          reject(err);
        }
        c.close();
      };
      // Always listened to: a connection the server closes while idle, or that times out, emits one.
      c.on("error", fail);
      c.once("end", () => fail(Object.assign(new Error("SMTP: kết nối đã đóng"), { code: "ECONNECTION" })));
      c.connect(() => {
        const ready = () => {
          if (settled) return;
          settled = true;
          resolve(c);
        };
        if (this.auth && c.allowsAuth) c.login(this.auth, (e) => (e ? fail(e) : ready()));
        else ready();
      });
    });
    opening.catch(() => undefined);
    this.used = 0;
    this.conn = opening;
    return opening;
  }

  async send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<void> {
    const current = this.conn ?? this.open();
    const c = await current;
    const reused = this.used++ > 0;
    try {
      await new Promise<void>((resolve, reject) =>
        c.send(envelope, raw, (err) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      const e = err as SmtpError;
      if ((e.code === "EENVELOPE" || e.code === "EMESSAGE") && e.responseCode !== 421) {
        // The server refused this message; the connection serves the next one once reset.
        await new Promise<void>((resolve) =>
          c.reset((resetErr) => {
            if (resetErr) this.forget(current, c);
            resolve();
          }),
        );
      } else {
        this.forget(current, c);
        // A reused connection found closed before a byte of this message left: once more, on a new one.
        if (reused && e.code === "ECONNECTION" && e.command === "API") return this.send(envelope, raw);
      }
      throw err;
    }
  }

  private forget(current: Promise<SMTPConnection>, c: SMTPConnection): void {
    if (this.conn === current) this.conn = null;
    c.close();
  }

  close(): void {
    const current = this.conn;
    this.conn = null;
    void current?.then(
      (c) => c.quit(),
      () => undefined,
    );
  }
}

export function smtpSender(settings: SmtpSettings): { send: Sender; close(): void } {
  const { auth, ...options } = smtpConnectOptions(settings);
  const lanes = Array.from({ length: SMTP_CONNECTIONS }, () => new SmtpLane(options, auth ?? null));
  // The lane used last is taken first: at a trickle one connection stays open, a backlog opens them all.
  const idle = [...lanes].reverse();
  const waiting: ((lane: SmtpLane) => void)[] = [];
  const acquire = (): Promise<SmtpLane> =>
    idle.length ? Promise.resolve(idle.pop()!) : new Promise((resolve) => waiting.push(resolve));
  const release = (lane: SmtpLane) => {
    const next = waiting.shift();
    if (next) next(lane);
    else idle.push(lane);
  };
  return {
    send: async (msg) => {
      // Built into one buffer by src/mail/mime.ts, then sent as it is (no MailComposer, no Mailer pipeline).
      const raw = buildReply(composeReply(msg, settings));
      const lane = await acquire();
      try {
        await lane.send({ from: settings.from, to: [msg.recipient] }, raw);
      } catch (err) {
        const e = err as SmtpError;
        if (e.responseCode && e.responseCode >= 500)
          throw new PermanentSendError(`SMTP ${e.responseCode}: ${e.message}`);
        throw err;
      } finally {
        release(lane);
      }
    },
    close: () => {
      for (const lane of lanes) lane.close();
    },
  };
}
