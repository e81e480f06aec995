import { describe, expect, it } from "vitest";
import { mailNamesTitle } from "../src/app/booking/cancel.js";

// Which content a cancellation without a code names (src/app/booking/cancel.ts): labelled both ways.
describe("a cancellation naming a session's content", () => {
  const TITLE = "Giao ban công tác tháng 12";
  const names: [string, string, boolean][] = [
    ["the whole title", "Đề nghị hủy cuộc họp giao ban công tác tháng 12 ngày 10/12/2026", true],
    ["the title without marks", "de nghi huy cuoc hop giao ban cong tac thang 12 ngay 10/12/2026", true],
    [
      "another month, under a day in December",
      "Đề nghị hủy cuộc họp giao ban công tác tháng 11 ngày 10/12/2026",
      false,
    ],
    ["one word of it", "Đề nghị hủy cuộc họp giao ban ngày 10/12/2026", false],
    ["only «cuộc họp»", "Đề nghị hủy cuộc họp ngày 10/12/2026 lúc 9h00", false],
  ];
  for (const [label, mail, expected] of names)
    it(`${expected ? "names" : "does not name"} it: ${label}`, () => {
      expect(mailNamesTitle(mail, TITLE)).toBe(expected);
    });

  it("«Phiên họp số 2» is not «Phiên họp số 1»", () => {
    expect(
      mailNamesTitle("Đề nghị hủy phiên họp số 2 chuyên đề ngày 10/12/2026", "Phiên họp số 1 chuyên đề"),
    ).toBe(false);
    expect(
      mailNamesTitle("Đề nghị hủy phiên họp số 1 chuyên đề ngày 10/12/2026", "Phiên họp số 1 chuyên đề"),
    ).toBe(true);
  });
});
