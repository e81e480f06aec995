/**
 * A mail address as a technician should read it in a refusal. An address of printable ASCII is itself. One with any
 * other character (a dotless «ı», a Cyrillic «а», a fullwidth «ｈ», a zero-width space) reads like the official
 * mailbox it imitates («vanthu.sct@hanoı.gov.vn»): it is followed by its spelling with each such character named
 * by its code point, and said to be a possible look-alike, so that nobody adds it to the directory as the agency's.
 */
export function mailboxShown(address: string): string {
  if (/^[\x21-\x7e]*$/.test(address)) return address;
  const spelled = [...address]
    .map((c) =>
      /[\x21-\x7e]/.test(c) ? c : `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`,
    )
    .join("");
  return `${address} (địa chỉ có ký tự ngoài bảng chữ Latin cơ bản, viết rõ từng ký tự: ${spelled}; có thể là địa chỉ giả dạng hòm thư công vụ)`;
}
