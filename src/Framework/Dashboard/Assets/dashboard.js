// The dashboard page: a hash router over three views (runs, run, sweep) that poll the server's JSON endpoints.
// Every string from the server (run names, config values, metric keys) is untrusted: it reaches the page only as
// text nodes or attribute values set through the DOM, never as markup.
"use strict";

const COLORS = ["#0b61c4", "#d1242f", "#1a7f37", "#8250df", "#bc4c00", "#0a7b83", "#bf3989", "#57606a"];
const SVG = "http://www.w3.org/2000/svg";
let timer = null;
let generation = 0; // bumped on every navigation

// ---- DOM helpers -------------------------------------------------------------------------------------------------

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function setLive(ok) {
  const live = document.getElementById("live");
  live.textContent = ok ? "live" : "store unreachable";
  live.classList.toggle("stale", !ok);
}

// Repeats work every few seconds until the page changes (a poll in flight when it does stops after it).
function poll(work, milliseconds) {
  const page = generation;
  const tick = async () => {
    if (page !== generation) return;
    try { await work(); setLive(true); } catch (error) { setLive(false); }
    if (page === generation) timer = setTimeout(tick, milliseconds);
  };
  timer = setTimeout(tick, milliseconds);
}

// ---- values ------------------------------------------------------------------------------------------------------

const number = value => (value === null || value === undefined ? NaN : Number(value));

function formatNumber(value) {
  const x = number(value);
  if (!Number.isFinite(x)) return String(value);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(3);
  return String(Number(x.toPrecision(5)));
}

function formatTime(iso) {
  if (!iso) return "";
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? "" : time.toLocaleString();
}

// The settings a run changed from the experiment's defaults (config.json's diff_from_defaults), else its settings.
function keyConfig(config) {
  if (config && typeof config.diff_from_defaults === "object" && config.diff_from_defaults !== null) {
    const result = {};
    for (const [key, change] of Object.entries(config.diff_from_defaults))
      result[key] = change && typeof change === "object" && "value" in change ? change.value : change;
    return result;
  }
  return config && typeof config.config === "object" && config.config !== null ? config.config : {};
}

// Nested JSON as "a.b.c" → text, for the config diff.
function flatten(value, prefix, into) {
  into = into || {};
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    if (entries.length === 0) into[prefix || "(root)"] = Array.isArray(value) ? "[]" : "{}";
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into[prefix || "(root)"] = value === null ? "null" : String(value);
  }
  return into;
}

function statusBadge(status) {
  return el("span", { class: `status ${status}` }, status);
}

// A setting of the run's resolved config (config.json's "config"), or undefined.
function setting(run, key) {
  const config = run.config && typeof run.config.config === "object" && run.config.config !== null ? run.config.config : {};
  return config[key];
}

// The human name a run was given (Tracker.Name), else its id-like name.
const displayName = run => (typeof setting(run, "Tracker.Name") === "string" && setting(run, "Tracker.Name").trim()) || run.name;

// The run's tags (Tracker.Tags, comma-separated).
const tagsOf = run => String(setting(run, "Tracker.Tags") ?? "").split(",").map(tag => tag.trim()).filter(Boolean);

const tagChips = run => el("span", { class: "tags" }, tagsOf(run).map(tag => el("span", { class: "tag" }, tag)));

const runLink = run => el("a", { href: `#/run/${encodeURIComponent(run.id)}` }, displayName(run));

// ---- charts ------------------------------------------------------------------------------------------------------

// Ticks at 1, 2 or 5 times a power of ten covering [low, high].
function ticks(low, high, count) {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
  const result = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) result.push(Number(t.toPrecision(12)));
  return result;
}

// Labels for evenly spaced ticks with just enough digits that neighbours differ (ticks near 1 with a step of
// 0.0002 read 0.9998, 1, 1.0002, not 1, 1, 1).
function tickLabels(values) {
  if (values.length < 2) return values.map(formatNumber);
  const step = Math.abs(values[1] - values[0]);
  const largest = Math.max(...values.map(Math.abs));
  if (largest >= 1e5 || (largest > 0 && largest < 1e-3)) {
    const digits = Math.min(15, Math.max(1, Math.ceil(Math.log10(largest / step)) + 1));
    return values.map(v => (v === 0 ? "0" : v.toExponential(digits - 1)));
  }
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  return values.map(v => String(Number(v.toFixed(decimals))));
}

