"use client";
import type { ECharts, EChartsOption } from "echarts";
import { useEffect, useRef } from "react";

/** An ECharts chart (SVG renderer) of the given option, as wide as its container. */
export function EChart({ option, height = 320, testid, onClick }: { option: EChartsOption; height?: number; testid?: string; onClick?: (name: string, dataIndex: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: ECharts | null = null;
    const resize = () => chart?.resize();
    void import("echarts").then((echarts) => {
      if (disposed || !ref.current) return;
      const c = echarts.init(ref.current, null, { renderer: "svg" });
      chart = c;
      c.setOption(option);
      if (onClick) c.on("click", (p) => onClick(p.name, p.dataIndex));
      window.addEventListener("resize", resize);
    });
    return () => {
      disposed = true;
      window.removeEventListener("resize", resize);
      chart?.dispose();
    };
  }, [option, onClick]);
  return <div ref={ref} style={{ width: "100%", height }} data-testid={testid} />;
}
