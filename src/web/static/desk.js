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
