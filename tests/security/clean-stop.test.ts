import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sampleDirectory, tempDir, testDb } from "../helpers.js";
import { alive, DeskProcess } from "../support/desk-process.js";
import { useMailServers } from "../support/mail-servers.js";
import { bookingMails, deskEnv } from "../support/service.js";
import { until } from "../support/until.js";

// Threat: `npm start` runs the desk behind wrappers that swallow SIGTERM, so systemd's stop ends in a SIGKILL
// mid-transaction, or leaves an orphan desk running beside the next one. The signal must reach the desk, which
// drains (finishes the transaction in hand, stops its workers, releases its lease) and exits, doing nothing twice.

// Enough that the first stop lands mid-backlog: the intake fetches and decides mails in batches of up to 50.
const TOTAL = 200;

describe("npm start stops cleanly on SIGTERM and SIGINT", () => {
  const { dovecot, sink } = useMailServers();

  it(`drains a backlog of ${TOTAL} mails across signals and restarts, answering each exactly once`, async () => {
    const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
    await dovecot.append(...bookingMails("dung", TOTAL, communes, "từ 09h00 đến 10h00"));
    const env = {
      ...deskEnv(dovecot, sink, await testDb(join(tempDir(), "desk.db"))),
      DESK_IMAP_POLL_SECONDS: "1",
      DESK_REPLY_CAP_PER_SENDER: "1000",
    };
    const answered = () => new Set(sink.messages.map((m) => m.parsed.inReplyTo)).size;
    const stops: { how: string; ms: number }[] = [];

    /** Start with `npm start`, wait for some answers, send `signal` to npm's or to node's pid, and check it is gone. */
    const run = async (
      signal: NodeJS.Signals,
      to: "npm" | "node",
      stopWhen: (desk: DeskProcess) => boolean,
    ) => {
      const desk = DeskProcess.start(env, "npm");
      try {
        const started = await desk.waitFor("started");
        expect(started, desk.stderr).not.toBeNull();
        const nodePid = started!.pid as number;
        // npm runs the desk itself, not through a shell or tsx's own child process.
        expect(nodePid).not.toBe(desk.pid);
        await until(() => stopWhen(desk), "the moment to stop", 90_000);
        const t0 = Date.now();
        process.kill(to === "npm" ? desk.pid : nodePid, signal);
        const exit = await desk.exited;
        stops.push({ how: `${signal}→${to}`, ms: Date.now() - t0 });
        expect(exit.code, desk.stderr).toBe(0);
        // The desk drained rather than being cut short by its own guard or killed.
        const names = desk.events.map((e) => e.event);
        expect(names).toContain("stopped");
        expect(names).not.toContain("stop-timeout");
        expect(desk.events.find((e) => e.event === "stopping")).toMatchObject({ reason: signal });
        // No orphan: the node process that npm started is gone too.
        await until(() => !alive(nodePid), "the desk's node process to be gone", 10_000);
      } finally {
        await desk.kill();
      }
    };

    // Mid-backlog, as systemd stops it: SIGTERM to the pid `npm start` gave, once the first batch of decisions is
    // committed (its `mail` lines). Waiting for answers instead let a fast desk decide the whole backlog first.
    await run("SIGTERM", "npm", (desk) => desk.events.some((e) => e.event === "mail"));
    const afterFirst = answered();
    expect(afterFirst).toBeLessThan(TOTAL);
    // Restarted, it finishes the backlog; then Ctrl-C reaches the desk's own pid.
    await run("SIGINT", "node", () => answered() >= TOTAL);
    console.log(`clean stop: ${JSON.stringify(stops)}; answered ${afterFirst} before the first stop`);

    // Nothing done twice: one answer per mail, and no resend at all (a clean stop never cuts a send short).
    const byMail = new Map<string, number>();
    for (const m of sink.messages)
      byMail.set(m.parsed.inReplyTo ?? "", (byMail.get(m.parsed.inReplyTo ?? "") ?? 0) + 1);
    expect(byMail.size).toBe(TOTAL);
    for (const [id, n] of byMail) expect(n, `answers to ${id}`).toBe(1);
    expect(sink.messages.length).toBe(TOTAL);
  }, 300_000);
});
