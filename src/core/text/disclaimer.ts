import { fold } from "./fold.js";

// A mail system's standard footer («Thông tin trong thư này là tài liệu mật, chỉ dành cho người nhận…», «Email này
// có thể chứa thông tin mật, nếu nhận nhầm xin xoá…», «CONFIDENTIALITY NOTICE …») is appended to every mail of an
// agency, whatever the mail is about. Read as part of the booking, its «mật» held every booking of that agency as
// secret or ambiguous (Điều 5.2), and each waited for a technician. Pure; idempotent.

/** A line that opens a signature or a footer: «-- », «Trân trọng,», «Nơi nhận:», «CONFIDENTIALITY NOTICE». */
const MARKER_LINE = [
  /^--\s*$/,
  /^[ \t]*(?:(?:xin )?tr[aâ]n tr[oọ]ng(?: c[aả]m [oơ]n)?|k[ií]nh th[uư]|best regards|regards)[\s.,!/]*$/iu,
  /^[ \t]*(?:n[oơ]i nh[aậ]n|đồng gửi)\s*:/iu,
  /^[ \t]*(?:confidentiality notice|disclaimer|important notice|tuyên bố miễn trừ trách nhiệm|thông báo bảo mật)\b/iu,
];
/** A rule of underscores or dashes: a footer only when a disclaimer follows it (a form may use one as a divider). */
const RULE_LINE = /^[ \t]*[_\-=*~–—]{5,}[ \t]*$/;

/** Words of a disclaimer: who may read the mail and what to do when it came by mistake. */
const CUE =
  /\b(?:nhan nham|gui nham|nguoi nhan|(?:xoa|huy)(?: bo)? (?:thu|email|e mail|thu dien tu|tin nhan|ban tin)|khong duoc phep|confidential|confidentiality|intended recipient|privileged|notify the sender|(?:thong )?bao (?:ngay )?cho nguoi gui)\b/;
/** The mail speaking of itself: «thư này», «email này», «thông tin trong thư», «this e-mail». */
const THIS_MAIL =
  /\b(?:(?:thu|email|e mail|thu dien tu|tin nhan) nay|thong tin trong (?:thu|email|e mail)|this (?:e ?mail|message|communication|transmission))\b/;

/**
 * Marks a disclaimer does not use: a document's level («Độ mật: Mật», «Tối mật», «Tuyệt mật»), «(Mật)», a meeting
 * said to be secret («họp mật», «phiên họp mật», «hội nghị mật», «nội dung cuộc họp là mật»), «MẬT» alone on its line. A sentence with one is read.
 */
function hardMark(sentence: string): boolean {
  const f = fold(sentence);
  return (
    /\b(?:do mat|toi mat|tuyet mat|(?:hop|phien|nghi) mat)\b/.test(f) ||
    // The meeting itself said to be secret anywhere in the sentence («nội dung cuộc họp là mật»): a mail system's
    // footer speaks of the mail, never of a meeting. Kept (fails closed); the secrecy check then reads it.
    (/\b(?:hop|hoi nghi|phien)\b/.test(f) && /\bmat\b/.test(f)) ||
    /[([]\s*(?:mật|mat)\s*[)\]]/iu.test(sentence) ||
    /^[ \t\-•*]*(?:MẬT|MAT|Mật)[ \t.:]*$/mu.test(sentence)
  );
}

/** A sentence of a disclaimer: it speaks of the mail or of its readers, and marks nothing itself. */
function disclaims(sentence: string): boolean {
  const f = fold(sentence);
  return (CUE.test(f) || THIS_MAIL.test(f)) && !hardMark(sentence);
}

/** A paragraph that reads as a mail system's disclaimer: the mail speaks of itself and of who may read it. */
function disclaimerParagraph(paragraph: string): boolean {
  const f = fold(paragraph);
  return CUE.test(f) && THIS_MAIL.test(f);
}

/** A paragraph's sentences, each with the spaces before it: joined, they give the paragraph back. */
function sentences(paragraph: string): string[] {
  return paragraph.split(/(?<=[.!?;])(?=\s)/u);
}

/** Lines grouped into paragraphs: a blank line or a marker line ends one (a marker line is one of its own). */
function paragraphs(lines: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  const close = () => {
    if (current.length) out.push(current);
    current = [];
  };
  for (const line of lines) {
    const marker = RULE_LINE.test(line) || MARKER_LINE.some((re) => re.test(line));
    if (!line.trim() || marker) {
      close();
      out.push([line]);
    } else current.push(line);
  }
  close();
  return out;
}

/**
 * The text without the disclaimer of its footer. The footer is what follows the booking content: from the first
 * «-- », «Trân trọng», «Nơi nhận:» or «CONFIDENTIALITY NOTICE» line with something written above it, from a rule of
 * «____» or «-----» that a disclaimer follows, or, with no marker, the last paragraphs when each is a disclaimer (an
 * HTML footer under an <hr>). Within a footer that has a disclaimer's words («nhận nhầm», «người nhận»,
 * «confidential») only its sentences go: a sentence that speaks of the mail or of its readers, and never one that
 * marks secrecy itself («Độ mật: Mật», «(Mật)», «họp mật»). The signature's other lines, and a real mark near the
 * end, are read as before; a text that is nothing but a disclaimer (nothing written above it) is left whole.
 */
export function withoutDisclaimer(text: string): string {
  if (!text) return text;
  const paras = paragraphs(text.split("\n"));
  const blank = (p: string[]) => p.length === 1 && !p[0]!.trim();
  const rule = (p: string[]) => p.length === 1 && RULE_LINE.test(p[0]!);
  const marker = (p: string[]) => p.length === 1 && MARKER_LINE.some((re) => re.test(p[0]!));
  const nextText = (i: number) => paras.slice(i + 1).find((p) => !blank(p) && !rule(p));
  let from = -1;
  let written = false;
  for (let i = 0; i < paras.length && from < 0; i++) {
    const p = paras[i]!;
    if (blank(p)) continue;
    if (written && marker(p)) from = i;
    else if (written && rule(p)) {
      const next = nextText(i);
      if (next && disclaimerParagraph(next.join("\n"))) from = i;
    } else if (!rule(p) && !marker(p)) written = true;
  }
  if (from < 0) {
    // No marker: the trailing paragraphs that are a disclaimer throughout.
    let at = paras.length;
    for (let i = paras.length - 1; i >= 0; i--) {
      const p = paras[i]!;
      if (blank(p) || rule(p)) continue;
      const said = p.join("\n");
      if (!disclaimerParagraph(said) || !sentences(said).every((s) => !s.trim() || disclaims(s))) break;
      at = i;
    }
    const above = paras.slice(0, at).some((p) => !blank(p) && !rule(p) && !marker(p));
    if (at === paras.length || !above) return text;
    from = at;
  }
  const foot = paras.slice(from).map((p) => p.join("\n"));
  if (!CUE.test(fold(foot.join("\n")))) return text;
  const kept = foot.map((said) =>
    sentences(said)
      .filter((s) => !disclaims(s))
      .join(""),
  );
  return [...paras.slice(0, from).map((p) => p.join("\n")), ...kept].join("\n");
}
