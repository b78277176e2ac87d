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

const runLink = run => el("a", { href: `#/run/${encodeURIComponent(run.id)}` }, run.name);

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
  for (const t of ticks(y0, y1, 5)) {
    root.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: y(t), y2: y(t) }));
    root.append(svg("text", { x: left - 4, y: y(t) + 3, "text-anchor": "end" }, formatNumber(t)));
  }
  for (const t of ticks(x0, x1, 6)) {
    root.append(svg("text", { x: x(t), y: height - 8, "text-anchor": "middle" }, formatNumber(t)));
  }
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
  view.replaceChildren(el("h1", {}, "Runs"), el("div", { class: "toolbar" }, filter, compare), table, sweeps);
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
    { id: "name", label: "run", value: run => run.name },
    { id: "started", label: "started", value: run => run.started || "" },
    { id: "config", label: "key config", value: run => JSON.stringify(keyConfig(run.config)) },
    ...summaryKeys.map(key => ({ id: `summary:${key}`, label: key, numeric: true, value: run => number(run.summary[key]) })),
  ];
  const words = runsState.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const visible = runs.filter(run => {
    const text = [run.name, run.experiment, run.status, run.id, run.sweepId || "",
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
      el("td", {}, box), el("td", {}, statusBadge(run.status)), el("td", {}, run.experiment), el("td", {}, runLink(run)),
      el("td", {}, formatTime(run.started)), el("td", {}, chips),
      summaryKeys.map(key => el("td", { class: "number" }, key in run.summary ? formatNumber(run.summary[key]) : "")));
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
  if (runs.length === 0) table.append(el("caption", { class: "muted" }, "No runs yet: start one with `run NAME`."));
}

function renderSweepList(container, sweeps) {
  if (sweeps.length === 0) { container.replaceChildren(); return; }
  container.replaceChildren(el("h2", {}, "Sweeps"), el("ul", {}, sweeps.map(sweep =>
    el("li", {}, el("a", { href: `#/sweep/${encodeURIComponent(sweep.id)}` }, sweep.name), ` — ${sweep.runs} run(s)`))));
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
  view.replaceChildren(header,
    el("h2", {}, "Metrics"), el("div", { class: "toolbar" }, el("label", {}, "smoothing ", slider, " ", sliderValue), addRun), legend, charts,
    el("h2", {}, "Samples"), images,
    el("h2", {}, "Config"), el("div", { class: "toolbar" }, diffWith), diff, config);

  const colorOf = runId => COLORS[overlay.indexOf(runId) % COLORS.length];
  const nameOf = runId => (runsById.get(runId) || { name: runId }).name;

  const renderHeader = () => {
    const run = current.run;
    header.replaceChildren(el("h1", {}, run.name, " ", statusBadge(run.status)),
      el("p", { class: "muted" }, `${run.experiment} · ${run.id} · started ${formatTime(run.started)}`,
        run.finished ? ` · finished ${formatTime(run.finished)}` : "", run.exitCode !== null ? ` · exit code ${run.exitCode}` : "",
        run.sweepId ? " · sweep " : "", run.sweepId ? el("a", { href: `#/sweep/${encodeURIComponent(run.sweepId)}` }, run.sweepId) : ""));
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

async function showSweep(view, id) {
  const detail = await getJson(`/api/sweeps/${encodeURIComponent(id)}`);
  const objective = objectiveOf(detail.sweep.config);
  let runs = detail.runs;
  let configs = runs.map(run => keyConfig(run.config));
  const parameters = [...new Set(configs.flatMap(Object.keys))]
    .filter(key => new Set(configs.map(c => String(c[key]))).size > 1).sort();
  const summaryKeys = [...new Set(runs.flatMap(run => Object.keys(run.summary)))].sort();
  const choose = (label, options, selected) => el("label", {}, `${label} `,
    el("select", { "aria-label": label }, options.map(option => el("option", { value: option, selected: option === selected }, option))));
  const parameterPick = choose("parameter", parameters, parameters[0]);
  const objectivePick = choose("objective", summaryKeys, objective && summaryKeys.includes(objective.metric) ? objective.metric : summaryKeys[0]);
  const plot = el("div", { id: "scatter", class: "chart" });
  const table = el("table");
  view.replaceChildren(el("h1", {}, `Sweep ${detail.sweep.name}`),
    el("p", { class: "muted" }, `${runs.length} run(s)`, objective ? ` · objective ${objective.metric}${objective.goal ? ` (${objective.goal})` : ""}` : ""),
    el("div", { class: "toolbar" }, parameterPick, objectivePick), plot, table,
    el("h2", {}, "Sweep config"), el("pre", {}, JSON.stringify(detail.sweep.config, null, 2)));
  const render = () => {
    const parameter = parameterPick.querySelector("select").value;
    const metric = objectivePick.querySelector("select").value;
    plot.replaceChildren(scatter(runs, configs, parameter, metric));
    table.replaceChildren(el("thead", {}, el("tr", {}, el("th", {}, "run"), el("th", {}, "status"), parameters.map(p => el("th", {}, p)), el("th", {}, metric || "objective"))),
      el("tbody", {}, runs.map((run, i) => el("tr", {}, el("td", {}, runLink(run)), el("td", {}, statusBadge(run.status)),
        parameters.map(p => el("td", {}, configs[i][p] ?? "")), el("td", { class: "number" }, metric in run.summary ? formatNumber(run.summary[metric]) : "")))));
  };
  for (const select of view.querySelectorAll("select")) select.addEventListener("change", render);
  render();
  poll(async () => {
    runs = (await getJson(`/api/sweeps/${encodeURIComponent(id)}`)).runs;
    configs = runs.map(run => keyConfig(run.config));
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
  for (const t of ticks(y0, y1, 5)) {
    root.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: y(t), y2: y(t) }));
    root.append(svg("text", { x: left - 4, y: y(t) + 3, "text-anchor": "end" }, formatNumber(t)));
  }
  const xTicks = numeric ? ticks(x0, x1, 6).map(t => [t, formatNumber(t)]) : categories.map((c, i) => [i, c]);
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
