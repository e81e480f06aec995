import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a secret a caller presented with ours in constant time. Both sides are hashed first, so the compare
 * always runs over 32 bytes: neither the position of the first wrong character nor the secret's length shows in
 * the time it takes. Anything but a string (a missing or repeated header) is refused.
 */
export function secretsEqual(presented: unknown, expected: string): boolean {
  if (typeof presented !== "string" || expected.length === 0) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
