/**
 * Mail channel figures through a real Dovecot and SMTP server, the service as its own process run the way
 * `npm start` runs it: the compiled bundle `node dist/app/main.js` (built first when stale), all in one run:
 * - latency APPEND → answer at the SMTP sink for mails that arrive spaced out (0.2–2 s apart, so the IDLE path
 *   is measured), and beside it for mails appended back to back;
 * - a backlog waiting at start, in mails/s: decided (IMAP connected → the service's last `mail` log line) and
 *   answered (IMAP connected → the last answer at the SMTP sink), beside bare mailparser's rate on the same mails
 *   in the same run (the ceiling) and their ratio;
 * - the service's idle RSS, and its peak RSS (VmHWM) over the whole run;
 * - a mixed load: a mail backlog and a chat burst (Telegram, to the strict fake Bot API) at once.
 * The mix is realistic: several senders (departments' mailboxes), plain-text forms, Outlook-style HTML tables,
 * prose letters, text without diacritics, replies in the thread that change the time or cancel, out-of-office
 * auto-replies, and the six shared sample mails (../shared/samples/mail) with fresh Message-IDs.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { FakeTelegram } from "../tests/support/fake-telegram.js";
import { Dovecot, SmtpSink } from "../tests/support/servers.js";
import { deskEnv } from "../tests/support/service.js";
import { mulberry32 } from "./fixture.js";
import { type BenchMail, makeMix, senders } from "./mail-mix.js";
import { load, machine, ms, pct, serviceNodeArgs, verdict, writeSection } from "./sections.js";

const BACKLOG = Number(process.env.MAIL_BACKLOG ?? 1000);
const SPACED = Number(process.env.MAIL_SPACED ?? 60);
const BURST = Number(process.env.MAIL_BURST ?? 60);
const MIXED_MAILS = Number(process.env.MIXED_MAILS ?? 600);
const MIXED_CHAT = Number(process.env.MIXED_CHAT ?? 600);
const GROUP = "-100300";
/**
 * MAIL_BENCH_ONLY=backlog runs only the backlog row (no latency, no mixed load) and prints it without writing
 * BENCHMARKS.md; MAIL_BENCH_ROOTS=/a,/b runs that backlog once per checkout, interleaved for MAIL_BENCH_ROUNDS
 * rounds (each root's bundle built first), so a branch and its base are measured side by side in the same run.
 * MAIL_SVC_PROF=DIR starts the backlog's service with `--cpu-prof --cpu-prof-dir=DIR`.
 */
const ONLY_BACKLOG = process.env.MAIL_BENCH_ONLY === "backlog";
const ROOTS = (process.env.MAIL_BENCH_ROOTS ?? "").split(",").filter(Boolean);
const ROUNDS = Number(process.env.MAIL_BENCH_ROUNDS ?? 3);
const PROF_DIR = process.env.MAIL_SVC_PROF ?? null;

const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-mail-"));
const rnd = mulberry32(2027);

interface Service {
  child: ChildProcess;
  pid: number;
  /** Every JSON log line so far, with the bench's clock when it arrived. */
  lines: { at: number; event: string; fields: Record<string, unknown> }[];
  exited: Promise<void>;
}

function startService(
  dovecot: Dovecot,
  sink: SmtpSink,
  db: string,
  extra: Record<string, string> = {},
  root = ROOT,
  flags: string[] = [],
): Service {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...deskEnv(dovecot, sink, db),
    // IDLE delivers new mail at once; the poll is only the fallback.
    DESK_IMAP_POLL_SECONDS: "30",
    DESK_REPLY_CAP_PER_SENDER: "100000",
    DESK_REPLY_CAP_PER_BOOKING: "100000",
    DESK_CHAT_REPORT_LIMIT: "100000",
    DESK_POLL_MS: "1000",
    DESK_LOG_LEVEL: "info",
    ...extra,
  };
  const args = [...flags, ...startArgs(root)];
  const child = spawn(process.execPath, args, {
    env,
    stdio: ["ignore", "pipe", "inherit"],
    cwd: rootOf(root),
  });
  const svc: Service = {
    child,
    pid: child.pid!,
    lines: [],
    exited: new Promise((r) => child.once("exit", () => r())),
  };
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    const at = performance.now();
    for (const l of parts) {
      // MAIL_BENCH_ECHO=1: the service's log lines on this process's stderr (when a run hangs, what it was doing).
      if (process.env.MAIL_BENCH_ECHO) process.stderr.write(`svc ${l}\n`);
      try {
        const j = JSON.parse(l) as { event: string };
        svc.lines.push({ at, event: j.event, fields: j as Record<string, unknown> });
      } catch {}
    }
  });
  return svc;
}