// Exponential moving average with W&B's debiasing, so the first points are not pulled towards zero.
function smooth(points, weight) {
  if (weight <= 0) return points;
  let average = 0, count = 0;
  return points.map(([step, value]) => {
    if (!Number.isFinite(value)) return [step, value];
    average = average * weight + value * (1 - weight);
    count++;
    return [step, average / (1 - Math.pow(weight, count))];
  });
}

function pathData(points, x, y) {
  let d = "", pen = "M";
  for (const [step, value] of points) {
    if (!Number.isFinite(value)) { pen = "M"; continue; }
    d += `${pen}${x(step).toFixed(1)},${y(value).toFixed(1)}`;
    pen = "L";
  }
  return d;
}

// A line chart of several series ({label, color, points: [[step, value]]}): raw values faint, the EMA bold.
function lineChart(series, smoothing, options) {
  const width = 440, height = 240, left = 56, right = 22, top = 8, bottom = 26;
  const finite = series.flatMap(s => s.points.filter(p => Number.isFinite(p[1])));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  if (finite.length === 0) {
    root.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no finite values yet"));
    return root;
  }
  let [x0, x1] = [Math.min(...finite.map(p => p[0])), Math.max(...finite.map(p => p[0]))];
  let [y0, y1] = [Math.min(...finite.map(p => p[1])), Math.max(...finite.map(p => p[1]))];
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= Math.abs(y0) * 0.1 || 1; y1 += Math.abs(y1) * 0.1 || 1; }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad; y1 += pad;
  const x = step => left + (step - x0) / (x1 - x0) * (width - left - right);
  const y = value => top + (1 - (value - y0) / (y1 - y0)) * (height - top - bottom);
  const yTicks = ticks(y0, y1, 5), yLabels = tickLabels(yTicks);
  yTicks.forEach((t, i) => {
    root.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: y(t), y2: y(t) }));
    root.append(svg("text", { x: left - 4, y: y(t) + 3, "text-anchor": "end", class: "tick" }, yLabels[i]));
  });
  const xTicks = ticks(x0, x1, 6), xLabels = tickLabels(xTicks);
  xTicks.forEach((t, i) => root.append(svg("text", { x: x(t), y: height - 8, "text-anchor": "middle", class: "tick" }, xLabels[i])));
  root.append(svg("line", { class: "axis", x1: left, x2: left, y1: top, y2: height - bottom }));
  root.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }));
  for (const s of series) {
    const raw = svg("path", { class: "raw", stroke: s.color, d: pathData(s.points, x, y), "data-run": s.id, "data-points": s.points.filter(p => Number.isFinite(p[1])).length });
    root.append(raw);
    if (smoothing > 0) root.append(svg("path", { class: "smooth", stroke: s.color, d: pathData(smooth(s.points, smoothing), x, y), "data-run": s.id }));
    else raw.setAttribute("class", "raw smooth");
  }
  if (options && options.title) root.prepend(svg("title", {}, options.title));
  return root;
}

// ---- runs view ---------------------------------------------------------------------------------------------------

const runsState = { sort: "started", descending: true, filter: "", selected: new Set() };

async function showRuns(view) {
  const table = el("table", { id: "runs" });
  const filter = el("input", { type: "search", placeholder: "filter: name, experiment, status, config…", value: runsState.filter, "aria-label": "filter runs" });
  const compare = el("button", { type: "button" }, "Overlay selected runs");
  const sweeps = el("div", { id: "sweeps" });
  view.replaceChildren(el("h1", {}, "Runs"), el("div", { class: "toolbar" }, filter, compare), el("div", { class: "table-wrap" }, table), sweeps);
  let runs = [];
  const render = () => renderRunsTable(table, runs);
  filter.addEventListener("input", () => { runsState.filter = filter.value; render(); });
  compare.addEventListener("click", () => {
    const ids = [...runsState.selected];
    if (ids.length > 0) location.hash = `#/run/${encodeURIComponent(ids[0])}?with=${ids.slice(1).map(encodeURIComponent).join(",")}`;
  });
  const load = async () => {
    runs = await getJson("/api/runs");
    render();
    renderSweepList(sweeps, await getJson("/api/sweeps"));
  };
  await load();
  poll(load, 5000);
}

