import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigDirectory, mulberry32, seedBookings } from "../bench/fixture.js";
import { registerBooking } from "../src/app/booking/index.js";
import { CliError, runCli } from "../src/app/cli/commands.js";
import { loadConfig } from "../src/app/config.js";
import type { Actor, Desk } from "../src/app/context.js";
import { reportIncident } from "../src/app/incident/report.js";
import { MailDesk } from "../src/app/mail-desk.js";
import * as ps from "../src/store/pg/schema.js";
import * as sq from "../src/store/schema.js";
import { Store } from "../src/store/store.js";
import { setPassword } from "../src/web/auth/accounts.js";
import { at, makeDesk, request, sampleDirectory, tempDir } from "./helpers.js";
import { freshDatabase, testServer } from "./support/postgres.js";
import { freePort } from "./support/servers.js";
import { mail, template } from "./support/service.js";

const config = loadConfig({});
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const admin = sampleDirectory.people.find((p) => p.role === "admin")!;

/** `npm run cli -- db copy …` in-process: what it printed, or the refusal it ended with. */
async function cli(argv: string[]): Promise<{ out: string; error: CliError | null }> {
  const lines: string[] = [];
  try {
    await runCli(argv, config, { out: (t) => lines.push(t), now: () => at("2026-12-08", "10:00") });
    return { out: lines.join("\n"), error: null };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return { out: lines.join("\n"), error: err };
  }
}

/** A desk's SQLite file with bookings, incidents, mail in and out, timers and a web account, made by the use cases. */
async function busyDesk(): Promise<{ desk: Desk; path: string }> {
  const path = join(tempDir(), "desk.db");
  const desk = await makeDesk({}, path, "sqlite");
  await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  const received = at("2026-12-07", "08:30");
  const confirmed = await registerBooking(desk, request({ receivedAt: received }), { now: received });
  expect(confirmed.duplicate ? null : confirmed.booking.status).toBe("confirmed");
  // The same endpoints at the same time: refused as a conflict.
  const clash = await registerBooking(desk, request({ receivedAt: received, title: "Họp trùng giờ" }), {
    now: received,
  });
  expect(clash.duplicate ? null : clash.booking.status).toBe("rejected");
  const mailDesk = new MailDesk(desk, {
    own: { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: "kythuat.hanoi.gov.vn" },
    officialDomains: ["hanoi.gov.vn"],
    requireAuth: false,
    maxBytes: 1 << 20,
    replyCapPerSender: 50,
    replyCapPerBooking: 20,
  });
  const byMail = await mailDesk.handle(
    mail({
      id: "dk-copy@hanoi.gov.vn",
      body: template(7, "UBND phường Ngọc Hà", "từ 14h00 đến 16h00 ngày 11/12/2026"),
    }),
    received,
  );
  expect(byMail.kind).toBe("registered");
  const person = await desk.store.read((r) => r.incidents.personByChat("telegram", tech.telegramId!));
  const reporter: Actor = { id: `web:${person!.id}`, channel: "web", person };
  const reported = await reportIncident(
    desk,
    reporter,
    { text: "điểm cầu mất tiếng" },
    at("2026-12-10", "09:30"),
  );
  expect(reported.ok).toBe(true);
  await setPassword(
    desk,
    admin.email ?? admin.name,
    "mat-khau-tam-thoi-dai-du-12",
    at("2026-12-07", "09:00"),
  );
  return { desk, path };
}

