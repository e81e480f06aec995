/**
 * The mail path's own CPU, in process: the bench's backlog mix (bench/mail-mix.ts, the six shared samples first)
 * through `MailDesk.handle` in a loop on a fresh SQLite store, beside bare mailparser (`simpleParser`) on the
 * same mails, interleaved round by round in one process so both see the same machine load. No IMAP, no SMTP:
 * what is left is reading the mail, `understand`, the rules, the answer and the store.
 *
 * MAIL_INPROC_BASE=/path/to/another/checkout adds a row for that checkout's `MailDesk` (its src/ loaded
 * beside ours in the same process), so an old commit and this one are measured side by side in the same rounds.
 * MAIL_INPROC_N mails per round (default 1000), MAIL_INPROC_ROUNDS rounds (default 6); medians are reported.
 * MAIL_INPROC_WRITE=0 prints the section without writing BENCHMARKS.md. MAIL_INPROC_PROFILE=1 runs only the desk
 * (no mailparser rounds, nothing written), for `node --import tsx --cpu-prof bench/mail-inproc.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { ROOT } from "../src/app/config.js";
import { offlineDns, TEST_AUTHSERV_ID } from "../tests/support/service.js";
import { makeMix } from "./mail-mix.js";
import { load, machine, writeSection } from "./sections.js";

const N = Number(process.env.MAIL_INPROC_N ?? 1000);
const ROUNDS = Number(process.env.MAIL_INPROC_ROUNDS ?? 6);
const BASE = process.env.MAIL_INPROC_BASE ?? null;
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-mailinproc-"));

// The mails as bench/mail.ts's backlog: received Monday 2026-12-07 morning, asking for sessions from 12-14 on.
const mails = makeMix(`inproc-${Date.now()}`, N, { withSamples: true });
const NOW = new Date(Date.UTC(2026, 11, 7, 2, 0));
/** After the last mail's answer is due (mail i is handled at NOW + i s). */
const LATER = new Date(NOW.getTime() + (N + 3600) * 1000);

interface Variant {
  name: string;
  /**
   * One round: a fresh store, every mail handled once; returns seconds and the outcomes. Then the answers those
   * mails left in the outbox are sent through the variant's own SMTP sender (src/mail/smtp-sender.ts) to an SMTP
   * server in this process that discards them: `sendCpu` CPU seconds for `answers` answers.
   */
  run(round: number): Promise<{
    secs: number;
    cpu: number;
    outcomes: Record<string, number>;
    answers: number;
    sendCpu: number;
  }>;
}

/** An SMTP server on loopback that accepts every message and keeps nothing: the answers' far end. */
const smtpSink = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData: (stream, _session, callback) => {
    stream.on("data", () => undefined);
    stream.on("end", () => callback());
  },
});
await new Promise<void>((resolve) => smtpSink.listen(0, "127.0.0.1", () => resolve()));
const SINK_PORT = (smtpSink.server.address() as AddressInfo).port;

