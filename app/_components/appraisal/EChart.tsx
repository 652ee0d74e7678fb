"use client";
import { useEffect, useRef } from "react";
import * as echarts from "echarts";
import type { EChartsOption } from "echarts";

/** An ECharts chart (SVG renderer) that follows its box's width; the option comes from server/shared/appraisal/charts.ts. */
export function EChart({ option, height, testId }: { option: EChartsOption; height: number; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, null, { renderer: "svg" });
    chart.setOption(option);
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => { observer.disconnect(); chart.dispose(); };
  }, [option]);
  return <div ref={ref} data-testid={testId} style={{ width: "100%", height }} />;
}