describe("db copy: a desk's SQLite database into PostgreSQL", () => {
  let server: { url: string; release(): Promise<void> };
  const drops: (() => Promise<void>)[] = [];
  const fresh = async () => {
    const d = await freshDatabase(server.url);
    drops.push(d.drop);
    return d.url;
  };

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    for (const d of drops) await d();
    await server?.release();
  });

  it("copies every table with the same rows, prints the counts side by side, and moves the id sequences", async () => {
    const { desk, path } = await busyDesk();
    const url = await fresh();
    const res = await cli(["db", "copy", "--from", path, "--to", url]);
    expect(res.error).toBeNull();

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const sqliteCount = (t: string) =>
        (desk.store.sqlite.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
      const pgCount = async (t: string) =>
        (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0]!.n;
      for (const t of ["bookings", "booking_endpoints", "booking_events", "incidents", "incident_events"]) {
        expect(sqliteCount(t), t).toBeGreaterThan(0);
      }
      for (const t of [
        "outbox",
        "jobs",
        "inbound_messages",
        "web_accounts",
        "people",
        "endpoints",
        "agencies",
      ]) {
        expect(sqliteCount(t), t).toBeGreaterThan(0);
        expect(await pgCount(t), t).toBe(sqliteCount(t));
        // The printed table has the table's row with both counts.
        expect(res.out).toMatch(new RegExp(`^${t}\\s+${sqliteCount(t)}\\s+${sqliteCount(t)}\\s+có$`, "m"));
      }
      expect(res.out).toContain("số dòng mọi bảng khớp nhau");

      // Rows read back through each dialect's schema are the same values (dates, flags, JSON, bytes).
      const pdb = drizzle(client, { schema: ps });
      const sdb = desk.store.db;
      expect(await pdb.select().from(ps.bookings).orderBy(asc(ps.bookings.code))).toEqual(
        sdb.select().from(sq.bookings).orderBy(asc(sq.bookings.code)).all(),
      );
      expect(await pdb.select().from(ps.outbox).orderBy(asc(ps.outbox.id))).toEqual(
        sdb.select().from(sq.outbox).orderBy(asc(sq.outbox.id)).all(),
      );
      const sInbound = sdb.select().from(sq.inboundMessages).all();
      const pInbound = await pdb.select().from(ps.inboundMessages);
      expect(pInbound.find((m) => m.raw)?.raw).toEqual(sInbound.find((m) => m.raw)?.raw);
      expect(await pdb.select().from(ps.webAccounts)).toEqual(sdb.select().from(sq.webAccounts).all());
      expect(await pdb.select().from(ps.changeCounters)).toEqual(sdb.select().from(sq.changeCounters).all());
      const secretFlags = (await pdb.select().from(ps.bookings)).map((b) => b.secret);
      expect(secretFlags.every((s) => s === false)).toBe(true);

      // The next id continues after the copied ones instead of colliding with them.
      const maxOutbox = Math.max(
        ...sdb
          .select()
          .from(sq.outbox)
          .all()
          .map((m) => m.id),
      );
      const [inserted] = await pdb
        .insert(ps.outbox)
        .values({
          channel: "mail",
          recipient: "a@hanoi.gov.vn",
          kind: "reply",
          payload: {},
          availableAt: new Date(),
          createdAt: new Date(),
        })
        .returning({ id: ps.outbox.id });
      expect(inserted!.id).toBe(maxOutbox + 1);
      // And the schedule triggers are on again after the copy.
      const before = (
        await pdb.select().from(ps.changeCounters).where(eq(ps.changeCounters.name, "schedule"))
      )[0]!.n;
      await client.query("UPDATE bookings SET title = title");
      const after = (
        await pdb.select().from(ps.changeCounters).where(eq(ps.changeCounters.name, "schedule"))
      )[0]!.n;
      // One statement, one bump (statement-level triggers, drizzle-pg/0008), whatever the rows it touched.
      expect(sqliteCount("bookings")).toBeGreaterThan(1);
      expect(after).toBe(before + 1);
    } finally {
      await client.end();
    }
  });

  it("copies a desk of 20 000 bookings whole, counts matching, and leaves it analyzed for the planner", async () => {
    // A year of bookings bulk-seeded into SQLite (bench/fixture.ts), as a city desk would bring along.
    const path = join(tempDir(), "big.db");
    const desk = await makeDesk({}, path, "sqlite");
    const dir = bigDirectory(300);
    await desk.store.tx((r) => r.directory.replaceAll(dir));
    seedBookings(
      desk.store,
      dir.endpoints.map((e) => e.code),
      { count: 20_000, days: 360, rnd: mulberry32(7), rejectedEvery: 10 },
    );
    const url = await fresh();
    const res = await cli(["db", "copy", "--from", path, "--to", url]);
    expect(res.error).toBeNull();
    expect(res.out).toContain("số dòng mọi bảng khớp nhau");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const sqliteCount = (t: string) =>
        (desk.store.sqlite.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
      for (const t of ["bookings", "booking_endpoints"]) {
        const n = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0]!.n;
        expect(n, t).toBe(sqliteCount(t));
      }
      expect(sqliteCount("bookings")).toBe(20_000);
      // Vacuumed and analyzed by the copy itself (not left to autovacuum, which records last_autovacuum): the
      // planner knows the tables' sizes at once, and the visibility map lets counts read the index alone.
      const stats = await client.query<{ relname: string; done: boolean; tuples: number }>(
        `SELECT c.relname, s.last_vacuum IS NOT NULL AND s.last_analyze IS NOT NULL AS done,
                c.reltuples::int AS tuples
           FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
          WHERE c.relname IN ('bookings', 'booking_endpoints') ORDER BY c.relname`,
      );
      expect(stats.rows).toEqual([
        { relname: "booking_endpoints", done: true, tuples: sqliteCount("booking_endpoints") },
        { relname: "bookings", done: true, tuples: 20_000 },
      ]);
      // The copied store lists the same first page and footer as the file it came from.
      const range = { from: at("2026-01-01", "00:00"), to: at("2027-01-01", "00:00") };
      const target = await Store.connect(url);
      try {
        const page = (s: typeof target | typeof desk.store) =>
          s.read(async (r) => {
            const first = await r.bookings.list(range, { limit: 50, after: null });
            const after = await r.bookings.cursorOf(first.at(-1)!.code);
            const next = await r.bookings.list(range, { limit: 50, after });
            return {
              codes: [...first, ...next].map((b) => b.code),
              pos: await r.bookings.position(range, after),
            };
          });
        const [mine, theirs] = [await page(target), await page(desk.store)];
        expect(mine).toEqual(theirs);
        expect(mine.pos.before).toBe(50);
      } finally {
        await target.close();
      }
    } finally {
      await client.end();
    }
  }, 240_000);

  it("refuses a target that already holds desk data, and leaves it as it was", async () => {
    const { path } = await busyDesk();
    const url = await fresh();
    expect((await cli(["db", "copy", "--from", path, "--to", url])).error).toBeNull();
    const again = await cli(["db", "copy", "--from", path, "--to", url]);
    expect(again.error?.message).toMatch(/đã có dữ liệu của bàn kỹ thuật/);
    expect(again.error?.message).toMatch(/bookings: \d+ dòng/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const n = (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM bookings")).rows[0]!.n;
      expect(n).toBe(3);
    } finally {
      await client.end();
    }
  });

  it("refuses a missing source, a file that is not a desk database, and a bad URL, in Vietnamese", async () => {
    const url = await fresh();
    const missing = await cli(["db", "copy", "--from", "/nonexistent/desk.db", "--to", url]);
    expect(missing.error?.message).toMatch(/^Không tìm thấy CSDL nguồn \/nonexistent\/desk\.db/);

    const notDesk = join(tempDir(), "notes.db");
    writeFileSync(notDesk, "đây không phải cơ sở dữ liệu");
    expect((await cli(["db", "copy", "--from", notDesk, "--to", url])).error?.message).toMatch(
      /Không mở được .* như một CSDL SQLite/,
    );

    const { path } = await busyDesk();
    const wrongScheme = await cli(["db", "copy", "--from", path, "--to", "mysql://desk:bi-mat-1@db/desk"]);
    expect(wrongScheme.error?.message).toMatch(/không hợp lệ: địa chỉ phải bắt đầu bằng postgres:\/\//);
    expect(wrongScheme.error?.message).not.toContain("bi-mat-1");
    const noDatabase = await cli([
      "db",
      "copy",
      "--from",
      path,
      "--to",
      "postgres://desk:bi-mat-2@127.0.0.1:5432",
    ]);
    expect(noDatabase.error?.message).toMatch(/thiếu tên cơ sở dữ liệu/);
    expect(noDatabase.error?.message).not.toContain("bi-mat-2");
    expect((await cli(["db", "copy", "--from", path])).error?.exitCode).toBe(2);
  });

  it("never prints the URL's password: not while copying, not when the server cannot be reached", async () => {
    const { path } = await busyDesk();
    const base = new URL(await fresh());
    // Trust authentication ignores the password, so the copy succeeds with one in the URL.
    base.username = "postgres";
    base.password = "Mat-Khau-Rat-Bi-Mat";
    const ok = await cli(["db", "copy", "--from", path, "--to", base.toString()]);
    expect(ok.error).toBeNull();
    expect(ok.out).toContain("postgres:***@");
    expect(ok.out).not.toContain("Mat-Khau-Rat-Bi-Mat");

    const closed = new URL(base);
    closed.port = String(await freePort());
    const down = await cli(["db", "copy", "--from", path, "--to", closed.toString()]);
    expect(down.error?.message).toMatch(/^Không kết nối hoặc chuẩn bị được CSDL PostgreSQL/);
    expect(down.error?.message).toContain("postgres:***@127.0.0.1");
    expect(`${down.out}\n${down.error?.message}`).not.toContain("Mat-Khau-Rat-Bi-Mat");

    // A password with @ and / written as is would be half taken for the host: refused, and not echoed.
    const raw = `postgres://desk:p@ss/W0rd-Bi-Mat@127.0.0.1:${base.port}/desk`;
    const unencoded = await cli(["db", "copy", "--from", path, "--to", raw]);
    expect(unencoded.error?.message).toMatch(/phải được mã hóa phần trăm/);
    expect(`${unencoded.out}\n${unencoded.error?.message}`).not.toMatch(/W0rd|p@ss/);
    expect(unencoded.error?.message).toContain("postgres://desk:***@127.0.0.1");
  });
});