function renderRunsTable(table, runs) {
  const summaryKeys = [...new Set(runs.flatMap(run => Object.keys(run.summary)))].sort();
  const columns = [
    { id: "select", label: "", value: () => "" },
    { id: "status", label: "status", value: run => run.status },
    { id: "experiment", label: "experiment", value: run => run.experiment },
    { id: "name", label: "run", value: run => displayName(run) },
    { id: "started", label: "started", value: run => run.started || "" },
    { id: "config", label: "key config", value: run => JSON.stringify(keyConfig(run.config)) },
    ...summaryKeys.map(key => ({ id: `summary:${key}`, label: key, numeric: true, value: run => number(run.summary[key]) })),
  ];
  const words = runsState.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const visible = runs.filter(run => {
    const text = [run.name, displayName(run), ...tagsOf(run), run.experiment, run.status, run.id, run.sweepId || "",
      ...Object.entries(keyConfig(run.config)).map(([k, v]) => `${k}=${v}`)].join(" ").toLowerCase();
    return words.every(word => text.includes(word));
  });
  const column = columns.find(c => c.id === runsState.sort) || columns[4];
  visible.sort((a, b) => {
    const [u, v] = [column.value(a), column.value(b)];
    if (column.numeric) {
      if (!Number.isFinite(u)) return Number.isFinite(v) ? 1 : 0;
      if (!Number.isFinite(v)) return -1;
      return runsState.descending ? v - u : u - v;
    }
    return runsState.descending ? String(v).localeCompare(String(u)) : String(u).localeCompare(String(v));
  });
  const head = el("tr", {}, columns.map(c => {
    const th = el("th", { class: c.id === column.id ? `sorted${runsState.descending ? "" : " ascending"}` : null, "data-column": c.id }, c.label);
    if (c.id !== "select") th.addEventListener("click", () => {
      runsState.descending = runsState.sort === c.id ? !runsState.descending : c.numeric !== true && c.id !== "started" ? false : true;
      runsState.sort = c.id;
      renderRunsTable(table, runs);
    });
    return th;
  }));
  const rows = visible.map(run => {
    const box = el("input", { type: "checkbox", "aria-label": "select for overlay", checked: runsState.selected.has(run.id) });
    box.addEventListener("change", () => { if (box.checked) runsState.selected.add(run.id); else runsState.selected.delete(run.id); });
    const chips = el("span", { class: "config-chips" }, Object.entries(keyConfig(run.config)).map(([k, v]) => el("span", {}, `${k}=${v}`)));
    return el("tr", { "data-run": run.id },
      el("td", {}, box), el("td", {}, statusBadge(run.status)), el("td", {}, run.experiment), el("td", { class: "run-name" }, runLink(run), tagChips(run)),
      el("td", {}, formatTime(run.started)), el("td", { class: "config-cell" }, chips),
      summaryKeys.map(key => el("td", { class: "number" }, key in run.summary ? formatNumber(run.summary[key]) : "")));
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
  if (runs.length === 0) table.append(el("caption", { class: "muted" }, "No runs yet: start one with `run NAME`."));
}

function renderSweepList(container, sweeps) {
  if (sweeps.length === 0) { container.replaceChildren(); return; }
  container.replaceChildren(el("h2", {}, "Sweeps"), el("ul", {}, sweeps.map(sweep =>
    el("li", {}, el("a", { href: `#/sweep/${encodeURIComponent(sweep.id)}` }, sweep.name),
      sweep.trials > 0 ? ` — ${sweep.trials} evaluated point(s)` : ` — ${sweep.runs} run(s)`))));
}

// ---- run view ----------------------------------------------------------------------------------------------------

async function showRun(view, id, params) {
  const detail = await getJson(`/api/runs/${encodeURIComponent(id)}`);
  const allRuns = await getJson("/api/runs");
  const overlay = [id, ...(params.get("with") || "").split(",").filter(Boolean).filter(other => other !== id)];
  const runsById = new Map(allRuns.map(run => [run.id, run]));
  const series = new Map(); // `${run}\n${key}` → points
  let smoothing = Number(params.get("smoothing") || 0.6);
  let current = detail;

  const header = el("div");
  const slider = el("input", { type: "range", min: 0, max: 0.99, step: 0.01, value: smoothing, id: "smoothing", "aria-label": "EMA smoothing" });
  const sliderValue = el("span", {}, smoothing.toFixed(2));
  const addRun = el("select", { "aria-label": "overlay another run" }, el("option", { value: "" }, "overlay another run…"),
    allRuns.filter(run => !overlay.includes(run.id)).map(run => el("option", { value: run.id }, `${run.experiment} / ${run.name}`)));
  const legend = el("div", { class: "legend" });
  const charts = el("div", { class: "charts", id: "charts" });
  const images = el("div", { class: "images", id: "images" });
  const diffWith = el("select", { "aria-label": "diff the config against" }, el("option", { value: "" }, "diff against run…"),
    allRuns.filter(run => run.id !== id).map(run => el("option", { value: run.id }, `${run.experiment} / ${run.name}`)));
  const diff = el("div", { id: "diff" });
  const config = el("pre", { id: "config" });
  const failure = el("div", { id: "failure" });
  const summary = el("div", { id: "summary" });
  const logTail = el("div", { id: "log" });
  view.replaceChildren(header, failure,
    el("h2", {}, "Summary"), summary,
    el("h2", {}, "Metrics"), el("div", { class: "toolbar" }, el("label", {}, "smoothing ", slider, " ", sliderValue), addRun), legend, charts,
    el("h2", {}, "Samples"), images,
    el("h2", {}, "Config"), el("div", { class: "toolbar" }, diffWith), diff, config, logTail);

  const colorOf = runId => COLORS[overlay.indexOf(runId) % COLORS.length];
  const nameOf = runId => (runsById.get(runId) || { name: runId }).name;

  const renderHeader = () => {
    const run = current.run;
    header.replaceChildren(el("h1", {}, displayName(run), " ", statusBadge(run.status), " ", tagChips(run)),
      el("p", { class: "muted" }, `${run.experiment} · ${run.id} · started ${formatTime(run.started)}`,
        run.finished ? ` · finished ${formatTime(run.finished)}` : "", run.exitCode !== null ? ` · exit code ${run.exitCode}` : "",
        run.sweepId ? " · sweep " : "", run.sweepId ? el("a", { href: `#/sweep/${encodeURIComponent(run.sweepId)}` }, run.sweepId) : ""));
  };

  // The run's last values: final/ metrics first (the final evaluation), then the rest, as a two-column table.
  const renderSummary = () => {
    const entries = Object.entries(current.run.summary)
      .sort(([a], [b]) => (b.startsWith("final/") - a.startsWith("final/")) || a.localeCompare(b));
    summary.replaceChildren(entries.length === 0 ? el("p", { class: "muted" }, "No summary yet.") :
      el("table", { class: "summary" }, el("tbody", {}, entries.map(([key, value]) =>
        el("tr", { "data-key": key }, el("th", {}, key), el("td", { class: "number" }, formatNumber(value)))))));
  };

  // What a failed run died of (error.txt), and the end of log.txt.
  const renderText = () => {
    failure.replaceChildren(...(current.error ? [el("h2", { class: "error" }, "Error"), el("pre", { class: "error-text" }, current.error)] : []));
    logTail.replaceChildren(...(current.logTail ? [el("h2", {}, "Log (end of log.txt)"), el("pre", { class: "log-text" }, current.logTail)] : []));
  };

  const keys = () => [...new Set([...current.metricKeys, ...[...series.keys()].map(k => k.split("\n")[1])])].sort();

  const renderCharts = () => {
    legend.replaceChildren(...overlay.map(runId => el("span", {}, el("i", { style: null, "data-color": colorOf(runId) }), nameOf(runId))));
    for (const swatch of legend.querySelectorAll("i")) swatch.style.background = swatch.dataset.color;
    charts.replaceChildren(...keys().map(key => {
      const lines = overlay.map(runId => ({ id: runId, color: colorOf(runId), points: series.get(`${runId}\n${key}`) || [] }));
      return el("div", { class: "chart", "data-key": key }, el("h3", {}, key), lineChart(lines, smoothing, { title: key }));
    }));
  };

  const renderImages = () => {
    const byKey = new Map();
    for (const image of current.media) byKey.set(image.key, [...(byKey.get(image.key) || []), image]);
    if (byKey.size === 0) { images.replaceChildren(el("p", { class: "muted" }, "No images logged.")); return; }
    const figures = [...byKey.entries()].map(([key, list]) => {
      const img = el("img", { alt: `${key}`, src: list[list.length - 1].url });
      const caption = el("figcaption", {});
      const pick = el("input", { type: "range", min: 0, max: list.length - 1, step: 1, value: list.length - 1, "aria-label": `${key} step` });
      const show = () => { const image = list[Number(pick.value)]; img.src = image.url; caption.textContent = `${key} · step ${image.step}`; };
      pick.addEventListener("input", show);
      show();
      return el("figure", {}, img, caption, pick);
    });
    images.replaceChildren(...figures);
  };

  const renderDiff = async () => {
    const otherId = diffWith.value;
    if (!otherId) { diff.replaceChildren(); return; }
    const other = await getJson(`/api/runs/${encodeURIComponent(otherId)}`);
    const [a, b] = [flatten(current.run.config || {}), flatten(other.run.config || {})];
    const ignored = /^(run_id|versions\.|git\.|diff_from_defaults\.|overrides\.)/;
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(key => !ignored.test(key) && a[key] !== b[key]).sort();
    diff.replaceChildren(changed.length === 0 ? el("p", { class: "muted" }, "Same config.") :
      el("table", { class: "diff" }, el("thead", {}, el("tr", {}, el("th", {}, "key"), el("th", {}, current.run.name), el("th", {}, other.run.name))),
        el("tbody", {}, changed.map(key => el("tr", {}, el("td", {}, key), el("td", { class: "changed" }, a[key] ?? "—"), el("td", { class: "changed" }, b[key] ?? "—"))))));
  };

  // Fetches the points after the last one held, for every run and key; true when anything arrived.
  const fetchSeries = async () => {
    let grew = false;
    const overlayKeys = new Set(current.metricKeys);
    for (const runId of overlay.slice(1)) {
      const other = await getJson(`/api/runs/${encodeURIComponent(runId)}`).catch(() => null);
      if (other) other.metricKeys.forEach(key => overlayKeys.add(key));
    }
    for (const key of overlayKeys) for (const runId of overlay) {
      const held = series.get(`${runId}\n${key}`) || [];
      const after = held.length > 0 ? held[held.length - 1][0] : null;
      const url = `/api/series?key=${encodeURIComponent(key)}&run=${encodeURIComponent(runId)}${after === null ? "" : `&after=${after}`}`;
      const fresh = ((await getJson(url))[runId] || []).map(([step, value]) => [number(step), number(value)]);
      if (fresh.length > 0) { series.set(`${runId}\n${key}`, held.concat(fresh)); grew = true; }
    }
    return grew;
  };

  slider.addEventListener("input", () => { smoothing = Number(slider.value); sliderValue.textContent = smoothing.toFixed(2); renderCharts(); });
  addRun.addEventListener("change", () => {
    if (!addRun.value) return;
    location.hash = `#/run/${encodeURIComponent(id)}?with=${[...overlay.slice(1), addRun.value].map(encodeURIComponent).join(",")}`;
  });
  diffWith.addEventListener("change", renderDiff);

  config.textContent = JSON.stringify(current.run.config, null, 2);
  renderHeader();
  renderSummary();
  renderText();
  await fetchSeries();
  renderCharts();
  renderImages();
  poll(async () => {
    const running = overlay.some(runId => (runsById.get(runId) || {}).status === "running") || current.run.status === "running";
    if (!running) return;
    const fresh = await getJson(`/api/runs/${encodeURIComponent(id)}`);
    const mediaChanged = fresh.media.length !== current.media.length;
    current = fresh;
    for (const run of await getJson("/api/runs")) runsById.set(run.id, run);
    renderHeader();
    renderSummary();
    renderText();
    if (await fetchSeries()) renderCharts();
    if (mediaChanged) renderImages();
  }, 3000);
}

// ---- sweep view --------------------------------------------------------------------------------------------------

// The objective a sweep config names, in the shapes a sweep may be written in (W&B's metric.name, our objective.metric).
function objectiveOf(config) {
  if (!config || typeof config !== "object") return null;
  for (const candidate of [config.metric, config.objective, config.Objective, config.Metric]) {
    if (typeof candidate === "string") return { metric: candidate, goal: config.goal };
    if (candidate && typeof candidate === "object") {
      const metric = candidate.name ?? candidate.metric ?? candidate.Metric;
      if (typeof metric === "string") return { metric, goal: candidate.goal ?? candidate.Goal };
    }
  }
  return null;
}

// Each trial's settings: its whole resolved config with its changes from the defaults on top, and a setting a trial
// left at its default filled in from another trial's recorded default, so a trial that tried the default value is
// shown (and plotted) like the others instead of dropped.
function trialConfigs(runs) {
  const configs = runs.map(run => ({ ...(run.config && typeof run.config.config === "object" && run.config.config !== null ? run.config.config : {}), ...keyConfig(run.config) }));
  const defaults = {};
  for (const run of runs) {
    const diff = run.config && run.config.diff_from_defaults;
    if (diff && typeof diff === "object")
      for (const [key, change] of Object.entries(diff))
        if (change && typeof change === "object" && "default" in change && !(key in defaults)) defaults[key] = change.default;
  }
  for (const config of configs) for (const [key, value] of Object.entries(defaults)) if (!(key in config)) config[key] = value;
  return configs;
}

// The settings that differ between trials (the swept ones), leaving out the per-run bookkeeping.
function sweptParameters(configs) {
  return [...new Set(configs.flatMap(Object.keys))]
    .filter(key => !/^Tracker\./.test(key) && new Set(configs.map(c => String(c[key]))).size > 1).sort();
}

// Spearman's rank correlation of two equally long arrays (average ranks for ties); NaN when either is constant.
function spearman(xs, ys) {
  const rank = values => {
    const order = values.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
    const ranks = new Array(values.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2;
      i = j + 1;
    }
    return ranks;
  };
  const [a, b] = [rank(xs), rank(ys)];
  const mean = v => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - ma) * (b[i] - mb); da += (a[i] - ma) ** 2; db += (b[i] - mb) ** 2; }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : NaN;
}

