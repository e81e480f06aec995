import { type LocalDate, utcDay } from "../../core/calendar/zone.js";

/**
 * One parser for the values the desk's pages read from their address (`?ngay=`, `?tu=`, `?den=` …): a page that
 * read a day its own way answered «?ngay=2026-13-40» with today's calendar and 200, as if it had been asked for,
 * and whoever typed or pasted the address never learnt it was not read. Every bad value is a `BadValue` naming the
 * field, what was received and the form expected; the page answers 400 and says it (`badValuesText`).
 */

/** A field of a page's address: its parameter and its label on the page. */
export interface QueryField {
  param: string;
  label: string;
}

/** A value the page could not read. `received` is as typed (cut): the page escapes it when it shows it. */
export interface BadValue {
  field: QueryField;
  received: string;
  expected: string;
}

/** A value as a page shows it back: at most 60 characters (as views/not-found.tsx's `shownCode`). */
function shown(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The form a day is asked in, with an example (the page's today, so it is one click from right). */
export function dayForm(example: LocalDate): string {
  return `ngày theo dạng ${example}`;
}

/**
 * A calendar day `YYYY-MM-DD` that exists: «2026-02-30» passes Date.parse (as 2 March), so a day is real only if it
 * reads back the same.
 */
export function isRealDay(raw: string): boolean {
  return DAY.test(raw) && !Number.isNaN(utcDay(raw));
}

/**
 * The day a field asks for. Absent or empty: `{}` (the page's default). A real day: `{ day }`. Anything else:
 * `{ bad }`, which the page answers with 400.
 */
export function dayParam(
  raw: string | undefined,
  field: QueryField,
  example: LocalDate,
): { day?: LocalDate; bad?: BadValue } {
  const v = (raw ?? "").trim();
  if (v === "") return {};
  if (isRealDay(v)) return { day: v };
  return { bad: { field, received: v, expected: dayForm(example) } };
}

/**
 * A parameter given more than once with different values (`?ngay=2026-12-01&ngay=2026-12-08`): which one a page
 * reads is an accident of the framework, so it reads none and says so.
 */
export function repeatedParam(values: string[] | undefined, field: QueryField): BadValue | undefined {
  const distinct = [...new Set((values ?? []).map((v) => v.trim()))];
  if (distinct.length <= 1) return undefined;
  return {
    field,
    received: distinct.map((v) => shown(v)).join("», «"),
    expected: "một giá trị duy nhất",
  };
}

/**
 * A whole number in [min, max] (a year, a count). Absent or empty: `{}`. Anything else, «2026.5», «1e3», «-1»,
 * or a number outside the range: `{ bad }`.
 */
export function wholeParam(
  raw: string | undefined,
  field: QueryField,
  range: { min: number; max: number },
  expected: string,
): { value?: number; bad?: BadValue } {
  const v = (raw ?? "").trim();
  if (v === "") return {};
  const n = /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN;
  if (n >= range.min && n <= range.max) return { value: n };
  return { bad: { field, received: v, expected } };
}

/**
 * The longest value a page reads from its address: an agency's name is well under it. A longer one is not read,
 * so no page echoes 20,000 characters back (twice, in its message and in its refilled form).
 */
export const MAX_VALUE_CHARS = 200;

/** A value over MAX_VALUE_CHARS as a bad value, or undefined. */
export function tooLong(value: string, field: QueryField): BadValue | undefined {
  if (value.length <= MAX_VALUE_CHARS) return undefined;
  return { field, received: value, expected: `một giá trị không quá ${MAX_VALUE_CHARS} ký tự` };
}

/** One bad value in the page's words: the field, what came (cut to 60 characters), what was expected. */
export function badValueText(b: BadValue): string {
  return `${b.field.label} (${b.field.param}): đã nhận «${shown(b.received)}», cần ${b.expected}.`;
}

/** Every bad value of a request, in one line for the page's notice. */
export function badValuesText(bad: BadValue[]): string {
  return `Địa chỉ có giá trị không đọc được. ${bad.map(badValueText).join(" ")}`;
}
