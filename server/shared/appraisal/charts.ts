/**
 * ECharts options of the appraisal pages, plain data in and out, so that the same definition
 * draws in the browser (app/_components/EChart.tsx) and as SVG on the server
 * (echarts' SSR renderer, for reports).
 */
import type { EChartsOption } from "echarts";

const BAND_COLOURS = { excellent: "#237804", good: "#1677ff", pass: "#d48806", fail: "#cf1322", none: "#bfbfbf" } as const;
const ORDER = ["excellent", "good", "pass", "fail", "none"] as const;

export type BandCount = { unit: string | null; band: string | null; n: number };

/** Stacked bars: per unit the number of teachers in each band (none: no band). */
export function bandsPerUnitOption(
  rows: readonly BandCount[],
  labels: Record<(typeof ORDER)[number], string>,
  schoolLabel: string,
): EChartsOption {
  const units = [...new Set(rows.map((r) => r.unit ?? schoolLabel))];
  return {
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: units, axisLabel: { width: 110, overflow: "truncate" } },
    series: ORDER.map((b) => ({
      name: labels[b],
      type: "bar",
      stack: "bands",
      itemStyle: { color: BAND_COLOURS[b] },
      label: { show: true },
      data: units.map((u) => {
        const value = rows.filter((r) => (r.unit ?? schoolLabel) === u && (r.band ?? "none") === b).reduce((a, r) => a + r.n, 0);
        return { value, label: { show: value > 0 } };
      }),
    })),
  };
}

export type HistoryPoint = { schoolYear: string; score: number | null; band: string | null };

/** A teacher's composite over the years, with the band cut-offs as dashed lines. */
export function historyOption(
  points: readonly HistoryPoint[],
  cutoffs: { excellent: number; good: number; pass: number },
  bandLabel: (b: string | null) => string,
): EChartsOption {
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: points.map((p) => p.schoolYear) },
    yAxis: {
      type: "value",
      max: 100,
      min: Math.max(0, Math.floor(Math.min(cutoffs.pass, ...points.flatMap((p) => (p.score === null ? [] : [p.score]))) - 5)),
    },
    series: [
      {
        type: "line",
        name: "composite",
        connectNulls: false,
        symbolSize: 8,
        data: points.map((p) => {
          const value = p.score === null ? null : Math.round(p.score * 10) / 10;
          return { value, label: { show: value !== null, formatter: `${value ?? ""} ${bandLabel(p.band)}` } };
        }),
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", color: "#8c8c8c" },
          data: [{ yAxis: cutoffs.excellent }, { yAxis: cutoffs.good }, { yAxis: cutoffs.pass }],
        },
      },
    ],
  };
}

export type TermPoint = { term: string; score: number; n: number; ci95: [number, number] | null };

/**
 * A teacher's composite per term: the line labelled with the score and its n, the 95 % interval
 * as a shaded band (its lower limit stacked under the interval's width), the cut-offs dashed.
 */
export function termTrendOption(
  points: readonly TermPoint[],
  cutoffs: { excellent: number; good: number; pass: number },
  label: (p: TermPoint) => string,
): EChartsOption {
  const round = (x: number) => Math.round(x * 10) / 10;
  const lows = points.flatMap((p) => [p.score, ...(p.ci95 ? [p.ci95[0]] : [])]);
  return {
    animation: false,
    tooltip: {
      trigger: "axis",
      formatter: (ps: unknown) => {
        const i = (ps as { dataIndex: number }[])[0]?.dataIndex ?? 0;
        const p = points[i];
        return p ? `${p.term}<br/>${label(p)}${p.ci95 ? `<br/>95% CI ${round(p.ci95[0])} – ${round(p.ci95[1])}` : ""}` : "";
      },
    },
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: points.map((p) => p.term), boundaryGap: points.length < 2 },
    yAxis: { type: "value", max: 100, min: Math.max(0, Math.floor(Math.min(cutoffs.pass, ...lows) - 5)) },
    series: [
      {
        type: "line",
        name: "ci-low",
        stack: "ci",
        symbol: "none",
        lineStyle: { opacity: 0 },
        silent: true,
        data: points.map((p) => (p.ci95 ? round(p.ci95[0]) : null)),
      },
      {
        type: "line",
        name: "ci",
        stack: "ci",
        symbol: "none",
        lineStyle: { opacity: 0 },
        areaStyle: { color: "#1677ff", opacity: 0.12 },
        silent: true,
        data: points.map((p) => (p.ci95 ? round(p.ci95[1] - p.ci95[0]) : null)),
      },
      {
        type: "line",
        name: "composite",
        symbolSize: 8,
        itemStyle: { color: "#1677ff" },
        data: points.map((p) => ({ value: round(p.score), label: { show: true, formatter: label(p) } })),
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", color: "#8c8c8c" },
          data: [{ yAxis: cutoffs.excellent }, { yAxis: cutoffs.good }, { yAxis: cutoffs.pass }],
        },
      },
    ],
  };
}
