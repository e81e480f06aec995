/**
 * Vietnamese text folding for matching. Clerks type with and without diacritics, in legacy
 * encodings that decode to decomposed (NFD) text, and in any case; matching compares folded forms.
 */

/** Canonical composed form: windows-1258 mail decodes to combining marks, everything stored is NFC. */
export function nfc(text: string): string {
  return text.normalize("NFC");
}

/** The last texts folded: reading one mail folds its body several times (flags, the prose scan, its form). */
const recentFolds = new Map<string, string>();

/** Lower case, no diacritics, `đ` → `d`, punctuation to spaces, runs of spaces collapsed. */
export function fold(text: string): string {
  const known = recentFolds.get(text);
  if (known !== undefined) return known;
  const out = text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  // Only long texts: a short one folds faster than it is looked up.
  if (text.length >= 200) {
    if (recentFolds.size >= 8) recentFolds.delete(recentFolds.keys().next().value!);
    recentFolds.set(text, out);
  }
  return out;
}

/** Phone numbers as digits with a leading 0: `+84 912 345 678` → `0912345678`. */
export function normalizePhone(raw: string): string | null {
  let digits = raw.replace(/[^\d+]/g, "");
  if (digits.startsWith("+84")) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith("84") && digits.length === 11) digits = `0${digits.slice(2)}`;
  digits = digits.replace(/\+/g, "");
  if (!digits.startsWith("0")) digits = `0${digits}`;
  return /^0\d{8,10}$/.test(digits) ? digits : null;
}