// A parameter's values as numbers: numeric as they are, categories by their order of first appearance.
function numericValues(configs, parameter) {
  const raw = configs.map(c => c[parameter]);
  if (raw.every(v => Number.isFinite(number(v)))) return { values: raw.map(number), categories: null };
  const categories = [...new Set(raw.map(String))].sort();
  return { values: raw.map(v => categories.indexOf(String(v))), categories };
}

// Which parameters move the objective: |Spearman correlation| over the finished trials, largest first (a category
// parameter is ranked by its categories' mean objective, so the order of names does not matter).
function importance(runs, configs, parameters, metric) {
  const done = runs.map((run, i) => i).filter(i => Number.isFinite(number(runs[i].summary[metric])));
  const ys = done.map(i => number(runs[i].summary[metric]));
  return parameters.map(parameter => {
    const { values, categories } = numericValues(done.map(i => configs[i]), parameter);
    let xs = values;
    if (categories) {
      const means = categories.map((_, c) => { const hit = ys.filter((_, k) => values[k] === c); return hit.reduce((s, y) => s + y, 0) / hit.length; });
      xs = values.map(c => means[c]);
    }
    return { parameter, correlation: done.length >= 3 ? spearman(xs, ys) : NaN };
  }).sort((a, b) => (Number.isFinite(b.correlation) ? Math.abs(b.correlation) : -1) - (Number.isFinite(a.correlation) ? Math.abs(a.correlation) : -1));
}

