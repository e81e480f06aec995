import { fold } from "./fold.js";

// A dispatch's parts that read as a booking and are none: its own date, the dates of documents it cites, and its
// letterhead. Pure; the mail's extraction and its understanding both apply it (it is idempotent).

/**
 * «Hà Nội, ngày 25 tháng 11 năm 2026», «Hà Nội, 25/11/2026»: a letter's place and date, ending their line, alone on
 * it or beside «Số: …» across a gap of spaces (the letterhead's two columns typed side by side).
 */
const LETTER_DATE =
  /(^[ \t]*|[ \t]{2,}|\t)(\p{Lu}[\p{L}.]*(?:[ \t]+\p{Lu}[\p{L}.]*){0,4})[ \t]*,[ \t]*(?:(?:ngày|ngay)[ \t]+\d{1,2}[ \t]+(?:tháng|thang)[ \t]+\d{1,2}[ \t]+(?:năm|nam)[ \t]+\d{4}|(?:(?:ngày|ngay)[ \t]+)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4})[ \t]*\.?[ \t]*$/gu;
/** The longest line read for a letter's date: the two letterhead columns side by side, with room to spare. */
const MAX_DATE_LINE = 240;
/** Words that make «Sáng, ngày 10/12/2026» or «Thứ Năm, ngày 10/12/2026» the meeting's day, not a letter's. */
const DAY_WORDS = /\b(?:sang|trua|chieu|toi|thu|chu nhat|hom|ngay|mai|tuan|buoi|luc|vao|tu|den|hop)\b/;
/**
 * «Căn cứ Quyết định số 3125/QĐ-UBND ngày 15/6/2022», «Công văn số 12/SCT-VP ngày 25 tháng 11 năm 2026»: a cited
 * document's date. With no other day in the mail, it was booked as the meeting's (and refused as past).
 */
const CITED_DATE =
  /(\b(?:số|so)\s*:?\s*\d+\/[\p{L}\d./-]+[ \t,]*)(?:(?:ngày|ngay)[ \t]+\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2,4}|[ \t]+(?:tháng|thang)[ \t]+\d{1,2}[ \t]+(?:năm|nam)[ \t]+\d{4}))/giu;
/** The city's name over a department's own in a letterhead («UBND THÀNH PHỐ HÀ NỘI» / «SỞ CÔNG THƯƠNG»). */
const LETTERHEAD =
  /^(?:ubnd|uy ban nhan dan) (?:thanh pho|tp\.?) ha noi$|^cong hoa xa hoi chu nghia viet nam$|^doc lap\W+tu do\W+hanh phuc$/;

/**
 * A dispatch without what reads as a booking: the letter's own date («Hà Nội, ngày 25 tháng 11 năm 2026») and a
 * cited document's were booked as the meeting's day when the body named none (a past day refused, today's sent to
 * review), and «UBND THÀNH PHỐ HÀ NỘI» above «SỞ CÔNG THƯƠNG» invited the city hall's room. Lines are blanked, not
 * removed, so the text keeps its shape.
 */
export function withoutLetterHead(text: string): string {
  // Line by line, and only on lines short enough to be a letter's date line: over a long run of spaces the
  // pattern's gaps try every split (a 40 KB line of spaces took 10 s of a mail's reading).
  const blanked = text
    .split("\n")
    .map((line) =>
      line.length > MAX_DATE_LINE
        ? line
        : line.replace(LETTER_DATE, (said, _before: string, place: string) =>
            DAY_WORDS.test(fold(place)) ? said : "",
          ),
    )
    .join("\n")
    .replace(CITED_DATE, "$1");
  let seen = 0;
  return blanked
    .split("\n")
    .map((line) => {
      const l = line.trim();
      if (!l || seen >= 4) return line;
      seen++;
      // A letterhead's two columns typed side by side: «UBND THÀNH PHỐ HÀ NỘI      CỘNG HÒA XÃ HỘI …».
      return line
        .split(/((?:[ \t]{2,}|\t)+)/)
        .map((part) =>
          part === part.toUpperCase() && /\p{Lu}/u.test(part) && LETTERHEAD.test(fold(part.trim()))
            ? ""
            : part,
        )
        .join("");
    })
    .join("\n");
}