async function variant(name: string, root: string): Promise<Variant> {
  const load = (p: string) => import(pathToFileURL(join(root, p)).href);
  const cfg = await load("src/app/config.ts");
  const { MailDesk, mailDeskOptions } = await load("src/app/mail-desk.ts");
  const { Store } = await load("src/store/store.ts");
  const csv = await load("src/app/directory/csv.ts");
  const smtpMod = await load("src/mail/smtp-sender.ts");
  const config = cfg.loadConfig({
    DESK_DB: join(tmp, "unused.db"),
    DESK_MAIL_AUTHSERV_ID: TEST_AUTHSERV_ID,
    DESK_REPLY_CAP_PER_SENDER: "100000",
    DESK_REPLY_CAP_PER_BOOKING: "100000",
  });
  const directory = csv.readDirectoryCsv(join(ROOT, "data/sample-directory"));
  const holidays = cfg.loadHolidayCalendar(join(ROOT, "data/calendar"));
  return {
    name,
    async run(round) {
      const path = join(tmp, `${name}-${round}.db`);
      const store = Store.open(path);
      await store.tx((r: { directory: { replaceAll(d: unknown): Promise<void> } }) =>
        r.directory.replaceAll(directory),
      );
      const mailDesk = new MailDesk(
        { store, reg: config.reg, holidays },
        mailDeskOptions(config.mail, offlineDns),
      );
      const outcomes: Record<string, number> = {};
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const [i, m] of mails.entries()) {
        const res = await mailDesk.handle(m.raw, new Date(NOW.getTime() + i * 1000));
        outcomes[res.kind] = (outcomes[res.kind] ?? 0) + 1;
      }
      const secs = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      // The answers, as the service's outbox worker sends them: claimed, then sent two at a time (its lanes).
      const due: { channel: string }[] = await store.tx(
        (r: { outbox: { claimDue(...a: unknown[]): Promise<{ channel: string; recipient: string }[]> } }) =>
          r.outbox.claimDue(LATER, 1_000_000, ["mail"], "bench", new Date(LATER.getTime() + 3600_000)),
      );
      const answers = due.filter((m) => m.channel === "mail");
      const smtp = smtpMod.smtpSender({
        host: "127.0.0.1",
        port: SINK_PORT,
        tls: "none",
        from: "kythuat@hanoi.gov.vn",
        fromName: "Ban Kỹ thuật họp trực tuyến",
        messageIdDomain: "desk.hanoi.gov.vn",
      });
      const s0 = process.cpuUsage();
      const lanes = [answers.filter((_, i) => i % 2 === 0), answers.filter((_, i) => i % 2 === 1)];
      await Promise.all(
        lanes.map(async (lane) => {
          for (const m of lane) await smtp.send(m);
        }),
      );
      const sc = process.cpuUsage(s0);
      smtp.close();
      await store.close();
      rmSync(path, { force: true });
      rmSync(`${path}-wal`, { force: true });
      rmSync(`${path}-shm`, { force: true });
      return {
        secs,
        cpu: (c.user + c.system) / 1e6,
        outcomes,
        answers: answers.length,
        sendCpu: (sc.user + sc.system) / 1e6,
      };
    },
  };
}

const variants: Variant[] = [await variant("this", ROOT)];
if (BASE) variants.unshift(await variant("base", BASE));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

if (process.env.MAIL_INPROC_PROFILE === "1") {
  for (let round = 0; round <= ROUNDS; round++)
    for (const v of variants) {
      const res = await v.run(round);
      console.error(`${v.name} round ${round}: ${(mails.length / res.secs).toFixed(1)} mails/s`);
    }
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

const loadBefore = load();
/** Wall seconds and CPU seconds (user + system of this process) of one pass. */
async function timed<T>(fn: () => Promise<T>): Promise<{ wall: number; cpu: number; out: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, out };
}
type Figures = {
  wall: number[];
  cpu: number[];
  wallRatio: number[];
  cpuRatio: number[];
  /** Answers sent per CPU-second, and mails decided and answered per CPU-second of both ÷ mailparser's. */
  send: number[];
  bothRatio: number[];
};
const empty = (): Figures => ({ wall: [], cpu: [], wallRatio: [], cpuRatio: [], send: [], bothRatio: [] });
const parser = empty();
const desks = new Map<string, Figures>(variants.map((v) => [v.name, empty()]));
const loads: string[] = [];
let outcomes: Record<string, number> = {};
// Round 0 warms every path up (JIT, module loading) and is not counted.
for (let round = 0; round <= ROUNDS; round++) {
  const p = await timed(async () => {
    for (const m of mails) await simpleParser(m.raw);
  });
  const pWall = mails.length / p.wall;
  const pCpu = mails.length / p.cpu;
  // Alternate the order so neither variant always runs right after mailparser.
  const order = round % 2 ? [...variants].reverse() : variants;
  const line: string[] = [`round ${round}: mailparser ${pWall.toFixed(0)}/s (CPU ${pCpu.toFixed(0)}/s)`];
  for (const v of order) {
    // The loop only: the fresh store's opening and directory import are left out.
    const d = await v.run(round);
    const wall = mails.length / d.secs;
    const cpu = mails.length / d.cpu;
    const send = d.answers / d.sendCpu;
    const both = mails.length / (d.cpu + d.sendCpu);
    line.push(
      `${v.name} ${wall.toFixed(1)}/s (${((100 * wall) / pWall).toFixed(1)} %; CPU ${cpu.toFixed(1)}/s, ${((100 * cpu) / pCpu).toFixed(1)} %; ${d.answers} answers ${send.toFixed(0)}/CPU-s; with answers ${((100 * both) / pCpu).toFixed(1)} %)`,
    );
    if (round > 0) {
      const f = desks.get(v.name)!;
      f.wall.push(wall);
      f.cpu.push(cpu);
      f.wallRatio.push(wall / pWall);
      f.cpuRatio.push(cpu / pCpu);
      f.send.push(send);
      f.bothRatio.push(both / pCpu);
    }
    if (v.name === "this") outcomes = d.outcomes;
  }
  const l = load();
  line.push(`load ${l}`);
  console.error(line.join(", "));
  if (round > 0) {
    parser.wall.push(pWall);
    parser.cpu.push(pCpu);
    loads.push(l.split(" / ")[0]!);
  }
}
const loadAfter = load();
rmSync(tmp, { recursive: true, force: true });
smtpSink.close();