// Parallel coordinates (W&B's first sweep view): one vertical axis per parameter and one for the objective, one line
// per trial, coloured from best (blue) to worst (red) by the objective and its goal.
function parallelCoordinates(runs, configs, parameters, metric, goal) {
  const axes = [...parameters, metric];
  const width = Math.max(560, 140 * axes.length), height = 300, top = 26, bottom = 30, left = 50, right = 50;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", id: "parallel" });
  const done = runs.map((run, i) => i).filter(i => Number.isFinite(number(runs[i].summary[metric])));
  if (!metric || parameters.length === 0 || done.length === 0) {
    root.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no finished trials with swept parameters yet"));
    return root;
  }
  const x = k => left + (axes.length === 1 ? 0 : k * (width - left - right) / (axes.length - 1));
  const scales = axes.map(axis => {
    const columns = axis === metric ? { values: done.map(i => number(runs[i].summary[metric])), categories: null } : numericValues(done.map(i => configs[i]), axis);
    let [lo, hi] = [Math.min(...columns.values), Math.max(...columns.values)];
    if (hi === lo) { lo -= 1; hi += 1; }
    const y = v => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
    return { axis, ...columns, lo, hi, y };
  });
  scales.forEach((scale, k) => {
    root.append(svg("line", { class: "axis", x1: x(k), x2: x(k), y1: top, y2: height - bottom }));
    root.append(svg("text", { x: x(k), y: 14, "text-anchor": "middle", class: "axis-name" }, scale.axis));
    const marks = scale.categories ? scale.categories.map((c, i) => [i, c]) : (() => { const t = ticks(scale.lo, scale.hi, 4); const l = tickLabels(t); return t.map((v, i) => [v, l[i]]); })();
    for (const [v, label] of marks) root.append(svg("text", { x: x(k) - 4, y: scale.y(v) + 3, "text-anchor": "end", class: "tick" }, label));
  });
  const objective = scales[scales.length - 1];
  const better = goal === "maximize" ? 1 : -1;
  done.forEach((runIndex, row) => {
    const value = objective.values[row];
    const quality = objective.hi === objective.lo ? 0.5 : (better > 0 ? (value - objective.lo) : (objective.hi - value)) / (objective.hi - objective.lo);
    const color = `hsl(${Math.round(quality * 220)}, 70%, 45%)`;   // 0 red (worst) … 220 blue (best)
    const d = scales.map((scale, k) => `${k === 0 ? "M" : "L"}${x(k).toFixed(1)},${scale.y(scale.values[row]).toFixed(1)}`).join("");
    const line = svg("path", { d, fill: "none", stroke: color, "stroke-width": 1.6, opacity: 0.85, "data-run": runs[runIndex].id, class: "trial" });
    line.append(svg("title", {}, `${displayName(runs[runIndex])}: ${metric}=${formatNumber(value)}`));
    line.addEventListener("click", () => { location.hash = `#/run/${encodeURIComponent(runs[runIndex].id)}`; });
    root.append(line);
  });
  return root;
}

