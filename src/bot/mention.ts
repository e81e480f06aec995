import { fold } from "../core/text/fold.js";

/** A name as a mention is compared: folded (case, diacritics), without spaces or punctuation. */
function key(name: string): string {
  return fold(name).replace(/ /g, "");
}

/** A letter, a mark or a digit: a mention ends before the first character that is none of these. */
const WORD = /[\p{L}\p{M}\p{N}]/u;

/** The longest mention read: a display name is short; past this the words are the message's. */
const MENTION_MAX = 64;

/**
 * The text without its leading `@mention` of the bot. Telegram writes a mention as the bot's username
 * («@HoTroKyThuatBot mất mạng»). Zalo writes a mention as the mentioned account's display name,
 * which staff see and type in their own way («@Hỗ trợ kỹ thuật», «@hotrokythuat», «@HoTroKyThuat») or as its
 * account name («@bot.HoTroKyThuat»): a mention is the bot's when, folded and without spaces, it is one of
 * `names`, and it ends at a word's end («@HoTroKyThuatHN» is someone else). A person's mention («@Ngọc Hà mất
 * mạng») is kept: it is part of what was said.
 */
export function stripBotMention(text: string, names: readonly string[]): string {
  const said = text.normalize("NFC");
  if (!said.startsWith("@")) return text;
  const keys = new Set(names.map(key).filter(Boolean));
  if (!keys.size) return text;
  const chars = [...said];
  let name = "";
  for (let i = 1; i < chars.length && i <= MENTION_MAX; i++) {
    name += chars[i];
    const next = chars[i + 1];
    // Only at a word's end: «@hotrokythuat» must not match the start of «@hotrokythuatxyz».
    if (next !== undefined && WORD.test(next) && WORD.test(chars[i]!)) continue;
    if (keys.has(key(name)))
      return chars
        .slice(i + 1)
        .join("")
        .replace(/^[\s,:;.!-]+/u, "")
        .trim();
  }
  return text;
}