const range = (xs: number[], f: (x: number) => string) =>
  `**${f(median(xs))}** (${f(Math.min(...xs))} – ${f(Math.max(...xs))})`;
const num = (x: number) => x.toFixed(0);
const pc = (x: number) => `${(100 * x).toFixed(1)} %`;
const rows = variants
  .map((v) => {
    const f = desks.get(v.name)!;
    return `| ${v.name === "this" ? "this checkout" : "base: the code before (MAIL_INPROC_BASE)"} | ${range(f.wall, num)} | ${range(f.wallRatio, pc)} | ${range(f.cpu, num)} | ${range(f.cpuRatio, pc)} | ${range(f.send, num)} | ${range(f.bothRatio, pc)} | ${median(f.wallRatio) >= 0.25 ? "met" : "**not met**"} |`;
  })
  .join("\n");
const body = `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; load average (1 / 5 / 15 min)
${loadBefore} at the start, ${loadAfter} at the end (1-min load after each round: ${loads.join(", ")}). Command:
\`npx tsx bench/mail-inproc.ts\`${BASE ? " with `MAIL_INPROC_BASE` naming a checkout of the code before (its `MailDesk` loaded beside this one in the same process)" : ""}.

The mail path alone, in process: the backlog's mix (${mails.length} mails, the six shared samples first) through
\`MailDesk.handle\` in a loop on a fresh SQLite store (tsx), beside bare mailparser (\`simpleParser\`) on the same
mails. ${ROUNDS} rounds after one warm-up round; each round runs mailparser, then every variant (order alternating),
so each ratio compares passes taken within the same minute. Rates from wall time and from this process's CPU time
(user + system, so waiting for a core on the shared machine is left out); medians (min – max) over the rounds, the
ratio taken per round. After each desk pass, the answers it left in the outbox are sent through that code's own SMTP
sender (\`src/mail/smtp-sender.ts\`, two at a time as the outbox worker's lanes) to an SMTP server in this process that
discards them; "decided and answered" divides the mails by the CPU of both passes. Outcomes per round: ${Object.entries(
  outcomes,
)
  .map(([k, v]) => `${k} ${v}`)
  .join(", ")}.

| code | desk, mails/s | ÷ mailparser, same round | desk, mails per CPU-second | ÷ mailparser, CPU | answers sent per CPU-second | decided and answered ÷ mailparser, CPU | aim ≥ 25 % (wall) |
|---|---|---|---|---|---|---|---|
${rows}
| bare \`mailparser\` | ${range(parser.wall, num)} | — | ${range(parser.cpu, num)} | — | — | — | — |
`;
if (process.env.MAIL_INPROC_WRITE === "0") console.log(body);
else writeSection("## Mail channel in process (issue 12)", body);
