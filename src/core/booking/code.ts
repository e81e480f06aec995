/** Booking codes short enough to read over the phone: `HTT-2026-0042`. */
export function bookingCode(year: number, seq: number): string {
  return `HTT-${year}-${String(seq).padStart(4, "0")}`;
}

export const BOOKING_CODE_RE = /\bHTT-(\d{4})-(\d{4,})\b/i;

export function parseBookingCode(text: string): string | null {
  const m = BOOKING_CODE_RE.exec(text);
  return m ? `HTT-${m[1]}-${m[2]}` : null;
}
