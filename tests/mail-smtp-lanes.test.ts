import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { PermanentSendError } from "../src/app/outbox-worker.js";
import { SMTP_CONNECTIONS, smtpSender } from "../src/mail/smtp-sender.js";
import { ourMessageId } from "../src/mail/thread.js";
import type { OutboxMessage } from "../src/store/queue-repos.js";
import { smtpSettings } from "./support/servers.js";

/**
 * The SMTP sender's own connections (src/mail/smtp-sender.ts): a backlog's answers go out over SMTP_CONNECTIONS
 * connections side by side, each reused, refused messages and dropped connections handled without losing one.
 */

interface Sink {
  port: number;
  server: SMTPServer;
  /** Message-IDs received, in order. */
  received: string[];
  connectionsOpened: number;
  open: number;
  /** Most messages in DATA at the same instant. */
  maxInData: number;
}

/**
 * An SMTP server that holds each message's DATA until every open connection is in DATA (so the count of messages
 * in flight at once is exact, not a matter of timing), and refuses `refuse` as a recipient with 550. With `total`,
 * the last messages go as soon as all `total` have come: a connection whose lane has nothing left to send stays
 * open and idle, and would hold the others for ever (a lane that got ahead while the others were still connecting,
 * on a loaded machine).
 */
async function sink(opts: { refuse?: string; total?: number } = {}): Promise<Sink> {
  let inData = 0;
  let held: (() => void)[] = [];
  const s: Sink = {
    port: 0,
    server: null as unknown as SMTPServer,
    received: [],
    connectionsOpened: 0,
    open: 0,
    maxInData: 0,
  };
  const releaseIfAll = () => {
    const last = opts.total !== undefined && s.received.length + inData >= opts.total;
    if (inData > 0 && (inData >= s.open || last)) {
      const go = held;
      held = [];
      for (const g of go) g();
    }
  };
  s.server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onConnect: (_session, callback) => {
      s.connectionsOpened++;
      s.open++;
      callback();
    },
    onClose: () => {
      s.open--;
      releaseIfAll();
    },
    onRcptTo: (address, _session, callback) => {
      if (address.address === opts.refuse)
        return callback(Object.assign(new Error("hộp thư không tồn tại"), { responseCode: 550 }));
      callback();
    },
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        inData++;
        s.maxInData = Math.max(s.maxInData, inData);
        held.push(() => {
          inData--;
          const id = /^Message-ID:\s*(<[^>]+>)/im.exec(Buffer.concat(chunks).toString("utf8"))?.[1] ?? "";
          s.received.push(id);
          callback();
        });
        releaseIfAll();
      });
    },
  });
  await new Promise<void>((r) => s.server.listen(0, "127.0.0.1", () => r()));
  s.port = (s.server.server.address() as AddressInfo).port;
  return s;
}

const answer = (id: number, recipient = `vanthu${id}@hanoi.gov.vn`): OutboxMessage =>
  ({
    id,
    channel: "mail",
    recipient,
    kind: "booking-confirmed",
    payload: { text: `Trả lời số ${id}.` },
    booking: null,
    status: "pending",
    attempts: 0,
  }) as unknown as OutboxMessage;

describe("SMTP sender lanes", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it("sends a backlog over SMTP_CONNECTIONS connections at once, reusing them, each answer once", async () => {
    const n = 40;
    const s = await sink({ total: n });
    const smtp = smtpSender(smtpSettings(s.port));
    cleanups.push(
      () => smtp.close(),
      () => new Promise<void>((r) => s.server.close(() => r())),
    );
    await Promise.all(Array.from({ length: n }, (_, i) => smtp.send(answer(i + 1))));
    expect(SMTP_CONNECTIONS).toBeGreaterThan(2);
    // The answers were in flight SMTP_CONNECTIONS at a time (the nodemailer pool before: 2), over that many
    // connections for all 40 (not one per answer, and none reopened).
    expect(s.maxInData).toBe(SMTP_CONNECTIONS);
    expect(s.connectionsOpened).toBe(SMTP_CONNECTIONS);
    expect([...s.received].sort()).toEqual(
      Array.from({ length: n }, (_, i) => ourMessageId(i + 1, null, "desk.hanoi.gov.vn")).sort(),
    );
  });

  it("a refused recipient is a permanent failure; the connection then serves the next answer", async () => {
    const s = await sink({ refuse: "khongco@hanoi.gov.vn" });
    const smtp = smtpSender(smtpSettings(s.port));
    cleanups.push(
      () => smtp.close(),
      () => new Promise<void>((r) => s.server.close(() => r())),
    );
    const refused = await smtp.send(answer(1, "khongco@hanoi.gov.vn")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentSendError);
    expect((refused as Error).message).toMatch(/^SMTP 550/);
    await smtp.send(answer(2));
    expect(s.received).toHaveLength(1);
    expect(s.connectionsOpened).toBe(1);
  });

  it("a connection the server closed while idle is replaced: the next answer goes out without an error", async () => {
    const s = await sink();
    const smtp = smtpSender(smtpSettings(s.port));
    cleanups.push(
      () => smtp.close(),
      () => new Promise<void>((r) => s.server.close(() => r())),
    );
    await smtp.send(answer(1));
    expect(s.open).toBe(1);
    // The server drops every connection (as a server does after its idle timeout), and the client sees it go.
    const [connection] = [...(s.server as unknown as { connections: Set<{ close(): void }> }).connections];
    connection!.close();
    while (s.open > 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    await smtp.send(answer(2));
    expect(s.received).toHaveLength(2);
    expect(s.connectionsOpened).toBe(2);
  });
});