// An evaluation sweep's points (eval RUN-DIR --sweep) have no run folders: each is shown as a finished trial with its
// settings and objective value, linked to the trained run it evaluated.
function sweepTrials(detail, objective) {
  const points = (detail.trials || []).map(trial => ({ id: trial.runId, name: `point ${trial.number}`, status: "finished",
    summary: objective && trial.value !== null ? { [objective.metric]: trial.value } : {}, config: { config: trial.parameters } }));
  return [...detail.runs, ...points];
}

async function showSweep(view, id) {
  const detail = await getJson(`/api/sweeps/${encodeURIComponent(id)}`);
  const objective = objectiveOf(detail.sweep.config);
  let runs = sweepTrials(detail, objective);
  let configs = trialConfigs(runs);
  let parameters = sweptParameters(configs);
  const summaryKeys = () => [...new Set(runs.flatMap(run => Object.keys(run.summary)))].sort();
  const choose = (label, options, selected) => el("label", {}, `${label} `,
    el("select", { "aria-label": label }, options.map(option => el("option", { value: option, selected: option === selected }, option))));
  const parameterPick = choose("parameter", parameters, parameters[0]);
  const objectivePick = choose("objective", summaryKeys(), objective && summaryKeys().includes(objective.metric) ? objective.metric : summaryKeys()[0]);
  const parallel = el("div", { class: "chart wide", id: "parallel-chart" });
  const ranking = el("div", { id: "importance" });
  const plot = el("div", { id: "scatter", class: "chart" });
  const table = el("table", { id: "trials" });
  view.replaceChildren(el("h1", {}, `Sweep ${detail.sweep.name}`),
    el("p", { class: "muted" }, detail.trials.length > 0 ? `${detail.trials.length} evaluated point(s) of a trained run` : `${runs.length} run(s)`, objective ? ` · objective ${objective.metric}${objective.goal ? ` (${objective.goal})` : ""}` : ""),
    el("div", { class: "toolbar" }, objectivePick),
    el("h2", {}, "Parallel coordinates"), parallel,
    el("h2", {}, "Parameter importance"), ranking,
    el("h2", {}, "Objective against one parameter"), el("div", { class: "toolbar" }, parameterPick), plot,
    el("h2", {}, "Trials"), el("div", { class: "table-wrap" }, table),
    el("h2", {}, "Sweep config"), el("pre", {}, JSON.stringify(detail.sweep.config, null, 2)));
  const render = () => {
    const parameter = parameterPick.querySelector("select").value;
    const metric = objectivePick.querySelector("select").value;
    parallel.replaceChildren(parallelCoordinates(runs, configs, parameters, metric, objective && objective.metric === metric ? objective.goal : undefined));
    const ranks = importance(runs, configs, parameters, metric);
    ranking.replaceChildren(el("table", { class: "importance" },
      el("thead", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, `Spearman correlation with ${metric}`), el("th", {}, "|correlation|"))),
      el("tbody", {}, ranks.map(r => el("tr", { "data-parameter": r.parameter }, el("td", {}, r.parameter),
        el("td", { class: "number" }, Number.isFinite(r.correlation) ? r.correlation.toFixed(3) : "n/a (fewer than 3 finished trials or a constant)"),
        el("td", {}, Number.isFinite(r.correlation) ? el("span", { class: "bar", style: null, "data-width": Math.round(Math.abs(r.correlation) * 100) }) : ""))))));
    for (const bar of ranking.querySelectorAll(".bar")) bar.style.width = `${bar.dataset.width}px`;
    plot.replaceChildren(scatter(runs, configs, parameter, metric));
    table.replaceChildren(el("thead", {}, el("tr", {}, el("th", {}, "run"), el("th", {}, "status"), parameters.map(p => el("th", {}, p)), el("th", {}, metric || "objective"))),
      el("tbody", {}, runs.map((run, i) => el("tr", { "data-run": run.id }, el("td", {}, runLink(run)), el("td", {}, statusBadge(run.status)),
        parameters.map(p => el("td", {}, configs[i][p] ?? "")), el("td", { class: "number" }, metric in run.summary ? formatNumber(run.summary[metric]) : "")))));
  };
  for (const select of view.querySelectorAll("select")) select.addEventListener("change", render);
  render();
  poll(async () => {
    runs = sweepTrials(await getJson(`/api/sweeps/${encodeURIComponent(id)}`), objective);
    configs = trialConfigs(runs);
    parameters = sweptParameters(configs);
    render();
  }, 5000);
}

