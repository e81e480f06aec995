/**
 * Issue 12, benchmarks that do not flatter: the decision bench's fixture must spread its bookings. The old
 * generator (`seed = (seed * 1103515245 + 12345) % 2^31` in doubles) lost its low bits beyond 2^53, so `rnd(8)`
 * was 0 in 99.6 % of draws and 100 000 bookings fell on 170 of 1 000 endpoints: a bench of an almost empty
 * store. These tests fail on that generator (the last one runs it to show so).
 */
import { describe, expect, it } from "vitest";
import { bigDirectory, mulberry32, seedBookings } from "../bench/fixture.js";
import { KEPT_NOTES, replaceSection } from "../bench/sections.js";
import { makeDesk } from "./helpers.js";

// SQLite only: it checks the bench's random generator; bench/fixture.ts bulk-inserts through SQLite's handle.

/** The generator the bench used before issue 12, verbatim in behaviour. */
function oldLcg(seed: number): (n: number) => number {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

/** Share of draws of `rnd(n)` that fall in each bucket. */
function buckets(rnd: (n: number) => number, n: number, draws: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < draws; i++) counts[rnd(n)]!++;
  return counts.map((c) => c / draws);
}

/** How many of the directory's endpoints hold at least one seeded booking. */
async function endpointsUsed(rnd: (n: number) => number, count: number) {
  const desk = await makeDesk();
  const dir = bigDirectory(1000);
  await desk.store.tx((r) => r.directory.replaceAll(dir));
  const codes = dir.endpoints.map((e) => e.code);
  seedBookings(desk.store, codes, { count, days: 700, rnd, rejectedEvery: 10 });
  const [{ n }] = desk.store.sqlite
    .prepare("SELECT COUNT(DISTINCT endpoint) AS n FROM booking_endpoints")
    .all() as [{ n: number }];
  const [{ b }] = desk.store.sqlite.prepare("SELECT COUNT(*) AS b FROM bookings").all() as [{ b: number }];
  return { used: n, total: codes.length, bookings: b };
}

describe("the decision bench's fixture generator", () => {
  it("draws every value of a small range about equally often (rnd(8): each 12.5 % ± 1 %)", () => {
    for (const seed of [1, 42, 2026]) {
      for (const share of buckets(mulberry32(seed), 8, 80_000)) {
        expect(share).toBeGreaterThan(0.115);
        expect(share).toBeLessThan(0.135);
      }
    }
  });

  it("replays: the same seed gives the same draws, another seed others", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 50 }, () => a(1000));
    expect(Array.from({ length: 50 }, () => b(1000))).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c(1000))).not.toEqual(xs);
  });

  it("20 000 seeded bookings fall on at least 90 % of the 1 000 endpoints", async () => {
    const { used, total, bookings } = await endpointsUsed(mulberry32(42), 20_000);
    expect(bookings).toBe(20_000);
    expect(total).toBe(1000);
    expect(used / total).toBeGreaterThanOrEqual(0.9);
  });

  it("the criterion tells a bad generator apart: the old LCG fails both checks", async () => {
    const shares = buckets(oldLcg(42), 8, 80_000);
    expect(Math.max(...shares)).toBeGreaterThan(0.9);
    const { used, total } = await endpointsUsed(oldLcg(42), 20_000);
    expect(used / total).toBeLessThan(0.9);
  });
});

describe("BENCHMARKS.md sections", () => {
  const doc = [
    "# Benchmarks\n\n## A\nold figures\n",
    `${KEPT_NOTES}\nSession 9: interleaved runs, by hand.\n`,
    "\n## B\nB's figures\n",
  ].join("");

  it("a bench run replaces its section's figures and keeps the notes written under them", () => {
    const out = replaceSection(doc, "## A", "new figures");
    expect(out).toContain("## A\nnew figures\n");
    expect(out).not.toContain("old figures");
    expect(out).toContain("Session 9: interleaved runs, by hand.");
    expect(out.indexOf("Session 9")).toBeLessThan(out.indexOf("## B"));
    expect(out).toContain("## B\nB's figures\n");
  });

  it("a section without notes is replaced whole, and a new one is appended", () => {
    const out = replaceSection(doc, "## B", "B again");
    expect(out).toContain("## B\nB again\n");
    expect(out).not.toContain("B's figures");
    expect(replaceSection(doc, "## C", "C")).toMatch(/## B\nB's figures\n## C\nC\n/);
  });
});
