/**
 * Text for the technician's terminal. What the CLI prints comes partly from outside (a mail's content, a chat
 * report, a name), and a terminal obeys control characters instead of showing them: ESC sequences erase and
 * rewrite lines, make links (OSC 8), retitle the window or write the clipboard (OSC 52); a bare CR goes back to the
 * start of the line and overwrites it. Everything but line breaks and tabs in C0, DEL, C1 (U+0080–U+009F: CSI is
 * U+009B) and the bidirectional overrides are dropped; what is left reads as it was written.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is removed here.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(CONTROL, "");
}