// Objective against one parameter: numeric values on a linear axis, anything else as evenly spaced categories.
function scatter(runs, configs, parameter, metric) {
  const width = 560, height = 300, left = 60, right = 16, top = 10, bottom = 40;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  const points = runs.map((run, i) => ({ run, x: configs[i][parameter], y: number(run.summary[metric]) }))
    .filter(p => p.x !== undefined && Number.isFinite(p.y));
  if (!parameter || !metric || points.length === 0) {
    root.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no runs with this parameter and objective yet"));
    return root;
  }
  const numeric = points.every(p => Number.isFinite(number(p.x)));
  const categories = numeric ? [] : [...new Set(points.map(p => String(p.x)))].sort();
  const xs = points.map(p => numeric ? number(p.x) : categories.indexOf(String(p.x)));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...points.map(p => p.y)), Math.max(...points.map(p => p.y))];
  if (x1 === x0) { x0 -= 1; x1 += 1; } else { const pad = (x1 - x0) * 0.06; x0 -= pad; x1 += pad; }
  if (y1 === y0) { y0 -= Math.abs(y0) * 0.1 || 1; y1 += Math.abs(y1) * 0.1 || 1; } else { const pad = (y1 - y0) * 0.06; y0 -= pad; y1 += pad; }
  const x = v => left + (v - x0) / (x1 - x0) * (width - left - right);
  const y = v => top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom);
  const yTicks = ticks(y0, y1, 5), yLabels = tickLabels(yTicks);
  yTicks.forEach((t, i) => {
    root.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: y(t), y2: y(t) }));
    root.append(svg("text", { x: left - 4, y: y(t) + 3, "text-anchor": "end", class: "tick" }, yLabels[i]));
  });
  const numericTicks = numeric ? ticks(x0, x1, 6) : [];
  const xTicks = numeric ? numericTicks.map((t, i) => [t, tickLabels(numericTicks)[i]]) : categories.map((c, i) => [i, c]);
  for (const [t, label] of xTicks) root.append(svg("text", { x: x(t), y: height - 22, "text-anchor": "middle" }, label));
  root.append(svg("text", { x: (left + width) / 2, y: height - 4, "text-anchor": "middle" }, parameter));
  root.append(svg("line", { class: "axis", x1: left, x2: left, y1: top, y2: height - bottom }));
  root.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }));
  points.forEach((p, i) => {
    const dot = svg("circle", { class: "point", cx: x(xs[i]), cy: y(p.y), r: 5, fill: COLORS[0], "data-run": p.run.id });
    dot.append(svg("title", {}, `${p.run.name}: ${parameter}=${p.x}, ${metric}=${formatNumber(p.y)}`));
    dot.addEventListener("click", () => { location.hash = `#/run/${encodeURIComponent(p.run.id)}`; });
    root.append(dot);
  });
  return root;
}

// ---- router ------------------------------------------------------------------------------------------------------

async function route() {
  clearTimeout(timer);
  generation++;
  const view = document.getElementById("view");
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === "run" && parts[1]) await showRun(view, parts[1], params);
    else if (parts[0] === "sweep" && parts[1]) await showSweep(view, parts[1]);
    else await showRuns(view);
    document.body.dataset.ready = location.hash || "#/";
    setLive(true);
  } catch (error) {
    view.replaceChildren(el("p", { class: "error" }, `Could not load this page: ${error.message}`), el("a", { href: "#/" }, "back to the runs"));
    document.body.dataset.ready = "error";
  }
}

window.addEventListener("hashchange", route);
route();