async function stop(svc: Service): Promise<void> {
  svc.child.kill("SIGTERM");
  await svc.exited;
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`bench timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

function memMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}

const count = (svc: Service, event: string) => svc.lines.filter((l) => l.event === event).length;

/** The first answer at the sink to each mail, by its In-Reply-To. */
function answersAt(sink: SmtpSink): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of sink.messages) {
    const irt = s.parsed.inReplyTo?.replace(/[<>]/g, "");
    if (irt && !m.has(irt)) m.set(irt, s.at);
  }
  return m;
}

async function emptyInbox(dovecot: Dovecot): Promise<void> {
  const c = await dovecot.client();
  const lock = await c.getMailboxLock("INBOX");
  try {
    if ((c.mailbox && typeof c.mailbox === "object" ? c.mailbox.exists : 0) > 0) await c.messageDelete("1:*");
  } finally {
    lock.release();
  }
  await c.logout();
}

/** APPEND → answer for `mails` appended by `gapMs()` apart (0 = back to back), the service already idling. */
async function latencyRun(dovecot: Dovecot, sink: SmtpSink, mails: BenchMail[], gapMs: () => number) {
  const client = await dovecot.client();
  const sentAt = new Map<string, number>();
  for (const m of mails) {
    // The bench's own clock (performance) against the sink's Date.now(): both taken in this process.
    sentAt.set(m.id, Date.now());
    await client.append("INBOX", m.raw);
    const gap = gapMs();
    if (gap > 0) await sleep(gap);
  }
  await client.logout();
  const want = mails.filter((m) => m.answered);
  await waitFor(() => want.every((m) => answersAt(sink).has(m.id)), 120_000, "answers");
  const got = answersAt(sink);
  return want.map((m) => got.get(m.id)! - sentAt.get(m.id)!);
}

/** `npm start`'s command line (package.json: `exec node [flags] scripts/start.mjs`), run here the same way. */
function startArgs(spec: string): string[] {
  // `ROOT@FLAGS`: that checkout with node flags FLAGS (space-separated, may be empty) instead of npm start's own.
  const [root, flags] = spec.includes("@")
    ? [spec.slice(0, spec.indexOf("@")), spec.slice(spec.indexOf("@") + 1)]
    : [spec, null];
  const args = serviceNodeArgs(root);
  if (flags === null) return args;
  return [...flags.split(/\s+/).filter(Boolean), ...args.filter((a) => !a.startsWith("--"))];
}
const rootOf = (spec: string) => (spec.includes("@") ? spec.slice(0, spec.indexOf("@")) : spec);
const START_CMD = `node ${startArgs(ROOT)
  .map((a) => a.replace(`${ROOT}/`, ""))
  .join(" ")}`;
// What scripts/start.mjs does first, done here before the clock starts: rebuild the bundle when a source is newer.
for (const root of new Set([ROOT, ...ROOTS.map(rootOf)]))
  execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-stale"], { stdio: "inherit" });

/**
 * A process's user + system CPU seconds so far, all its threads (/proc/PID/stat, clock ticks of 1/100 s); with
 * `thread`, that thread's alone (/proc/PID/task/TID/stat; the main thread's TID is the PID).
 */
function cpuSeconds(pid: number, thread?: number): number {
  const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const f = readFileSync(path, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * One backlog: `mails` waiting before the service starts, decided and answered. Returns the rates from IMAP
 * connected, and the service's CPU seconds over that time (decided), so waiting shows as CPU below wall.
 */
async function backlogRun(
  dovecot: Dovecot,
  sink: SmtpSink,
  backlog: BenchMail[],
  db: string,
  root = ROOT,
  flags: string[] = [],
) {
  await emptyInbox(dovecot);
  await dovecot.append(...backlog.map((m) => m.raw));
  sink.messages.length = 0;
  const t0 = performance.now();
  const bsvc = startService(dovecot, sink, db, {}, root, flags);
  let peak = 0;
  let cpuAtConnect = 0;
  let mainAtConnect = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, memMb(bsvc.pid, "VmHWM"));
    } catch {}
  }, 200);
  await waitFor(() => count(bsvc, "imap-connected") > 0, 300_000, "imap-connected");
  cpuAtConnect = cpuSeconds(bsvc.pid);
  mainAtConnect = cpuSeconds(bsvc.pid, bsvc.pid);
  // Halfway: the second half of a backlog runs on code the JIT has already optimized (a fresh process compiles
  // for much of its first thousand mails on V8's own threads), so it measures the desk warm.
  const half = Math.floor(backlog.length / 2);
  await waitFor(() => count(bsvc, "mail") >= half, 600_000, "half the backlog decided");
  const halfAt = performance.now();
  const cpuAtHalf = cpuSeconds(bsvc.pid);
  const mainAtHalf = cpuSeconds(bsvc.pid, bsvc.pid);
  await waitFor(() => count(bsvc, "mail") >= backlog.length, 600_000, "backlog decided");
  const decidedAt = performance.now();
  const cpuDecided = cpuSeconds(bsvc.pid) - cpuAtConnect;
  // The event loop's thread alone: what bounds the rate when the other threads (the mail reader, the WAL
  // checkpointer, V8's GC helpers) have a core of their own.
  const mainDecided = cpuSeconds(bsvc.pid, bsvc.pid) - mainAtConnect;
  const secondHalf = {
    mails: backlog.length - half,
    wall: (decidedAt - halfAt) / 1000,
    cpu: cpuDecided + cpuAtConnect - cpuAtHalf,
    main: mainDecided + mainAtConnect - mainAtHalf,
  };
  if (process.env.MAIL_BENCH_THREADS) {
    // Every thread's CPU since its start, the busiest first (V8's platform workers, libuv's pool and worker
    // threads all call themselves "node"): where the CPU beside the event loop goes.
    const threads = readdirSync(`/proc/${bsvc.pid}/task`)
      .map((tid) => ({ tid, cpu: cpuSeconds(bsvc.pid, Number(tid)) }))
      .filter((t) => t.cpu > 0)
      .sort((a, b) => b.cpu - a.cpu);
    console.log(
      `threads (CPU s since start): ${threads.map((t) => `${t.tid === String(bsvc.pid) ? "main" : t.tid} ${t.cpu.toFixed(2)}`).join(", ")}`,
    );
  }
  const connectedAt = bsvc.lines.find((l) => l.event === "imap-connected")?.at ?? t0;
  const firstMail = bsvc.lines.find((l) => l.event === "mail")!.at;
  const want = backlog.filter((m) => m.answered);
  await waitFor(() => answersAt(sink).size >= want.length, 600_000, "backlog answered");
  const answeredAt = Math.max(...[...answersAt(sink).values()]) - Date.now() + performance.now();
  clearInterval(sampler);
  peak = Math.max(peak, memMb(bsvc.pid, "VmHWM"));
  const outcomes: Record<string, number> = {};
  for (const l of bsvc.lines.filter((x) => x.event === "mail"))
    outcomes[String(l.fields.outcome)] = (outcomes[String(l.fields.outcome)] ?? 0) + 1;
  return {
    svc: bsvc,
    peak,
    want,
    outcomes,
    connectedAt,
    firstMail,
    decidedAt,
    answeredAt,
    cpuDecided,
    mainDecided,
    secondHalf,
    serviceRate: backlog.length / ((decidedAt - connectedAt) / 1000),
    answeredRate: want.length / ((answeredAt - connectedAt) / 1000),
    fromSpawnRate: backlog.length / ((decidedAt - t0) / 1000),
  };
}

/** Bare mailparser on the mails in this process: mails per wall second, and per CPU second of this process. */
async function parseRates(backlog: BenchMail[]): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const p0 = performance.now();
  for (const m of backlog) await simpleParser(m.raw);
  const c = process.cpuUsage(c0);
  return {
    wall: backlog.length / ((performance.now() - p0) / 1000),
    cpu: backlog.length / ((c.user + c.system) / 1e6),
  };
}

if (ONLY_BACKLOG) {
  const dovecot = new Dovecot();
  const sink = new SmtpSink();
  await dovecot.start();
  await sink.start();
  const l0 = load();
  const roots = ROOTS.length ? ROOTS : [ROOT];
  const rows: Record<
    string,
    {
      rate: number;
      answered: number;
      cpu: number;
      main: number;
      wall: number;
      ratio: number;
      cpuRatio: number;
    }[]
  > = {};
  try {
    const backlog = makeMix("backlog", BACKLOG, { withSamples: true });
    await parseRates(backlog); // warm mailparser once: the ceiling is its warm rate, as in the full run
    for (let round = 0; round < ROUNDS; round++) {
      for (const root of round % 2 ? [...roots].reverse() : roots) {
        const flags = PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROF_DIR}`] : [];
        const b = await backlogRun(
          dovecot,
          sink,
          backlog,
          join(tmp, `b-${round}-${rows[root]?.length ?? 0}-${roots.indexOf(root)}.db`),
          root,
          flags,
        );
        await stop(b.svc);
        const parse = await parseRates(backlog);
        const wall = (b.decidedAt - b.connectedAt) / 1000;
        const row = {
          rate: b.serviceRate,
          answered: b.answeredRate,
          cpu: b.cpuDecided,
          main: b.mainDecided,
          wall,
          ratio: b.serviceRate / parse.wall,
          cpuRatio: backlog.length / b.cpuDecided / parse.cpu,
        };
        rows[root] = [...(rows[root] ?? []), row];
        console.log(
          `${root} round ${round}: decided ${b.serviceRate.toFixed(0)}/s answered ${b.answeredRate.toFixed(0)}/s, ` +
            `wall ${wall.toFixed(2)} s, service CPU ${b.cpuDecided.toFixed(2)} s (main thread ${b.mainDecided.toFixed(2)} s), mailparser ${parse.wall.toFixed(0)}/s (${parse.cpu.toFixed(0)} per CPU-s), ` +
            `ratio ${(100 * row.ratio).toFixed(1)} % (per CPU-s ${(100 * row.cpuRatio).toFixed(1)} %), peak ${b.peak.toFixed(0)} MiB; second half ${(b.secondHalf.mails / b.secondHalf.wall).toFixed(0)}/s, CPU ${b.secondHalf.cpu.toFixed(2)} s (main ${b.secondHalf.main.toFixed(2)} s), per CPU-s ${((100 * b.secondHalf.mails) / b.secondHalf.cpu / parse.cpu).toFixed(1)} %; outcomes ${JSON.stringify(b.outcomes)}`,
        );
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const [root, rs] of Object.entries(rows))
      console.log(
        `${root}: median decided ${med(rs.map((r) => r.rate)).toFixed(0)}/s, answered ${med(rs.map((r) => r.answered)).toFixed(0)}/s, ` +
          `ratio ${(100 * med(rs.map((r) => r.ratio))).toFixed(1)} %, per CPU-s ${(100 * med(rs.map((r) => r.cpuRatio))).toFixed(1)} %, CPU/wall ${med(rs.map((r) => r.cpu / r.wall)).toFixed(2)}, ` +
          `CPU per backlog ${med(rs.map((r) => r.cpu)).toFixed(2)} s (main thread ${med(rs.map((r) => r.main)).toFixed(2)} s)`,
      );
    console.log(`load ${l0} → ${load()}`);
  } finally {
    await sink.stop();
    await dovecot.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(0);
}
const dovecot = new Dovecot();
const sink = new SmtpSink();
await dovecot.start();
await sink.start();
const loadStart = load();
try {
  // 1. Latency, spaced out and back to back, on one idling service.
  const svc = startService(dovecot, sink, join(tmp, "latency.db"));
  await waitFor(() => count(svc, "imap-connected") > 0, 60_000, "imap-connected");
  await sleep(5000); // past the feed's warm-up (3 s after start): the desk idles
  const idleRss = memMb(svc.pid, "VmRSS");
  const spacedMails = makeMix("spaced", SPACED).filter((m) => m.kind !== "auto-reply");
  const spaced = await latencyRun(dovecot, sink, spacedMails, () => 200 + rnd(1801));
  const burstMails = makeMix("burst", BURST, { from: new Date(Date.UTC(2027, 2, 1)) }).filter(
    (m) => m.kind !== "auto-reply",
  );
  const b2b = await latencyRun(dovecot, sink, burstMails, () => 0);
  const latencyPeak = memMb(svc.pid, "VmHWM");
  await stop(svc);

  // 2. Backlog: BACKLOG mails of the mix waiting before the service starts.
  const backlog = makeMix("backlog", BACKLOG, { withSamples: true });
  const b = await backlogRun(dovecot, sink, backlog, join(tmp, "backlog.db"));
  const { peak, want, outcomes, connectedAt, firstMail, decidedAt, answeredAt, cpuDecided } = b;
  const { serviceRate, answeredRate, fromSpawnRate } = b;
  await sleep(5000);
  const idleAfter = memMb(b.svc.pid, "VmRSS");
  await stop(b.svc);

  // 3. The ceiling, right after: bare mailparser on the same mails, in this process (warm: parsed once before).
  await parseRates(backlog);
  const parse = await parseRates(backlog);
  const parseRate = parse.wall;
  const cpuRatio = backlog.length / cpuDecided / parse.cpu;

  // 4. Mixed load: a mail backlog and a chat burst at once.
  await emptyInbox(dovecot);
  const mixed = makeMix("mixed", MIXED_MAILS);
  await dovecot.append(...mixed.map((m) => m.raw));
  const token = `${randomInt(1_000_000, 9_999_999)}:${randomBytes(18).toString("base64url")}`;
  const fake = new FakeTelegram(token);
  await fake.start();
  const techs = dir.people.filter((p) => p.role === "technician" && p.telegramId);
  const faults = ["mất tiếng", "mất hình", "rớt mạng", "mất điện", "codec treo máy"];
  const msvc = startService(dovecot, sink, join(tmp, "mixed.db"), {
    DESK_TELEGRAM_TOKEN: token,
    DESK_TELEGRAM_GROUP_ID: GROUP,
    DESK_TELEGRAM_API_ROOT: fake.url,
  });
  // The chat burst is queued as the service comes up: its polling and the IMAP backlog start together.
  const m0 = performance.now();
  const ids: number[] = [];
  for (let i = 0; i < MIXED_CHAT; i++) {
    const t = techs[i % techs.length]!;
    ids.push(
      fake.message(
        Number(GROUP),
        Number(t.telegramId),
        faults[Math.floor(i / techs.length) % faults.length]!,
      ),
    );
  }
  await waitFor(
    () => count(msvc, "mail") >= mixed.length && count(msvc, "chat") >= MIXED_CHAT,
    600_000,
    "mixed load handled",
  );
  const mixedPeak = memMb(msvc.pid, "VmHWM");
  const mConnected = msvc.lines.find((l) => l.event === "imap-connected")?.at ?? m0;
  const mailDone = msvc.lines.filter((l) => l.event === "mail").at(-1)!.at;
  const chatLines = msvc.lines.filter((l) => l.event === "chat");
  const chatFirst = chatLines[0]!.at;
  const chatDone = chatLines.at(-1)!.at;
  const mixedMailRate = mixed.length / ((mailDone - mConnected) / 1000);
  const chatRate = MIXED_CHAT / ((chatDone - chatFirst) / 1000);
  const dupChat = chatLines.filter((l) => l.fields.duplicate).length;
  await stop(msvc);
  await fake.stop();
  const loadEnd = load();

  const mix = (ms: BenchMail[]) => {
    const k: Record<string, number> = {};
    for (const m of ms) k[m.kind] = (k[m.kind] ?? 0) + 1;
    return Object.entries(k)
      .map(([a, b]) => `${a} ${b}`)
      .join(", ");
  };
  const peakAll = Math.max(latencyPeak, peak, mixedPeak);
  const ratio = serviceRate / parseRate;
  writeSection(
    "## Mail channel (issues 3, 12)",
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; load average (1 / 5 / 15 min)
${loadStart} at the start, ${loadEnd} at the end. Command: \`npx tsx bench/mail.ts\`. Real Dovecot 2.3 and an
smtp-server sink on loopback; the service runs as its own process the way \`npm start\` runs it: the compiled
bundle, \`${START_CMD}\` (no tsx), with IMAP, SMTP (and Telegram in the mixed row) configured. The backlog
rate counts from the service's IMAP login to its last decision (its \`mail\` log line: the mail's effect and its
answer committed to the outbox), and separately to the last answer received by the SMTP sink.

Mix (${senders.length} departments' mailboxes as senders): backlog ${mix(backlog)}. The latency runs use the same
mix without auto-replies (they get no answer): ${mix(spacedMails)}.

| measure | figure | aim | met? |
|---|---|---|---|
| APPEND → answer, ${spaced.length} mails arriving 0.2–2 s apart (IDLE path) | p50 **${ms(pct(spaced, 50))}**, p95 **${ms(pct(spaced, 95))}**, max ${ms(Math.max(...spaced))} | p95 ≤ 1 s | ${verdict(pct(spaced, 95), 1000)} |
| APPEND → answer, ${b2b.length} mails appended back to back | p50 ${ms(pct(b2b, 50))}, p95 ${ms(pct(b2b, 95))}, max ${ms(Math.max(...b2b))} | p95 ≤ 1 s | ${verdict(pct(b2b, 95), 1000)} |
| backlog of ${backlog.length} at start: decided, from IMAP connected to the last decision | **${serviceRate.toFixed(0)} mails/s** (${((decidedAt - connectedAt) / 1000).toFixed(1)} s; first decision ${((firstMail - connectedAt) / 1000).toFixed(1)} s after connecting) | ≥ 300 mails/s | ${verdict(serviceRate, 300, true)} |
| … answered: from IMAP connected to the last of ${want.length} answers at the SMTP sink | ${answeredRate.toFixed(0)} answers/s (${((answeredAt - connectedAt) / 1000).toFixed(1)} s) | — | — |
| … decided, from spawn (process start included) | ${fromSpawnRate.toFixed(0)} mails/s | — | — |
| bare \`mailparser\` on the same ${backlog.length} mails, this run (the ceiling) | ${parseRate.toFixed(0)} mails/s | — | — |
| service rate ÷ mailparser rate | **${(100 * ratio).toFixed(1)} %** | ≥ 25 % | ${verdict(ratio, 0.25, true)} |
| … per CPU-second: the service's CPU from IMAP connected to the last decision (${cpuDecided.toFixed(1)} s, /proc) against mailparser's in this process (${parse.cpu.toFixed(0)} mails per CPU-second) | **${(100 * cpuRatio).toFixed(1)} %** (${(backlog.length / cpuDecided).toFixed(0)} mails per CPU-second; CPU ÷ wall ${(cpuDecided / ((decidedAt - connectedAt) / 1000)).toFixed(2)}) | ≥ 25 % | ${verdict(cpuRatio, 0.25, true)} |
| service RSS idle (5 s after connecting, nothing to do) | ${idleRss.toFixed(0)} MiB (after the backlog, idle again: ${idleAfter.toFixed(0)} MiB) | — | — |
| service peak RSS (VmHWM): latency runs / backlog / mixed load | ${latencyPeak.toFixed(0)} / ${peak.toFixed(0)} / ${mixedPeak.toFixed(0)} MiB | ≤ 200 MB | ${verdict(peakAll, 200)} |
| **mixed load**: ${mixed.length} mails waiting + ${MIXED_CHAT} chat reports queued at once | mail ${mixedMailRate.toFixed(0)} mails/s (${((mailDone - mConnected) / 1000).toFixed(1)} s), chat ${chatRate.toFixed(0)} updates/s (${((chatDone - chatFirst) / 1000).toFixed(1)} s; ${dupChat} duplicates) | ≥ 300 mails/s | ${verdict(mixedMailRate, 300, true)} |

Backlog outcomes: ${Object.entries(outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
  );
} finally {
  await sink.stop();
  await dovecot.destroy();
  rmSync(tmp, { recursive: true, force: true });
}
