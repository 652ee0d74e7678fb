"use client";
import type { ECharts, EChartsOption } from "echarts";
import { useEffect, useRef } from "react";

/**
 * The one ECharts chart of the pages (SVG renderer, echarts loaded on demand), as wide as its
 * box and following its width; options come from server/shared (appraisal, attainment charts),
 * the same definitions the server renders as SVG for reports.
 */
export function EChart({
  option,
  height = 320,
  testid,
  onClick,
}: {
  option: EChartsOption;
  height?: number;
  testid?: string;
  onClick?: (name: string, dataIndex: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: ECharts | null = null;
    const observer = new ResizeObserver(() => chart?.resize());
    void import("echarts").then((echarts) => {
      if (disposed || !ref.current) return;
      const c = echarts.init(ref.current, null, { renderer: "svg" });
      chart = c;
      c.setOption(option);
      if (onClick) c.on("click", (p) => onClick(p.name, p.dataIndex));
      observer.observe(ref.current);
    });
    return () => {
      disposed = true;
      observer.disconnect();
      chart?.dispose();
    };
  }, [option, onClick]);
  return <div ref={ref} style={{ width: "100%", height }} data-testid={testid} />;
}
