import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue } from "../src/app/outbox-worker.js";
import { smtpSender } from "../src/mail/smtp-sender.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk } from "./helpers.js";
import { SmtpSink, smtpSettings } from "./support/servers.js";

/**
 * The SMTP relay refusing or gone, against a real SMTP server (npm smtp-server), through the outbox worker and the
 * SMTP sender as the service runs them (no retry policy of the test's own).
 */

async function oneAnswer(store: Store, now: Date, booking = "HTT-2026-0042"): Promise<void> {
  await store.tx((r) =>
    r.outbox.enqueue(
      {
        channel: "mail",
        recipient: "vanthu.sct@hanoi.gov.vn",
        kind: "booking-confirmed",
        booking,
        payload: { text: "Đã xếp lịch phiên họp." },
      },
      now,
    ),
  );
}

/** Run the outbox worker at each instant the answer is due again, until `until`; the instants it ran at. */
async function deliverUntil(store: Store, send: Parameters<typeof deliverDue>[1]["mail"], until: Date) {
  const rounds: Date[] = [];
  for (;;) {
    const row = (await store.read((r) => r.outbox.list())).find((m) => m.channel === "mail")!;
    if (row.status !== "pending" || row.availableAt.getTime() > until.getTime()) return { row, rounds };
    rounds.push(row.availableAt);
    await deliverDue(store, { mail: send! }, row.availableAt);
  }
}

describe("SMTP relay refusing or down", () => {
  const sink = new SmtpSink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());

  it("a 550 parks the answer at once and tells the MCU technician in Vietnamese, without the mailbox", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    await oneAnswer(store, t0);
    const smtp = smtpSender(smtpSettings(sink.port));
    sink.failNext = { count: 1, code: 550 };
    try {
      expect(await deliverDue(store, { mail: smtp.send }, t0)).toEqual({ sent: 0, retried: 0, parked: 1 });
    } finally {
      smtp.close();
      sink.failNext = { count: 0, code: 451 };
    }
    const rows = await store.read((r) => r.outbox.list());
    expect(rows.find((m) => m.channel === "mail")?.status).toBe("parked");
    const notices = rows.filter((m) => m.kind === "mail-undeliverable");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      channel: "desk",
      recipient: "mcu-technician",
      booking: "HTT-2026-0042",
    });
    const text = String(notices[0]!.payload.text);
    expect(text).toContain("Không gửi được thư trả lời");
    expect(text).toContain("HTT-2026-0042");
    expect(text).toContain("550");
    expect(text).not.toContain("vanthu.sct");
  });

  it("a 451 is retried with back-off and the answer goes once", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    await oneAnswer(store, t0);
    const smtp = smtpSender(smtpSettings(sink.port));
    const before = sink.messages.length;
    sink.failNext = { count: 2, code: 451 };
    try {
      const { row, rounds } = await deliverUntil(store, smtp.send, new Date(t0.getTime() + 3600_000));
      expect(row.status).toBe("sent");
      expect(rounds).toHaveLength(3);
      // Back-off: each wait longer than the one before.
      const waits = rounds.slice(1).map((r, i) => r.getTime() - rounds[i]!.getTime());
      expect(waits[1]).toBeGreaterThan(waits[0]!);
    } finally {
      smtp.close();
      sink.failNext = { count: 0, code: 451 };
    }
    expect(sink.messages.length - before).toBe(1);
    expect((await store.read((r) => r.outbox.list())).filter((m) => m.channel === "desk")).toEqual([]);
  });

  it("a relay down for three hours: the answer waits (not parked) and goes once when it is back", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    await oneAnswer(store, t0);
    const down = new SmtpSink();
    await down.start();
    const smtp = smtpSender(smtpSettings(down.port));
    let cleanup = () => down.stop();
    try {
      await down.stop();
      cleanup = async () => undefined;
      const outage = new Date(t0.getTime() + 3 * 3600_000);
      const first = await deliverUntil(store, smtp.send, outage);
      expect(first.row.status).toBe("pending");
      expect(first.rounds.length).toBeGreaterThan(6);
      // Capped: at most one attempt every 15 minutes once the back-off reached its cap.
      expect(first.rounds.length).toBeLessThan(25);
      // The relay back on the same port (smtp-server refuses connections for good once closed: a new one).
      const back = new SmtpSink();
      back.port = down.port;
      await back.start();
      cleanup = () => back.stop();
      const after = await deliverUntil(store, smtp.send, new Date(outage.getTime() + 3600_000));
      expect(after.row.status).toBe("sent");
      expect(after.rounds).toHaveLength(1);
      expect(back.messages).toHaveLength(1);
    } finally {
      smtp.close();
      await cleanup();
    }
    expect((await store.read((r) => r.outbox.list())).filter((m) => m.channel === "desk")).toEqual([]);
  });

  it("a relay that took the mail but dropped the link before its 250 gets it again, with the same Message-ID", async () => {
    // Documented risk (README, Outbox): delivery is at least once. The resend is the same message, so a threading
    // mail client shows it once.
    const received: string[] = [];
    let drops = 1;
    const server: Server = createServer((socket: Socket) => {
      let data = false;
      let buf = "";
      socket.write("220 relay ESMTP\r\n");
      socket.on("data", (chunk) => {
        buf += chunk.toString("utf8");
        for (;;) {
          if (data) {
            const end = buf.indexOf("\r\n.\r\n");
            if (end < 0) return;
            const body = buf.slice(0, end);
            buf = buf.slice(end + 5);
            data = false;
            received.push(/^Message-ID:\s*(<[^>]+>)/im.exec(body)?.[1] ?? "");
            if (drops > 0) {
              drops--;
              socket.destroy();
              return;
            }
            socket.write("250 2.0.0 queued\r\n");
            continue;
          }
          const nl = buf.indexOf("\r\n");
          if (nl < 0) return;
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === "EHLO" || verb === "HELO") socket.write("250-relay\r\n250 PIPELINING\r\n");
          else if (verb === "DATA") {
            data = true;
            socket.write("354 go on\r\n");
          } else if (verb === "QUIT") socket.end("221 bye\r\n");
          else socket.write("250 ok\r\n");
        }
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    await oneAnswer(store, t0);
    const smtp = smtpSender(smtpSettings(port));
    try {
      const { row } = await deliverUntil(store, smtp.send, new Date(t0.getTime() + 3600_000));
      expect(row.status).toBe("sent");
    } finally {
      smtp.close();
      server.close();
    }
    expect(received).toHaveLength(2);
    expect(received[1]).toBe(received[0]);
  });
});
