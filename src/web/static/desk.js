// Answer clocks count down in place: each [data-deadline] element shows the time left until its ISO instant.
(() => {
  const text = (ms) => {
    const m = Math.floor(Math.abs(ms) / 60000);
    const t = m >= 60 ? `${Math.floor(m / 60)} giờ ${m % 60} phút` : `${m} phút`;
    return ms >= 0 ? `còn ${t}` : `quá hạn ${t}`;
  };
  const tick = () => {
    for (const el of document.querySelectorAll("[data-deadline]")) {
      const ms = Date.parse(el.getAttribute("data-deadline")) - Date.now();
      el.textContent = text(ms);
      el.classList.toggle("bad", ms < 0);
    }
  };
  setInterval(tick, 30000);
})();

// After an action the keyboard goes to its result. A form or link of the desk swaps the whole page (hx-boost), and the
// browser then leaves the focus on <body>: a keyboard user starts again from the page's top without knowing what
// happened, and a screen reader does not read the notice, which arrived inside the new content. So the notice
// («Đã xác nhận lịch họp …», or the refusal) takes the focus; without a notice, the new page's heading does, unless
// the focus is still on a field of the page. Live updates (server-sent incident cards) never move the focus.
(() => {
  const focusResult = () => {
    const notice = document.querySelector("main .flash");
    const lost = !document.activeElement || document.activeElement === document.body;
    const target = notice ?? (lost ? document.querySelector("main h1") : null);
    if (!target) return;
    target.setAttribute("tabindex", "-1");
    target.focus();
  };
  document.addEventListener("htmx:afterSettle", (e) => {
    if (e.detail?.boosted) focusResult();
  });
  // A page loaded whole (no script on the way there, or a redirect after a plain form) with a notice.
  if (document.querySelector("main .flash")) focusResult();
})();

// A live refresh (a server-sent `change` re-fetches a part of the page) must not take the keyboard's place or what
// was typed. htmx puts the focus back only on an element with an id, and it never keeps a value: a technician
// typing a note when a booking arrived lost the note, and one on a card's link was thrown to <body> (the next Tab
// started again at the page's top). So before such a swap, the focused element and every field edited inside the
// part (a text typed, a choice made) are remembered by a key (id, or tag + link/form + name + text); after it, the values go back into the new
// fields and the focus onto the same element. If that element is gone (the booking left the list), the part's
// heading takes the focus rather than <body>.
(() => {
  const keyOf = (el) =>
    el.id
      ? `#${el.id}`
      : [
          el.tagName,
          el.getAttribute("href") ?? "",
          el.form?.getAttribute("action") ?? "",
          el.getAttribute("name") ?? "",
          (el.textContent ?? "").trim(),
        ].join("|");
  const find = (root, key) => {
    for (const el of root.querySelectorAll("a, button, input, select, textarea, [tabindex]")) {
      if (keyOf(el) === key) return el;
    }
    return null;
  };
  // A field the person changed: a text's value, or a choice («Chuyển cho» on an incident card) other than the one
  // the page came with (a <select> has no defaultValue: its options have defaultSelected).
  // A single <select> with no option marked `selected` shows its first one.
  const defaultIndex = (f) => {
    let i = -1;
    for (const [n, o] of [...f.options].entries()) if (o.defaultSelected) i = n;
    return Math.max(i, 0);
  };
  const changed = (f) =>
    f.tagName === "SELECT" ? f.selectedIndex !== defaultIndex(f) : f.value !== f.defaultValue;
  const isLive = (el) => (el?.getAttribute?.("hx-trigger") ?? "").startsWith("sse:");
  let kept = null;
  document.addEventListener("htmx:beforeSwap", (e) => {
    const target = e.detail?.target;
    kept = null;
    if (!isLive(target) || e.detail.shouldSwap === false) return;
    const active = document.activeElement;
    const edited = [];
    for (const f of target.querySelectorAll("input, textarea, select")) {
      if (f.type !== "hidden" && changed(f)) edited.push([keyOf(f), f.value]);
    }
    const mine = active && target.contains(active);
    const caret =
      mine && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    kept = { focus: mine ? keyOf(active) : null, caret, edited, id: target.id };
  });
  document.addEventListener("htmx:afterSwap", () => {
    if (!kept) return;
    const { focus, caret, edited, id } = kept;
    kept = null;
    const root = (id && document.getElementById(id)) || document;
    for (const [key, value] of edited) {
      const f = find(root, key);
      if (f && !changed(f)) f.value = value;
    }
    if (!focus) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) {
      if (caret && keyOf(active) === focus) active.setSelectionRange?.(caret[0], caret[1]);
      return;
    }
    const target = find(root, focus) ?? root.querySelector("h2");
    if (!target) return;
    if (!target.matches("a, button, input, select, textarea, [tabindex]"))
      target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    if (caret && target.setSelectionRange) target.setSelectionRange(caret[0], caret[1]);
  });
})();

// A wide table scrolls sideways inside its .table-wrap (on a phone: the directory, the settings, the accounts, the
// report's tables). A box that scrolls must take the keyboard's focus, or a keyboard user never sees its right-hand
// columns (axe: scrollable-region-focusable). Only a box that does scroll becomes a stop, named after its table.
(() => {
  const mark = () => {
    for (const box of document.querySelectorAll(".table-wrap")) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (box.getAttribute("tabindex") === "0") continue;
        const caption = box.querySelector("caption")?.textContent?.trim();
        const heading = box.closest("section")?.querySelector("h2, h3")?.textContent?.trim();
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", `Bảng cuộn ngang: ${caption || heading || "bảng"}`);
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  mark();
  document.addEventListener("htmx:afterSettle", mark);
  window.addEventListener("resize", mark);
})();
