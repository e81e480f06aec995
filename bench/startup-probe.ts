// Measures one start of the service's core: open the store, load the directory, look at the job table.
const t0 = performance.now();
const { loadConfig, loadHolidayCalendar } = await import("../src/app/config.js");
const { Store } = await import("../src/store/store.js");
const { runDueJobs, sessionJobHandlers } = await import("../src/app/scheduler.js");
const config = loadConfig();
const store = Store.open(config.dbPath);
const desk = { store, reg: config.reg, holidays: loadHolidayCalendar(config.calendarDir) };
await store.read((r) => r.directory.snapshot());
const pending = await store.read((r) => r.jobs.countPending());
await runDueJobs(desk, sessionJobHandlers(desk), new Date());
store.close();
console.log(JSON.stringify({ ms: performance.now() - t0, pending }));
