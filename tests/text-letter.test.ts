import { describe, expect, it } from "vitest";
import { withoutLetterHead } from "../src/core/text/letter.js";

describe("withoutLetterHead: a dispatch's own date and letterhead are no booking", () => {
  it("blanks the letter's place and date, alone on its line or beside «Số: …»; keeps a meeting's day", () => {
    expect(withoutLetterHead("Hà Nội, ngày 25 tháng 11 năm 2026")).toBe("");
    expect(withoutLetterHead("Số: 12/SCT-VP        Hà Nội, 25/11/2026")).toBe("Số: 12/SCT-VP");
    expect(withoutLetterHead("Sáng Thứ Năm, ngày 10/12/2026")).toBe("Sáng Thứ Năm, ngày 10/12/2026");
  });

  it("reads no line longer than a date line can be: a long run of spaces made the pattern try every split", () => {
    // 40 KB of spaces in one line took 10 s of a mail's reading; such a line is no letterhead.
    const long = `Số: 12/SCT-VP${" ".repeat(300)}Hà Nội, 25/11/2026`;
    expect(withoutLetterHead(long)).toBe(long);
    const hostile = `Họp 8h ngày 10/12/2026 Số 12 Lê${" ".repeat(40_000)}x`;
    expect(withoutLetterHead(hostile)).toBe(hostile);
  });
});
