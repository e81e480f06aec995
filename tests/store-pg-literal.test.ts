import pg from "pg";
import { describe, expect, it } from "vitest";
import { literalPg } from "../src/store/conn.js";

/**
 * A deferred write's values are inlined as literals (src/store/conn.ts, `EXECUTE name(literals)`): a literal that
 * differs from what the driver would have sent is a different value stored, or SQL injected.
 */
describe("literalPg quotes as pg's escapeLiteral does", () => {
  const samples = [
    "",
    "plain",
    "Sở Nội vụ: «họp» 9h–11h",
    "O'Brien",
    "''",
    "a\\b",
    "\\",
    "it's a \\path\\ with 'quotes'",
    "'; DROP TABLE bookings; --",
    "x\\'; SELECT 1; --",
    "dòng 1\ndòng 2\r\n\ttab",
    "😀 ' \\ ' \\",
  ];
  it.each(samples)("%j", (s) => {
    expect(literalPg(s)).toBe(pg.escapeLiteral(s));
  });

  it("matches on long generated text of quotes, backslashes and Vietnamese", () => {
    const alphabet = ["'", "\\", "a", "ệ", " ", "\n", '"', "{", "}"];
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      let s = "";
      const len = n * 13;
      for (let i = 0; i < len; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        s += alphabet[seed % alphabet.length];
      }
      expect(literalPg(s)).toBe(pg.escapeLiteral(s));
    }
  });

  it("an array's elements are quoted inside one escaped literal", () => {
    expect(literalPg(["a'b", 'c"d', "e\\f", null])).toBe(pg.escapeLiteral('{"a\'b","c\\"d","e\\\\f",NULL}'));
  });
});
