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
