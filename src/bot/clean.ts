/**
 * What a chat platform hands us as a person's name or words is quoted in the desk's own posts (the group, the
 * duty's chat, the web desk, mails). Characters that change how the text around them reads are removed at the
 * door: bidirectional controls (a right-to-left override turns the rest of the bot's line around), invisible
 * characters (two names that look alike differ), and control characters. A name is one line; a report keeps its
 * line breaks (the desk decides where it quotes them).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is removed here.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Bidi embeddings, overrides, isolates and marks (Unicode TR9). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Zero-width space, word joiner and invisible operators, BOM. ZWJ/ZWNJ stay: emoji sequences need them. */
const INVISIBLE = /[\u200B\u2060-\u2064\uFEFF]/g;

/** A report or command as text: line breaks kept (`\r\n`, U+2028/9 become `\n`), the rest above removed. */
export function cleanChatText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(BIDI, "")
    .replace(INVISIBLE, "")
    .replace(CONTROL, "");
}

/** The longest name the desk repeats; Telegram allows 64 + 64, Zalo more. */
export const NAME_MAX = 64;

/** A person's chat name: one line, spaces collapsed, at most `NAME_MAX` characters; `fallback` when nothing is left. */
export function cleanChatName(name: string, fallback: string): string {
  const one = cleanChatText(name).replace(/\s+/g, " ").trim();
  const chars = [...one];
  const cut =
    chars.length > NAME_MAX
      ? `${chars
          .slice(0, NAME_MAX - 1)
          .join("")
          .trimEnd()}…`
      : one;
  return cut || fallback;
}

/**
 * Every text the desk posts, on its way out: without bidi controls. The desk's own words never need them, and what
 * it quotes (a meeting's title as a clerk's mail gave it, a comment) would otherwise turn the rest of its line.
 */
export function outboundText(text: string): string {
  return text.replace(BIDI, "");
}
