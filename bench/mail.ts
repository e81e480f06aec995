/**
 * Mail channel figures: APPEND-to-answer latency through a real Dovecot and SMTP server, a 1 000-mail backlog
 * decided and answered at start (with the bare mailparser rate on the same mails beside it, as the ceiling), and
 * the service's peak memory during the backlog (a child process, VmHWM).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { Dovecot, SmtpSink } from "../tests/support/servers.js";
import { deskEnv, mail, template } from "../tests/support/service.js";
import { machine, ms, pct, writeSection } from "./sections.js";

const communes = readDirectoryCsv(join(ROOT, "data/sample-directory"))
  .endpoints.filter((e) => e.level === "commune")
  .map((e) => e.name);
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-mail-"));

function makeMails(prefix: string, n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    mail({
      id: `${prefix}-${i}@hanoi.gov.vn`,
      body: template(
        i,
        communes[i % communes.length]!,
        `từ 09h00 đến 10h00 ngày ${1 + (i % 28)}/${1 + (Math.floor(i / 126) % 12)}/2027`,
      ),
    }),
  );
}

function startService(dovecot: Dovecot, sink: SmtpSink, db: string) {
  const env = {
    ...process.env,
    ...deskEnv(dovecot, sink, db),
    DESK_IMAP_POLL_SECONDS: "30",
    DESK_REPLY_CAP_PER_SENDER: "100000",
    DESK_POLL_MS: "1000",
  };
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/app/main.ts")], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
    cwd: ROOT,
  });
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const dovecot = new Dovecot();
const sink = new SmtpSink();
await dovecot.start();
await sink.start();
try {
  // 1. Latency: one mail at a time, APPEND → answer at the sink.
  const child = startService(dovecot, sink, join(tmp, "latency.db"));
  await new Promise<void>((resolve) =>
    child.stdout!.on("data", (d) => d.toString().includes('"imap-connected"') && resolve()),
  );
  const latencies: number[] = [];
  const client = await dovecot.client();
  for (const raw of makeMails("lat", 200)) {
    const before = sink.messages.length;
    const t0 = performance.now();
    await client.append("INBOX", raw);
    await waitFor(() => sink.messages.length > before, 30_000);
    latencies.push(performance.now() - t0);
  }
  await client.logout();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));

  // 2. Backlog: 1 000 mails waiting before the service starts.
  const backlog = makeMails("backlog", 1000);
  await dovecot.append(...backlog);
  sink.messages.length = 0;
  const t0 = performance.now();
  const svc = startService(dovecot, sink, join(tmp, "backlog.db"));
  await waitFor(() => sink.messages.length >= 1000 + 200, 600_000); // the latency run's 200 are in INBOX too
  const backlogSecs = (performance.now() - t0) / 1000;
  const peak = peakRssMb(svc.pid!);
  svc.kill("SIGTERM");
  await new Promise((r) => svc.once("exit", r));

  // 3. The ceiling: bare mailparser on the same 1 000 mails, in this process.
  const p0 = performance.now();
  for (const raw of backlog) await simpleParser(raw);
  const parseSecs = (performance.now() - p0) / 1000;
  const served = 1200;

  writeSection(
    "## Mail channel (issue 3)",
    `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}. Real Dovecot 2.3 and an smtp-server sink on loopback; the
service runs as its own process (\`npm start\` with IMAP and SMTP configured).

| measure | figure |
|---|---|
| APPEND → answer at the SMTP sink, 200 mails one at a time | p50 **${ms(pct(latencies, 50))}**, p95 **${ms(pct(latencies, 95))}** (max ${ms(Math.max(...latencies))}) |
| backlog at start: ${served} mails waiting (1 000 + the 200 above), all decided and answered | **${(served / backlogSecs).toFixed(0)} mails/s** (${backlogSecs.toFixed(1)} s, including process start) |
| bare \`mailparser\` on the same 1 000 mails, same machine, same run (the ceiling) | ${(1000 / parseSecs).toFixed(0)} mails/s |
| service peak memory during the backlog (VmHWM) | ${peak.toFixed(0)} MiB |

Aim: p95 under 1 s (the regulation allows 2 h).`,
  );
} finally {
  await sink.stop();
  await dovecot.destroy();
  rmSync(tmp, { recursive: true, force: true });
}
