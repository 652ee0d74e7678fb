// The attainment charts as ECharts options: one definition for the pages (rendered in the
// browser) and the Word reports (rendered to SVG on the server, server/attainment/word.ts).
// Pure data → option; no DOM, no Node APIs, so client components import it too.
import type { EChartsOption } from "echarts";

export type ChartLabels = { attainment: string; threshold: string; students: string; direct: string; indirect: string };

const pct = (v: number) => Math.round(v * 1000) / 1000;

/** Course objectives (or courses) against the threshold: bars, red below it, the threshold as a line. */
export function objectivesBarOption(rows: { label: string; value: number }[], threshold: number, l: ChartLabels): EChartsOption {
  return {
    animation: false,
    grid: { left: 48, right: 24, top: 32, bottom: 40 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.map((r) => r.label), axisLabel: { interval: 0 } },
    yAxis: { type: "value", min: 0, max: 1, name: l.attainment },
    series: [{
      type: "bar", name: l.attainment, barMaxWidth: 48,
      data: rows.map((r) => ({ value: pct(r.value), itemStyle: { color: r.value >= threshold - 1e-9 ? "#1677ff" : "#ff4d4f" } })),
      label: { show: true, position: "top", formatter: (p: { value?: unknown }) => Number(p.value).toFixed(3) },
      markLine: { symbol: "none", lineStyle: { color: "#fa8c16", type: "dashed" }, label: { position: "insideEndTop", formatter: `${l.threshold} ${threshold}` }, data: [{ yAxis: threshold }] },
    }],
  };
}

export const BINS = 10;

/** Counts of per-student values in ten bins [0, 0.1), …, [0.9, 1.0]. */
export function histogram(values: number[]): number[] {
  const out = new Array<number>(BINS).fill(0);
  for (const v of values) out[Math.min(BINS - 1, Math.max(0, Math.floor(v * BINS)))]++;
  return out;
}

/** The distribution of students' per-objective values, one bar series per objective. */
export function distributionOption(series: { label: string; values: number[] }[], l: ChartLabels): EChartsOption {
  const bins = Array.from({ length: BINS }, (_, i) => `${(i / BINS).toFixed(1)}–${((i + 1) / BINS).toFixed(1)}`);
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 40, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: bins, axisLabel: { interval: 0, fontSize: 10 } },
    yAxis: { type: "value", name: l.students, minInterval: 1 },
    series: series.map((s) => ({ type: "bar", name: s.label, data: histogram(s.values) })),
  };
}

/** Requirements on a radar: the direct value, the indirect one where there is one, and the threshold. */
export function requirementsRadarOption(rows: { code: string; direct: number; indirect?: number | null }[], threshold: number, l: ChartLabels): EChartsOption {
  const withIndirect = rows.some((r) => r.indirect != null);
  return {
    animation: false,
    legend: { bottom: 0 },
    tooltip: {},
    radar: { indicator: rows.map((r) => ({ name: r.code, max: 1, min: 0 })), radius: "65%", center: ["50%", "48%"] },
    series: [{
      type: "radar",
      data: [
        { name: l.direct, value: rows.map((r) => pct(r.direct)), areaStyle: { opacity: 0.15 } },
        ...(withIndirect ? [{ name: l.indirect, value: rows.map((r) => pct(r.indirect ?? 0)) }] : []),
        { name: `${l.threshold} ${threshold}`, value: rows.map(() => threshold), lineStyle: { type: "dashed" as const, color: "#fa8c16" }, itemStyle: { color: "#fa8c16" }, symbol: "none" },
      ],
    }],
  };
}
