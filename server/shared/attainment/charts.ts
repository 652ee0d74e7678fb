// The attainment charts as ECharts options: one definition for the pages (rendered in the
// browser) and the Word reports (rendered to SVG on the server, server/attainment/word.ts).
// Pure data → option; no DOM, no Node APIs, so client components import it too.
import type { EChartsOption } from "echarts";
import { at } from "../indexed";

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
    series: [
      {
        type: "bar",
        name: l.attainment,
        barMaxWidth: 48,
        data: rows.map((r) => ({ value: pct(r.value), itemStyle: { color: r.value >= threshold - 1e-9 ? "#1677ff" : "#ff4d4f" } })),
        label: { show: true, position: "top", formatter: (p: { value?: unknown }) => Number(p.value).toFixed(3) },
        markLine: {
          symbol: "none",
          lineStyle: { color: "#fa8c16", type: "dashed" },
          label: { position: "insideEndTop", formatter: `${l.threshold} ${threshold}` },
          data: [{ yAxis: threshold }],
        },
      },
    ],
  };
}

export const BINS = 10;

/** Counts of per-student values in ten bins [0, 0.1), …, [0.9, 1.0]. */
export function histogram(values: number[]): number[] {
  const out = new Array<number>(BINS).fill(0);
  for (const v of values) {
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor(v * BINS)));
    out[bin] = at(out, bin) + 1;
  }
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
export function requirementsRadarOption(
  rows: { code: string; direct: number; indirect?: number | null }[],
  threshold: number,
  l: ChartLabels,
): EChartsOption {
  const withIndirect = rows.some((r) => r.indirect != null);
  return {
    animation: false,
    legend: { bottom: 0 },
    tooltip: {},
    radar: { indicator: rows.map((r) => ({ name: r.code, max: 1, min: 0 })), radius: "65%", center: ["50%", "48%"] },
    series: [
      {
        type: "radar",
        data: [
          { name: l.direct, value: rows.map((r) => pct(r.direct)), areaStyle: { opacity: 0.15 } },
          // a requirement without an indirect value is a gap ("-"), not a zero
          ...(withIndirect ? [{ name: l.indirect, value: rows.map((r) => (r.indirect == null ? "-" : pct(r.indirect))) }] : []),
          {
            name: `${l.threshold} ${threshold}`,
            value: rows.map(() => threshold),
            lineStyle: { type: "dashed" as const, color: "#fa8c16" },
            itemStyle: { color: "#fa8c16" },
            symbol: "none",
          },
        ],
      },
    ],
  };
}

/**
 * Requirements over the cohorts: a school year's run evaluates the class graduating in it, so
 * each computed year is a cohort on the x axis (labelled by `cohortOf`), one line per
 * requirement (a gap where a year lacks it), the threshold as a dashed line.
 */
export function trendOption(
  years: { year: string; requirements: { requirement: string; attainment: number }[] }[],
  threshold: number,
  l: ChartLabels,
  cohortOf: (year: string) => string,
): EChartsOption {
  const codes = [...new Set(years.flatMap((y) => y.requirements.map((r) => r.requirement)))];
  return {
    animation: false,
    grid: { left: 44, right: 16, top: 24, bottom: 64 },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    xAxis: { type: "category", data: years.map((y) => cohortOf(y.year)), boundaryGap: years.length === 1 },
    yAxis: { type: "value", min: 0, max: 1, name: l.attainment },
    series: codes.map((code, i) => ({
      type: "line" as const,
      name: code,
      symbolSize: 6,
      connectNulls: false,
      data: years.map((y) => {
        const r = y.requirements.find((x) => x.requirement === code);
        return r ? pct(r.attainment) : null;
      }),
      ...(i === 0
        ? {
            markLine: {
              silent: true,
              symbol: "none",
              lineStyle: { color: "#fa8c16", type: "dashed" as const },
              label: { position: "insideEndTop" as const, formatter: `${l.threshold} ${threshold}` },
              data: [{ yAxis: threshold }],
            },
          }
        : {}),
    })),
  };
}
